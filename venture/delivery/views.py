"""Project workspace pages: plan against actual, progress reports, change requests, messages,
documents; staff lists of projects and overdue reports; the `flask delivery` commands."""

from datetime import timedelta

import click
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from venture.auth.enums import Role
from venture.auth.models import User, UserRole
from venture.calls.models import Call
from venture.contracts.models import Contract
from venture.core.access import deny_unless, roles_required, signed_in
from venture.core.audit import AuditEntry
from venture.core.cache import cached_figure
from venture.core.concurrency import EditConflict, changed_since, stale_message, version_token
from venture.core.files import send_stored
from venture.core.integers import optional_id, record_id
from venture.core.lifecycle import TransitionRefused
from venture.core.pagination import Page, paginate, requested_page
from venture.core.timeutil import local_today
from venture.delivery import operations
from venture.delivery.enums import (
    BeneficiaryGroup,
    ChangeKind,
    ChangeState,
    ProjectState,
    ReportFrequency,
    ReportKind,
    ReportState,
)
from venture.delivery.forms import (
    ChangeRequestForm,
    DecisionForm,
    DocumentForm,
    MessageForm,
    OfficerForm,
    ReasonForm,
    RectificationForm,
    ReportForm,
    ReportingPlanForm,
    StartReportForm,
)
from venture.delivery.lifecycle import PROJECT_WORKFLOW, submission_problems
from venture.delivery.models import (
    ChangeRequest,
    ProgressReport,
    Project,
    ProjectDocument,
    ProjectMessage,
    ReportAttachment,
)
from venture.delivery.permissions import (
    can_edit_report,
    can_manage_project,
    can_post,
    can_request_change,
    can_see_messages,
    can_view_project,
    can_view_report,
    can_write_reports,
    is_project_member,
)
from venture.delivery.progress import line_totals, project_progress
from venture.delivery.schedule import STATUS_BADGES, STATUS_LABELS
from venture.delivery.settlement import SettlementKind, settlement_of
from venture.extensions import db
from venture.home.views import home_panel
from venture.integrity.closing import closing_problems
from venture.orgs.models import Organization
from venture.reference.models import Community
from venture.reports.figures import project_options

bp = Blueprint("delivery", __name__, cli_group="delivery")


@bp.app_context_processor
def _schedule_labels():
    return {"period_status_label": STATUS_LABELS, "period_status_badge": STATUS_BADGES}


def get_project_or_404(project_id, *, figures=False):
    """The project if the current user may see it; 404 otherwise, whoever asks."""
    project = db.session.get(Project, project_id, options=project_options() if figures else ())
    deny_unless(project is not None, 404)
    deny_unless(can_view_project(current_user, project), 404)
    return project


def get_report_or_404(report_id):
    report = db.session.get(ProgressReport, report_id)
    deny_unless(report is not None, 404)
    deny_unless(can_view_report(current_user, report), 404)
    return report


def _flash_errors(form):
    for errors in form.errors.values():
        for message in errors:
            flash(message if isinstance(message, str) else str(message), "danger")


def _back(project, anchor=None):
    return redirect(url_for("delivery.show", project_id=project.id, _anchor=anchor))


def _refused(error):
    db.session.rollback()
    flash(getattr(error, "message", str(error)), "danger")


# ── lists ──────────────────────────────────────────────────────────────────────────────────


@bp.route("/projects")
@roles_required(Role.APPLICANT)
def mine():
    """我的项目: the organization's funded projects."""
    deny_unless(current_user.organization_id is not None, 404)
    query = (
        select(Project)
        .where(Project.organization_id == current_user.organization_id)
        .order_by(Project.id.desc())
    )
    page = paginate(query)
    return render_template("delivery/mine.html", page=page)


