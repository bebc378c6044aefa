"""Calls for proposals (征集公告)."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.calls.enums import (
    DEFAULT_INSTALLMENT_PLAN,
    CallStage,
    CallStatus,
    InstallmentCondition,
    Route,
)
from venture.calls.richtext import sanitise_description
from venture.core.columns import Amount, BlankText, FileId, Key, Moment, Text, UserId
from venture.core.db import TimestampMixin, enum_type
from venture.core.mixins import link_table
from venture.core.timeutil import now
from venture.extensions import db

call_category = link_table(
    "call_category", ("call_id", "call.id"), ("category_id", "service_category.id")
)
call_community = link_table(
    "call_community", ("call_id", "call.id"), ("community_id", "community.id")
)


class Call(TimestampMixin, db.Model):
    """征集公告 / 采购项目: one call, one route, one budget."""

    __tablename__ = "call"

    id: Mapped[Key]
    title: Mapped[str] = mapped_column(sa.String(200))
    year: Mapped[int]
    route: Mapped[Route] = mapped_column(enum_type(Route), index=True)
    description: Mapped[BlankText]  # sanitised HTML
    eligibility: Mapped[BlankText]
    # one required attachment per line, e.g. "登记证书副本"
    required_attachments: Mapped[BlankText]
    total_budget: Mapped[Amount]
    cap_per_project: Mapped[Amount]
    max_applications_per_org: Mapped[int] = mapped_column(default=1)
    project_start: Mapped[date]
    project_end: Mapped[date]
    opens_at: Mapped[Moment]
    closes_at: Mapped[Moment]
    # [{"percent": 50, "condition": "on_signing"}, …]; the contracts copy it
    installment_plan: Mapped[list] = mapped_column(
        sa.JSON, default=lambda: list(DEFAULT_INSTALLMENT_PLAN)
    )
    published_at: Mapped[Moment | None]
    cancelled_at: Mapped[Moment | None]
    cancel_reason: Mapped[Text | None]
    notice_id: Mapped[FileId | None]
    created_by_id: Mapped[UserId]
    # moved on by every save of the review rubric (venture.core.concurrency.claim_edit)
    rubric_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # one more each time a record the call's open-data release shows changes (the Session hook
    # venture.api.ocds_store.keep_release_version): the stored OCDS package follows it
    release_version: Mapped[int] = mapped_column(default=0, server_default="0")

    categories = relationship(
        "ServiceCategory", secondary=call_category, lazy="selectin", order_by="ServiceCategory.id"
    )
    communities = relationship(
        "Community", secondary=call_community, lazy="selectin", order_by="Community.id"
    )
    # the community needs the call answers (venture/community)
    needs = relationship("Need", secondary="call_need", order_by="Need.id")
    notice = relationship("StoredFile")
    created_by = relationship("User")

    __table_args__ = (
        sa.CheckConstraint("total_budget > 0", name="budget_positive"),
        sa.CheckConstraint(
            "cap_per_project > 0 AND cap_per_project <= total_budget", name="cap_within_budget"
        ),
        sa.CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        sa.CheckConstraint("project_end > project_start", name="term_positive"),
        sa.CheckConstraint("max_applications_per_org >= 1", name="max_applications_positive"),
    )

    def status_at(self, moment):
        if self.cancelled_at is not None:
            return CallStatus.CANCELLED
        if self.published_at is None:
            return CallStatus.DRAFT
        if moment < self.opens_at:
            return CallStatus.UPCOMING
        if moment < self.closes_at:
            return CallStatus.OPEN
        return CallStatus.CLOSED

    @property
    def status(self):
        return self.status_at(now())

    @property
    def stage(self):
        """Draft, published or cancelled: the state calls/lifecycle.py moves along."""
        if self.cancelled_at is not None:
            return CallStage.CANCELLED
        if self.published_at is not None:
            return CallStage.PUBLISHED
        return CallStage.DRAFT

    @stage.setter
    def stage(self, value):
        # the timestamps stay the single source of truth: a stage change stamps its moment
        if value == CallStage.PUBLISHED:
            self.published_at = now()
        elif value == CallStage.CANCELLED:
            self.cancelled_at = now()
        else:
            self.published_at = self.cancelled_at = None

    @property
    def is_public(self):
        """Published calls (also closed or cancelled ones) are visible without an account."""
        return self.published_at is not None

    @property
    def description_html(self):
        return sanitise_description(self.description)

    @property
    def eligibility_items(self):
        """The eligibility requirements, one per line: the screening checklist."""
        return [line.strip() for line in self.eligibility.splitlines() if line.strip()]

    @property
    def attachment_names(self):
        return [line.strip() for line in self.required_attachments.splitlines() if line.strip()]

    @property
    def installments(self):
        """[(percent, condition)] of the installment plan, conditions as enums."""
        return [
            (int(row["percent"]), InstallmentCondition(row["condition"]))
            for row in self.installment_plan
        ]
