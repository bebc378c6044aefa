"""Organization types and verification states."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class OrgType(LabelledEnum):
    """组织类型, derived from the credit code's first two characters."""

    SOCIAL_GROUP = "social_group", _l("Social group (社会团体)")  # 社会团体 (51)
    # 民办非企业单位 (52)
    PRIVATE_NON_ENTERPRISE = (
        "private_non_enterprise",
        _l("Private non-enterprise unit (民办非企业单位)"),
    )
    FOUNDATION = "foundation", _l("Foundation (基金会)")  # 基金会 (53)
    OTHER = "other", _l("Other")


class OrgStatus(LabelledEnum):
    """认证状态"""

    PENDING = "pending", _l("Awaiting verification")
    VERIFIED = "verified", _l("Verified")
    REJECTED = "rejected", _l("Rejected")


class BankChangeState(LabelledEnum):
    """银行账户变更审核: a new account waits for staff to check it against the proof."""

    PENDING = "pending", _l("Awaiting verification")  # 待核实
    CONFIRMED = "confirmed", _l("Verified, in effect")  # 已核实，生效
    REJECTED = "rejected", _l("Refused")  # 未通过
