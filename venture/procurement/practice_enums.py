"""States and kinds of tender practice: bid bonds, opening confirmations, failed tenders."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class BondForm(StrEnum):
    """投标保证金形式"""

    TRANSFER = "transfer"  # 转账 (with the bank's proof)
    GUARANTEE = "guarantee"  # 保函 (a bank or insurer's guarantee letter)

    @property
    def label(self):
        return {
            BondForm.TRANSFER: _l("Bank transfer"),
            BondForm.GUARANTEE: _l("Guarantee letter (保函)"),
        }[self]


class BondState(StrEnum):
    """投标保证金状态"""

    RECORDED = "recorded"  # 已登记 (the bidder recorded payment or a guarantee)
    CONFIRMED = "confirmed"  # 财务已确认收到
    REJECTED = "rejected"  # 财务未确认 (proof did not match)
    REFUNDED = "refunded"  # 已退还 (or a guarantee letter returned)

    @property
    def label(self):
        return {
            BondState.RECORDED: _l("Recorded, awaiting finance"),
            BondState.CONFIRMED: _l("Received (confirmed by finance)"),
            BondState.REJECTED: _l("Not confirmed by finance"),
            BondState.REFUNDED: _l("Refunded"),
        }[self]


class OpeningAnswer(StrEnum):
    """开标记录确认: a bidder's answer to the opening record."""

    CONFIRMED = "confirmed"  # 确认无异议
    OBJECTED = "objected"  # 唱标异议

    @property
    def label(self):
        return {
            OpeningAnswer.CONFIRMED: _l("Confirmed"),
            OpeningAnswer.OBJECTED: _l("Objection (唱标异议)"),
        }[self]


class FailureReason(StrEnum):
    """废标原因 (政府采购法 第三十六条)"""

    FEWER_BIDS = "fewer_bids"  # 投标人不足三家
    FEWER_COMPLIANT = "fewer_compliant"  # 符合要求的投标人不足三家

    @property
    def label(self):
        return {
            FailureReason.FEWER_BIDS: _l("Fewer than three bidders"),
            FailureReason.FEWER_COMPLIANT: _l("Fewer than three compliant bids"),
        }[self]


class FailureOutcome(StrEnum):
    """废标后: 重新招标 or 变更采购方式 (with the approval)."""

    RETENDER = "retender"  # 重新招标
    NEGOTIATION = "negotiation"  # 变更为竞争性磋商
    SINGLE_SOURCE = "single_source"  # 变更为单一来源 (定向委托)

    @property
    def label(self):
        return {
            FailureOutcome.RETENDER: _l("Tender again (重新招标)"),
            FailureOutcome.NEGOTIATION: _l("Change to competitive negotiation (竞争性磋商)"),
            FailureOutcome.SINGLE_SOURCE: _l("Change to single source (单一来源)"),
        }[self]
