"""Contract states."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class ContractState(StrEnum):
    """合同状态; the transitions between them are in contracts/lifecycle.py."""

    DRAFT = "draft"  # 草稿
    ISSUED = "issued"  # 已发出 (to the organization, for signature and seal)
    SIGNED = "signed"  # 已签订 (signed scan confirmed by staff)
    IN_FORCE = "in_force"  # 履行中
    COMPLETED = "completed"  # 已完成
    TERMINATED = "terminated"  # 已终止

    @property
    def label(self):
        return {
            ContractState.DRAFT: _l("Draft"),
            ContractState.ISSUED: _l("Issued for signature"),
            ContractState.SIGNED: _l("Signed"),
            ContractState.IN_FORCE: _l("In force"),
            ContractState.COMPLETED: _l("Completed"),
            ContractState.TERMINATED: _l("Terminated"),
        }[self]

    @property
    def badge(self):
        """Bootstrap colour of the state badge."""
        return {
            ContractState.DRAFT: "secondary",
            ContractState.ISSUED: "warning",
            ContractState.SIGNED: "info",
            ContractState.IN_FORCE: "primary",
            ContractState.COMPLETED: "success",
            ContractState.TERMINATED: "danger",
        }[self]


# states in which the contract binds both parties and money may move
ACTIVE_STATES = (ContractState.SIGNED, ContractState.IN_FORCE)
