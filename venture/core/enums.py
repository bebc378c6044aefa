"""LabelledEnum: a StrEnum whose members are declared with their label (and badge colour).

    class ContractState(LabelledEnum):
        DRAFT = "draft", _l("Draft"), "secondary"  # 草稿

The value stays the plain string ("draft"), so members compare equal to strings and are stored
as such; `.label` is the lazy gettext string people read; `.badge`, the Bootstrap colour of the
state badge, exists only on enums that declare one for every member.
"""

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum member declared as `value, label` or `value, label, badge`."""

    def __new__(cls, value, label, badge=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        if badge is not None:
            member.badge = badge
        return member
