"""Announcement kinds and the states of announcements and objections."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class AnnouncementKind(LabelledEnum):
    """公示公告的类别"""

    CALL_NOTICE = "call_notice", _l("Call notice")  # 征集公告
    REVIEW_RESULT = "review_result", _l("Review result")  # 评审结果公示
    DESIGNATION = "designation", _l("Targeted purchase designation")  # 定向购买公示
    TENDER_RESULT = "tender_result", _l("Tender result")  # 中标结果公示
    TENDER_FAILED = "tender_failed", _l("Failed tender (废标)")  # 废标公告
    EVALUATION_RESULT = "evaluation_result", _l("Evaluation result")  # 评估结果公示


class AnnouncementState(LabelledEnum):
    """公示状态"""

    PUBLISHED = "published", _l("Being announced")  # 公示中
    FINALISED = "finalised", _l("Final (in effect)")  # 公示期满，结果生效
    WITHDRAWN = "withdrawn", _l("Withdrawn")  # 已撤回


class ObjectionState(LabelledEnum):
    """质疑处理状态"""

    PENDING = "pending", _l("Awaiting an answer")  # 待答复
    UPHELD = "upheld", _l("Upheld")  # 质疑成立
    DISMISSED = "dismissed", _l("Dismissed")  # 质疑不成立
