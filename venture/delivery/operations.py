"""Delivery operations: projects from contracts, progress reports, change requests, messages,
reminders and closing. Every function checks, changes and audits; the caller commits."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, subqueryload

from venture.auth.enums import Role
from venture.auth.models import User
from venture.contracts.lifecycle import CONTRACT_WORKFLOW
from venture.core import audit
from venture.core.concurrency import claim_edit
from venture.core.files import DOCUMENT_TYPES, IMAGE_TYPES, UploadRefused, store_bytes, store_upload
from venture.core.formatting import local_date
from venture.core.lifecycle import TransitionRefused, transition
from venture.core.money import CENT, format_yuan
from venture.core.timeutil import local_today, now
from venture.delivery.enums import (
    DELIVERING_STATES,
    ChangeKind,
    MilestoneStatus,
    ProjectState,
    ReportKind,
)
from venture.delivery.lifecycle import CHANGE_WORKFLOW, PROJECT_WORKFLOW, REPORT_WORKFLOW
from venture.delivery.models import (
    Activity,
    BeneficiaryCount,
    ChangeRequest,
    Expenditure,
    MilestoneUpdate,
    PlanLine,
    PlanMilestone,
    ProgressReport,
    Project,
    ProjectDocument,
    ProjectMessage,
    ReportAttachment,
    ReportingPlan,
    ReportReminder,
)
from venture.delivery.permissions import (
    can_edit_report,
    can_manage_project,
    can_post,
    can_request_change,
    can_write_reports,
    is_project_member,
)
from venture.delivery.progress import accepted
from venture.delivery.schedule import (
    DEFAULT_FREQUENCY,
    DEFAULT_GRACE_DAYS,
    DUE_SOON_DAYS,
    period_status,
    report_periods,
)
from venture.extensions import db
from venture.notifications.operations import notify, staff_users

MESSAGE_MAX = 4000
TEXT_MAX = 10000


class DeliveryError(ValueError):
    """A refused delivery operation; field names the form field to show it on."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


def _link(endpoint, **values):
    return url_for(endpoint, **values)


def org_members(organization_id):
    """The active applicant accounts of an organization."""
    return db.session.scalars(
        sa.select(User)
        .where(User.organization_id == organization_id, User.active)
        .order_by(User.id)
    ).all()


def _officer_or_staff(project):
    """Who on the bureau's side hears about a project: its officer, else every staff member."""
    if project.officer is not None and project.officer.active:
        return [project.officer]
    return staff_users()


# ── projects from contracts ────────────────────────────────────────────────────────────────


def find_project(contract_id):
    return db.session.scalar(sa.select(Project).where(Project.contract_id == contract_id))


def _scaled(amounts, total):
    """amounts scaled to add up to total exactly (the rounding remainder on the last one)."""
    whole = sum(amounts, Decimal("0.00"))
    if whole == total or not amounts:
        return list(amounts)
    if whole == 0:
        return [Decimal("0.00")] * (len(amounts) - 1) + [total]
    shares = [(a * total / whole).quantize(CENT) for a in amounts[:-1]]
    return shares + [total - sum(shares, Decimal("0.00"))]


def plan_lines_for(contract, application):
    """The project's budget lines: the application's requested amounts, scaled to the contract
    amount when the award differs from the request; one line for the whole amount when there
    is no application (tenders)."""
    lines = [line for line in (application.budget_lines if application else []) if line.requested]
    if not lines:
        return [
            PlanLine(
                position=1,
                category=None,
                item=_("Contract amount"),
                amount=contract.amount,
                original_amount=contract.amount,
            )
        ]
    amounts = _scaled([line.requested for line in lines], contract.amount)
    return [
        PlanLine(
            position=n,
            category=line.category,
            item=line.item or _("Budget line %(n)d", n=n),
            amount=amount,
            original_amount=amount,
            budget_line_id=line.id,
        )
        for n, (line, amount) in enumerate(zip(lines, amounts, strict=True), 1)
    ]


