"""Tender practice records: bid bonds (投标保证金), bidders' answers to the opening record
(开标记录确认 / 唱标异议), failed tenders (废标) and panel members' conflict declarations on
bids (回避声明)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.columns import Amount, FileId, Key, Moment, Text, UserId
from venture.core.db import TimestampMixin, enum_type
from venture.core.mixins import parent_key
from venture.extensions import db
from venture.procurement.practice_enums import (
    BondForm,
    BondState,
    FailureOutcome,
    FailureReason,
    OpeningAnswer,
)


class BidBond(TimestampMixin, db.Model):
    """投标保证金: the bond of one bid, paid by transfer or given as a guarantee letter.

    Finance confirms receipt; a bid whose bond is not confirmed is non-compliant at the
    opening. Refunds are due within five working days (财政部令第87号 第三十八条).
    """

    __tablename__ = "bid_bond"

    id: Mapped[Key]
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bid.id", ondelete="CASCADE"), unique=True)
    form: Mapped[BondForm] = mapped_column(enum_type(BondForm, 20))
    amount: Mapped[Amount]
    reference: Mapped[str] = mapped_column(sa.String(100), default="")
    proof_id: Mapped[FileId]
    state: Mapped[BondState] = mapped_column(
        enum_type(BondState, 20), default=BondState.RECORDED, index=True
    )
    recorded_at: Mapped[Moment]
    recorded_by_id: Mapped[UserId]
    confirmed_at: Mapped[Moment | None]
    confirmed_by_id: Mapped[UserId | None]
    rejection_reason: Mapped[Text | None]
    refunded_at: Mapped[Moment | None]
    refunded_by_id: Mapped[UserId | None]

    bid = relationship("Bid", backref=sa.orm.backref("bond", uselist=False, lazy="select"))
    proof = relationship("StoredFile")

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint(
            "state NOT IN ('confirmed', 'refunded') OR confirmed_at IS NOT NULL",
            name="confirmed_has_time",
        ),
        sa.CheckConstraint(
            "state <> 'refunded' OR refunded_at IS NOT NULL", name="refunded_has_time"
        ),
    )


class OpeningResponse(db.Model):
    """开标记录确认: a bidder's confirmation of the opening record, or its objection (唱标异议)
    with the staff's answer. One per opened bid."""

    __tablename__ = "opening_response"

    id: Mapped[Key]
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id"), index=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bid.id", ondelete="CASCADE"), unique=True)
    answer: Mapped[OpeningAnswer] = mapped_column(enum_type(OpeningAnswer, 20))
    reason: Mapped[Text | None]
    responded_at: Mapped[Moment]
    responded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    reply: Mapped[Text | None]
    replied_at: Mapped[Moment | None]
    replied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    bid = relationship("Bid", lazy="joined")
    responded_by = relationship("User", foreign_keys=[responded_by_id], lazy="joined")
    replied_by = relationship("User", foreign_keys=[replied_by_id], lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(
            "answer <> 'objected' OR reason IS NOT NULL", name="objection_has_reason"
        ),
        sa.CheckConstraint(
            "reply IS NULL OR (replied_at IS NOT NULL AND replied_by_id IS NOT NULL)",
            name="reply_has_author",
        ),
    )

    @property
    def waiting(self):
        """An objection staff have not answered yet."""
        return self.answer == OpeningAnswer.OBJECTED and self.replied_at is None


class TenderFailure(db.Model):
    """废标: the tender failed (政府采购法 第三十六条), with the public notice, and what
    followed: a new tender with the documents copied, or an approved change of route."""

    __tablename__ = "tender_failure"

    id: Mapped[Key]
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id"), unique=True)
    reason: Mapped[FailureReason] = mapped_column(enum_type(FailureReason, 20))
    bids: Mapped[int]  # opened bids
    compliant: Mapped[int | None]  # compliant bids, once checked
    declared_at: Mapped[Moment]
    declared_by_id: Mapped[UserId]
    announcement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("announcement.id"))
    outcome: Mapped[FailureOutcome | None] = mapped_column(enum_type(FailureOutcome, 20))
    successor_call_id: Mapped[int | None] = mapped_column(sa.ForeignKey("call.id"))
    approval_id: Mapped[FileId | None]
    approval_reference: Mapped[str | None] = mapped_column(sa.String(200))
    resolved_at: Mapped[Moment | None]
    resolved_by_id: Mapped[UserId | None]

    tender = relationship("Tender", backref=sa.orm.backref("failure", uselist=False, lazy="select"))
    announcement = relationship("Announcement")
    successor_call = relationship("Call")
    approval = relationship("StoredFile")

    __table_args__ = (
        sa.CheckConstraint(
            "outcome IS NULL OR (successor_call_id IS NOT NULL AND resolved_at IS NOT NULL)",
            name="outcome_has_successor",
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome = 'retender' OR approval_id IS NOT NULL",
            name="route_change_has_approval",
        ),
    )


class BidConflictDeclaration(db.Model):
    """回避声明: a panel member declares no tie to the bidder before the bid's sheet opens."""

    __tablename__ = "bid_conflict_declaration"

    id: Mapped[Key]
    bid_id: Mapped[int] = parent_key("bid")
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("reviewer_profile.id"), index=True)
    declared_at: Mapped[Moment]

    __table_args__ = (
        sa.UniqueConstraint(
            "bid_id", "reviewer_id", name="uq_bid_conflict_declaration_bid_id_reviewer_id"
        ),
    )
