"""Call routes and statuses."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class Route(LabelledEnum):
    """采购方式: how a call's applications become awards."""

    VENTURE_GRANT = "venture_grant", _l("Venture grant (公益创投)")  # 公益创投
    TARGETED = "targeted", _l("Targeted purchase (定向购买)")  # 定向购买 / 定向委托
    TENDER = "tender", _l("Tender (招投标)")  # 招投标

    @property
    def code(self):
        """Short code used in application and contract numbers."""
        return {Route.VENTURE_GRANT: "GYCT", Route.TARGETED: "DXGM", Route.TENDER: "ZTB"}[self]


class CallStatus(LabelledEnum):
    """征集状态, derived from the call's times and actions, never typed."""

    DRAFT = "draft", _l("Draft")  # 草稿
    UPCOMING = "upcoming", _l("Upcoming")  # 即将开始
    OPEN = "open", _l("Open")  # 征集中
    CLOSED = "closed", _l("Closed")  # 已截止
    CANCELLED = "cancelled", _l("Cancelled")  # 已取消


class CallStage(LabelledEnum):
    """发布阶段: the stored facts behind a call's status (publishing and cancelling)."""

    DRAFT = "draft", _l("Draft")  # 草稿
    PUBLISHED = "published", _l("Published")  # 已发布
    CANCELLED = "cancelled", _l("Cancelled")  # 已取消


class InstallmentCondition(LabelledEnum):
    """拨付条件"""

    ON_SIGNING = "on_signing", _l("On signing")  # 签约后
    REPORT_ACCEPTED = "report_accepted", _l("After an accepted progress report")  # 进度报告通过后
    MIDTERM_PASSED = "midterm_passed", _l("After a passed mid-term evaluation")  # 中期评估合格后
    FINAL_PASSED = "final_passed", _l("After a passed final evaluation")  # 结项评估合格后
    PROJECT_CLOSED = "project_closed", _l("After the project is closed")  # 结项后


DEFAULT_INSTALLMENT_PLAN = [
    {"percent": 50, "condition": InstallmentCondition.ON_SIGNING.value},
    {"percent": 30, "condition": InstallmentCondition.MIDTERM_PASSED.value},
    {"percent": 20, "condition": InstallmentCondition.FINAL_PASSED.value},
]