def ensure_project(contract, *, actor):
    """The contract's project, created (contracting) with the plan of its application."""
    project = find_project(contract.id)
    if project is not None:
        return project
    application = contract.application
    project = Project(
        contract=contract,
        call_id=contract.call_id,
        organization_id=contract.organization_id,
        application_id=contract.application_id,
        title=contract.title,
        state=ProjectState.CONTRACTING,
        officer_id=actor.id if getattr(actor, "id", None) and can_manage_project(actor) else None,
        start_date=contract.start_date,
        end_date=contract.end_date,
        original_end_date=contract.end_date,
        activity_plan=application.activity_plan if application else contract.service_content,
        original_activity_plan=(
            application.activity_plan if application else contract.service_content
        ),
        team=application.team if application else "",
        original_team=application.team if application else "",
        planned_beneficiaries=application.beneficiaries if application else None,
    )
    project.plan_lines = plan_lines_for(contract, application)
    project.milestones = [
        PlanMilestone(
            position=n,
            title=m.title or _("Milestone %(n)d", n=n),
            deliverable=m.deliverable,
            due_date=m.due_date,
            original_due_date=m.due_date,
        )
        for n, m in enumerate(application.milestones if application else [], 1)
    ]
    db.session.add(project)
    audit.record(
        "project.create",
        project,
        actor=actor,
        after={"contract_id": contract.id, "budget": project.budget_total, "title": project.title},
    )
    return project


def start_project(project, *, actor):
    transition(PROJECT_WORKFLOW, project, "start", actor=actor)
    project.started_at = now()


def follow_contract(contract, t, actor, reason):
    """Contract hook: a project is created when its contract is issued, starts when the
    contract is put in force and ends when it is terminated."""
    if t.action == "issue":
        ensure_project(contract, actor=actor)
    elif t.action == "put_in_force":
        project = ensure_project(contract, actor=actor)
        if project.state == ProjectState.CONTRACTING:
            start_project(project, actor=actor)
    elif t.action == "terminate":
        project = find_project(contract.id)
        if project is not None and project.is_active:
            transition(PROJECT_WORKFLOW, project, "terminate", actor=actor, reason=reason)
            project.terminated_at = now()
            project.termination_reason = reason.strip()


def assign_officer(project, officer, *, actor):
    if not can_manage_project(actor):
        raise DeliveryError(_("You are not allowed to do this."))
    if officer is None or not officer.active or not officer.has_role(Role.STAFF):
        raise DeliveryError(_("Choose a staff member."), "officer_id")
    before = {"officer_id": project.officer_id}
    project.officer = officer
    audit.record(
        "project.officer", project, actor=actor, before=before, after={"officer_id": officer.id}
    )


def order_rectification(project, *, due, requirements, actor):
    """整改: after a failed evaluation, what to put right and by when; a re-evaluation follows."""
    requirements = (requirements or "").strip()
    if due is None:
        raise DeliveryError(_("Give the rectification deadline."), "due")
    if due <= local_today():
        raise DeliveryError(_("The deadline must be after today."), "due")
    transition(PROJECT_WORKFLOW, project, "rectify", actor=actor, reason=requirements)
    project.rectification_due = due
    project.rectification_requirements = requirements
    notify(
        org_members(project.organization_id),
        _l("Rectification ordered: %(title)s", title=project.title),
        _l(
            "After the failed evaluation, the project must be rectified by %(date)s: "
            "%(requirements)s A re-evaluation follows.",
            date=local_date(due),
            requirements=requirements,
        ),
        _link("delivery.show", project_id=project.id),
    )


def terminate_project(project, *, reason, actor):
    """End the project early with a reason; its contract is terminated with it."""
    from venture.contracts.lifecycle import OPEN_STATES
    from venture.contracts.operations import decide_contract

    transition(PROJECT_WORKFLOW, project, "terminate", actor=actor, reason=reason)
    project.terminated_at = now()
    project.termination_reason = reason.strip()
    if project.contract.state in OPEN_STATES:
        decide_contract(project.contract, "terminate", actor=actor, reason=reason)
    notify(
        org_members(project.organization_id),
        _l("Project terminated: %(title)s", title=project.title),
        _l("The project was terminated. Reason: %(reason)s", reason=reason.strip()),
        _link("delivery.show", project_id=project.id),
    )


