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


class DesignationState(StrEnum):
    """定向委托状态; transitions in procurement/lifecycle.py.

    "Objection pending" (质疑处理中) is not stored: it is an announced designation whose
    announcement has an unanswered objection (Designation.objection_pending).
    """

    DRAFTED = "drafted"  # 拟定
    ANNOUNCED = "announced"  # 公示中
    AWARDED = "awarded"  # 已委托
    CANCELLED = "cancelled"  # 已取消

    @property
    def label(self):
        return {
            DesignationState.DRAFTED: _l("Drafted"),
            DesignationState.ANNOUNCED: _l("Being announced"),
            DesignationState.AWARDED: _l("Awarded"),
            DesignationState.CANCELLED: _l("Cancelled"),
        }[self]


class DesignationReason(StrEnum):
    """定向委托理由类别: why this one organization (close to 单一来源 grounds)."""

    UNIQUE_CAPACITY = "unique_capacity"  # 唯一具备服务能力
    CONTINUITY = "continuity"  # 服务连续性 (前期项目延续)
    EMERGENCY = "emergency"  # 突发事件、紧急需要
    COMMUNITY_BASED = "community_based"  # 社区自组织、属地化服务
    POLICY = "policy"  # 政策规定的承接主体
    OTHER = "other"  # 其他

    @property
    def label(self):
        return {
            DesignationReason.UNIQUE_CAPACITY: _l("Only this organization can provide it"),
            DesignationReason.CONTINUITY: _l("Continuity of an ongoing service"),
            DesignationReason.EMERGENCY: _l("Emergency or urgent need"),
            DesignationReason.COMMUNITY_BASED: _l("Community-based organization of the area"),
            DesignationReason.POLICY: _l("Designated by policy"),
            DesignationReason.OTHER: _l("Other reason"),
        }[self]


class TenderMethod(StrEnum):
    """采购方式 within the tender route."""

    OPEN = "open"  # 公开招标
    NEGOTIATION = "negotiation"  # 竞争性磋商

    @property
    def label(self):
        return {
            TenderMethod.OPEN: _l("Open tender (公开招标)"),
            TenderMethod.NEGOTIATION: _l("Competitive negotiation (竞争性磋商)"),
        }[self]


class EvaluationMethod(StrEnum):
    """评标方法"""

    COMPREHENSIVE = "comprehensive"  # 综合评分法
    LOWEST_PRICE = "lowest_price"  # 最低评标价法

    @property
    def label(self):
        return {
            EvaluationMethod.COMPREHENSIVE: _l("Comprehensive scoring (综合评分法)"),
            EvaluationMethod.LOWEST_PRICE: _l("Lowest evaluated price (最低评标价法)"),
        }[self]


class BidState(StrEnum):
    """投标状态; transitions in procurement/lifecycle.py."""

    DRAFT = "draft"  # 草稿
    SUBMITTED = "submitted"  # 已递交 (密封)
    OPENED = "opened"  # 已开标
    COMPLIANT = "compliant"  # 符合性审查通过
    NON_COMPLIANT = "non_compliant"  # 无效投标
    SCORED = "scored"  # 已评分
    WON = "won"  # 中标
    LOST = "lost"  # 未中标

    @property
    def label(self):
        return {
            BidState.DRAFT: _l("Draft"),
            BidState.SUBMITTED: _l("Submitted (sealed)"),
            BidState.OPENED: _l("Opened"),
            BidState.COMPLIANT: _l("Compliant"),
            BidState.NON_COMPLIANT: _l("Non-compliant"),
            BidState.SCORED: _l("Scored"),
            BidState.WON: _l("Won"),
            BidState.LOST: _l("Lost"),
        }[self]

    @property
    def badge(self):
        return {
            BidState.DRAFT: "secondary",
            BidState.SUBMITTED: "primary",
            BidState.NON_COMPLIANT: "danger",
            BidState.WON: "success",
            BidState.LOST: "dark",
        }.get(self, "info")
