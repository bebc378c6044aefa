"""Review pages: the reviewer's queue, score sheets and profile; the home page panels.

The staff pages are in pool_views.py, panel_views.py and result_views.py, on the same
blueprint (blueprint.py); importing this module registers them all.
"""

from decimal import Decimal
from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from venture.applications.models import Application, ApplicationAttachment
from venture.applications.waiting import WAITING as waiting
from venture.auth.enums import Role
from venture.core.access import deny_unless, roles_required
from venture.core.actions import post_action, run_action
from venture.core.cache import stored_column
from venture.core.files import send_stored
from venture.core.json_rows import day, moment
from venture.core.panels import home_column, home_figures, home_list, home_panel
from venture.core.redirects import referrer_path, safe_redirect
from venture.core.timeutil import local_today, now
from venture.extensions import db
from venture.review import operations
from venture.review.blueprint import bp
from venture.review.enums import AssignmentState, SheetState
from venture.review.forms import ReasonForm
from venture.review.models import ReviewAssignment, ReviewerProfile
from venture.review.permissions import can_see_identity, owns_assignment
from venture.review.pool_views import add_affiliation, affiliation_form
from venture.review.queue import queue_page
from venture.review.scoring import parse_score
from venture.review.sheet_views import save_or_submit, typed_sheet

# ── the reviewer ────────────────────────────────────────────────────────────────────────────


def _own_assignment_or_404(assignment_id):
    assignment = db.session.get(ReviewAssignment, assignment_id)
    deny_unless(assignment is not None and owns_assignment(current_user, assignment), 404)
    return assignment


@bp.route("/review")
@roles_required(Role.REVIEWER)
def queue():
    """评审任务: the reviewer's assignments, open ones first, with progress."""
    # the reviewer's profile and its queue's counts, kept on it (review.models.keep_queue_counts)
    found = db.session.execute(
        select(
            ReviewerProfile.id,
            ReviewerProfile.queue_listed,
            ReviewerProfile.queue_standing,
            ReviewerProfile.queue_submitted,
        ).where(ReviewerProfile.user_id == current_user.id)
    ).first()
    if found is None:
        return render_template("review/queue.html", page=None, profile_id=None)
    profile_id, listed, active, submitted = found
    return render_template(
        "review/queue.html",
        page=queue_page(profile_id, listed),
        profile_id=profile_id,
        submitted=submitted,
        active=active,
        conflict_form=ReasonForm(),
    )


@bp.route("/review/assignments/<int:assignment_id>", methods=["GET", "POST"])
@roles_required(Role.REVIEWER)
def score(assignment_id):
    """The application next to the rubric; save a draft or submit."""
    assignment = _own_assignment_or_404(assignment_id)
    deny_unless(assignment.state == AssignmentState.ACTIVE, 403)
    panel = assignment.panel
    if assignment.no_conflict_at is None:
        if request.method == "POST":
            abort(400)
        return render_template(
            "review/declare.html",
            assignment=assignment,
            panel=panel,
            show_identity=can_see_identity(current_user, panel),
            conflict_form=ReasonForm(),
        )
    sheet = assignment.sheet
    criteria = operations.criteria_of(panel.call_id)
    errors, typed, status = {}, None, 200
    if request.method == "POST":
        entries, overall = typed_sheet(criteria)
        typed = {"entries": entries, "overall": overall}
        outcome, errors = save_or_submit(
            operations.save_sheet,
            operations.submit_sheet,
            sheet,
            entries=entries,
            overall_comment=overall,
            actor=current_user,
            incomplete=operations.SheetIncomplete,
        )
        if outcome is None:
            return redirect(url_for("review.score", assignment_id=assignment.id))
        if outcome == "submitted":
            flash(_("Your score sheet was submitted. Thank you."), "success")
            return redirect(url_for("review.queue"))
        if outcome == "saved" and not errors:
            flash(_("The draft was saved."), "success")
            return redirect(url_for("review.score", assignment_id=assignment.id))
        if outcome == "saved":
            flash(_("The draft was saved; some values are not valid scores yet."), "warning")
        status = 400
    elif sheet.state == SheetState.DRAFT:
        # show again the messages of values kept in the draft
        for c in criteria:
            kept = sheet.score_for(c.id)
            if kept is not None and kept.raw:
                _value, message = parse_score(kept.raw, c.max_score)
                if message:
                    errors[c.id] = str(message)
    application = _application_for_review(assignment.application_id)
    return (
        render_template(
            "review/score.html",
            assignment=assignment,
            panel=panel,
            sheet=sheet,
            criteria=criteria,
            errors=errors,
            typed=typed,
            application=application,
            show_identity=can_see_identity(current_user, panel),
            conflict_form=ReasonForm(),
            max_total=sum((c.max_score for c in criteria), Decimal(0)),
        ),
        status,
    )


