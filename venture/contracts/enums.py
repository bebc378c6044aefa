"""Contract states."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class ContractState(LabelledEnum):
    """合同状态; the transitions between them are in contracts/lifecycle.py."""

    DRAFT = "draft", _l("Draft"), "secondary"  # 草稿
    # 已发出 (to the organization, for signature and seal)
    ISSUED = "issued", _l("Issued for signature"), "warning"
    SIGNED = "signed", _l("Signed"), "info"  # 已签订 (signed scan confirmed by staff)
    IN_FORCE = "in_force", _l("In force"), "primary"  # 履行中
    COMPLETED = "completed", _l("Completed"), "success"  # 已完成
    TERMINATED = "terminated", _l("Terminated"), "danger"  # 已终止


# states in which the contract binds both parties and money may move
ACTIVE_STATES = (ContractState.SIGNED, ContractState.IN_FORCE)