class ClosingRefused(TransitionRefused):
    """Closing refused; problems lists every loose end (venture.integrity.closing)."""

    def __init__(self, message, problems):
        super().__init__(message)
        self.problems = [str(p) for p in problems]


def close_project(project, *, actor):
    """结项: after the passed final evaluation and the final payment, archive every document
    as a ZIP; the project is read-only from then on and its contract completed."""
    from venture.contracts.enums import ContractState
    from venture.contracts.operations import decide_contract
    from venture.delivery.archive import archive_name, build_archive
    from venture.integrity.closing import closing_problems
    from venture.payments.enums import InstallmentState
    from venture.payments.operations import project_closed

    refusal = PROJECT_WORKFLOW.refusal(project, "close", actor)
    if refusal:
        raise ClosingRefused(refusal, closing_problems(project))
    from venture.reports.documents import issue_final_report

    issue_final_report(project, actor=actor)  # verification code, QR, signature
    data = build_archive(project)
    project.archive = store_bytes(
        data, name=archive_name(project), content_type="application/zip", actor=actor
    )
    transition(PROJECT_WORKFLOW, project, "close", actor=actor)
    project.closed_at = now()
    project_closed(project)
    db.session.flush()
    audit.record(
        "project.archive",
        project,
        actor=actor,
        after={"sha256": project.archive.sha256, "size": project.archive.size},
    )
    # an installment paid on closing keeps the contract in force until finance pays it
    unpaid = [i for i in project.contract.installments if i.state != InstallmentState.PAID]
    if project.contract.state == ContractState.IN_FORCE and not unpaid:
        decide_contract(project.contract, "complete", actor=actor)
    notify(
        org_members(project.organization_id),
        _l("Project closed: %(title)s", title=project.title),
        _l("The project is closed (结项). Its records are archived and can no longer change."),
        _link("delivery.show", project_id=project.id),
    )


# ── the reporting schedule ─────────────────────────────────────────────────────────────────


def reporting_plan_of(call_id):
    """(frequency, grace days) of a call's reporting plan, or the defaults."""
    plan = db.session.scalar(sa.select(ReportingPlan).where(ReportingPlan.call_id == call_id))
    if plan is None:
        return DEFAULT_FREQUENCY, DEFAULT_GRACE_DAYS
    return plan.frequency, plan.grace_days


def set_reporting_plan(call, *, frequency, grace_days, actor):
    if not can_manage_project(actor):
        raise DeliveryError(_("You are not allowed to do this."))
    if grace_days is None or not 0 <= grace_days <= 60:
        raise DeliveryError(_("Give a number of days from 0 to 60."), "grace_days")
    plan = db.session.scalar(sa.select(ReportingPlan).where(ReportingPlan.call_id == call.id))
    before = None
    if plan is None:
        plan = ReportingPlan(call_id=call.id, frequency=frequency, grace_days=grace_days)
        db.session.add(plan)
    else:
        before = audit.snapshot(plan, ("frequency", "grace_days"))
    plan.frequency = frequency
    plan.grace_days = grace_days
    plan.updated_by_id = actor.id
    audit.record(
        "reporting_plan.set",
        plan,
        actor=actor,
        before=before,
        after=audit.snapshot(plan, ("frequency", "grace_days")),
    )
    return plan


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


def _period_for(project, period_start):
    for row in schedule_rows(project):
        if row.period.start == period_start:
            return row.period
    return None


# ── progress reports ───────────────────────────────────────────────────────────────────────


