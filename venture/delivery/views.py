"""Project workspace pages: plan against actual, progress reports, change requests, messages,
documents; staff lists of projects and overdue reports; the `flask delivery` commands."""

from functools import partial

import click
from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from venture.auth.enums import Role
from venture.auth.models import User, UserRole
from venture.calls.models import Call
from venture.calls.operations import calls_having
from venture.contracts.models import Contract
from venture.core.access import deny_unless, own_organization_rows, roles_required, signed_in
from venture.core.actions import button, flash_form_errors, form_action, form_page, post_action
from venture.core.audit import AuditEntry
from venture.core.cache import stored_column
from venture.core.files import send_stored
from venture.core.integers import record_id
from venture.core.pagination import Page, paginate, requested_page
from venture.core.panels import home_column, home_figures, home_panel
from venture.core.timeutil import local_today
from venture.delivery import operations
from venture.delivery.blueprint import _project_url, bp, get_project_or_404
from venture.delivery.enums import (
    ChangeState,
    ProjectState,
    ReportFrequency,
    ReportKind,
    ReportState,
)
from venture.delivery.evaluations import EVALUATIONS
from venture.delivery.forms import (
    DecisionForm,
    DocumentForm,
    MessageForm,
    OfficerForm,
    ReasonForm,
    RectificationForm,
    ReportingPlanForm,
    StartReportForm,
)
from venture.delivery.lifecycle import CLOSING_RULES, PROJECT_WORKFLOW
from venture.delivery.models import (
    SCHEDULE_STAMP,
    ChangeRequest,
    ProgressReport,
    Project,
    ProjectDocument,
    ProjectMessage,
)
from venture.delivery.permissions import (
    can_manage_project,
    can_post,
    can_request_change,
    can_see_messages,
    can_write_reports,
    is_project_member,
)
from venture.delivery.progress import project_progress
from venture.delivery.settlement import SettlementKind, settlement_of
from venture.extensions import db
from venture.orgs.models import Organization

# ── lists ──────────────────────────────────────────────────────────────────────────────────


@bp.route("/projects")
@roles_required(Role.APPLICANT)
def mine():
    """我的项目: the organization's funded projects."""
    query = own_organization_rows(Project).order_by(Project.id.desc())
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
    return render_template(
        "delivery/index.html",
        page=page,
        state=state,
        call_id=call_id,
        mine_only=mine_only,
        attention=attention,
        q=text,
        states=list(ProjectState),
        calls=calls_having(Project.call_id),
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
    return post_action(
        operations.send_report_reminders,
        success=lambda sent: _("%(n)d reminders were sent.", n=sent),
        target=url_for("delivery.overdue"),
        form=DecisionForm(),
    )


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
    done = form_action(
        form,
        lambda: operations.set_reporting_plan(
            call,
            frequency=ReportFrequency(form.frequency.data),
            grace_days=form.grace_days.data,
            actor=current_user,
        ),
        success=_("The reporting plan was saved."),
        target=url_for("delivery.reporting_plan", call_id=call.id),
    )
    return done or form_page("delivery/reporting_plan.html", call=call, form=form)


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
        evaluations=EVALUATIONS.evaluations_of(project.id),
        failure=EVALUATIONS.unresolved_failure(project),
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
        closing=CLOSING_RULES.closing_problems(project)
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


# a project button's form that does not validate flashes its errors unless it says otherwise
project_button = partial(
    button, load=get_project_or_404, target=_project_url, invalid=flash_form_errors
)


def _officer_form(_project):
    form = OfficerForm()
    form.officer_id.choices = [(0, "—")] + _staff_choices()
    return form


@bp.route("/projects/<int:project_id>/officer", methods=["POST"])
@roles_required(Role.STAFF)
@project_button(success=_l("The staff officer was set."), form=_officer_form)
def officer(project, form):
    return operations.assign_officer(
        project, db.session.get(User, form.officer_id.data), actor=current_user
    )


@bp.route("/projects/<int:project_id>/rectification", methods=["POST"])
@roles_required(Role.STAFF)
@project_button(
    success=_l("Rectification was ordered; assign the re-evaluation when it is due."),
    form=RectificationForm,
)
def rectification(project, form):
    return operations.order_rectification(
        project, due=form.due.data, requirements=form.requirements.data, actor=current_user
    )


@bp.route("/projects/<int:project_id>/terminate", methods=["POST"])
@roles_required(Role.STAFF)
@project_button(
    success=_l("The project and its contract were terminated."),
    form=ReasonForm,
    invalid=_l("Please give a reason."),
)
def terminate(project, form):
    return operations.terminate_project(project, reason=form.reason.data, actor=current_user)


@bp.route("/projects/<int:project_id>/close", methods=["POST"])
@roles_required(Role.STAFF)
@project_button(
    load=partial(get_project_or_404, figures=True),
    success=_l("The project is closed (结项) and its archive is ready."),
    form=DecisionForm,
    invalid=None,
)
def close(project, _form):
    return operations.close_project(project, actor=current_user)


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


# ── messages and documents ─────────────────────────────────────────────────────────────────


def _project_for_messages(project_id):
    project = get_project_or_404(project_id)
    deny_unless(can_see_messages(current_user, project), 404)
    return project


def _tab(anchor):
    return lambda project: _project_url(project, anchor)


workspace_button = partial(project_button, load=_project_for_messages)


@bp.route("/projects/<int:project_id>/messages", methods=["POST"])
@roles_required(Role.STAFF, Role.APPLICANT)
@workspace_button(target=_tab("messages"), success=_l("The message was sent."), form=MessageForm)
def post_message(project, form):
    return operations.post_message(project, body=form.body.data, actor=current_user)


@bp.route("/projects/<int:project_id>/documents", methods=["POST"])
@roles_required(Role.STAFF, Role.APPLICANT)
@workspace_button(
    target=_tab("documents"), success=_l("The document was added."), form=DocumentForm
)
def add_document(project, form):
    return operations.add_document(
        project, label=form.label.data, storage=form.file.data, actor=current_user
    )


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
    projects, due = operations.reports_due_read(user.organization_id)
    returned = [r for p in projects for r in p.reports if r.state == ReportState.RETURNED]
    return {"due": due[:10], "returned": returned[:10]}


# the stored count of overdue reports and the schedules' stamp, read with the staff's 下一步
@home_column(Role.STAFF, "overdue_reports")
def _overdue_reports_column(_dialect, _b):
    return stored_column(operations.OVERDUE_REPORTS)


@home_column(Role.STAFF, "schedule_stamp")
def _schedule_stamp_column(_dialect, _b):
    return stored_column(SCHEDULE_STAMP)


@home_panel(Role.STAFF, "delivery/panel_staff.html")
def _overdue_reports(user):
    counted = home_figures(Role.STAFF, user)  # by the staff's 下一步 statement
    stored = {
        operations.OVERDUE_REPORTS: counted["overdue_reports"],
        SCHEDULE_STAMP: counted["schedule_stamp"],
    }
    return {
        # every delivering project's schedule is read to count these: kept until a write
        # changes a schedule, or the day changes
        "overdue": operations.overdue_reports_written(stored),
        "waiting": counted["reports"],
        "pending_changes": counted["changes"],
    }


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


# the blueprint's other pages register their routes on it
from venture.delivery import (  # noqa: E402, F401
    change_views,
    report_views,
    settlement_views,
)
