"""Application pages: the organization's drafts and submissions, and staff screening."""

from datetime import datetime
from functools import cache, partial
from types import SimpleNamespace

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy import join as sa_join
from sqlalchemy.orm import contains_eager, joinedload, lazyload, load_only, selectinload
from sqlalchemy.orm.exc import StaleDataError

from venture.applications import operations
from venture.applications.documents import render_application_pdf
from venture.applications.enums import ApplicationState
from venture.applications.forms import ApplicationForm, ScreeningForm, WithdrawForm, form_data
from venture.applications.lifecycle import APPLICATION_WORKFLOW
from venture.applications.models import Application, ApplicationAttachment
from venture.applications.page import shown_application
from venture.applications.permissions import (
    can_edit_application,
    can_screen,
    can_view_application,
    is_applicant_member,
)
from venture.applications.rules import content_problems, submission_problems
from venture.auth.enums import Role
from venture.calls.models import Call
from venture.core.access import deny_unless, own_organization_rows, roles_required, signed_in
from venture.core.actions import button, run_action, store_form_uploads
from venture.core.downloads import send_download
from venture.core.files import send_stored
from venture.core.json_rows import json_rows
from venture.core.pagination import paginate
from venture.core.panels import home_figures, home_list, home_panel
from venture.core.timeutil import from_local
from venture.extensions import db
from venture.orgs.models import Organization

bp = Blueprint("applications", __name__)

SORTS = {
    "number": (Application.number.asc(),),
    "submitted": (Application.submitted_at.asc(), Application.id.asc()),
    "organization": (Organization.name.asc(), Application.id.asc()),
    "requested": (Application.requested_amount.desc(), Application.id.asc()),
    "state": (Application.state.asc(), Application.number.asc()),
}
SCREENED_STATES = [s for s in ApplicationState if s != ApplicationState.DRAFT]


def _stale_message():
    return _(
        "Someone saved this application after you opened it. Nothing was saved: copy what you "
        "need from this page, then reload it."
    )


@bp.errorhandler(StaleDataError)
def _changed_meanwhile(_error):
    """Two people changed the same application at the same moment: the later one is told."""
    db.session.rollback()
    flash(
        _("Someone else changed this application at the same moment. Nothing was saved."),
        "danger",
    )
    target = request.view_args.get("application_id") if request.view_args else None
    if target is None:
        return redirect(url_for("home.index"))
    return redirect(url_for("applications.show", application_id=target))


@bp.errorhandler(413)
def _too_large(_error):
    """A body over MAX_CONTENT_LENGTH: back to the page with a message, not an error page.

    The body cannot be read, so what came with it is lost; the draft as last saved is kept.
    Browsers with JavaScript never send such a body: rows.js refuses large files first.
    """
    limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    flash(
        _(
            "What you sent is larger than %(mb)s MB in total, so it was not saved. Please send "
            "smaller files, one at a time.",
            mb=limit,
        ),
        "danger",
    )
    return redirect(request.path, code=303)


def get_application_or_404(application_id, may=None, options=()):
    """The application, or 404 when there is none or ``may(user, application)`` says no."""
    application = db.session.get(Application, application_id, options=options)
    deny_unless(application is not None and (may is None or may(current_user, application)), 404)
    return application


def get_call_or_404(call_id, options=()):
    call = db.session.get(Call, call_id, options=options)
    if call is None:
        abort(404)
    return call


@bp.route("/applications")
@roles_required(Role.APPLICANT)
def mine():
    """The applications of the signed-in member's organization."""
    query = (
        own_organization_rows(Application)
        .options(selectinload(Application.category))
        .order_by(Application.updated_at.desc(), Application.id.desc())
    )
    return render_template("applications/mine.html", page=paginate(query))


@bp.route("/calls/<int:call_id>/apply", methods=["POST"])
@roles_required(Role.APPLICANT)
def start(call_id):
    call = get_call_or_404(call_id)
    deny_unless(call.is_public, 404)
    done = run_action(
        lambda: operations.start_application(call, actor=current_user),
        success=None,
        target=lambda application: url_for("applications.edit", application_id=application.id),
    )
    return done or redirect(url_for("calls.show", call_id=call.id))


def _edit_form(application):
    """The form as saved, with values kept as typed and a few empty rows."""
    form = ApplicationForm(formdata=None, data=form_data(application))
    form.set_choices(application.call)
    form.show_typed(application.typed_input)
    form.add_empty_rows()
    return form