def start_report(project, *, kind, actor, period_start=None, title=None):
    """A new draft: for a period of the schedule, ad hoc with a title, or on rectification."""
    if not can_write_reports(actor, project):
        raise DeliveryError(_("Reports are written by the organization while the project runs."))
    kind = ReportKind(kind)
    fields = {}
    if kind == ReportKind.SCHEDULED:
        period = _period_for(project, period_start)
        if period is None:
            raise DeliveryError(_("This is not a reporting period of the project."))
        if period.start > local_today():
            raise DeliveryError(_("This period has not started yet."))
        if any(
            r.kind == ReportKind.SCHEDULED and r.period_start == period.start
            for r in project.reports
        ):
            raise DeliveryError(_("A report on this period already exists."))
        fields = {
            "period_start": period.start,
            "period_end": period.end,
            "due_on": period.due_on,
            "title": _("Progress report %(period)s", period=period.label),
        }
    else:
        if kind == ReportKind.RECTIFICATION and project.state != ProjectState.RECTIFICATION:
            raise DeliveryError(
                _("Rectification reports are written while the project is under rectification.")
            )
        title = (title or "").strip()
        if not title:
            raise DeliveryError(_("Give the report a title."), "title")
        if len(title) > 200:
            raise DeliveryError(_("The title is longer than 200 characters."), "title")
        fields = {"title": title}
    report = ProgressReport(kind=kind, created_by_id=actor.id, **fields)
    project.reports.append(report)
    db.session.add(report)
    audit.record(
        "progress_report.start",
        report,
        actor=actor,
        after={"project_id": project.id, "kind": kind, "title": report.title},
    )
    return report


def _require_editable(report, actor):
    if not can_edit_report(actor, report):
        if report.project.is_read_only:
            raise DeliveryError(
                _(
                    "The project is %(state)s: its reports can no longer change.",
                    state=report.project.state.label,
                )
            )
        raise DeliveryError(
            _(
                "The report is %(state)s: it can no longer be changed.",
                state=report.state.label,
            )
        )


def save_report(report, values, *, actor):
    """Replace a draft's content with values (already read and checked by the form):
    summary, problems, next_steps, activities [dict], beneficiaries {group: count},
    expenditures {line_id: (amount, note, explanation)}, milestones {id: (status, date, note)}."""
    _require_editable(report, actor)
    claim_edit(report)  # first write: of two saves at the same instant, the second stops here
    project = report.project
    line_ids = {line.id for line in project.plan_lines}
    milestone_ids = {m.id for m in project.milestones}
    for name in ("summary", "problems", "next_steps"):
        setattr(report, name, (values.get(name) or "").strip()[:TEXT_MAX])
    # the rows are replaced: the old ones leave first, so unique (report, line) pairs can return
    report.activities, report.beneficiaries = [], []
    report.expenditures, report.milestone_updates = [], []
    db.session.flush()
    report.activities = [
        Activity(
            held_on=row["held_on"],
            community_id=row["community_id"],
            title=row["title"],
            participants=row["participants"],
            description=row.get("description", ""),
        )
        for row in values.get("activities", [])
    ]
    report.beneficiaries = [
        BeneficiaryCount(group=group, count=count)
        for group, count in values.get("beneficiaries", {}).items()
        if count
    ]
    report.expenditures = [
        Expenditure(plan_line_id=line_id, amount=amount, note=note, explanation=explanation)
        for line_id, (amount, note, explanation) in values.get("expenditures", {}).items()
        if line_id in line_ids and (amount or explanation)
    ]
    report.milestone_updates = [
        MilestoneUpdate(plan_milestone_id=mid, status=status, completed_on=done_on, note=note)
        for mid, (status, done_on, note) in values.get("milestones", {}).items()
        if mid in milestone_ids
    ]
    db.session.flush()
    audit.record(
        "progress_report.save",
        report,
        actor=actor,
        after={
            "activities": len(report.activities),
            "beneficiaries": report.beneficiaries_total,
            "spent": report.spent,
        },
    )


