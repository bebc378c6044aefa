"""Organization types and verification states."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class OrgType(StrEnum):
    """组织类型, derived from the credit code's first two characters."""

    SOCIAL_GROUP = "social_group"  # 社会团体 (51)
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise"  # 民办非企业单位 (52)
    FOUNDATION = "foundation"  # 基金会 (53)
    OTHER = "other"

    @property
    def label(self):
        return {
            OrgType.SOCIAL_GROUP: _l("Social group (社会团体)"),
            OrgType.PRIVATE_NON_ENTERPRISE: _l("Private non-enterprise unit (民办非企业单位)"),
            OrgType.FOUNDATION: _l("Foundation (基金会)"),
            OrgType.OTHER: _l("Other"),
        }[self]


class OrgStatus(StrEnum):
    """认证状态"""

    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"

    @property
    def label(self):
        return {
            OrgStatus.PENDING: _l("Awaiting verification"),
            OrgStatus.VERIFIED: _l("Verified"),
            OrgStatus.REJECTED: _l("Rejected"),
        }[self]


class BankChangeState(StrEnum):
    """银行账户变更审核: a new account waits for staff to check it against the proof."""

    PENDING = "pending"  # 待核实
    CONFIRMED = "confirmed"  # 已核实，生效
    REJECTED = "rejected"  # 未通过

    @property
    def label(self):
        return {
            BankChangeState.PENDING: _l("Awaiting verification"),
            BankChangeState.CONFIRMED: _l("Verified, in effect"),
            BankChangeState.REJECTED: _l("Refused"),
        }[self]
