"""Funded projects (立项项目) and what happens during delivery: the plan, progress reports,
change requests, messages and documents."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.applications.enums import BudgetCategory
from venture.core.cache import stamp_on_flush
from venture.core.columns import Amount, BlankText, FileId, Key, Moment, Text, Timestamp, UserId
from venture.core.db import TimestampMixin, enum_type
from venture.core.mixins import LabelledFile, children, parent_key
from venture.delivery.enums import (
    ACTIVE_STATES,
    DELIVERING_STATES,
    BeneficiaryGroup,
    ChangeKind,
    ChangeState,
    MilestoneStatus,
    ProjectState,
    ReportFrequency,
    ReportKind,
    ReportState,
)
from venture.extensions import db


class Project(TimestampMixin, db.Model):
    """立项项目: one per contract, from contracting to closing (结项).

    The plan (budget lines, milestones, term, activities, team) starts as the application's and
    changes only through approved change requests; the original values stay beside the current
    ones, so the original plan is always visible.
    """

    __tablename__ = "project"

    id: Mapped[Key]
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"), unique=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("call.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("application.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    state: Mapped[ProjectState] = mapped_column(
        enum_type(ProjectState, 20), default=ProjectState.CONTRACTING, index=True
    )
    # the staff officer (项目主管) who follows the project
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    original_end_date: Mapped[date]
    activity_plan: Mapped[BlankText]
    original_activity_plan: Mapped[BlankText]
    team: Mapped[BlankText]
    original_team: Mapped[BlankText]
    planned_beneficiaries: Mapped[int | None]
    started_at: Mapped[Moment | None]
    rectification_due: Mapped[date | None]
    rectification_requirements: Mapped[Text | None]
    closed_at: Mapped[Moment | None]
    archive_id: Mapped[FileId | None]
    terminated_at: Mapped[Moment | None]
    termination_reason: Mapped[Text | None]

    contract = relationship("Contract", lazy="joined")
    call = relationship("Call", lazy="joined")
    organization = relationship("Organization", lazy="joined")
    application = relationship("Application")
    officer = relationship("User", foreign_keys=[officer_id])
    archive = relationship("StoredFile")
    plan_lines = children("PlanLine", "project", order_by="PlanLine.position")
    milestones = children("PlanMilestone", "project", order_by="PlanMilestone.position")
    reports = children("ProgressReport", "project", order_by="ProgressReport.id")

    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="term_in_order"),
        sa.CheckConstraint(
            "state != 'terminated' OR termination_reason IS NOT NULL",
            name="terminated_has_reason",
        ),
    )

    @property
    def is_active(self):
        return self.state in ACTIVE_STATES

    @property
    def is_delivering(self):
        return self.state in DELIVERING_STATES

    @property
    def budget_total(self):
        return sum((line.amount for line in self.plan_lines), Decimal("0.00"))

    @property
    def is_read_only(self):
        """Closed and terminated projects keep their records as they are."""
        return self.state not in ACTIVE_STATES


class PlanLine(db.Model):
    """预算科目 of the project: the funded budget, from the application's requested amounts."""

    __tablename__ = "plan_line"

    id: Mapped[Key]
    project_id: Mapped[int] = parent_key("project")
    position: Mapped[int]
    category: Mapped[BudgetCategory | None] = mapped_column(enum_type(BudgetCategory, 20))
    item: Mapped[str] = mapped_column(sa.String(200))
    amount: Mapped[Amount]  # current budget
    original_amount: Mapped[Amount]
    budget_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("budget_line.id"))

    project = relationship("Project", back_populates="plan_lines")

    __table_args__ = (
        sa.UniqueConstraint("project_id", "position", name="uq_plan_line_project_id_position"),
        sa.CheckConstraint("amount >= 0 AND original_amount >= 0", name="amounts_not_negative"),
    )

    @property
    def label(self):
        return f"{self.category.label} · {self.item}" if self.category else self.item


class PlanMilestone(db.Model):
    """里程碑 of the project: planned due date (original and current) and progress."""

    __tablename__ = "plan_milestone"

    id: Mapped[Key]
    project_id: Mapped[int] = parent_key("project")
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    deliverable: Mapped[BlankText]
    due_date: Mapped[date | None]
    original_due_date: Mapped[date | None]
    # from the latest accepted progress report
    status: Mapped[MilestoneStatus] = mapped_column(
        enum_type(MilestoneStatus, 20), default=MilestoneStatus.NOT_STARTED
    )
    completed_on: Mapped[date | None]

    project = relationship("Project", back_populates="milestones")


