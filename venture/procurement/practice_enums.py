"""States and kinds of tender practice: bid bonds, opening confirmations, failed tenders."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class BondForm(LabelledEnum):
    """投标保证金形式"""

    TRANSFER = "transfer", _l("Bank transfer")  # 转账 (with the bank's proof)
    # 保函 (a bank or insurer's guarantee letter)
    GUARANTEE = "guarantee", _l("Guarantee letter (保函)")


class BondState(LabelledEnum):
    """投标保证金状态"""

    # 已登记 (the bidder recorded payment or a guarantee)
    RECORDED = "recorded", _l("Recorded, awaiting finance")
    CONFIRMED = "confirmed", _l("Received (confirmed by finance)")  # 财务已确认收到
    REJECTED = "rejected", _l("Not confirmed by finance")  # 财务未确认 (proof did not match)
    REFUNDED = "refunded", _l("Refunded")  # 已退还 (or a guarantee letter returned)


class OpeningAnswer(LabelledEnum):
    """开标记录确认: a bidder's answer to the opening record."""

    CONFIRMED = "confirmed", _l("Confirmed")  # 确认无异议
    OBJECTED = "objected", _l("Objection (唱标异议)")  # 唱标异议


class FailureReason(LabelledEnum):
    """废标原因 (政府采购法 第三十六条)"""

    FEWER_BIDS = "fewer_bids", _l("Fewer than three bidders")  # 投标人不足三家
    # 符合要求的投标人不足三家
    FEWER_COMPLIANT = "fewer_compliant", _l("Fewer than three compliant bids")


class FailureOutcome(LabelledEnum):
    """废标后: 重新招标 or 变更采购方式 (with the approval)."""

    RETENDER = "retender", _l("Tender again (重新招标)")  # 重新招标
    # 变更为竞争性磋商
    NEGOTIATION = "negotiation", _l("Change to competitive negotiation (竞争性磋商)")
    # 变更为单一来源 (定向委托)
    SINGLE_SOURCE = "single_source", _l("Change to single source (单一来源)")
