"""Award states: every route ends in the same award record."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class AwardState(StrEnum):
    """授予状态"""

    PROPOSED = "proposed"  # 拟授予 (announced, objection window open)
    FINAL = "final"  # 已授予 (contracts are made from these)
    CANCELLED = "cancelled"  # 已取消

    @property
    def label(self):
        return {
            AwardState.PROPOSED: _l("Proposed"),
            AwardState.FINAL: _l("Final"),
            AwardState.CANCELLED: _l("Cancelled"),
        }[self]
