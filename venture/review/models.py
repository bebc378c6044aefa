"""Expert pool, rubrics, panels, assignments and score sheets (专家评审)."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.db import TimestampMixin, UTCDateTime, enum_type
from venture.extensions import db
from venture.review.enums import (
    AffiliationKind,
    Aggregation,
    AssignmentState,
    PanelMethod,
    SheetState,
)

# a score or maximum in half points: 0.0 … 999.5
Points = sa.Numeric(5, 1, asdecimal=True)

reviewer_expertise = sa.Table(
    "reviewer_expertise",
    db.metadata,
    sa.Column(
        "reviewer_id", sa.ForeignKey("reviewer_profile.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("category_id", sa.ForeignKey("service_category.id"), primary_key=True),
)


class ReviewerProfile(TimestampMixin, db.Model):
    """专家: a reviewer account in the expert pool, with fields of expertise and ties."""

    __tablename__ = "reviewer_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(60), default="", nullable=False)  # 职称
    employer: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)  # 工作单位
    phone: Mapped[str] = mapped_column(sa.String(40), default="", nullable=False)
    notes: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    # out of the pool: never drawn, kept for the records of past panels
    active: Mapped[bool] = mapped_column(default=True, nullable=False)

    user = relationship("User", lazy="joined")
    expertise = relationship(
        "ServiceCategory",
        secondary=reviewer_expertise,
        lazy="selectin",
        order_by="ServiceCategory.id",
    )
    affiliations = relationship(
        "ReviewerAffiliation",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ReviewerAffiliation.id",
        back_populates="reviewer",
    )

    @property
    def name(self):
        return self.user.name


class ReviewerAffiliation(TimestampMixin, db.Model):
    """关联单位: an organization a reviewer works or worked for, governs, or is tied to."""

    __tablename__ = "reviewer_affiliation"

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reviewer_profile.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id"), nullable=False, index=True
    )
    kind: Mapped[AffiliationKind] = mapped_column(enum_type(AffiliationKind, 20), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(100), default="", nullable=False)
    started_on: Mapped[date | None] = mapped_column()
    ended_on: Mapped[date | None] = mapped_column()  # None: still holds
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), nullable=False)

    reviewer = relationship("ReviewerProfile", back_populates="affiliations")
    organization = relationship("Organization", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(
            "ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on",
            name="dates_in_order",
        ),
    )


class ReviewCriterion(db.Model):
    """评分标准: one criterion of a call's rubric."""

    __tablename__ = "review_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        sa.ForeignKey("call.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    max_score: Mapped[Decimal] = mapped_column(Points, nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("call_id", "position", name="uq_review_criterion_call_id_position"),
        sa.CheckConstraint("max_score > 0", name="max_positive"),
    )


class Panel(TimestampMixin, db.Model):
    """评审专家组: one call's panel, how it was formed, and its review settings."""

    __tablename__ = "panel"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("call.id"), unique=True, nullable=False)
    method: Mapped[PanelMethod] = mapped_column(enum_type(PanelMethod, 10), nullable=False)
    size: Mapped[int] = mapped_column(nullable=False)  # members, reserves not counted
    reviewers_per_application: Mapped[int] = mapped_column(nullable=False)
    blind: Mapped[bool] = mapped_column(default=False, nullable=False)
    deadline: Mapped[date | None] = mapped_column()  # scoring due by the end of this local day
    spread_threshold: Mapped[Decimal] = mapped_column(
        Points, default=Decimal("20.0"), nullable=False
    )
    aggregation: Mapped[Aggregation] = mapped_column(
        enum_type(Aggregation, 20), default=Aggregation.MEAN, nullable=False
    )
    # the draw, kept so anyone can redo it: Random(seed).sample(sorted candidates, size+reserves)
    seed: Mapped[str | None] = mapped_column(sa.String(64))
    draw_categories: Mapped[list | None] = mapped_column(sa.JSON)
    candidates: Mapped[list | None] = mapped_column(sa.JSON)
    drawn: Mapped[list | None] = mapped_column(sa.JSON)
    formed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), nullable=False)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    call = relationship("Call", lazy="joined")
    formed_by = relationship("User")
    members = relationship(
        "PanelMember",
        cascade="all, delete-orphan",
        order_by="PanelMember.position",
        lazy="selectin",
        back_populates="panel",
    )

    __table_args__ = (
        sa.CheckConstraint("size >= 3 AND size % 2 = 1", name="size_odd_at_least_3"),
        sa.CheckConstraint(
            "reviewers_per_application >= 1 AND reviewers_per_application <= size",
            name="k_within_size",
        ),
    )

    @property
    def regular_members(self):
        return [m for m in self.members if not m.reserve]

    @property
    def reserve_members(self):
        return [m for m in self.members if m.reserve]