def _render_edit(
    application, form, *, problems=None, attempted=False, upload_errors=None, status=200
):
    return (
        render_template(
            "applications/edit.html",
            application=application,
            call=application.call,
            form=form,
            problems=submission_problems(application) if problems is None else problems,
            attempted=attempted,
            upload_errors=upload_errors or {},
            withdraw_form=WithdrawForm(),
        ),
        status,
    )


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def edit(application_id):
    application = get_application_or_404(application_id, may=is_applicant_member)
    if not can_edit_application(current_user, application):
        flash(_("This application can no longer be changed."), "info")
        return redirect(url_for("applications.show", application_id=application.id))
    if request.method == "GET":
        return _render_edit(application, _edit_form(application))

    form = ApplicationForm()
    form.set_choices(application.call)
    if form.version.data != str(application.version):
        flash(_stale_message(), "danger")
        return _render_edit(application, form, status=409)
    values, errors = form.read()
    try:
        operations.save_draft(application, values, actor=current_user)
        upload_errors = store_form_uploads(
            application,
            application.call.attachment_names,
            operations.attach_file,
            operations.remove_attachment,
            ApplicationAttachment.application_id,
        )
        # the draft is kept whatever happens to the submission below
        db.session.commit()
    except StaleDataError:
        # a colleague saved at the same moment: keep what this person typed on the page
        db.session.rollback()
        flash(_stale_message(), "danger")
        return _render_edit(application, form, status=409)
    if request.form.get("action") == "submit" and not upload_errors:
        try:
            operations.submit_application(application, actor=current_user)
        except operations.SubmissionRefused as refused:
            db.session.rollback()
            flash(_("The application was not submitted. Your draft is saved."), "danger")
            return _render_edit(
                application,
                _edit_form(application),
                problems=refused.problems,
                attempted=True,
                status=400,
            )
        db.session.commit()
        flash(
            _("Submitted. Your application number is %(number)s.", number=application.number),
            "success",
        )
        return redirect(url_for("applications.show", application_id=application.id))
    if errors or upload_errors:
        flash(
            _("The draft is saved, but some entries need correcting: see the marked fields."),
            "warning",
        )
        return _render_edit(
            application, _edit_form(application), upload_errors=upload_errors, status=400
        )
    flash(_("The draft is saved."), "success")
    return redirect(url_for("applications.edit", application_id=application.id))


@bp.route("/applications/<int:application_id>")
@signed_in
def show(application_id):
    """The read-only application; staff screen it here."""
    staff = can_screen(current_user)
    shown = shown_application(application_id, staff=staff)
    application = None if shown is None else shown.record
    deny_unless(application is not None and can_view_application(current_user, application), 404)
    screening = staff and application.state == ApplicationState.SUBMITTED
    is_member = is_applicant_member(current_user, application)
    # the withdraw form is offered to the organization's members only, once submitted
    can_withdraw = (
        is_member
        and application.state != ApplicationState.DRAFT
        and APPLICATION_WORKFLOW.refusal(application, "withdraw", current_user) is None
    )
    return render_template(
        "applications/show.html",
        application=shown,
        call=application.call,
        is_member=is_member,
        can_edit=can_edit_application(current_user, application),
        can_withdraw=can_withdraw,
        screening=screening,
        staff=staff,
        checks=content_problems(application) if screening else [],
        screening_form=ScreeningForm() if screening else None,
        withdraw_form=WithdrawForm() if can_withdraw else None,
    )


@bp.route("/applications/<int:application_id>/pdf")
@signed_in
def pdf(application_id):
    application = get_application_or_404(application_id, may=can_view_application)
    data = render_application_pdf(application)
    name = application.number or _("draft")
    return send_download(data, filename=f"{name}.pdf", mimetype="application/pdf")


@bp.route("/applications/<int:application_id>/attachments/<int:attachment_id>")
@signed_in
def attachment(application_id, attachment_id):
    application = get_application_or_404(application_id, may=can_view_application)
    item = db.session.get(ApplicationAttachment, attachment_id)
    deny_unless(item is not None and item.application_id == application.id, 404)
    return send_stored(item.file)


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@roles_required(Role.APPLICANT)
@button(
    load=partial(get_application_or_404, may=is_applicant_member),
    target=lambda application: url_for("applications.show", application_id=application.id),
    success=_l("The application is withdrawn."),
    form=WithdrawForm,
)
def withdraw(application, form):
    return operations.withdraw_application(application, actor=current_user, reason=form.reason.data)


@cache
def _listed():
    """The columns a screening list's row shows, its organization from the list's own join
    (without its street) and its category in the same statement; not its call."""
    return (
        load_only(
            Application.id,
            Application.number,
            Application.title,
            Application.organization_id,
            Application.category_id,
            Application.requested_amount,
            Application.submitted_at,
            Application.state,
            Application.version,
        ),
        contains_eager(Application.organization)
        .load_only(Organization.name, Organization.status)
        .lazyload(Organization.street),
        joinedload(Application.category),
        lazyload(Application.call),
        lazyload(Application.communities),
    )


