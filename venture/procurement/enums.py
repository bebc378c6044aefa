"""Award states: every route ends in the same award record."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class AwardState(LabelledEnum):
    """授予状态"""

    PROPOSED = "proposed", _l("Proposed")  # 拟授予 (announced, objection window open)
    FINAL = "final", _l("Final")  # 已授予 (contracts are made from these)
    CANCELLED = "cancelled", _l("Cancelled")  # 已取消


class DesignationState(LabelledEnum):
    """定向委托状态; transitions in procurement/lifecycle.py.

    "Objection pending" (质疑处理中) is not stored: it is an announced designation whose
    announcement has an unanswered objection (Designation.objection_pending).
    """

    DRAFTED = "drafted", _l("Drafted")  # 拟定
    ANNOUNCED = "announced", _l("Being announced")  # 公示中
    AWARDED = "awarded", _l("Awarded")  # 已委托
    CANCELLED = "cancelled", _l("Cancelled")  # 已取消


class DesignationReason(LabelledEnum):
    """定向委托理由类别: why this one organization (close to 单一来源 grounds)."""

    # 唯一具备服务能力
    UNIQUE_CAPACITY = "unique_capacity", _l("Only this organization can provide it")
    CONTINUITY = "continuity", _l("Continuity of an ongoing service")  # 服务连续性 (前期项目延续)
    EMERGENCY = "emergency", _l("Emergency or urgent need")  # 突发事件、紧急需要
    # 社区自组织、属地化服务
    COMMUNITY_BASED = "community_based", _l("Community-based organization of the area")
    POLICY = "policy", _l("Designated by policy")  # 政策规定的承接主体
    OTHER = "other", _l("Other reason")  # 其他


class TenderMethod(LabelledEnum):
    """采购方式 within the tender route."""

    OPEN = "open", _l("Open tender (公开招标)")  # 公开招标
    NEGOTIATION = "negotiation", _l("Competitive negotiation (竞争性磋商)")  # 竞争性磋商


class EvaluationMethod(LabelledEnum):
    """评标方法"""

    COMPREHENSIVE = "comprehensive", _l("Comprehensive scoring (综合评分法)")  # 综合评分法
    LOWEST_PRICE = "lowest_price", _l("Lowest evaluated price (最低评标价法)")  # 最低评标价法


class BidState(LabelledEnum):
    """投标状态; transitions in procurement/lifecycle.py."""

    DRAFT = "draft", _l("Draft"), "secondary"  # 草稿
    SUBMITTED = "submitted", _l("Submitted (sealed)"), "primary"  # 已递交 (密封)
    OPENED = "opened", _l("Opened"), "info"  # 已开标
    COMPLIANT = "compliant", _l("Compliant"), "info"  # 符合性审查通过
    NON_COMPLIANT = "non_compliant", _l("Non-compliant"), "danger"  # 无效投标
    SCORED = "scored", _l("Scored"), "info"  # 已评分
    WON = "won", _l("Won"), "success"  # 中标
    LOST = "lost", _l("Lost"), "dark"  # 未中标