def add_report_files(report, *, photos=(), documents=(), caption="", actor):
    """Keep uploaded photos (JPG, PNG) and documents with the report."""
    _require_editable(report, actor)
    added = []
    for storages, allowed, is_photo, field in (
        (photos, IMAGE_TYPES, True, "photos"),
        (documents, DOCUMENT_TYPES, False, "documents"),
    ):
        for storage in storages:
            if not storage or not storage.filename:
                continue
            try:
                stored = store_upload(storage, allowed=allowed, actor=actor)
            except UploadRefused as refused:
                raise DeliveryError(
                    _("%(name)s: %(problem)s", name=storage.filename, problem=refused), field
                ) from None
            attachment = ReportAttachment(file=stored, is_photo=is_photo, caption=caption[:200])
            report.attachments.append(attachment)
            added.append(attachment)
    if added:
        db.session.flush()
        audit.record(
            "progress_report.files",
            report,
            actor=actor,
            after={"added": [a.file.original_name for a in added]},
        )
    return added


def remove_report_file(report, attachment, *, actor):
    _require_editable(report, actor)
    audit.record(
        "progress_report.file_removed",
        report,
        actor=actor,
        before={"file": attachment.file.original_name},
    )
    report.attachments.remove(attachment)


def delete_report(report, *, actor):
    """A draft never submitted can be thrown away by its organization."""
    _require_editable(report, actor)
    if report.submitted_at is not None:
        raise DeliveryError(_("A report that was submitted once is kept."))
    audit.record("progress_report.delete", report, actor=actor, before={"title": report.title})
    report.project.reports.remove(report)


def submit_report(report, *, actor):
    transition(REPORT_WORKFLOW, report, "submit", actor=actor)
    report.submitted_at = now()
    report.submitted_by_id = actor.id
    notify(
        _officer_or_staff(report.project),
        _l("Progress report submitted: %(title)s", title=report.project.title),
        _l(
            "%(org)s submitted “%(report)s”. Please accept it or return it with comments.",
            org=report.project.organization.name,
            report=report.title,
        ),
        _link("delivery.report", report_id=report.id),
    )


def decide_report(report, action, *, comment, actor):
    """Staff accept a submitted report (its milestone updates then enter the plan) or return it
    with comments."""
    if action not in ("accept", "return"):
        raise DeliveryError(_("This action does not exist."))
    comment = (comment or "").strip()
    transition(REPORT_WORKFLOW, report, action, actor=actor, reason=comment or None)
    report.decided_at = now()
    report.decided_by_id = actor.id
    report.staff_comment = comment or None
    if action == "accept":
        from venture.payments.operations import report_accepted

        report_accepted(report.project)
        for update in report.milestone_updates:
            milestone = update.milestone
            milestone.status = update.status
            milestone.completed_on = (
                update.completed_on if update.status == MilestoneStatus.DONE else None
            )
        subject = _l("Progress report accepted: %(report)s", report=report.title)
        body = _l("Your report “%(report)s” was accepted.", report=report.title)
    else:
        subject = _l("Progress report returned: %(report)s", report=report.title)
        body = _l(
            "Your report “%(report)s” was returned for changes: %(comment)s",
            report=report.title,
            comment=comment,
        )
    notify(
        org_members(report.project.organization_id),
        subject,
        body,
        _link("delivery.report", report_id=report.id),
    )


# ── change requests ────────────────────────────────────────────────────────────────────────


def _line(project, line_id):
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
            source, target = _line(project, move["from"]), _line(project, move["to"])
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


