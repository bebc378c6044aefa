"""Rules read by delivery's workflow, its operations and the integrity checks: the reporting
schedule of a project and whether a change still fits its plan. They read, never write."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, subqueryload

from venture.contracts.models import Contract
from venture.core.formatting import local_date
from venture.core.money import format_yuan
from venture.core.timeutil import local_today
from venture.delivery.enums import ChangeKind, ReportKind
from venture.delivery.models import ProgressReport, Project, ReportingPlan
from venture.delivery.progress import accepted
from venture.delivery.schedule import (
    DEFAULT_FREQUENCY,
    DEFAULT_GRACE_DAYS,
    period_status,
    report_periods,
)
from venture.extensions import db
from venture.payments.models import Installment

# ── a project with its figures (the reports, delivery's and evaluation's pages) ──────────────


def project_options():
    """Loader options for a project's figures: plan, reports with their rows, payments; one
    statement per relation for any number of projects (selectinload batches by 500)."""
    return (
        subqueryload(Project.plan_lines),
        subqueryload(Project.milestones),
        subqueryload(Project.reports).subqueryload(ProgressReport.expenditures),
        subqueryload(Project.reports).subqueryload(ProgressReport.beneficiaries),
        subqueryload(Project.reports).subqueryload(ProgressReport.activities),
        joinedload(Project.contract)
        .subqueryload(Contract.installments)
        .subqueryload(Installment.payments),
    )


def load_project(project_id):
    return db.session.get(Project, project_id, options=project_options())


# ── the reporting schedule ─────────────────────────────────────────────────────────────────


def reporting_plan_of(call_id):
    """(frequency, grace days) of a call's reporting plan, or the defaults."""
    plan = db.session.scalar(sa.select(ReportingPlan).where(ReportingPlan.call_id == call_id))
    if plan is None:
        return DEFAULT_FREQUENCY, DEFAULT_GRACE_DAYS
    return plan.frequency, plan.grace_days


@dataclass
class ScheduleRow:
    period: object
    report: ProgressReport | None
    status: str

    @property
    def late(self):
        """Submitted after the due date."""
        if self.report is None or self.report.submitted_at is None:
            return False
        return local_date_of(self.report.submitted_at) > self.period.due_on


def local_date_of(moment):
    from venture.core.timeutil import to_local

    return to_local(moment).date()


def schedule_rows(project, plan=None, today=None):
    """ScheduleRow per reporting period of the project's current term."""
    today = today or local_today()
    frequency, grace = plan or reporting_plan_of(project.call_id)
    by_start = {r.period_start: r for r in project.reports if r.kind == ReportKind.SCHEDULED}
    return [
        ScheduleRow(
            period,
            by_start.get(period.start),
            period_status(period, by_start.get(period.start), today),
        )
        for period in report_periods(project.start_date, project.end_date, frequency, grace)
    ]


# ── change requests ────────────────────────────────────────────────────────────────────────


def line_of(project, line_id):
    for line in project.plan_lines:
        if line.id == line_id:
            return line
    return None


def spent_by_line(project):
    """{line_id: accepted spending} of the project."""
    spent = defaultdict(lambda: Decimal("0.00"))
    for report in accepted(project.reports):
        for row in report.expenditures:
            spent[row.plan_line_id] += row.amount
    return spent


def details_problem(project, kind, details):
    """Why the change asked for cannot apply to the project's current plan, or None."""
    kind = ChangeKind(kind)
    if kind == ChangeKind.BUDGET:
        spent = spent_by_line(project)
        for move in details.get("moves", []):
            source, target = line_of(project, move["from"]), line_of(project, move["to"])
            amount = Decimal(move["amount"])
            if source is None or target is None:
                return _l("Choose two budget lines of the project.")
            if source.id == target.id:
                return _l("Choose two different budget lines.")
            if amount <= 0:
                return _l("The amount to move must be more than zero.")
            room = source.amount - spent[source.id]
            if amount > room:
                return _l(
                    "%(line)s has %(room)s not yet spent; at most that much can be moved.",
                    line=source.label,
                    room=format_yuan(room),
                )
        return None
    if kind == ChangeKind.EXTENSION:
        end = date.fromisoformat(details["end_date"])
        if end <= project.end_date:
            return _l(
                "The new end date must be after the current one, %(date)s.",
                date=local_date(project.end_date),
            )
        return None
    text = (details.get("text") or "").strip()
    current = project.activity_plan if kind == ChangeKind.ACTIVITIES else project.team
    if not text:
        return _l("Describe the plan as it would be after the change.")
    if text == current.strip():
        return _l("This is the plan as it is now; describe what changes.")
    return None


def change_problem(change):
    """Whether a pending change still fits the plan (checked again when it is approved)."""
    return details_problem(change.project, change.kind, change.details)
