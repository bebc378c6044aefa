"""Procurement records: awards (what every route ends in), targeted-purchase designations,
tenders with their clarifications and bids (the panel's score sheets on bids are review's
shared sheets, venture/review/sheets.py)."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.calls.enums import Route
from venture.core.columns import Amount, BlankText, Key, Moment, Text, UserId
from venture.core.db import TimestampMixin, enum_type
from venture.core.mixins import LabelledFile, children, parent_key
from venture.extensions import db
from venture.procurement.enums import (
    AwardState,
    BidState,
    DesignationReason,
    DesignationState,
    EvaluationMethod,
    TenderMethod,
)

# a score or maximum in half points, as in the review's rubric
Points = sa.Numeric(5, 1, asdecimal=True)
# computed scores (price score, technical mean, total): two decimals
Score2 = sa.Numeric(7, 2, asdecimal=True)


class Award(TimestampMixin, db.Model):
    """授予: an amount for one organization in one call, whatever the route.

    Venture grants and targeted purchases award an application; a tender awards a bid (its
    service plan is the bid's technical proposal). Contracts are drafted from final awards.
    """

    __tablename__ = "award"

    id: Mapped[Key]
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("call.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("application.id"), unique=True)
    bid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bid.id"), unique=True)
    route: Mapped[Route] = mapped_column(enum_type(Route))
    amount: Mapped[Amount]
    state: Mapped[AwardState] = mapped_column(
        enum_type(AwardState, 20), default=AwardState.PROPOSED, index=True
    )
    rank: Mapped[int | None]
    justification: Mapped[Text | None]
    final_at: Mapped[Moment | None]
    created_by_id: Mapped[UserId]
    # final, and no contract drafted from it yet: the staff home's "awards waiting for a
    # contract", counted off its index instead of an anti-join of every final award with the
    # contracts; kept by contracts.models.keep_awaiting_contract at each flush
    awaiting_contract: Mapped[bool] = mapped_column(
        default=False, server_default=sa.false(), index=True
    )

    # what was awarded: an application or a bid
    application = relationship("Application")
    bid = relationship("Bid")
    call = relationship("Call", lazy="joined")
    organization = relationship("Organization", lazy="joined")
    # the contract drafted from the award (contracts/models.py), read without importing it
    contract = relationship("Contract", uselist=False, viewonly=True)

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("application_id IS NULL OR bid_id IS NULL", name="application_or_bid"),
    )


class Designation(TimestampMixin, db.Model):
    """定向委托: a targeted purchase of one service from one designated organization.

    The designation is announced (公示) for at least five working days; the organization
    completes its service plan and budget as an application to the call; the award becomes
    final when the announcement does.
    """

    __tablename__ = "designation"

    id: Mapped[Key]
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("call.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    service: Mapped[str] = mapped_column(sa.String(200))
    service_content: Mapped[BlankText]
    amount: Mapped[Amount] = mapped_column(nullable=False)  # 采购预算 (ceiling)
    term_start: Mapped[date]
    term_end: Mapped[date]
    reason: Mapped[DesignationReason] = mapped_column(enum_type(DesignationReason, 20))
    justification: Mapped[Text]
    state: Mapped[DesignationState] = mapped_column(
        enum_type(DesignationState, 20), default=DesignationState.DRAFTED, index=True
    )
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("application.id"), unique=True)
    announcement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("announcement.id"))
    cancel_reason: Mapped[Text | None]
    created_by_id: Mapped[UserId]

    call = relationship("Call", lazy="joined")
    organization = relationship("Organization", lazy="joined")
    application = relationship("Application")
    announcement = relationship("Announcement")
    created_by = relationship("User")

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("term_end > term_start", name="term_positive"),
    )

    @property
    def objection_pending(self):
        """质疑处理中: announced, and an objection waits for its answer."""
        from venture.announcements.enums import AnnouncementState, ObjectionState

        announcement = self.announcement
        return (
            self.state == DesignationState.ANNOUNCED
            and announcement is not None
            and announcement.state == AnnouncementState.PUBLISHED
            and any(o.state == ObjectionState.PENDING for o in announcement.objections)
        )


class Tender(TimestampMixin, db.Model):
    """招标项目: the tender details of a call on the tender route.

    The bid deadline is the call's closing time (one value, moved by clarifications); bids are
    sealed until staff open them at or after the opening time. Lots (分包) are not modelled: a
    call with several lots is published as several calls.
    """

    __tablename__ = "tender"

    id: Mapped[Key]
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("call.id"), unique=True)
    method: Mapped[TenderMethod] = mapped_column(enum_type(TenderMethod, 20))
    evaluation: Mapped[EvaluationMethod] = mapped_column(enum_type(EvaluationMethod, 20))
    requirements: Mapped[BlankText]
    budget_ceiling: Mapped[Amount]  # 最高限价
    price_weight: Mapped[Decimal] = mapped_column(Points, default=Decimal("0"))
    # one required document per line; a bid without one of them is non-compliant
    required_documents: Mapped[BlankText]
    opening_at: Mapped[Moment]
    opening_place: Mapped[str] = mapped_column(sa.String(200), default="")
    # 投标保证金: at most 2% of the budget (实施条例 第三十三条); None when none is required
    bond_amount: Mapped[Amount | None]
    opened_at: Mapped[Moment | None]
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    opening_record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    compliance_checked_at: Mapped[Moment | None]
    scored_at: Mapped[Moment | None]
    proposed_at: Mapped[Moment | None]
    announcement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("announcement.id"))
    award_notice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    created_by_id: Mapped[UserId]

    call = relationship("Call", lazy="joined")
    opened_by = relationship("User", foreign_keys=[opened_by_id])
    opening_record = relationship("StoredFile", foreign_keys=[opening_record_id])
    award_notice = relationship("StoredFile", foreign_keys=[award_notice_id])
    announcement = relationship("Announcement")
    clarifications = relationship(
        "Clarification",
        order_by="Clarification.published_at, Clarification.id",
        back_populates="tender",
    )

    __table_args__ = (
        sa.CheckConstraint("budget_ceiling > 0", name="ceiling_positive"),
        sa.CheckConstraint("price_weight >= 0 AND price_weight <= 100", name="weight_range"),
        sa.CheckConstraint("bond_amount IS NULL OR bond_amount > 0", name="bond_positive"),
    )

    @property
    def bid_deadline(self):
        return self.call.closes_at

    @property
    def is_opened(self):
        return self.opened_at is not None

    @property
    def document_names(self):
        return [line.strip() for line in self.required_documents.splitlines() if line.strip()]


class TenderQuestion(db.Model):
    """澄清请求: a bidder's question about the tender documents, answered by a clarification."""

    __tablename__ = "tender_question"

    id: Mapped[Key]
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"))
    asked_by_id: Mapped[UserId]
    text: Mapped[Text]
    asked_at: Mapped[Moment]
    clarification_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clarification.id"))

    organization = relationship("Organization", lazy="joined")
    clarification = relationship("Clarification", back_populates="questions")


class Clarification(db.Model):
    """澄清: an answer or change published to every bidder; may move the bid deadline."""

    __tablename__ = "clarification"

    id: Mapped[Key]
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id"), index=True)
    text: Mapped[Text]
    published_at: Mapped[Moment]
    published_by_id: Mapped[UserId]
    deadline_before: Mapped[Moment]
    deadline_after: Mapped[Moment | None]  # None: unchanged

    tender = relationship("Tender", back_populates="clarifications")
    questions = relationship("TenderQuestion", back_populates="clarification")

    @property
    def moved_deadline(self):
        return self.deadline_after is not None


class Bid(TimestampMixin, db.Model):
    """投标文件: one organization's technical proposal and price for one tender.

    Sealed (密封): until the tender is opened only the organization's own members read it
    (procurement/permissions.py, can_read_bid); audit rows written before the opening carry no
    price or content, only a digest that the opening record repeats.
    """

    __tablename__ = "bid"

    id: Mapped[Key]
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    state: Mapped[BidState] = mapped_column(
        enum_type(BidState, 20), default=BidState.DRAFT, index=True
    )
    price: Mapped[Amount | None]
    approach: Mapped[BlankText]  # 服务方案
    team: Mapped[BlankText]  # 团队配置
    schedule: Mapped[BlankText]  # 实施进度
    quality: Mapped[BlankText]  # 质量保障
    declaration: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[Moment | None]
    version: Mapped[int] = mapped_column(default=0)  # submissions so far
    seal_digest: Mapped[str | None] = mapped_column(sa.String(64))
    compliance_reasons: Mapped[list | None] = mapped_column(sa.JSON)
    technical_score: Mapped[Decimal | None] = mapped_column(Score2)
    price_score: Mapped[Decimal | None] = mapped_column(Score2)
    total_score: Mapped[Decimal | None] = mapped_column(Score2)
    rank: Mapped[int | None]
    created_by_id: Mapped[UserId]

    tender = relationship("Tender", lazy="joined")
    organization = relationship("Organization", lazy="joined")
    attachments = children("BidAttachment", "bid", order_by="BidAttachment.id")

    __table_args__ = (
        sa.UniqueConstraint(
            "tender_id", "organization_id", name="uq_bid_tender_id_organization_id"
        ),
        sa.CheckConstraint("price IS NULL OR price > 0", name="price_positive"),
        sa.CheckConstraint(
            "state = 'draft' OR (price IS NOT NULL AND submitted_at IS NOT NULL)",
            name="submitted_has_price",
        ),
    )

    def attachment_for(self, label):
        for attachment in self.attachments:
            if attachment.label == label:
                return attachment
        return None


class BidAttachment(LabelledFile, db.Model):
    """投标附件: a required document of the tender, or an extra one."""

    __tablename__ = "bid_attachment"

    id: Mapped[Key]
    bid_id: Mapped[int] = parent_key("bid")

    bid = relationship("Bid", back_populates="attachments")


# the tender-practice records (bonds, opening answers, failures) add backrefs to Bid and Tender
from venture.procurement import practice_models  # noqa: E402, F401