def request_change(project, *, kind, reason, details, actor):
    """变更申请 by the organization; staff decide it."""
    if not can_request_change(actor, project):
        raise DeliveryError(_("Changes are requested by the organization while the project runs."))
    reason = (reason or "").strip()
    if not reason:
        raise DeliveryError(_("Explain why the change is needed."), "reason")
    problem = details_problem(project, kind, details)
    if problem:
        raise DeliveryError(problem, "details")
    change = ChangeRequest(
        project=project,
        kind=ChangeKind(kind),
        reason=reason[:TEXT_MAX],
        details=details,
        requested_by_id=actor.id,
    )
    db.session.add(change)
    audit.record(
        "change_request.submit",
        change,
        actor=actor,
        after={"kind": change.kind, "details": str(details)},
        reason=reason,
    )
    notify(
        _officer_or_staff(project),
        _l("Change request: %(title)s", title=project.title),
        _l(
            "%(org)s requested a change: %(kind)s. Please approve or reject it with a reason.",
            org=project.organization.name,
            kind=change.kind.label,
        ),
        _link("delivery.show", project_id=project.id, _anchor="changes"),
    )
    return change


def plan_snapshot(project, kind):
    """The part of the plan a change of kind touches, JSON-plain."""
    kind = ChangeKind(kind)
    if kind == ChangeKind.BUDGET:
        return {"lines": {str(line.id): str(line.amount) for line in project.plan_lines}}
    if kind == ChangeKind.EXTENSION:
        return {"end_date": project.end_date.isoformat()}
    if kind == ChangeKind.ACTIVITIES:
        return {"text": project.activity_plan}
    return {"text": project.team}


def _apply(change):
    project = change.project
    if change.kind == ChangeKind.BUDGET:
        for move in change.details["moves"]:
            amount = Decimal(move["amount"])
            _line(project, move["from"]).amount -= amount
            _line(project, move["to"]).amount += amount
    elif change.kind == ChangeKind.EXTENSION:
        project.end_date = date.fromisoformat(change.details["end_date"])
    elif change.kind == ChangeKind.ACTIVITIES:
        project.activity_plan = change.details["text"].strip()
    else:
        project.team = change.details["text"].strip()


def decide_change(change, action, *, reason, actor):
    """Approve (the plan changes; before and after are kept) or reject, with a reason."""
    if action not in ("approve", "reject"):
        raise DeliveryError(_("This action does not exist."))
    reason = (reason or "").strip()
    transition(CHANGE_WORKFLOW, change, action, actor=actor, reason=reason)
    change.decided_at = now()
    change.decided_by_id = actor.id
    change.decision_reason = reason
    if action == "approve":
        change.before = plan_snapshot(change.project, change.kind)
        _apply(change)
        change.after = plan_snapshot(change.project, change.kind)
        audit.record(
            "project.plan_change",
            change.project,
            actor=actor,
            before=change.before,
            after=change.after,
            reason=reason,
        )
        subject = _l("Change approved: %(title)s", title=change.project.title)
    else:
        subject = _l("Change rejected: %(title)s", title=change.project.title)
    notify(
        org_members(change.project.organization_id),
        subject,
        _l(
            "%(kind)s — %(decision)s: %(reason)s",
            kind=change.kind.label,
            decision=change.state.label,
            reason=reason,
        ),
        _link("delivery.show", project_id=change.project_id, _anchor="changes"),
    )


def withdraw_change(change, *, actor):
    transition(CHANGE_WORKFLOW, change, "withdraw", actor=actor)


# ── messages and documents ─────────────────────────────────────────────────────────────────


def post_message(project, *, body, actor):
    if not can_post(actor, project):
        raise DeliveryError(_("You are not allowed to do this."))
    body = (body or "").strip()
    if not body:
        raise DeliveryError(_("Write the message."), "body")
    if len(body) > MESSAGE_MAX:
        raise DeliveryError(
            _("Please keep the message under %(max)d characters.", max=MESSAGE_MAX), "body"
        )
    message = ProjectMessage(project_id=project.id, author_id=actor.id, body=body)
    db.session.add(message)
    audit.record("project.message", project, actor=actor, after={"length": len(body)})
    others = (
        _officer_or_staff(project)
        if is_project_member(actor, project)
        else org_members(project.organization_id)
    )
    notify(
        [u for u in others if u.id != actor.id],
        _l("New message on %(title)s", title=project.title),
        body,
        _link("delivery.show", project_id=project.id, _anchor="messages"),
    )
    return message