class ReportingPlan(TimestampMixin, db.Model):
    """报告要求 of a call: how often its projects report, and how many days they have."""

    __tablename__ = "reporting_plan"

    id: Mapped[Key]
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("call.id"), unique=True)
    frequency: Mapped[ReportFrequency] = mapped_column(enum_type(ReportFrequency, 20))
    grace_days: Mapped[int]
    updated_by_id: Mapped[UserId]

    __table_args__ = (
        sa.CheckConstraint("grace_days >= 0 AND grace_days <= 60", name="grace_days_range"),
    )


class ProgressReport(TimestampMixin, db.Model):
    """进度报告: what a project did in a period (or, ad hoc, on an occasion)."""

    __tablename__ = "progress_report"

    id: Mapped[Key]
    project_id: Mapped[int] = parent_key("project")
    kind: Mapped[ReportKind] = mapped_column(enum_type(ReportKind, 20))
    state: Mapped[ReportState] = mapped_column(
        enum_type(ReportState, 20), default=ReportState.DRAFT, index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    # scheduled reports cover a period and are due some days after it ends
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    due_on: Mapped[date | None]
    summary: Mapped[BlankText]
    problems: Mapped[BlankText]
    next_steps: Mapped[BlankText]
    created_by_id: Mapped[UserId]
    submitted_at: Mapped[Moment | None]
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[Moment | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    staff_comment: Mapped[Text | None]
    # moved on by every save (venture.core.concurrency.claim_edit): two saves at once conflict
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    project = relationship("Project", back_populates="reports")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    activities = children("Activity", "report", order_by="Activity.held_on, Activity.id")
    beneficiaries = children("BeneficiaryCount", "report")
    expenditures = children("Expenditure", "report")
    milestone_updates = children("MilestoneUpdate", "report")
    attachments = children("ReportAttachment", "report", order_by="ReportAttachment.id")

    __table_args__ = (
        sa.UniqueConstraint(
            "project_id", "kind", "period_start", name="uq_progress_report_project_id_kind_period"
        ),
        sa.CheckConstraint(
            "kind != 'scheduled' OR (period_start IS NOT NULL AND period_end IS NOT NULL "
            "AND due_on IS NOT NULL)",
            name="scheduled_has_period",
        ),
        sa.CheckConstraint(
            "state = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_time"
        ),
    )

    @property
    def beneficiaries_total(self):
        return sum(b.count for b in self.beneficiaries)

    def count_for(self, group):
        for row in self.beneficiaries:
            if row.group == group:
                return row.count
        return None

    def expenditure_for(self, line_id):
        for row in self.expenditures:
            if row.plan_line_id == line_id:
                return row
        return None

    def update_for(self, milestone_id):
        for row in self.milestone_updates:
            if row.plan_milestone_id == milestone_id:
                return row
        return None

    @property
    def spent(self):
        return sum((e.amount for e in self.expenditures), Decimal("0.00"))

    @property
    def photos(self):
        return [a for a in self.attachments if a.is_photo]

    @property
    def documents(self):
        return [a for a in self.attachments if not a.is_photo]


class Activity(db.Model):
    """活动记录: one activity held, in one community; the residents' committee of that
    community can later confirm or dispute it (community supervision)."""

    __tablename__ = "activity"

    id: Mapped[Key]
    report_id: Mapped[int] = parent_key("progress_report")
    held_on: Mapped[date]  # the date the activity took place
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    participants: Mapped[int]
    description: Mapped[BlankText]

    report = relationship("ProgressReport", back_populates="activities")
    community = relationship("Community", lazy="joined")

    __table_args__ = (sa.CheckConstraint("participants >= 0", name="participants_not_negative"),)


class BeneficiaryCount(db.Model):
    """受益人数 of one group in one report."""

    __tablename__ = "beneficiary_count"

    id: Mapped[Key]
    report_id: Mapped[int] = parent_key("progress_report")
    group: Mapped[BeneficiaryGroup] = mapped_column(enum_type(BeneficiaryGroup, 20))
    count: Mapped[int]

    report = relationship("ProgressReport", back_populates="beneficiaries")

    __table_args__ = (
        sa.UniqueConstraint("report_id", "group", name="uq_beneficiary_count_report_id_group"),
        sa.CheckConstraint("count >= 0", name="count_not_negative"),
    )


class Expenditure(db.Model):
    """支出: money spent on one budget line in one report's period."""

    __tablename__ = "expenditure"

    id: Mapped[Key]
    report_id: Mapped[int] = parent_key("progress_report")
    plan_line_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_line.id"), index=True)
    amount: Mapped[Amount]
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    # required when the line's running total is more than 10% over its budget
    explanation: Mapped[BlankText]

    report = relationship("ProgressReport", back_populates="expenditures")
    plan_line = relationship("PlanLine", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("report_id", "plan_line_id", name="uq_expenditure_report_id_line"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    )


class MilestoneUpdate(db.Model):
    """里程碑进展 reported for one milestone in one report."""

    __tablename__ = "milestone_update"

    id: Mapped[Key]
    report_id: Mapped[int] = parent_key("progress_report")
    plan_milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_milestone.id"))
    status: Mapped[MilestoneStatus] = mapped_column(enum_type(MilestoneStatus, 20))
    completed_on: Mapped[date | None]
    note: Mapped[BlankText]

    report = relationship("ProgressReport", back_populates="milestone_updates")
    milestone = relationship("PlanMilestone", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint(
            "report_id", "plan_milestone_id", name="uq_milestone_update_report_id_milestone"
        ),
        sa.CheckConstraint("status != 'done' OR completed_on IS NOT NULL", name="done_has_date"),
    )


class ReportAttachment(db.Model):
    """报告附件: a photo of an activity or a document (sign-in sheets, receipts…)."""

    __tablename__ = "report_attachment"

    id: Mapped[Key]
    report_id: Mapped[int] = parent_key("progress_report")
    file_id: Mapped[FileId]
    is_photo: Mapped[bool] = mapped_column(default=False)
    caption: Mapped[str] = mapped_column(sa.String(200), default="")

    report = relationship("ProgressReport", back_populates="attachments")
    file = relationship("StoredFile", lazy="joined")


class ChangeRequest(TimestampMixin, db.Model):
    """变更申请: the organization asks to change the plan; staff approve or reject it.

    `details` holds the change asked for; on approval `before` and `after` keep the plan as it
    was and as it became, so every version of the plan can be read back.
    """

    __tablename__ = "change_request"

    id: Mapped[Key]
    project_id: Mapped[int] = parent_key("project")
    kind: Mapped[ChangeKind] = mapped_column(enum_type(ChangeKind, 20))
    state: Mapped[ChangeState] = mapped_column(
        enum_type(ChangeState, 20), default=ChangeState.PENDING, index=True
    )
    reason: Mapped[Text]
    details: Mapped[dict] = mapped_column(sa.JSON)
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[Moment | None]
    decision_reason: Mapped[Text | None]

    project = relationship("Project")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    __table_args__ = (
        sa.CheckConstraint(
            "state NOT IN ('approved', 'rejected') OR decision_reason IS NOT NULL",
            name="decision_has_reason",
        ),
    )


class ProjectMessage(db.Model):
    """项目留言: a message between the organization and the staff officer."""

    __tablename__ = "project_message"

    id: Mapped[Key]
    project_id: Mapped[int] = parent_key("project")
    author_id: Mapped[UserId]
    body: Mapped[Text]
    created_at: Mapped[Timestamp]

    author = relationship("User", lazy="joined")


class ProjectDocument(LabelledFile, db.Model):
    """项目文件: any other document of the project (minutes, supplementary agreements…)."""

    __tablename__ = "project_document"

    id: Mapped[Key]
    project_id: Mapped[int] = parent_key("project")
    uploaded_by_id: Mapped[UserId]
    uploaded_at: Mapped[Timestamp]

    uploaded_by = relationship("User")


class ReportReminder(db.Model):
    """催报记录: a reminder sent for one report period, so each is sent once per stage."""

    __tablename__ = "report_reminder"

    id: Mapped[Key]
    project_id: Mapped[int] = parent_key("project")
    period_start: Mapped[date]
    stage: Mapped[str] = mapped_column(sa.String(10))  # "due" or "overdue"
    sent_at: Mapped[Timestamp]

    __table_args__ = (
        sa.UniqueConstraint(
            "project_id", "period_start", "stage", name="uq_report_reminder_project_period_stage"
        ),
        sa.CheckConstraint("stage IN ('due', 'overdue')", name="stage_known"),
    )


# ── the stamp of the report schedules ───────────────────────────────────────────────────────

# moved by every write that changes a project's report schedule or which of its periods are
# reported (keep_schedule_stamp); the figures counted from the schedules are kept under it
# (core.cache.written_figure: the staff home's overdue reports)
SCHEDULE_STAMP = "delivery.schedule#stamp"
# what a schedule is worked out from (delivery.rules.schedule_rows), by model
SCHEDULE_COLUMNS = {
    Project: ("state", "start_date", "end_date", "call_id"),
    ProgressReport: ("project_id", "kind", "period_start", "submitted_at"),
    ReportingPlan: ("call_id", "frequency", "grace_days"),
}


# every flush that adds or removes a project, a report or a reporting plan, or changes what a
# schedule is worked out from, moves SCHEDULE_STAMP, whichever operation made it
keep_schedule_stamp = stamp_on_flush(SCHEDULE_STAMP, SCHEDULE_COLUMNS)