@bp.route("/staff/projects")
@roles_required(Role.STAFF, Role.FINANCE)
def index():
    """项目管理: every project, filtered by state, call, officer and a search text."""
    state = request.args.get("state", "")
    call_id = request.args.get("call", type=record_id)
    mine_only = request.args.get("mine") == "1"
    attention = request.args.get("attention") == "1"
    text = request.args.get("q", "").strip()[:100]
    query = select(Project).order_by(Project.id.desc())
    if state in {s.value for s in ProjectState}:
        query = query.where(Project.state == ProjectState(state))
    if call_id:
        query = query.where(Project.call_id == call_id)
    if mine_only:
        query = query.where(Project.officer_id == current_user.id)
    if attention:
        # a report to accept or return, or a change request to decide
        query = query.where(
            or_(
                Project.id.in_(
                    select(ProgressReport.project_id).where(
                        ProgressReport.state == ReportState.SUBMITTED
                    )
                ),
                Project.id.in_(
                    select(ChangeRequest.project_id).where(
                        ChangeRequest.state == ChangeState.PENDING
                    )
                ),
            )
        )
    if text:
        like = f"%{text}%"
        query = (
            query.join(Organization, Organization.id == Project.organization_id)
            .join(Contract, Contract.id == Project.contract_id)
            .where(
                or_(
                    Project.title.ilike(like),
                    Organization.name.ilike(like),
                    Contract.number.ilike(like),
                )
            )
        )
    page = paginate(query.options(selectinload(Project.officer)))
    calls = db.session.scalars(
        select(Call).where(Call.id.in_(select(Project.call_id))).order_by(Call.id.desc())
    ).all()
    return render_template(
        "delivery/index.html",
        page=page,
        state=state,
        call_id=call_id,
        mine_only=mine_only,
        attention=attention,
        q=text,
        states=list(ProjectState),
        calls=calls,
    )