def _application_for_review(application_id):
    return db.session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .options(
            selectinload(Application.budget_lines),
            selectinload(Application.milestones),
            selectinload(Application.attachments),
        )
    )


@bp.route("/review/assignments/<int:assignment_id>/open", methods=["POST"])
@roles_required(Role.REVIEWER)
def declare_no_conflict(assignment_id):
    assignment = _own_assignment_or_404(assignment_id)
    deny_unless(assignment.state == AssignmentState.ACTIVE, 403)
    form = ReasonForm()
    form.reason.validators = []
    return post_action(
        lambda: operations.declare_no_conflict(assignment, actor=current_user),
        success=None,
        target=url_for("review.score", assignment_id=assignment.id),
        back=url_for("review.queue"),
        form=form,
    )


@bp.route("/review/assignments/<int:assignment_id>/conflict", methods=["POST"])
@roles_required(Role.REVIEWER)
def declare_conflict(assignment_id):
    """回避: step back from the application, with the reason."""
    assignment = _own_assignment_or_404(assignment_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give the reason for the conflict of interest."), "danger")
        return safe_redirect(referrer_path(), url_for("review.queue"))
    queue = url_for("review.queue")
    return run_action(
        lambda: operations.declare_conflict(
            assignment, reason=form.reason.data, actor=current_user
        ),
        success=_("Your conflict of interest was recorded; staff will ask another reviewer."),
        target=queue,
    ) or redirect(queue)


@bp.route("/review/assignments/<int:assignment_id>/files/<int:attachment_id>")
@roles_required(Role.REVIEWER)
def attachment(assignment_id, attachment_id):
    """An attachment of the application, for its reviewer (not under blind review)."""
    assignment = _own_assignment_or_404(assignment_id)
    deny_unless(assignment.state == AssignmentState.ACTIVE, 403)
    deny_unless(assignment.no_conflict_at is not None, 403)
    deny_unless(can_see_identity(current_user, assignment.panel), 404)
    item = db.session.get(ApplicationAttachment, attachment_id)
    deny_unless(item is not None and item.application_id == assignment.application_id, 404)
    return send_stored(item.file)


@bp.route("/review/profile", methods=["GET", "POST"])
@roles_required(Role.REVIEWER)
def my_profile():
    """The reviewer's own pool entry; they can add ties (removing one is for staff)."""
    profile = operations.profile_for(current_user)
    deny_unless(profile is not None, 404)
    form = affiliation_form()
    done = add_affiliation(profile, form, url_for("review.my_profile"))
    if done:
        return done
    return render_template(
        "review/my_profile.html",
        profile=profile,
        tie_form=form,
        counts=operations.affiliation_counts,
    ), (400 if form.errors else 200)


# ── home page panels ────────────────────────────────────────────────────────────────────────


@home_panel(Role.REVIEWER, "review/home_reviewer.html")
def _reviewer_figures(user):
    """The reviewer's sheets, by the call's phase and the panel's deadline (integrity.waiting)."""
    return waiting.reviewer_sheets_waiting(user.id, now(), local_today())


def _open_panel(values):
    id_, call_id, deadline, figures_version, title, closes_at = values
    return SimpleNamespace(
        id=id_,
        call_id=call_id,
        deadline=day(deadline),
        figures_version=figures_version,
        title=title,
        closes_at=moment(closes_at),
    )


@home_list(Role.STAFF, "open_panels", _open_panel)
def _open_panels_column(dialect, _b):
    return waiting.open_panels_column(dialect)  # read with the staff's 下一步


@home_column(Role.STAFF, "open_panel_progress")
def _open_panel_progress_column(_dialect, _b):
    return stored_column(operations.OPEN_PANEL_PROGRESS)  # read with the staff's 下一步


@home_panel(Role.STAFF, "review/home_staff.html")
def _staff_figures(user):
    at, today = now(), local_today()
    counted = home_figures(Role.STAFF, user)
    panels = counted["open_panels"]
    progress = operations.open_panel_progress(panels, stored=counted["open_panel_progress"])
    stages = {p.id: waiting.panel_stage(p, *progress.get(p.id, (0, 0)), at, today) for p in panels}
    return {"panels": panels, "progress": progress, "stages": stages}


# the staff pages, on the same blueprint
from venture.review import panel_views, pool_views, result_views  # noqa: E402, F401