@bp.route("/staff/calls/<int:call_id>/applications")
@roles_required(Role.STAFF)
def screening_list(call_id):
    """The submitted applications of a call: filter by state, search, sort, paginate."""
    # the page shows the call's title only, not its categories and communities
    call = get_call_or_404(call_id, options=(lazyload(Call.categories), lazyload(Call.communities)))
    state = request.args.get("state", "")
    text = request.args.get("q", "").strip()[:100]
    sort = request.args.get("sort", "number")
    sort = sort if sort in SORTS else "number"
    query = (
        select(Application)
        .join(Organization, Application.organization_id == Organization.id)
        .where(Application.call_id == call.id, Application.number.is_not(None))
        .options(*_listed())
        .order_by(*SORTS[sort])
    )
    chosen = ApplicationState(state) if state in {s.value for s in SCREENED_STATES} else None
    if chosen:
        query = query.where(Application.state == chosen)
    if text:
        like = f"%{text}%"
        query = query.where(
            or_(
                Application.number.ilike(like),
                Application.title.ilike(like),
                Organization.name.ilike(like),
            )
        )
    counts = dict(
        db.session.execute(
            select(Application.state, func.count())
            .where(Application.call_id == call.id, Application.number.is_not(None))
            .group_by(Application.state)
        ).all()
    )
    # without a search the page's total is one of the counts (or their sum): no second count
    total = None if text else (counts.get(chosen, 0) if chosen else sum(counts.values()))
    page = paginate(query, key=Application.id, total=total)
    return render_template(
        "applications/screening_list.html",
        call=call,
        page=page,
        # each state's label translated once, not once per row
        labels={s: str(s.label) for s in {a.state for a in page.items}},
        state=state,
        q=text,
        sort=sort,
        states=SCREENED_STATES,
        counts=counts,
        sorts={
            "number": _("Number"),
            "submitted": _("Submission time"),
            "organization": _("Organization"),
            "requested": _("Requested amount"),
            "state": _("State"),
        },
    )


def _deadline(text):
    """A datetime-local value typed in Asia/Shanghai, as UTC, or None."""
    try:
        return from_local(datetime.strptime((text or "").strip(), "%Y-%m-%dT%H:%M"))
    except ValueError:
        return None


@bp.route("/staff/applications/<int:application_id>/screen", methods=["POST"])
@roles_required(Role.STAFF)
def screen(application_id):
    application = get_application_or_404(application_id, may=can_view_application)
    form = ScreeningForm()
    if not form.validate_on_submit():
        abort(400)
    items = application.call.eligibility_items
    checklist = [(item, request.form.get(f"check-{i}") == "met") for i, item in enumerate(items)]
    done = run_action(
        lambda: operations.screen_application(
            application,
            request.form.get("action", ""),
            actor=current_user,
            reason=form.reason.data,
            checklist=checklist,
            deadline=_deadline(form.deadline.data),
        ),
        success=lambda _result: _(
            "Saved: %(number)s is now %(state)s.",
            number=application.number,
            state=application.state.label,
        ),
        target=url_for("applications.show", application_id=application.id),
    )
    return done or redirect(url_for("applications.show", application_id=application.id))


@home_panel(Role.APPLICANT, "applications/panel_applicant.html")
def _my_applications(user):
    if user.organization_id is None:
        return {"applications": []}
    applications = db.session.scalars(
        select(Application)
        .where(Application.organization_id == user.organization_id)
        .order_by(Application.updated_at.desc(), Application.id.desc())
        .limit(10)
    ).all()
    # past the award, the next step comes from the award → contract → project chain (imported
    # here so the flash messages above keep their line numbers, tests/test_catalogues.py)
    from venture.applications.waiting import WAITING as waiting

    chain = waiting.award_chain_steps(
        [a.id for a in applications if a.state in waiting.AWARD_CHAIN_STATES]
    )
    return {
        "applications": applications,
        "next_steps": {a.id: chain.get(a.id, a.state.next_step) for a in applications},
    }


def _awaiting(values):
    id_, title, waiting = values
    return SimpleNamespace(id=id_, title=title, waiting=waiting)


@home_list(Role.STAFF, "awaiting_screening", _awaiting)
def _awaiting_screening_column(dialect, _b):
    """Each call's id, title and applications waiting for screening, read with the staff's
    下一步 (core.panels.home_list): counted by call off ix_application_state_call alone, then
    joined to the few calls they belong to."""
    waiting = (
        select(Application.call_id, func.count().label("waiting"))
        .where(Application.state == ApplicationState.SUBMITTED)
        .group_by(Application.call_id)
        .subquery()
    )
    return json_rows(
        dialect,
        [Call.id, Call.title, waiting.c.waiting],
        select_from=sa_join(waiting, Call, Call.id == waiting.c.call_id),
        where=[],
        order_by=[Call.closes_at.desc()],
        limit=10,
    )


@home_panel(Role.STAFF, "applications/panel_staff.html")
def _awaiting_screening(user):
    return {"awaiting": home_figures(Role.STAFF, user)["awaiting_screening"]}
