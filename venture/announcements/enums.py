"""Announcement kinds and the states of announcements and objections."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class AnnouncementKind(StrEnum):
    """公示公告的类别"""

    CALL_NOTICE = "call_notice"  # 征集公告
    REVIEW_RESULT = "review_result"  # 评审结果公示
    DESIGNATION = "designation"  # 定向购买公示
    TENDER_RESULT = "tender_result"  # 中标结果公示
    TENDER_FAILED = "tender_failed"  # 废标公告
    EVALUATION_RESULT = "evaluation_result"  # 评估结果公示

    @property
    def label(self):
        return {
            AnnouncementKind.CALL_NOTICE: _l("Call notice"),
            AnnouncementKind.REVIEW_RESULT: _l("Review result"),
            AnnouncementKind.DESIGNATION: _l("Targeted purchase designation"),
            AnnouncementKind.TENDER_RESULT: _l("Tender result"),
            AnnouncementKind.TENDER_FAILED: _l("Failed tender (废标)"),
            AnnouncementKind.EVALUATION_RESULT: _l("Evaluation result"),
        }[self]


class AnnouncementState(StrEnum):
    """公示状态"""

    PUBLISHED = "published"  # 公示中
    FINALISED = "finalised"  # 公示期满，结果生效
    WITHDRAWN = "withdrawn"  # 已撤回

    @property
    def label(self):
        return {
            AnnouncementState.PUBLISHED: _l("Being announced"),
            AnnouncementState.FINALISED: _l("Final (in effect)"),
            AnnouncementState.WITHDRAWN: _l("Withdrawn"),
        }[self]


class ObjectionState(StrEnum):
    """质疑处理状态"""

    PENDING = "pending"  # 待答复
    UPHELD = "upheld"  # 质疑成立
    DISMISSED = "dismissed"  # 质疑不成立

    @property
    def label(self):
        return {
            ObjectionState.PENDING: _l("Awaiting an answer"),
            ObjectionState.UPHELD: _l("Upheld"),
            ObjectionState.DISMISSED: _l("Dismissed"),
        }[self]
