"""Roadshow states (路演评审)."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class RoadshowState(LabelledEnum):
    """路演评审会状态; transitions in roadshow/lifecycle.py."""

    SCHEDULED = "scheduled", _l("Scheduled"), "info"  # 已安排
    RUNNING = "running", _l("Running"), "success"  # 进行中
    FINISHED = "finished", _l("Finished"), "secondary"  # 已结束
    CANCELLED = "cancelled", _l("Cancelled"), "dark"  # 已取消


class ItemState(LabelledEnum):
    """路演项目状态: waiting its turn, presenting (scored now), closed (scoring locked)."""

    WAITING = "waiting", _l("Waiting"), "light"  # 等待
    PRESENTING = "presenting", _l("Presenting"), "success"  # 路演中
    CLOSED = "closed", _l("Scoring closed"), "secondary"  # 已结束评分


class SeatStatus(LabelledEnum):
    """What the hall sees of one panel member on the current item (never a score)."""

    SUBMITTED = "submitted", _l("Submitted")  # 已提交
    SCORING = "scoring", _l("Scoring now")  # 评分中
    # 未提交 (the item closed without this sheet)
    NOT_SUBMITTED = "not_submitted", _l("Not submitted")
    CONFLICT = "conflict", _l("Stepped back (回避)")  # 回避
