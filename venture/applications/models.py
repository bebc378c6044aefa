"""Applications (申报书) with their budget lines, milestones and attachments."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.applications.enums import ApplicationState, BudgetCategory
from venture.core.db import Money, TimestampMixin, UTCDateTime, enum_type
from venture.extensions import db

application_community = sa.Table(
    "application_community",
    db.metadata,
    sa.Column(
        "application_id", sa.ForeignKey("application.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("community_id", sa.ForeignKey("community.id"), primary_key=True),
)


class Application(TimestampMixin, db.Model):
    """申报书: one organization's proposal to one call."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("call.id"), nullable=False, index=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id"), nullable=False, index=True
    )
    # e.g. 2026-GYCT-0042, given at first submission
    number: Mapped[str | None] = mapped_column(sa.String(30), unique=True)
    state: Mapped[ApplicationState] = mapped_column(
        enum_type(ApplicationState, 20), default=ApplicationState.DRAFT, nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_category.id"))
    target_group: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    beneficiaries: Mapped[int | None] = mapped_column()
    needs_analysis: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    objectives: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    activity_plan: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    team: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    project_start: Mapped[date | None] = mapped_column()
    project_end: Mapped[date | None] = mapped_column()
    # totals are computed on the server from the budget lines, never typed
    requested_amount: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal("0.00"), nullable=False
    )
    own_funds: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"), nullable=False)
    declaration: Mapped[bool] = mapped_column(default=False, nullable=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    correction_comment: Mapped[str | None] = mapped_column(sa.Text)
    correction_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    screening_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), nullable=False)
    # optimistic locking: a stale save is refused instead of overwriting
    version: Mapped[int] = mapped_column(default=1, nullable=False)

    call = relationship("Call", lazy="joined")
    organization = relationship("Organization", lazy="joined")
    category = relationship("ServiceCategory")
    communities = relationship("Community", secondary=application_community, lazy="selectin")
    budget_lines = relationship(
        "BudgetLine",
        cascade="all, delete-orphan",
        order_by="BudgetLine.position",
        back_populates="application",
    )
    milestones = relationship(
        "Milestone",
        cascade="all, delete-orphan",
        order_by="Milestone.position",
        back_populates="application",
    )
    attachments = relationship(
        "ApplicationAttachment", cascade="all, delete-orphan", back_populates="application"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint("requested_amount >= 0", name="requested_not_negative"),
        sa.CheckConstraint("own_funds >= 0", name="own_funds_not_negative"),
        sa.Index("ix_application_call_id_state", "call_id", "state"),
    )

    @property
    def total_budget(self):
        return self.requested_amount + self.own_funds


class BudgetLine(db.Model):
    """预算明细: amount = unit price × quantity = requested part + own/matched part."""

    __tablename__ = "budget_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False)
    category: Mapped[BudgetCategory] = mapped_column(enum_type(BudgetCategory, 20), nullable=False)
    item: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    requested: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    own_funds: Mapped[Decimal] = mapped_column(Money(), nullable=False)

    application = relationship("Application", back_populates="budget_lines")

    __table_args__ = (
        sa.CheckConstraint("requested + own_funds = amount", name="parts_add_up"),
        sa.CheckConstraint("unit_price >= 0 AND quantity > 0", name="price_quantity_valid"),
    )


class Milestone(db.Model):
    """里程碑"""

    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    due_date: Mapped[date] = mapped_column(nullable=False)
    deliverable: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)

    application = relationship("Application", back_populates="milestones")


class ApplicationAttachment(db.Model):
    """申报附件: one of the call's required attachments, or an extra one."""

    __tablename__ = "application_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True
    )
    label: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=False)

    application = relationship("Application", back_populates="attachments")
    file = relationship("StoredFile", lazy="joined")
