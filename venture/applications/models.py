"""Applications (申报书) with their budget lines, milestones and attachments."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.applications.enums import ApplicationState, BudgetCategory, Pricing
from venture.core.columns import Amount, BlankText, Key, Moment, Text, UserId
from venture.core.db import TimestampMixin, enum_type
from venture.core.mixins import LabelledFile, children, link_table, parent_key
from venture.extensions import db

application_community = link_table(
    "application_community", ("application_id", "application.id"), ("community_id", "community.id")
)


class Application(TimestampMixin, db.Model):
    """申报书: one organization's proposal to one call."""

    __tablename__ = "application"

    id: Mapped[Key]
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("call.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    # e.g. 2026-GYCT-0042, given at first submission
    number: Mapped[str | None] = mapped_column(sa.String(30), unique=True)
    state: Mapped[ApplicationState] = mapped_column(
        enum_type(ApplicationState, 20), default=ApplicationState.DRAFT
    )
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_category.id"))
    target_group: Mapped[BlankText]
    beneficiaries: Mapped[int | None]
    needs_analysis: Mapped[BlankText]
    objectives: Mapped[BlankText]
    activity_plan: Mapped[BlankText]
    team: Mapped[BlankText]
    project_start: Mapped[date | None]
    project_end: Mapped[date | None]
    # totals are computed on the server from the budget lines, never typed
    requested_amount: Mapped[Amount] = mapped_column(default=Decimal("0.00"))
    own_funds: Mapped[Amount] = mapped_column(default=Decimal("0.00"))
    declaration: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[Moment | None]
    correction_comment: Mapped[Text | None]
    correction_deadline: Mapped[Moment | None]
    screening_reason: Mapped[Text | None]
    # [{"item": "…", "met": true}, …]: the call's eligibility requirements as staff ticked them
    screening_checklist: Mapped[list | None] = mapped_column(sa.JSON)
    # values typed into the draft that fit no column (e.g. "一万" as a price), keyed by form
    # field, kept so that nothing typed is lost; submission is refused while any remain
    typed_input: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[UserId]
    # optimistic locking: a stale save is refused instead of overwriting
    version: Mapped[int] = mapped_column(default=1)

    call = relationship("Call", lazy="joined")
    organization = relationship("Organization", lazy="joined")
    category = relationship("ServiceCategory")
    communities = relationship(
        "Community", secondary=application_community, lazy="selectin", order_by="Community.id"
    )
    budget_lines = children("BudgetLine", "application", order_by="BudgetLine.position")
    milestones = children("Milestone", "application", order_by="Milestone.position")
    attachments = children("ApplicationAttachment", "application")
    # the call's community needs it answers, and its services' prices (venture/community)
    needs = relationship("Need", secondary="application_need", order_by="Need.id")
    service_prices = relationship(
        "ServicePrice", cascade="all, delete-orphan", order_by="ServicePrice.position"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint("requested_amount >= 0", name="requested_not_negative"),
        sa.CheckConstraint("own_funds >= 0", name="own_funds_not_negative"),
        sa.Index("ix_application_call_id_state", "call_id", "state"),
        # applications by state; the staff home's screening figures and its calls awaiting
        # screening (applications waiting, by call) read off it alone
        sa.Index("ix_application_state_call", "state", "call_id", "submitted_at"),
        # the screening list's default sort and the review matrix's order, within a call
        sa.Index("ix_application_call_id_number", "call_id", "number"),
        sa.Index("ix_application_call_id_submitted_at", "call_id", "submitted_at"),
        # the review pages' fingerprint of a call's applications (count, sum of requests,
        # latest change), read off the index alone (review.result_pages._stamp)
        sa.Index("ix_application_call_id_figures", "call_id", "updated_at", "requested_amount"),
    )

    @property
    def total_budget(self):
        return self.requested_amount + self.own_funds

    @property
    def is_editable(self):
        """Drafts and applications returned for correction are edited by their organization."""
        return self.state in (ApplicationState.DRAFT, ApplicationState.RETURNED)

    def attachment_for(self, label):
        for attachment in self.attachments:
            if attachment.label == label:
                return attachment
        return None

    @property
    def extra_attachments(self):
        required = set(self.call.attachment_names)
        return [a for a in self.attachments if a.label not in required]


class BudgetLine(db.Model):
    """预算明细: amount = unit price × quantity = requested part + own/matched part.

    A draft keeps what was typed, so its lines may be incomplete (NULL) or not add up; a line
    that does not add up is refused at submission (applications/rules.py), not by the database.
    """

    __tablename__ = "budget_line"

    id: Mapped[Key]
    application_id: Mapped[int] = parent_key("application")
    position: Mapped[int]
    category: Mapped[BudgetCategory | None] = mapped_column(enum_type(BudgetCategory, 20))
    item: Mapped[str] = mapped_column(sa.String(200), default="")
    unit_price: Mapped[Amount | None]
    quantity: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    # computed on the server: unit price × quantity
    amount: Mapped[Amount | None]
    requested: Mapped[Amount | None]
    own_funds: Mapped[Amount | None]

    application = relationship("Application", back_populates="budget_lines")

    __table_args__ = (
        sa.CheckConstraint("unit_price >= 0 AND quantity > 0", name="price_quantity_valid"),
        sa.CheckConstraint(
            "amount >= 0 AND requested >= 0 AND own_funds >= 0", name="amounts_not_negative"
        ),
    )

    @property
    def quantity_text(self):
        """12 rather than 12.00 for whole quantities; empty when not given."""
        if self.quantity is None:
            return ""
        if self.quantity == self.quantity.to_integral():
            return str(self.quantity.quantize(Decimal(1)))
        return str(self.quantity)

    @property
    def adds_up(self):
        return (
            None not in (self.amount, self.requested, self.own_funds)
            and self.requested + self.own_funds == self.amount
        )


class Milestone(db.Model):
    """里程碑"""

    __tablename__ = "milestone"

    id: Mapped[Key]
    application_id: Mapped[int] = parent_key("application")
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    due_date: Mapped[date | None]
    deliverable: Mapped[BlankText]

    application = relationship("Application", back_populates="milestones")


class ApplicationAttachment(LabelledFile, db.Model):
    """申报附件: one of the call's required attachments, or an extra one."""

    __tablename__ = "application_attachment"

    id: Mapped[Key]
    application_id: Mapped[int] = parent_key("application")

    application = relationship("Application", back_populates="attachments")


class ApplicationNumberCounter(db.Model):
    """申报编号计数器: the last number given per year and route.

    Numbering updates this row in the submitting transaction, so concurrent submissions queue on
    its lock (PostgreSQL) or on the database write lock (SQLite); application.number's UNIQUE
    constraint is the backstop.
    """

    __tablename__ = "application_number_counter"

    year: Mapped[Key] = mapped_column(autoincrement=False)
    route_code: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.CheckConstraint("last_value >= 0", name="last_value_not_negative"),)


class ServicePrice(db.Model):
    """服务收费: a service of an application and what residents pay for it (无偿/低偿/有偿).

    A draft keeps what was typed, so pricing and price may be missing; the rules that need a
    complete row are checked at submission (applications/pricing.py).
    """

    __tablename__ = "service_price"

    id: Mapped[Key]
    application_id: Mapped[int] = parent_key("application")
    position: Mapped[int]
    service: Mapped[str] = mapped_column(sa.String(200), default="")
    pricing: Mapped[Pricing | None] = mapped_column(enum_type(Pricing, 20))
    price: Mapped[Amount | None]
    unit: Mapped[str] = mapped_column(sa.String(40), default="")

    __table_args__ = (sa.CheckConstraint("price >= 0", name="price_not_negative"),)
