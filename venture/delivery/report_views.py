"""Progress report pages: start a report, write and submit it, the bureau accepts or returns
it; its photos and documents."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from venture.auth.enums import Role
from venture.core.access import deny_unless, roles_required, signed_in
from venture.core.actions import button, flash_form_errors, post_action, run_action, show_refusal
from venture.core.concurrency import EditConflict, changed_since, stale_message, version_token
from venture.core.files import send_stored
from venture.core.integers import optional_id
from venture.core.lifecycle import TransitionRefused
from venture.delivery import operations
from venture.delivery.blueprint import (
    _back,
    _project_url,
    bp,
    get_project_or_404,
    get_report_or_404,
)
from venture.delivery.enums import BeneficiaryGroup, ReportKind, ReportState
from venture.delivery.forms import DecisionForm, ReportForm, StartReportForm
from venture.delivery.lifecycle import submission_problems
from venture.delivery.models import ProgressReport, ReportAttachment
from venture.delivery.permissions import can_edit_report, can_manage_project
from venture.delivery.progress import line_totals
from venture.extensions import db
from venture.reference.models import Community


@bp.route("/projects/<int:project_id>/reports", methods=["POST"])
@roles_required(Role.APPLICANT)
def start_report(project_id):
    """Start a report: on a period of the schedule, ad hoc, or on rectification."""
    from datetime import date

    project = get_project_or_404(project_id)
    form = StartReportForm()

    def start():
        kind = form.kind.data if form.kind.data in {k.value for k in ReportKind} else None
        if kind is None:
            raise operations.DeliveryError(_("This action does not exist."))
        try:
            period_start = (
                date.fromisoformat(form.period_start.data) if form.period_start.data else None
            )
        except ValueError:
            period_start = None
        return operations.start_report(
            project, kind=kind, period_start=period_start, title=form.title.data, actor=current_user
        )

    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(project, "reports")
    done = run_action(
        start,
        success=None,
        target=lambda report: url_for("delivery.edit_report", report_id=report.id),
    )
    return done or _back(project, "reports")


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
        show_refusal(form, error)
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
@button(
    load=get_report_or_404,
    target=lambda report: url_for("delivery.report", report_id=report.id),
    passes=("action",),
    success=lambda _report, _result, action: (
        _("The report was accepted.") if action == "accept" else _("The report was returned.")
    ),
    form=DecisionForm,
    invalid=flash_form_errors,
)
def decide_report(report, form, action):
    return operations.decide_report(report, action, comment=form.comment.data, actor=current_user)


@bp.route("/progress-reports/<int:report_id>/delete", methods=["POST"])
@roles_required(Role.APPLICANT)
def delete_report(report_id):
    report = get_report_or_404(report_id)
    project = report.project
    if not DecisionForm().validate_on_submit():
        abort(400)
    done = run_action(
        lambda: operations.delete_report(report, actor=current_user),
        success=_("The draft was deleted."),
        target=_project_url(project, "reports"),
    )
    return done or redirect(url_for("delivery.report", report_id=report_id))


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
    return post_action(
        lambda: operations.remove_report_file(report, attachment, actor=current_user),
        success=_("The file was removed."),
        target=url_for("delivery.edit_report", report_id=report.id),
        form=DecisionForm(),
    )
