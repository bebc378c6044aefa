"""Progress reports: drafts, files, submission and the bureau's decision; overdue reports and
the reminders sent about them."""

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from venture.core import audit
from venture.core.cache import written_figure
from venture.core.concurrency import claim_edit
from venture.core.files import DOCUMENT_TYPES, IMAGE_TYPES, UploadRefused, store_upload
from venture.core.formatting import local_date
from venture.core.lifecycle import transition
from venture.core.timeutil import local_today, now
from venture.delivery.enums import DELIVERING_STATES, MilestoneStatus, ProjectState, ReportKind
from venture.delivery.lifecycle import REPORT_WORKFLOW
from venture.delivery.models import (
    SCHEDULE_STAMP,
    Activity,
    BeneficiaryCount,
    Expenditure,
    MilestoneUpdate,
    ProgressReport,
    Project,
    ReportAttachment,
    ReportingPlan,
    ReportReminder,
)
from venture.delivery.operations.common import (
    TEXT_MAX,
    DeliveryError,
    _link,
    _officer_or_staff,
    org_members,
)
from venture.delivery.permissions import can_edit_report, can_write_reports
from venture.delivery.rules import ScheduleRow, schedule_rows
from venture.delivery.schedule import (
    DEFAULT_FREQUENCY,
    DEFAULT_GRACE_DAYS,
    DUE_SOON_DAYS,
    report_periods,
)
from venture.extensions import db
from venture.notifications.operations import notify


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
    audit.record_added(
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
            _("The report is %(state)s: it can no longer be changed.", state=report.state.label)
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


def overdue_report_count(today=None):
    """How many report periods of delivering projects are overdue: len(outstanding_reports()),
    worked out from the schedules' columns only (no project or report loaded)."""
    today = today or local_today()
    projects = db.session.execute(
        sa.select(Project.id, Project.call_id, Project.start_date, Project.end_date).where(
            Project.state.in_(DELIVERING_STATES)
        )
    ).all()
    reported = {
        tuple(row)  # plain tuples: a Row compares slowly
        for row in db.session.execute(
            sa.select(ProgressReport.project_id, ProgressReport.period_start)
            .join(Project, Project.id == ProgressReport.project_id)
            .where(
                Project.state.in_(DELIVERING_STATES),
                ProgressReport.kind == ReportKind.SCHEDULED,
                ProgressReport.submitted_at.is_not(None),
            )
        )
    }
    plans = _plans({p.call_id for p in projects})
    return sum(
        1
        for project_id, call_id, start, end in projects
        for period in report_periods(start, end, *plans[call_id])
        # schedule.period_status: overdue once past its due date with no report submitted
        if period.due_on < today and (project_id, period.start) not in reported
    )


OVERDUE_REPORTS = "delivery.overdue_reports"  # the stored figure's key


def overdue_reports_written(stored=None):
    """overdue_report_count() for today, kept until a write moves the schedules' stamp
    (models.keep_schedule_stamp) or the day changes: the staff home shows it (stored: the
    figure and the stamp read already, with the home's 下一步: {key: value})."""
    today = local_today()
    return written_figure(
        OVERDUE_REPORTS,
        SCHEDULE_STAMP,
        lambda: overdue_report_count(today),
        also=(today.isoformat(),),
        stored=stored,
    )


def organization_reports_due(organization_id):
    """(the organization's delivering projects, their report periods due, in draft or
    overdue, oldest first), kept for the rest of the request: the applicant's home shows them
    twice, in its 下一步 (which works them out) and in the delivery panel (which reads them:
    reports_due_read)."""
    projects = db.session.scalars(
        sa.select(Project)
        .where(Project.organization_id == organization_id)
        .options(selectinload(Project.reports))
    ).all()
    delivering = [p for p in projects if p.is_delivering]
    due = outstanding_reports(statuses=("due", "draft", "overdue"), projects=delivering)
    if has_request_context():
        g.reports_due = (organization_id, delivering, due)
    return delivering, due


def reports_due_read(organization_id):
    """organization_reports_due, as worked out earlier in this request if it was."""
    kept = g.get("reports_due") if has_request_context() else None
    if kept is not None and kept[0] == organization_id:
        return kept[1], kept[2]
    return organization_reports_due(organization_id)


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
