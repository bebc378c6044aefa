"""Call routes and statuses."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Route(StrEnum):
    """采购方式: how a call's applications become awards."""

    VENTURE_GRANT = "venture_grant"  # 公益创投
    TARGETED = "targeted"  # 定向购买 / 定向委托
    TENDER = "tender"  # 招投标

    @property
    def label(self):
        return {
            Route.VENTURE_GRANT: _l("Venture grant (公益创投)"),
            Route.TARGETED: _l("Targeted purchase (定向购买)"),
            Route.TENDER: _l("Tender (招投标)"),
        }[self]

    @property
    def code(self):
        """Short code used in application and contract numbers."""
        return {Route.VENTURE_GRANT: "GYCT", Route.TARGETED: "DXGM", Route.TENDER: "ZTB"}[self]


class CallStatus(StrEnum):
    """征集状态, derived from the call's times and actions, never typed."""

    DRAFT = "draft"  # 草稿
    UPCOMING = "upcoming"  # 即将开始
    OPEN = "open"  # 征集中
    CLOSED = "closed"  # 已截止
    CANCELLED = "cancelled"  # 已取消

    @property
    def label(self):
        return {
            CallStatus.DRAFT: _l("Draft"),
            CallStatus.UPCOMING: _l("Upcoming"),
            CallStatus.OPEN: _l("Open"),
            CallStatus.CLOSED: _l("Closed"),
            CallStatus.CANCELLED: _l("Cancelled"),
        }[self]


class CallStage(StrEnum):
    """发布阶段: the stored facts behind a call's status (publishing and cancelling)."""

    DRAFT = "draft"  # 草稿
    PUBLISHED = "published"  # 已发布
    CANCELLED = "cancelled"  # 已取消

    @property
    def label(self):
        return {
            CallStage.DRAFT: _l("Draft"),
            CallStage.PUBLISHED: _l("Published"),
            CallStage.CANCELLED: _l("Cancelled"),
        }[self]


class InstallmentCondition(StrEnum):
    """拨付条件"""

    ON_SIGNING = "on_signing"  # 签约后
    REPORT_ACCEPTED = "report_accepted"  # 进度报告通过后
    MIDTERM_PASSED = "midterm_passed"  # 中期评估合格后
    FINAL_PASSED = "final_passed"  # 结项评估合格后
    PROJECT_CLOSED = "project_closed"  # 结项后

    @property
    def label(self):
        return {
            InstallmentCondition.ON_SIGNING: _l("On signing"),
            InstallmentCondition.REPORT_ACCEPTED: _l("After an accepted progress report"),
            InstallmentCondition.MIDTERM_PASSED: _l("After a passed mid-term evaluation"),
            InstallmentCondition.FINAL_PASSED: _l("After a passed final evaluation"),
            InstallmentCondition.PROJECT_CLOSED: _l("After the project is closed"),
        }[self]


DEFAULT_INSTALLMENT_PLAN = [
    {"percent": 50, "condition": InstallmentCondition.ON_SIGNING.value},
    {"percent": 30, "condition": InstallmentCondition.MIDTERM_PASSED.value},
    {"percent": 20, "condition": InstallmentCondition.FINAL_PASSED.value},
]
