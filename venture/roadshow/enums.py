"""Roadshow states (路演评审)."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class RoadshowState(StrEnum):
    """路演评审会状态; transitions in roadshow/lifecycle.py."""

    SCHEDULED = "scheduled"  # 已安排
    RUNNING = "running"  # 进行中
    FINISHED = "finished"  # 已结束
    CANCELLED = "cancelled"  # 已取消

    @property
    def label(self):
        return {
            RoadshowState.SCHEDULED: _l("Scheduled"),
            RoadshowState.RUNNING: _l("Running"),
            RoadshowState.FINISHED: _l("Finished"),
            RoadshowState.CANCELLED: _l("Cancelled"),
        }[self]

    @property
    def badge(self):
        return {
            RoadshowState.SCHEDULED: "info",
            RoadshowState.RUNNING: "success",
            RoadshowState.FINISHED: "secondary",
            RoadshowState.CANCELLED: "dark",
        }[self]


class ItemState(StrEnum):
    """路演项目状态: waiting its turn, presenting (scored now), closed (scoring locked)."""

    WAITING = "waiting"  # 等待
    PRESENTING = "presenting"  # 路演中
    CLOSED = "closed"  # 已结束评分

    @property
    def label(self):
        return {
            ItemState.WAITING: _l("Waiting"),
            ItemState.PRESENTING: _l("Presenting"),
            ItemState.CLOSED: _l("Scoring closed"),
        }[self]

    @property
    def badge(self):
        return {
            ItemState.WAITING: "light",
            ItemState.PRESENTING: "success",
            ItemState.CLOSED: "secondary",
        }[self]


class SeatStatus(StrEnum):
    """What the hall sees of one panel member on the current item (never a score)."""

    SUBMITTED = "submitted"  # 已提交
    SCORING = "scoring"  # 评分中
    NOT_SUBMITTED = "not_submitted"  # 未提交 (the item closed without this sheet)
    CONFLICT = "conflict"  # 回避

    @property
    def label(self):
        return {
            SeatStatus.SUBMITTED: _l("Submitted"),
            SeatStatus.SCORING: _l("Scoring now"),
            SeatStatus.NOT_SUBMITTED: _l("Not submitted"),
            SeatStatus.CONFLICT: _l("Stepped back (回避)"),
        }[self]