@bp.route("/staff/projects/overdue-reports")
@roles_required(Role.STAFF)
def overdue():
    """Progress reports not submitted by their due date, oldest first."""
    items = operations.outstanding_reports()
    per_page = current_app.config["PAGE_SIZE"]
    number = min(requested_page(), max(1, -(-len(items) // per_page)))
    page = Page(
        items=items[(number - 1) * per_page : number * per_page],
        page=number,
        per_page=per_page,
        total=len(items),
    )
    return render_template("delivery/overdue.html", page=page, form=DecisionForm())


@bp.route("/staff/projects/overdue-reports/remind", methods=["POST"])
@roles_required(Role.STAFF)
def remind():
    if not DecisionForm().validate_on_submit():
        abort(400)
    sent = operations.send_report_reminders()
    db.session.commit()
    flash(_("%(n)d reminders were sent.", n=sent), "success")
    return redirect(url_for("delivery.overdue"))


@bp.route("/staff/calls/<int:call_id>/reporting", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def reporting_plan(call_id):
    """How often the call's projects report, and how long they have."""
    call = db.session.get(Call, call_id)
    deny_unless(call is not None, 404)
    frequency, grace = operations.reporting_plan_of(call.id)
    form = ReportingPlanForm()
    if request.method == "GET":
        form.frequency.data = frequency.value
        form.grace_days.data = grace
    if form.validate_on_submit():
        try:
            operations.set_reporting_plan(
                call,
                frequency=ReportFrequency(form.frequency.data),
                grace_days=form.grace_days.data,
                actor=current_user,
            )
        except operations.DeliveryError as error:
            db.session.rollback()
            form.grace_days.errors = [error.message]
        else:
            db.session.commit()
            flash(_("The reporting plan was saved."), "success")
            return redirect(url_for("delivery.reporting_plan", call_id=call.id))
    status = 400 if request.method == "POST" else 200
    return render_template("delivery/reporting_plan.html", call=call, form=form), status


# ── the workspace ──────────────────────────────────────────────────────────────────────────


def _staff_choices():
    staff = db.session.scalars(
        select(User)
        .join(UserRole)
        .where(UserRole.role == Role.STAFF.value, User.active)
        .order_by(User.name)
    ).all()
    return [(u.id, u.name) for u in staff]


def _documents(project):
    return db.session.scalars(
        select(ProjectDocument)
        .where(ProjectDocument.project_id == project.id)
        .options(selectinload(ProjectDocument.uploaded_by))
        .order_by(ProjectDocument.uploaded_at, ProjectDocument.id)
    ).all()


@bp.route("/projects/<int:project_id>")
@signed_in
def show(project_id):
    """The workspace: plan against actual, reports, changes, evaluations, documents, messages."""
    from venture.evaluation.rules import evaluations_of, unresolved_failure

    project = get_project_or_404(project_id, figures=True)
    today = local_today()
    changes = db.session.scalars(
        select(ChangeRequest)
        .where(ChangeRequest.project_id == project.id)
        .options(selectinload(ChangeRequest.requested_by), selectinload(ChangeRequest.decided_by))
        .order_by(ChangeRequest.created_at.desc(), ChangeRequest.id.desc())
    ).all()
    messages = (
        db.session.scalars(
            select(ProjectMessage)
            .where(ProjectMessage.project_id == project.id)
            .order_by(ProjectMessage.created_at, ProjectMessage.id)
        ).all()
        if can_see_messages(current_user, project)
        else None
    )
    staff = can_manage_project(current_user)
    officer_form = OfficerForm(officer_id=project.officer_id or 0)
    if staff:
        officer_form.officer_id.choices = [(0, "—")] + _staff_choices()
    history = (
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "Project", AuditEntry.object_id == project.id)
            .order_by(AuditEntry.id.desc())
            .limit(50)
        ).all()
        if staff
        else []
    )
    member = is_project_member(current_user, project)
    return render_template(
        "delivery/project.html",
        project=project,
        progress=project_progress(project, today),
        schedule=operations.schedule_rows(project, today=today),
        frequency=operations.reporting_plan_of(project.call_id)[0],
        other_reports=[r for r in project.reports if r.kind != ReportKind.SCHEDULED],
        changes=changes,
        evaluations=evaluations_of(project.id),
        failure=unresolved_failure(project),
        documents=_documents(project),
        messages=messages,
        history=history,
        staff=staff,
        member=member,
        can_write=can_write_reports(current_user, project),
        can_change=can_request_change(current_user, project),
        can_post=can_post(current_user, project),
        can_archive=project.archive is not None
        and (member or staff or current_user.has_role(Role.FINANCE)),
        close_refusal=PROJECT_WORKFLOW.refusal(project, "close", current_user) if staff else None,
        closing=closing_problems(project)
        if staff and project.state == ProjectState.FINAL_EVALUATED
        else [],
        settlement=settlement_of(project),
        settlement_kinds=[(k.value, k.label) for k in SettlementKind],
        actions={t.action for t in PROJECT_WORKFLOW.available(project, current_user)},
        start_form=StartReportForm(),
        officer_form=officer_form,
        rectification_form=RectificationForm(),
        reason_form=ReasonForm(),
        message_form=MessageForm(),
        document_form=DocumentForm(),
        decision_form=DecisionForm(),
        ReportState=ReportState,
        ChangeState=ChangeState,
    )


@bp.route("/projects/<int:project_id>/officer", methods=["POST"])
@roles_required(Role.STAFF)
def officer(project_id):
    project = get_project_or_404(project_id)
    form = OfficerForm()
    form.officer_id.choices = [(0, "—")] + _staff_choices()
    if not form.validate_on_submit():
        _flash_errors(form)
        return _back(project)
    try:
        operations.assign_officer(
            project, db.session.get(User, form.officer_id.data), actor=current_user
        )
    except operations.DeliveryError as error:
        _refused(error)
    else:
        db.session.commit()
        flash(_("The staff officer was set."), "success")
    return _back(project)


@bp.route("/projects/<int:project_id>/rectification", methods=["POST"])
@roles_required(Role.STAFF)
def rectification(project_id):
    project = get_project_or_404(project_id)
    form = RectificationForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return _back(project)
    try:
        operations.order_rectification(
            project, due=form.due.data, requirements=form.requirements.data, actor=current_user
        )
    except (operations.DeliveryError, TransitionRefused) as error:
        _refused(error)
    else:
        db.session.commit()
        flash(_("Rectification was ordered; assign the re-evaluation when it is due."), "success")
    return _back(project)


@bp.route("/projects/<int:project_id>/terminate", methods=["POST"])
@roles_required(Role.STAFF)
def terminate(project_id):
    project = get_project_or_404(project_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason."), "danger")
        return _back(project)
    try:
        operations.terminate_project(project, reason=form.reason.data, actor=current_user)
    except TransitionRefused as error:
        _refused(error)
    else:
        db.session.commit()
        flash(_("The project and its contract were terminated."), "success")
    return _back(project)


@bp.route("/projects/<int:project_id>/close", methods=["POST"])
@roles_required(Role.STAFF)
def close(project_id):
    project = get_project_or_404(project_id, figures=True)
    if not DecisionForm().validate_on_submit():
        abort(400)
    try:
        operations.close_project(project, actor=current_user)
    except TransitionRefused as error:
        _refused(error)
    else:
        db.session.commit()
        flash(_("The project is closed (结项) and its archive is ready."), "success")
    return _back(project)


@bp.route("/projects/<int:project_id>/archive.zip")
@signed_in
def archive(project_id):
    project = get_project_or_404(project_id)
    deny_unless(
        project.archive is not None
        and (
            is_project_member(current_user, project)
            or current_user.has_any_role(Role.STAFF, Role.FINANCE)
        ),
        404,
    )
    return send_stored(project.archive)


# ── progress reports ───────────────────────────────────────────────────────────────────────


@bp.route("/projects/<int:project_id>/reports", methods=["POST"])
@roles_required(Role.APPLICANT)
def start_report(project_id):
    """Start a report: on a period of the schedule, ad hoc, or on rectification."""
    from datetime import date

    project = get_project_or_404(project_id)
    form = StartReportForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return _back(project, "reports")
    kind = form.kind.data if form.kind.data in {k.value for k in ReportKind} else None
    try:
        period_start = (
            date.fromisoformat(form.period_start.data) if form.period_start.data else None
        )
    except ValueError:
        period_start = None
    try:
        if kind is None:
            raise operations.DeliveryError(_("This action does not exist."))
        report = operations.start_report(
            project, kind=kind, period_start=period_start, title=form.title.data, actor=current_user
        )
    except operations.DeliveryError as error:
        _refused(error)
        return _back(project, "reports")
    db.session.commit()
    return redirect(url_for("delivery.edit_report", report_id=report.id))


def _communities(project):
    """Where the project's activities take place: its application's communities, else the
    call's, else every active community."""
    if project.application is not None and project.application.communities:
        return project.application.communities
    if project.call.communities:
        return project.call.communities
    return db.session.scalars(
        select(Community).where(Community.active).order_by(Community.street_id, Community.name)
    ).all()


REPORT_PARTS = (
    "summary",
    "activities",
    "beneficiaries",
    "expenditures",
    "milestones",
    "problems",
    "next_steps",
)


def _report_snapshot(report):
    """The report's content as the edit page shows it (what a stale save is checked against)."""
    shown = ReportForm(
        formdata=None,
        summary=report.summary,
        problems=report.problems,
        next_steps=report.next_steps,
    )
    shown.fill(report, report.project)
    return {name: shown[name].data for name in REPORT_PARTS}


def _report_labels(form):
    return {
        "summary": form.summary.label.text,
        "activities": _("Activities held"),
        "beneficiaries": _("Beneficiaries"),
        "expenditures": _("Expenditure"),
        "milestones": _("Milestones"),
        "problems": form.problems.label.text,
        "next_steps": form.next_steps.label.text,
    }


@bp.route("/progress-reports/<int:report_id>/edit", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def edit_report(report_id):
    """The organization writes the report; save a draft at any time, then submit it."""
    report = get_report_or_404(report_id)
    project = report.project
    if not can_edit_report(current_user, report):
        flash(
            _("The report is %(state)s: it can no longer be changed.", state=report.state.label),
            "warning",
        )
        return redirect(url_for("delivery.report", report_id=report.id))
    communities = _communities(project)
    form = ReportForm()
    if request.method == "GET":
        form = ReportForm(
            formdata=None,
            summary=report.summary,
            problems=report.problems,
            next_steps=report.next_steps,
        )
        form.fill(report, project)
        form.version_token.data = version_token(_report_snapshot(report))
        form.add_empty_rows()
        form.set_choices(communities)
        return _edit_page(report, form)
    form.set_choices(communities)
    saved = _report_snapshot(report)
    if changed := changed_since(form.version_token.data, saved):
        # a colleague saved first: keep what this person typed, say what changed, and let a
        # second save (now against the current version) apply it deliberately
        flash(stale_message(changed, _report_labels(form), saved), "danger")
        form.version_token.data = version_token(saved)
        return _edit_page(report, form, status=409)
    if not form.validate_on_submit():
        return _edit_page(report, form, status=400)
    values, ok = form.read(project, {c.id for c in communities})
    if not ok:
        return _edit_page(report, form, status=400)
    try:
        operations.save_report(report, values, actor=current_user)
        operations.add_report_files(
            report,
            photos=request.files.getlist(form.photos.name),
            documents=request.files.getlist(form.documents.name),
            caption=form.caption.data or "",
            actor=current_user,
        )
    except EditConflict:
        # saved by a colleague at the same instant: as for a stale page, name what changed
        db.session.rollback()
        report = db.session.get(ProgressReport, report_id)
        saved = _report_snapshot(report)
        changed = changed_since(form.version_token.data, saved) or list(saved)
        flash(stale_message(changed, _report_labels(form), saved), "danger")
        form.version_token.data = version_token(saved)
        return _edit_page(report, form, status=409)
    except operations.DeliveryError as error:
        db.session.rollback()
        field = getattr(form, error.field or "", None)
        if field is not None:
            field.errors = list(field.errors) + [error.message]
        else:
            flash(error.message, "danger")
        report = db.session.get(ProgressReport, report_id)
        return _edit_page(report, form, status=400)
    if request.form.get("action") != "submit":
        db.session.commit()
        flash(_("The draft was saved."), "success")
        return redirect(url_for("delivery.edit_report", report_id=report.id))
    try:
        operations.submit_report(report, actor=current_user)
    except TransitionRefused as refused:
        # the draft is kept: what was typed is saved, only the submission waits
        db.session.commit()
        flash(_("Saved as a draft, not submitted: %(why)s", why=refused.message), "danger")
        return redirect(url_for("delivery.edit_report", report_id=report.id))
    db.session.commit()
    flash(_("The report was submitted."), "success")
    return redirect(url_for("delivery.report", report_id=report.id))


def _typed_amounts(form):
    """{line_id: amount} typed in the form's expenditure rows (for the running totals)."""
    from venture.applications.values import ValueProblem, parse_amount

    amounts = {}
    for entry in form.expenditures:
        row = entry.form
        if optional_id(row.line_id.data) is None:
            continue
        try:
            amounts[int(row.line_id.data)] = parse_amount(row.amount.data) or 0
        except ValueProblem:
            amounts[int(row.line_id.data)] = 0
    return amounts


def _edit_page(report, form, status=200):
    project = report.project
    this = _typed_amounts(form) if request.method == "POST" else None
    totals = line_totals(project.plan_lines, project.reports, current=report, this_amounts=this)
    return render_template(
        "delivery/report_edit.html",
        report=report,
        project=project,
        form=form,
        totals={t.line.id: t for t in totals},
        lines=project.plan_lines,
        milestones={m.id: m for m in project.milestones},
        groups={g.value: g for g in BeneficiaryGroup},
        problems=submission_problems(report),
        delete_form=DecisionForm(),
    ), status


@bp.route("/progress-reports/<int:report_id>")
@signed_in
def report(report_id):
    report = get_report_or_404(report_id)
    project = report.project
    return render_template(
        "delivery/report.html",
        report=report,
        project=project,
        totals=line_totals(project.plan_lines, project.reports, current=report),
        can_edit=can_edit_report(current_user, report),
        can_decide=can_manage_project(current_user)
        and report.state == ReportState.SUBMITTED
        and not project.is_read_only,
        form=DecisionForm(),
    )


@bp.route("/progress-reports/<int:report_id>/<any(accept, return):action>", methods=["POST"])
@roles_required(Role.STAFF)
def decide_report(report_id, action):
    report = get_report_or_404(report_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for("delivery.report", report_id=report.id))
    try:
        operations.decide_report(report, action, comment=form.comment.data, actor=current_user)
    except (operations.DeliveryError, TransitionRefused) as error:
        _refused(error)
    else:
        db.session.commit()
        flash(
            _("The report was accepted.") if action == "accept" else _("The report was returned."),
            "success",
        )
    return redirect(url_for("delivery.report", report_id=report.id))


@bp.route("/progress-reports/<int:report_id>/delete", methods=["POST"])
@roles_required(Role.APPLICANT)
def delete_report(report_id):
    report = get_report_or_404(report_id)
    project = report.project
    if not DecisionForm().validate_on_submit():
        abort(400)
    try:
        operations.delete_report(report, actor=current_user)
    except operations.DeliveryError as error:
        _refused(error)
        return redirect(url_for("delivery.report", report_id=report_id))
    db.session.commit()
    flash(_("The draft was deleted."), "success")
    return _back(project, "reports")


def _attachment_or_404(report, attachment_id):
    attachment = db.session.get(ReportAttachment, attachment_id)
    deny_unless(attachment is not None and attachment.report_id == report.id, 404)
    return attachment


@bp.route("/progress-reports/<int:report_id>/files/<int:attachment_id>")
@signed_in
def report_file(report_id, attachment_id):
    report = get_report_or_404(report_id)
    attachment = _attachment_or_404(report, attachment_id)
    return send_stored(attachment.file, inline=attachment.is_photo)


@bp.route("/progress-reports/<int:report_id>/files/<int:attachment_id>/remove", methods=["POST"])
@roles_required(Role.APPLICANT)
def remove_report_file(report_id, attachment_id):
    report = get_report_or_404(report_id)
    attachment = _attachment_or_404(report, attachment_id)
    if not DecisionForm().validate_on_submit():
        abort(400)
    try:
        operations.remove_report_file(report, attachment, actor=current_user)
    except operations.DeliveryError as error:
        _refused(error)
    else:
        db.session.commit()
        flash(_("The file was removed."), "success")
    return redirect(url_for("delivery.edit_report", report_id=report.id))


# ── change requests ────────────────────────────────────────────────────────────────────────


@bp.route("/projects/<int:project_id>/changes/new", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def new_change(project_id):
    project = get_project_or_404(project_id)
    deny_unless(is_project_member(current_user, project), 404)
    if not can_request_change(current_user, project):
        flash(_("Changes are requested by the organization while the project runs."), "warning")
        return _back(project)
    form = ChangeRequestForm()
    lines = [(str(line.id), f"{line.label} ({line.amount})") for line in project.plan_lines]
    form.from_line.choices = [("", "—")] + lines
    form.to_line.choices = [("", "—")] + lines
    if request.method == "GET":
        form.kind.data = request.args.get("kind", ChangeKind.BUDGET.value)
    elif form.validate_on_submit():
        read = form.read()
        if read is not None:
            kind, details = read
            try:
                operations.request_change(
                    project, kind=kind, reason=form.reason.data, details=details, actor=current_user
                )
            except operations.DeliveryError as error:
                db.session.rollback()
                target = form.reason if error.field == "reason" else None
                if target is None:
                    target = {
                        ChangeKind.BUDGET: form.amount,
                        ChangeKind.EXTENSION: form.end_date,
                    }.get(kind, form.text)
                target.errors = list(target.errors) + [error.message]
            else:
                db.session.commit()
                flash(_("The change request was sent to the staff officer."), "success")
                return _back(project, "changes")
    status = 400 if request.method == "POST" else 200
    return render_template("delivery/change_new.html", project=project, form=form), status


def _change_or_404(change_id):
    change = db.session.get(ChangeRequest, change_id)
    deny_unless(change is not None, 404)
    deny_unless(can_view_project(current_user, change.project), 404)
    return change


@bp.route("/changes/<int:change_id>/<any(approve, reject):action>", methods=["POST"])
@roles_required(Role.STAFF)
def decide_change(change_id, action):
    change = _change_or_404(change_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason."), "danger")
        return _back(change.project, "changes")
    try:
        operations.decide_change(change, action, reason=form.reason.data, actor=current_user)
    except (operations.DeliveryError, TransitionRefused) as error:
        _refused(error)
    else:
        db.session.commit()
        flash(
            _("The change was approved and the plan updated.")
            if action == "approve"
            else _("The change was rejected."),
            "success",
        )
    return _back(change.project, "changes")


@bp.route("/changes/<int:change_id>/withdraw", methods=["POST"])
@roles_required(Role.APPLICANT)
def withdraw_change(change_id):
    change = _change_or_404(change_id)
    if not DecisionForm().validate_on_submit():
        abort(400)
    try:
        operations.withdraw_change(change, actor=current_user)
    except TransitionRefused as error:
        _refused(error)
    else:
        db.session.commit()
        flash(_("The change request was withdrawn."), "success")
    return _back(change.project, "changes")


# ── messages and documents ─────────────────────────────────────────────────────────────────


@bp.route("/projects/<int:project_id>/messages", methods=["POST"])
@roles_required(Role.STAFF, Role.APPLICANT)
def post_message(project_id):
    project = get_project_or_404(project_id)
    deny_unless(can_see_messages(current_user, project), 404)
    form = MessageForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return _back(project, "messages")
    try:
        operations.post_message(project, body=form.body.data, actor=current_user)
    except operations.DeliveryError as error:
        _refused(error)
    else:
        db.session.commit()
        flash(_("The message was sent."), "success")
    return _back(project, "messages")


@bp.route("/projects/<int:project_id>/documents", methods=["POST"])
@roles_required(Role.STAFF, Role.APPLICANT)
def add_document(project_id):
    project = get_project_or_404(project_id)
    deny_unless(can_see_messages(current_user, project), 404)
    form = DocumentForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return _back(project, "documents")
    try:
        operations.add_document(
            project, label=form.label.data, storage=form.file.data, actor=current_user
        )
    except operations.DeliveryError as error:
        _refused(error)
    else:
        db.session.commit()
        flash(_("The document was added."), "success")
    return _back(project, "documents")


@bp.route("/projects/<int:project_id>/documents/<int:document_id>")
@signed_in
def document(project_id, document_id):
    project = get_project_or_404(project_id)
    found = db.session.get(ProjectDocument, document_id)
    deny_unless(found is not None and found.project_id == project.id, 404)
    return send_stored(found.file)


# ── home panels ────────────────────────────────────────────────────────────────────────────


@home_panel(Role.APPLICANT, "delivery/panel_applicant.html")
def _reports_due(user):
    """The organization's report periods that are due, overdue or returned."""
    if user.organization_id is None:
        return {"due": [], "returned": []}
    projects = db.session.scalars(
        select(Project)
        .where(Project.organization_id == user.organization_id)
        .options(selectinload(Project.reports))
    ).all()
    projects = [p for p in projects if p.is_delivering]
    due = operations.outstanding_reports(statuses=("due", "draft", "overdue"), projects=projects)
    returned = [r for p in projects for r in p.reports if r.state == ReportState.RETURNED]
    return {"due": due[:10], "returned": returned[:10]}


OVERDUE_MAX_AGE = timedelta(minutes=5)


@home_panel(Role.STAFF, "delivery/panel_staff.html")
def _overdue_reports(_user):
    # every delivering project's schedule is read to count these: at city scale (7,000
    # projects) seconds of work, so the count is kept for a few minutes for all workers
    overdue = cached_figure(
        "delivery.overdue_reports", OVERDUE_MAX_AGE, lambda: len(operations.outstanding_reports())
    )
    waiting = db.session.scalar(
        select(func.count())
        .select_from(ProgressReport)
        .where(ProgressReport.state == ReportState.SUBMITTED)
    )
    pending_changes = db.session.scalar(
        select(func.count())
        .select_from(ChangeRequest)
        .where(ChangeRequest.state == ChangeState.PENDING)
    )
    return {"overdue": overdue, "waiting": waiting, "pending_changes": pending_changes}


# ── command line ───────────────────────────────────────────────────────────────────────────


@bp.cli.command("remind")
def remind_command():
    """Remind organizations of progress reports due soon or overdue (run daily)."""
    with current_app.test_request_context():
        sent = operations.send_report_reminders()
        db.session.commit()
    click.echo(f"Sent {sent} report reminders.")


@bp.cli.command("sync")
def sync_command():
    """Create the projects of contracts issued before the delivery module existed."""
    from venture.contracts.enums import ContractState
    from venture.payments.lifecycle import SYSTEM

    made = 0
    with current_app.test_request_context():
        contracts = db.session.scalars(
            select(Contract)
            .where(
                Contract.state.in_(
                    (ContractState.ISSUED, ContractState.SIGNED, ContractState.IN_FORCE)
                )
            )
            .order_by(Contract.id)
        ).all()
        for contract in contracts:
            if operations.find_project(contract.id) is not None:
                continue
            project = operations.ensure_project(contract, actor=SYSTEM)
            if contract.state == ContractState.IN_FORCE:
                operations.start_project(project, actor=SYSTEM)
            made += 1
        db.session.commit()
    click.echo(f"Created {made} projects.")


from venture.delivery import settlement_views  # noqa: E402, F401  (its route on this blueprint)