def add_document(project, *, label, storage, actor):
    if not can_post(actor, project):
        raise DeliveryError(_("You are not allowed to do this."))
    label = (label or "").strip()
    if not label:
        raise DeliveryError(_("Say what the document is."), "label")
    if storage is None or not storage.filename:
        raise DeliveryError(_("Choose a file."), "file")
    try:
        stored = store_upload(storage, actor=actor)
    except UploadRefused as refused:
        raise DeliveryError(str(refused), "file") from None
    document = ProjectDocument(
        project_id=project.id, label=label[:200], file=stored, uploaded_by_id=actor.id
    )
    db.session.add(document)
    audit.record(
        "project.document", project, actor=actor, after={"label": label, "sha256": stored.sha256}
    )
    return document


# ── overdue reports and reminders ──────────────────────────────────────────────────────────


def delivering_projects():
    """Projects being delivered, with what their schedule needs (a fixed number of queries)."""
    return db.session.scalars(
        sa.select(Project)
        .where(Project.state.in_(DELIVERING_STATES))
        # one statement each for any number of projects (selectinload batches by 500)
        .options(subqueryload(Project.reports), joinedload(Project.officer))
        .order_by(Project.id)
    ).all()


def _plans(call_ids):
    rows = db.session.scalars(sa.select(ReportingPlan).where(ReportingPlan.call_id.in_(call_ids)))
    plans = {row.call_id: (row.frequency, row.grace_days) for row in rows}
    return defaultdict(lambda: (DEFAULT_FREQUENCY, DEFAULT_GRACE_DAYS), plans)


@dataclass
class Outstanding:
    project: Project
    row: ScheduleRow

    @property
    def days_overdue(self):
        return (local_today() - self.row.period.due_on).days


def outstanding_reports(today=None, statuses=("overdue",), projects=None):
    """Outstanding report periods of delivering projects, oldest first."""
    today = today or local_today()
    projects = delivering_projects() if projects is None else projects
    plans = _plans({p.call_id for p in projects})
    found = []
    for project in projects:
        for row in schedule_rows(project, plans[project.call_id], today):
            if row.status in statuses:
                found.append(Outstanding(project, row))
    return sorted(found, key=lambda o: (o.row.period.due_on, o.project.id))


def send_report_reminders(today=None):
    """Remind organizations of reports due within DUE_SOON_DAYS and of overdue ones; each
    period is reminded once per stage (due, overdue). Returns the reminders sent."""
    today = today or local_today()
    sent_before = {
        (r.project_id, r.period_start, r.stage)
        for r in db.session.scalars(sa.select(ReportReminder))
    }
    sent = 0
    for item in outstanding_reports(today, statuses=("open", "due", "draft", "overdue")):
        period = item.row.period
        if item.row.status == "overdue":
            stage = "overdue"
        elif today > period.end and (period.due_on - today).days <= DUE_SOON_DAYS:
            stage = "due"
        else:
            continue
        if (item.project.id, period.start, stage) in sent_before:
            continue
        project = item.project
        if stage == "overdue":
            subject = _l("Progress report overdue: %(title)s", title=project.title)
            body = _l(
                "The progress report on %(period)s was due by %(date)s and has not been "
                "submitted. Please submit it as soon as possible.",
                period=period.label,
                date=local_date(period.due_on),
            )
        else:
            subject = _l("Progress report due: %(title)s", title=project.title)
            body = _l(
                "The progress report on %(period)s is due by %(date)s.",
                period=period.label,
                date=local_date(period.due_on),
            )
        notify(
            org_members(project.organization_id),
            subject,
            body,
            _link("delivery.show", project_id=project.id, _anchor="reports"),
        )
        db.session.add(
            ReportReminder(project_id=project.id, period_start=period.start, stage=stage)
        )
        sent += 1
    return sent


# the project follows its contract (created on issue, started in force, ended on termination)
if follow_contract not in CONTRACT_WORKFLOW.after_hooks:
    CONTRACT_WORKFLOW.after_hooks.append(follow_contract)