class PanelMember(db.Model):
    """专家组成员 (or 备选专家 when reserve)."""

    __tablename__ = "panel_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(
        sa.ForeignKey("panel.id", ondelete="CASCADE"), nullable=False, index=True
    )
    reviewer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reviewer_profile.id"), nullable=False, index=True
    )
    reserve: Mapped[bool] = mapped_column(default=False, nullable=False)
    position: Mapped[int] = mapped_column(nullable=False)

    panel = relationship("Panel", back_populates="members")
    reviewer = relationship("ReviewerProfile", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("panel_id", "reviewer_id", name="uq_panel_member_panel_id_reviewer_id"),
    )


class ReviewAssignment(TimestampMixin, db.Model):
    """评审分配: one reviewer on one application; a declared conflict keeps the row."""

    __tablename__ = "review_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(
        sa.ForeignKey("panel.id", ondelete="CASCADE"), nullable=False, index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id"), nullable=False, index=True
    )
    reviewer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reviewer_profile.id"), nullable=False, index=True
    )
    state: Mapped[AssignmentState] = mapped_column(
        enum_type(AssignmentState, 10), default=AssignmentState.ACTIVE, nullable=False
    )
    # the reviewer's declaration before opening: no conflict (then the sheet exists) or one
    no_conflict_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conflict_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conflict_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), nullable=False)

    panel = relationship("Panel")
    application = relationship("Application", lazy="joined")
    reviewer = relationship("ReviewerProfile", lazy="joined")
    sheet = relationship(
        "ReviewSheet", uselist=False, back_populates="assignment", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint(
            "application_id", "reviewer_id", name="uq_review_assignment_application_id_reviewer_id"
        ),
        # a reviewer's queue and its counts of standing assignments
        sa.Index("ix_review_assignment_reviewer_id_state", "reviewer_id", "state"),
    )

    @property
    def is_active(self):
        return self.state == AssignmentState.ACTIVE

    @property
    def is_submitted(self):
        return self.sheet is not None and self.sheet.state == SheetState.SUBMITTED


class ReviewSheet(TimestampMixin, db.Model):
    """评分表: one reviewer's scores for one application."""

    __tablename__ = "review_sheet"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_assignment.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    state: Mapped[SheetState] = mapped_column(
        enum_type(SheetState, 10), default=SheetState.DRAFT, nullable=False, index=True
    )
    overall_comment: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    total: Mapped[Decimal | None] = mapped_column(sa.Numeric(7, 1, asdecimal=True))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # set once and never cleared: the call's rubric is locked from then on
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignment = relationship("ReviewAssignment", back_populates="sheet")
    scores = relationship(
        "ReviewScore", cascade="all, delete-orphan", lazy="selectin", back_populates="sheet"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "state = 'draft' OR (total IS NOT NULL AND submitted_at IS NOT NULL)",
            name="submitted_has_total",
        ),
    )

    def score_for(self, criterion_id):
        for score in self.scores:
            if score.criterion_id == criterion_id:
                return score
        return None


class ReviewScore(db.Model):
    """评分项: the score of one criterion, and what was typed (kept even when invalid)."""

    __tablename__ = "review_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_sheet.id", ondelete="CASCADE"), nullable=False, index=True
    )
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("review_criterion.id"), nullable=False)
    raw: Mapped[str] = mapped_column(sa.String(20), default="", nullable=False)
    score: Mapped[Decimal | None] = mapped_column(Points)
    comment: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)

    sheet = relationship("ReviewSheet", back_populates="scores")

    __table_args__ = (
        sa.UniqueConstraint(
            "sheet_id", "criterion_id", name="uq_review_score_sheet_id_criterion_id"
        ),
        sa.CheckConstraint("score IS NULL OR score >= 0", name="score_not_negative"),
    )
