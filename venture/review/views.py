"""Review pages: the reviewer's queue and score sheets; staff's expert pool, rubric, panel,
matrix, ranking, award proposal, publication and exports."""

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, lazyload, selectinload

from venture.applications.models import Application, ApplicationAttachment
from venture.auth.enums import Role
from venture.auth.models import User, UserRole
from venture.calls.models import Call
from venture.core.access import deny_unless, roles_required
from venture.core.concurrency import EditConflict, changed_since, stale_message, version_token
from venture.core.files import send_stored
from venture.core.formatting import local_date, yuan
from venture.core.integers import ids_in, record_id
from venture.core.lifecycle import TransitionRefused
from venture.core.money import InvalidAmount, to_amount
from venture.core.pagination import paginate
from venture.core.redirects import referrer_path, safe_redirect
from venture.core.timeutil import local_today, now
from venture.extensions import db
from venture.home.views import home_panel
from venture.integrity import waiting
from venture.orgs.models import Organization
from venture.procurement.routes import route_for, routes_reviewing_applications
from venture.reference.models import ServiceCategory
from venture.review import exports, operations, results
from venture.review.enums import AffiliationKind, Aggregation, AssignmentState, SheetState
from venture.review.forms import (
    AffiliationForm,
    AggregationForm,
    DrawPanelForm,
    ExistingExpertForm,
    ExpertForm,
    ManualPanelForm,
    NewExpertForm,
    PublishForm,
    ReasonForm,
    ReplaceForm,
    RubricForm,
    SettingsForm,
)
from venture.review.models import (
    Panel,
    ReviewAssignment,
    ReviewerAffiliation,
    ReviewerProfile,
    ReviewSheet,
    reviewer_expertise,
    standing_counts,
)
from venture.review.panel_shape import default_panel_shape
from venture.review.permissions import can_see_identity, owns_assignment
from venture.review.scoring import TIE_BREAK_RULE, display_points, parse_score, round2

bp = Blueprint("review", __name__)


@bp.app_template_filter("points")
def points_filter(value):
    """A score or maximum as people write it: 8 or 8.5."""
    return "" if value is None else display_points(value)


@bp.app_template_filter("score2")
def score2_filter(value):
    """An aggregate at two decimals, rounded half up: 86.18."""
    return "" if value is None else str(round2(value))


@bp.app_template_filter("nl2br")
def nl2br_filter(text):
    """Typed text with its line breaks kept, escaped."""
    return Markup("<br>").join(escape(line) for line in (text or "").splitlines())


def _show_error(form, error):
    field = getattr(form, getattr(error, "field", None) or "", None)
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        flash(str(error), "danger")


def _flash_form_errors(form):
    for errors in form.errors.values():
        for message in errors:
            flash(message if isinstance(message, str) else str(message), "danger")


def _category_choices():
    rows = db.session.scalars(
        select(ServiceCategory).where(ServiceCategory.active).order_by(ServiceCategory.id)
    )
    return [(c.id, c.name) for c in rows]


def _categories(ids):
    if not ids:
        return []
    return db.session.scalars(select(ServiceCategory).where(ServiceCategory.id.in_(ids))).all()


# ── the reviewer ────────────────────────────────────────────────────────────────────────────


def _own_assignment_or_404(assignment_id):
    assignment = db.session.get(ReviewAssignment, assignment_id)
    deny_unless(assignment is not None and owns_assignment(current_user, assignment), 404)
    return assignment


@bp.route("/review")
@roles_required(Role.REVIEWER)
def queue():
    """评审任务: the reviewer's assignments, open ones first, with progress."""
    profile = operations.profile_for(current_user)
    if profile is None:
        return render_template("review/queue.html", page=None, profile=None)
    # panels still scoring, standing assignments, open sheets first, then by deadline: the
    # order is kept on the assignment (review.models.keep_queue_order) and read off its index
    query = (
        select(ReviewAssignment)
        .where(ReviewAssignment.reviewer_id == profile.id)
        .options(selectinload(ReviewAssignment.sheet), selectinload(ReviewAssignment.panel))
        .order_by(ReviewAssignment.queue_group, ReviewAssignment.queue_due, ReviewAssignment.id)
    )
    page = paginate(query)
    active, submitted = standing_counts(profile.id)
    return render_template(
        "review/queue.html",
        page=page,
        profile=profile,
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
        entries = {
            c.id: (request.form.get(f"score-{c.id}", ""), request.form.get(f"comment-{c.id}", ""))
            for c in criteria
        }
        overall = request.form.get("overall_comment", "")
        typed = {"entries": entries, "overall": overall}
        action = request.form.get("action", "save")
        try:
            if action == "submit":
                operations.submit_sheet(
                    sheet, entries=entries, overall_comment=overall, actor=current_user
                )
            else:
                errors = operations.save_sheet(
                    sheet, entries=entries, overall_comment=overall, actor=current_user
                )
        except operations.SheetIncomplete as refused:
            db.session.commit()
            errors, status = refused.errors, 400
            flash(refused.message, "danger")
        except TransitionRefused as refused:
            db.session.rollback()
            flash(refused.message, "danger")
            return redirect(url_for("review.score", assignment_id=assignment.id))
        else:
            db.session.commit()
            if action == "submit":
                flash(_("Your score sheet was submitted. Thank you."), "success")
                return redirect(url_for("review.queue"))
            if errors:
                flash(_("The draft was saved; some values are not valid scores yet."), "warning")
                status = 400
            else:
                flash(_("The draft was saved."), "success")
                return redirect(url_for("review.score", assignment_id=assignment.id))
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
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.declare_no_conflict(assignment, actor=current_user)
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
        return redirect(url_for("review.queue"))
    db.session.commit()
    return redirect(url_for("review.score", assignment_id=assignment.id))


@bp.route("/review/assignments/<int:assignment_id>/conflict", methods=["POST"])
@roles_required(Role.REVIEWER)
def declare_conflict(assignment_id):
    """回避: step back from the application, with the reason."""
    assignment = _own_assignment_or_404(assignment_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give the reason for the conflict of interest."), "danger")
        return safe_redirect(referrer_path(), url_for("review.queue"))
    try:
        operations.declare_conflict(assignment, reason=form.reason.data, actor=current_user)
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        db.session.commit()
        flash(
            _("Your conflict of interest was recorded; staff will ask another reviewer."),
            "success",
        )
    return redirect(url_for("review.queue"))


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
    form = _affiliation_form()
    if form.validate_on_submit() and _add_affiliation(profile, form):
        return redirect(url_for("review.my_profile"))
    return render_template(
        "review/my_profile.html",
        profile=profile,
        tie_form=form,
        counts=operations.affiliation_counts,
    ), (400 if form.errors else 200)


def _affiliation_form():
    form = AffiliationForm(prefix="tie")
    rows = db.session.execute(
        select(Organization.id, Organization.name).order_by(Organization.name)
    )
    form.organization_id.choices = [(0, "—")] + [(r.id, r.name) for r in rows]
    return form


def _add_affiliation(profile, form):
    organization = db.session.get(Organization, form.organization_id.data)
    if organization is None:
        form.organization_id.errors = [_("Choose an organization.")]
        return False
    try:
        _affiliation, withdrawn = operations.add_affiliation(
            profile,
            organization=organization,
            kind=AffiliationKind(form.kind.data),
            role=(form.role.data or "").strip(),
            started_on=form.started_on.data,
            ended_on=form.ended_on.data,
            actor=current_user,
        )
    except operations.ReviewError as error:
        db.session.rollback()
        _show_error(form, error)
        return False
    db.session.commit()
    flash(_("The tie to %(org)s was recorded.", org=organization.name), "success")
    if withdrawn:
        flash(
            _(
                "%(n)d assignments on this organization's applications were withdrawn.",
                n=len(withdrawn),
            ),
            "warning",
        )
    return True


# ── the expert pool (staff) ─────────────────────────────────────────────────────────────────


@bp.route("/staff/experts")
@roles_required(Role.STAFF)
def experts():
    """专家库: the pool, searchable, filtered by field of expertise."""
    text = request.args.get("q", "").strip()[:100]
    category = request.args.get("category", type=record_id)
    status = request.args.get("status", "active")
    query = (
        select(ReviewerProfile)
        .join(User, User.id == ReviewerProfile.user_id)
        .order_by(User.name, ReviewerProfile.id)
    )
    if text:
        like = f"%{text}%"
        query = query.where(
            or_(User.name.ilike(like), User.email.ilike(like), ReviewerProfile.employer.ilike(like))
        )
    if category:
        query = query.where(
            ReviewerProfile.id.in_(
                select(reviewer_expertise.c.reviewer_id).where(
                    reviewer_expertise.c.category_id == category
                )
            )
        )
    if status == "active":
        query = query.where(ReviewerProfile.active)
    elif status == "inactive":
        query = query.where(ReviewerProfile.active.is_(False))
    return render_template(
        "review/experts.html",
        page=paginate(query),
        q=text,
        category=category,
        status=status,
        categories=_category_choices(),
    )


def _expert_profile(form):
    return {
        "title": (form.title.data or "").strip(),
        "employer": (form.employer.data or "").strip(),
        "phone": (form.contact_phone.data or "").strip(),
        "notes": (form.notes.data or "").strip(),
        "active": bool(form.active.data),
    }


def _add_to_pool(form, add):
    """Run add(); on success commit and go to the expert's page, else show the error on form."""
    try:
        expert = add()
    except operations.ReviewError as error:
        db.session.rollback()
        _show_error(form, error)
        return None
    db.session.commit()
    flash(_("%(name)s was added to the expert pool.", name=expert.name), "success")
    return redirect(url_for("review.expert", expert_id=expert.id))


def _add_existing_expert(form):
    user = db.session.get(User, form.user_id.data)
    if user is None:
        raise operations.ReviewError(_("Choose an account."), "user_id")
    return operations.add_expert(
        user,
        profile=_expert_profile(form),
        categories=_categories(form.expertise.data),
        actor=current_user,
    )


@bp.route("/staff/experts/new", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def new_expert():
    """A new reviewer account in the pool, or an existing account added to it."""
    form = NewExpertForm(prefix="new")
    existing = ExistingExpertForm(prefix="existing")
    for f in (form, existing):
        f.expertise.choices = _category_choices()
    existing.user_id.choices = [(0, "—")] + [
        (u.id, f"{u.name} · {u.email}") for u in _accounts_outside_pool()
    ]
    chosen = request.form.get("which") if request.method == "POST" else None
    if chosen == "new" and form.validate_on_submit():
        added = _add_to_pool(
            form,
            lambda: operations.create_expert(
                account={
                    "email": form.email.data,
                    "name": form.name.data,
                    "phone": form.phone.data,
                    "password": form.password.data,
                },
                profile={**_expert_profile(form), "phone": (form.phone.data or "").strip()},
                categories=_categories(form.expertise.data),
                actor=current_user,
            ),
        )
        if added:
            return added
    if chosen == "existing" and existing.validate_on_submit():
        added = _add_to_pool(existing, lambda: _add_existing_expert(existing))
        if added:
            return added
    status = 400 if request.method == "POST" else 200
    return render_template(
        "review/expert_new.html", form=form, existing=existing, chosen=chosen
    ), status


def _accounts_outside_pool():
    """Active accounts holding the reviewer role without a pool entry."""
    return db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role == Role.REVIEWER.value,
            User.active,
            User.id.not_in(select(ReviewerProfile.user_id)),
        )
        .order_by(User.name)
    ).all()


def _expert_or_404(expert_id):
    expert = db.session.get(ReviewerProfile, expert_id)
    deny_unless(expert is not None, 404)
    return expert


@bp.route("/staff/experts/<int:expert_id>", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def expert(expert_id):
    expert = _expert_or_404(expert_id)
    form = ExpertForm(
        obj=expert,
        contact_phone=expert.phone,
        expertise=[c.id for c in expert.expertise],
    )
    form.expertise.choices = _category_choices()
    if form.validate_on_submit():
        operations.update_expert(
            expert,
            profile=_expert_profile(form),
            categories=_categories(form.expertise.data),
            actor=current_user,
        )
        db.session.commit()
        flash(_("The expert's profile was saved."), "success")
        return redirect(url_for("review.expert", expert_id=expert.id))
    return render_template(
        "review/expert.html",
        expert=expert,
        form=form,
        tie_form=_affiliation_form(),
        cutoff=operations.tie_cutoff(),
        counts=operations.affiliation_counts,
    ), (400 if form.errors else 200)


@bp.route("/staff/experts/<int:expert_id>/ties", methods=["POST"])
@roles_required(Role.STAFF)
def add_tie(expert_id):
    expert = _expert_or_404(expert_id)
    form = _affiliation_form()
    if form.validate_on_submit() and _add_affiliation(expert, form):
        return redirect(url_for("review.expert", expert_id=expert.id))
    profile_form = ExpertForm(
        obj=expert, contact_phone=expert.phone, expertise=[c.id for c in expert.expertise]
    )
    profile_form.expertise.choices = _category_choices()
    return render_template(
        "review/expert.html",
        expert=expert,
        form=profile_form,
        tie_form=form,
        cutoff=operations.tie_cutoff(),
        counts=operations.affiliation_counts,
    ), 400


@bp.route("/staff/experts/<int:expert_id>/ties/<int:tie_id>/remove", methods=["POST"])
@roles_required(Role.STAFF)
def remove_tie(expert_id, tie_id):
    expert = _expert_or_404(expert_id)
    tie = db.session.get(ReviewerAffiliation, tie_id)
    deny_unless(tie is not None and tie.reviewer_id == expert.id, 404)
    operations.remove_affiliation(tie, actor=current_user)
    db.session.commit()
    flash(_("The tie was removed."), "success")
    return redirect(url_for("review.expert", expert_id=expert.id))


# ── calls under review (staff) ──────────────────────────────────────────────────────────────


@bp.route("/staff/review")
@roles_required(Role.STAFF)
def calls():
    """Venture-grant calls and the state of their review."""
    query = (
        select(Call)
        .where(Call.route.in_(routes_reviewing_applications()), Call.published_at.is_not(None))
        .order_by(Call.closes_at.desc(), Call.id.desc())
    )
    page = paginate(query)
    ids = [c.id for c in page.items]
    panels = {p.call_id: p for p in db.session.scalars(select(Panel).where(Panel.call_id.in_(ids)))}
    counts = dict(
        db.session.execute(
            select(Application.call_id, func.count())
            .where(Application.call_id.in_(ids), Application.state.in_(results.REVIEWED))
            .group_by(Application.call_id)
        ).all()
    )
    progress = operations.panel_progress([p.id for p in panels.values()])
    return render_template(
        "review/calls.html", page=page, panels=panels, counts=counts, progress=progress
    )


def _call_or_404(call_id):
    call = db.session.get(Call, call_id)
    deny_unless(call is not None and route_for(call).reviews_applications, 404)
    return call


def _panel_or_404(call):
    panel = operations.panel_of(call.id)
    deny_unless(panel is not None, 404)
    return panel


def _rubric_snapshot(criteria):
    return [(c.id, c.name, c.description, c.max_score) for c in criteria]


@bp.route("/staff/review/calls/<int:call_id>/rubric", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def rubric(call_id):
    """评分标准: criteria of the call, editable until the first sheet is submitted."""
    call = _call_or_404(call_id)
    criteria = operations.criteria_of(call.id)
    locked = operations.rubric_locked(call.id)
    form = RubricForm()
    saved = {"criteria": _rubric_snapshot(criteria)}
    version = request.form.get("version_token") if request.method == "POST" else None
    changed = changed_since(version, saved) if request.method == "POST" else []
    if request.method == "GET":
        form.fill(criteria)
    elif changed:
        # a colleague saved first: keep what this person typed and let a second save apply it
        flash(stale_message(changed, {"criteria": _("Rubric")}, saved), "danger")
    elif form.validate_on_submit():
        try:
            operations.save_rubric(call, form.criteria(), actor=current_user)
        except EditConflict:
            # saved by a colleague at the same instant: as for a stale page
            db.session.rollback()
            criteria = operations.criteria_of(call.id)
            saved = {"criteria": _rubric_snapshot(criteria)}
            changed = ["criteria"]
            flash(stale_message(changed, {"criteria": _("Rubric")}, saved), "danger")
        except operations.ReviewError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The rubric was saved."), "success")
            return redirect(url_for("review.rubric", call_id=call.id))
    status = (409 if changed else 400) if request.method == "POST" else 200
    return render_template(
        "review/rubric.html",
        version_token=version_token(saved),
        call=call,
        panel=operations.panel_of(call.id),
        form=form,
        criteria=criteria,
        locked=locked,
        total=sum((c.max_score for c in criteria), Decimal(0)),
        rubric_errors=[e for e in form.rows.errors if isinstance(e, str)],
    ), status


@bp.route("/staff/review/calls/<int:call_id>/rubric/default", methods=["POST"])
@roles_required(Role.STAFF)
def default_rubric(call_id):
    call = _call_or_404(call_id)
    form = ReasonForm()
    form.reason.validators = []
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.save_rubric(call, operations.default_rubric(), actor=current_user)
    except operations.ReviewError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("The default rubric (100 points) was set; adjust it as needed."), "success")
    return redirect(url_for("review.rubric", call_id=call.id))


def _panel_forms(call):
    experts = db.session.scalars(
        select(ReviewerProfile)
        .join(User, User.id == ReviewerProfile.user_id)
        .where(ReviewerProfile.active)
        .order_by(User.name)
    ).all()
    choices = [(e.id, _expert_label(e)) for e in experts]
    manual = ManualPanelForm(prefix="manual")
    manual.member_ids.choices = choices
    manual.reserve_ids.choices = choices
    drawn = DrawPanelForm(prefix="draw")
    drawn.category_ids.choices = _category_choices()
    if request.method == "GET":
        drawn.category_ids.data = [c.id for c in call.categories]
        shape = default_panel_shape(len(operations.draw_candidates(drawn.category_ids.data)))
        drawn.size.data, drawn.reserves.data = shape.members, shape.reserves
        drawn.reviewers_per_application.data = shape.reviewers_per_application
    return manual, drawn


def _expert_label(expert):
    fields = "、".join(c.name for c in expert.expertise)
    return f"{expert.name}（{expert.employer or '—'}；{fields or '—'}）"


@bp.route("/staff/review/calls/<int:call_id>")
@roles_required(Role.STAFF)
def panel(call_id):
    """The call's panel: formation, assignment, progress, the matrix, conflicts."""
    call = _call_or_404(call_id)
    panel = operations.panel_of(call.id)
    if panel is None:
        manual, drawn = _panel_forms(call)
        return render_template(
            "review/panel_new.html",
            call=call,
            manual=manual,
            drawn=drawn,
            has_rubric=bool(operations.criteria_of(call.id)),
            waiting=len(operations.applications_in_review(call.id)),
        )
    return _panel_page(call, panel)


def _panel_page(call, panel, status=200):
    data, page = results.matrix_page(panel)
    replace_forms = {}
    for a in data.conflicts:
        form = ReplaceForm(prefix=f"replace-{a.id}")
        form.reviewer_id.choices = [
            (e.id, _expert_label(e)) for e in operations.replacement_candidates(a)
        ]
        replace_forms[a.id] = form
    settings = SettingsForm(
        deadline=panel.deadline, spread_threshold=display_points(panel.spread_threshold)
    )
    return render_template(
        "review/panel.html",
        call=call,
        panel=panel,
        data=data,
        page=page,
        replace_forms=replace_forms,
        settings=settings,
        reproduces=operations.draw_reproduces(panel),
        candidates=_experts_by_id(panel.candidates or []),
        needs_assignment=operations.applications_needing_reviewers(panel),
        reserve_form=_reserve_form(panel),
        post_form=ReasonForm(),
    ), status


def _experts_by_id(ids):
    if not ids:
        return {}
    return {
        e.id: e
        for e in db.session.scalars(select(ReviewerProfile).where(ReviewerProfile.id.in_(ids)))
    }


@bp.route("/staff/review/calls/<int:call_id>/panel/<any(draw, manual):method>", methods=["POST"])
@roles_required(Role.STAFF)
def form_panel(call_id, method):
    call = _call_or_404(call_id)
    manual, drawn = _panel_forms(call)
    form = drawn if method == "draw" else manual
    if form.validate_on_submit():
        try:
            if method == "draw":
                operations.draw_panel(
                    call,
                    category_ids=form.category_ids.data,
                    size=form.size.data,
                    reserves=form.reserves.data or 0,
                    seed=form.seed.data,
                    settings=form.settings(),
                    actor=current_user,
                )
            else:
                operations.form_panel(
                    call,
                    member_ids=form.member_ids.data,
                    reserve_ids=form.reserve_ids.data,
                    settings=form.settings(),
                    actor=current_user,
                )
        except operations.ReviewError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The panel was formed."), "success")
            return redirect(url_for("review.panel", call_id=call.id))
    return render_template(
        "review/panel_new.html",
        call=call,
        manual=manual,
        drawn=drawn,
        chosen=method,
        has_rubric=bool(operations.criteria_of(call.id)),
        waiting=len(operations.applications_in_review(call.id)),
    ), 400


def _simple_post():
    form = ReasonForm()
    form.reason.validators = []
    if not form.validate_on_submit():
        abort(400)


@bp.route("/staff/review/calls/<int:call_id>/panel/dissolve", methods=["POST"])
@roles_required(Role.STAFF)
def dissolve_panel(call_id):
    call = _call_or_404(call_id)
    panel = _panel_or_404(call)
    _simple_post()
    try:
        operations.dissolve_panel(panel, actor=current_user)
    except operations.ReviewError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("The panel was dissolved."), "success")
    return redirect(url_for("review.panel", call_id=call.id))


@bp.route("/staff/review/calls/<int:call_id>/panel/settings", methods=["POST"])
@roles_required(Role.STAFF)
def panel_settings(call_id):
    call = _call_or_404(call_id)
    panel = _panel_or_404(call)
    form = SettingsForm()
    if form.validate_on_submit():
        try:
            operations.update_panel_settings(
                panel,
                deadline=form.deadline.data,
                spread_threshold=parse_score(form.spread_threshold.data, 999)[0],
                actor=current_user,
            )
        except operations.ReviewError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
    else:
        _flash_form_errors(form)
    return redirect(url_for("review.panel", call_id=call.id))


@bp.route("/staff/review/calls/<int:call_id>/panel/reserve", methods=["POST"])
@roles_required(Role.STAFF)
def add_reserve(call_id):
    call = _call_or_404(call_id)
    panel = _panel_or_404(call)
    form = _reserve_form(panel)
    if not form.validate_on_submit():
        flash(_("Choose the expert to add."), "danger")
        return redirect(url_for("review.panel", call_id=call.id))
    expert = db.session.get(ReviewerProfile, form.reviewer_id.data)
    try:
        operations.add_reserve(panel, expert, actor=current_user)
    except operations.ReviewError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("%(name)s was added to the panel as a reserve.", name=expert.name), "success")
    return redirect(url_for("review.panel", call_id=call.id))


def _reserve_form(panel):
    form = ReplaceForm(prefix="reserve")
    on_panel = {m.reviewer_id for m in panel.members}
    # the menu shows name, employer and fields: not the accounts' roles, organizations or
    # the experts' affiliations (hundreds of experts at city scale)
    experts = db.session.scalars(
        select(ReviewerProfile)
        .join(User, User.id == ReviewerProfile.user_id)
        .options(
            contains_eager(ReviewerProfile.user).lazyload("*"),
            lazyload(ReviewerProfile.affiliations),
        )
        .where(ReviewerProfile.active, ReviewerProfile.id.not_in(on_panel or {0}))
        .order_by(User.name)
    ).all()
    form.reviewer_id.choices = [(e.id, _expert_label(e)) for e in experts]
    return form


@bp.route("/staff/review/calls/<int:call_id>/assign", methods=["POST"])
@roles_required(Role.STAFF)
def assign(call_id):
    call = _call_or_404(call_id)
    panel = _panel_or_404(call)
    _simple_post()
    try:
        made, missing = operations.assign_reviewers(panel, actor=current_user)
    except TransitionRefused as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("%(n)d assignments were made.", n=len(made)), "success")
        for application, count in missing.items():
            flash(
                _(
                    "“%(title)s” still lacks %(n)d reviewers: every other panel member is tied "
                    "to the applicant. Add a reserve to the panel and assign again.",
                    title=application.title,
                    n=count,
                ),
                "warning",
            )
    return redirect(url_for("review.panel", call_id=call.id))


@bp.route("/staff/review/calls/<int:call_id>/reminders", methods=["POST"])
@roles_required(Role.STAFF)
def remind(call_id):
    call = _call_or_404(call_id)
    panel = _panel_or_404(call)
    _simple_post()
    try:
        count = operations.send_reminders(panel, actor=current_user)
    except operations.ReviewError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("%(n)d reviewers were reminded.", n=count), "success")
    return redirect(url_for("review.panel", call_id=call.id))


@bp.route("/staff/review/assignments/<int:assignment_id>/replace", methods=["POST"])
@roles_required(Role.STAFF)
def replace(assignment_id):
    assignment = db.session.get(ReviewAssignment, assignment_id)
    deny_unless(assignment is not None, 404)
    form = ReplaceForm(prefix=f"replace-{assignment.id}")
    form.reviewer_id.choices = [
        (e.id, e.name) for e in operations.replacement_candidates(assignment)
    ]
    if not form.validate_on_submit():
        flash(_("Choose the replacement."), "danger")
    else:
        try:
            new = operations.replace_reviewer(
                assignment,
                db.session.get(ReviewerProfile, form.reviewer_id.data),
                actor=current_user,
            )
        except operations.ReviewError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("%(name)s now reviews this application.", name=new.reviewer.name), "success")
    return redirect(url_for("review.panel", call_id=assignment.panel.call_id))


@bp.route("/staff/review/sheets/<int:sheet_id>")
@roles_required(Role.STAFF)
def sheet(sheet_id):
    """One reviewer's sheet, as staff see it."""
    item = db.session.get(ReviewSheet, sheet_id)
    deny_unless(item is not None, 404)
    assignment = item.assignment
    return render_template(
        "review/sheet.html",
        sheet=item,
        assignment=assignment,
        criteria=operations.criteria_of(assignment.panel.call_id),
        form=ReasonForm(),
    )


@bp.route("/staff/review/sheets/<int:sheet_id>/reopen", methods=["POST"])
@roles_required(Role.STAFF)
def reopen(sheet_id):
    item = db.session.get(ReviewSheet, sheet_id)
    deny_unless(item is not None, 404)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason."), "danger")
        return redirect(url_for("review.sheet", sheet_id=item.id))
    try:
        operations.reopen_sheet(item, reason=form.reason.data, actor=current_user)
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        db.session.commit()
        flash(_("The sheet was reopened; the reviewer was told."), "success")
    return redirect(url_for("review.sheet", sheet_id=item.id))


# ── ranking, awards, publication, exports (staff) ───────────────────────────────────────────


def _chosen_aggregation(panel):
    value = request.args.get("aggregation")
    try:
        return Aggregation(value) if value else panel.aggregation
    except ValueError:
        return panel.aggregation


@bp.route("/staff/review/calls/<int:call_id>/ranking")
@roles_required(Role.STAFF)
def ranking(call_id):
    """排名: best first, running sum of requests against the budget, the award proposal."""
    call = _call_or_404(call_id)
    panel = _panel_or_404(call)
    aggregation = _chosen_aggregation(panel)
    return _ranking_page(call, panel, aggregation)


def _ranking_page(call, panel, aggregation, *, typed=None, errors=None, status=200):
    ranked, data = results.ranking_page(panel, aggregation)
    return render_template(
        "review/ranking.html",
        call=call,
        panel=panel,
        data=data,
        ranked=ranked,
        aggregation=aggregation,
        aggregations=list(Aggregation),
        tie_rule=TIE_BREAK_RULE,
        typed=typed,
        errors=errors or {},
        aggregation_form=AggregationForm(aggregation=aggregation.value),
        post_form=ReasonForm(),
    ), status


@bp.route("/staff/review/calls/<int:call_id>/ranking/aggregation", methods=["POST"])
@roles_required(Role.STAFF)
def choose_aggregation(call_id):
    call = _call_or_404(call_id)
    panel = _panel_or_404(call)
    form = AggregationForm()
    if form.validate_on_submit():
        try:
            operations.choose_aggregation(
                panel, Aggregation(form.aggregation.data), actor=current_user
            )
        except operations.ReviewError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The ranking now uses: %(name)s.", name=panel.aggregation.label), "success")
    return redirect(url_for("review.ranking", call_id=call.id))


@bp.route("/staff/review/calls/<int:call_id>/awards", methods=["POST"])
@roles_required(Role.STAFF)
def propose(call_id):
    """Propose awards down the ranking (full or reduced amounts)."""
    call = _call_or_404(call_id)
    panel = _panel_or_404(call)
    _simple_post()
    ranked = results.ranking(panel)
    decisions, errors, typed = {}, {}, {}
    # the form shows one page of the ranking; rows of the other pages keep the default
    # proposal (funded at the requested amount within the funding line)
    shown = _posted_ids(request.form.get("shown"))
    if shown is not None:
        decisions = results.default_decisions(panel, panel.aggregation, shown)
    for row in ranked.rows:
        app_id = row.application.id
        if shown is not None and app_id not in shown:
            continue
        fund = request.form.get(f"fund-{app_id}") == "1"
        raw = request.form.get(f"amount-{app_id}", "").strip()
        justification = request.form.get(f"justification-{app_id}", "")
        typed[app_id] = {"fund": fund, "amount": raw, "justification": justification}
        if not fund:
            continue
        try:
            decisions[app_id] = (to_amount(raw), justification)
        except (InvalidAmount, TypeError):
            errors[app_id] = _("Enter an amount in yuan, such as 80000 or 80000.50.")
    if not errors:
        try:
            total = operations.propose_awards(panel, ranked.rows, decisions, actor=current_user)
        except operations.ProposalRefused as refused:
            db.session.rollback()
            errors = refused.errors
            flash(refused.message, "danger")
        except TransitionRefused as refused:
            db.session.rollback()
            flash(refused.message, "danger")
        else:
            db.session.commit()
            flash(
                _(
                    "Awards of %(total)s in all were proposed. Publish the result to open the "
                    "objection period.",
                    total=yuan(total),
                ),
                "success",
            )
            return redirect(url_for("review.publish", call_id=call.id))
    else:
        flash(_("Please correct the marked rows."), "danger")
    return _ranking_page(call, panel, panel.aggregation, typed=typed, errors=errors, status=400)


def _posted_ids(text):
    """The application ids of the posted page ("1 2 3"), or None for a form without the list."""
    if text is None:
        return None
    return set(ids_in(text.split()))


@bp.route("/staff/review/calls/<int:call_id>/publish", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def publish(call_id):
    """公示: publish the proposed awards for a period of working days."""
    call = _call_or_404(call_id)
    panel = _panel_or_404(call)
    deny_unless(panel.proposed_at is not None, 404)
    announcement = operations.result_announcement(panel)
    form = PublishForm(title=_("Public notice of the review result: %(call)s", call=call.title))
    ranked = results.ranking(panel)
    if announcement is None and form.validate_on_submit():
        try:
            announcement = operations.publish_result(
                panel,
                ranked,
                title=form.title.data,
                introduction=form.introduction.data,
                period_days=form.period_days.data,
                actor=current_user,
            )
        except TransitionRefused as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "The result is published; objections can be lodged until %(date)s.",
                    date=local_date(announcement.ends_on),
                ),
                "success",
            )
            return redirect(url_for("review.publish", call_id=call.id))
    period = operations.preview_period(form.period_days.data or 5)
    return render_template(
        "review/publish.html",
        call=call,
        panel=panel,
        ranked=ranked,
        form=form,
        announcement=announcement,
        period=period,
    ), (400 if form.errors else 200)


@bp.route("/staff/review/calls/<int:call_id>/<any(ranking, sheets):what>.<any(pdf, xlsx):fmt>")
@roles_required(Role.STAFF)
def export(call_id, what, fmt):
    """The ranking or every score sheet, as a signed-sheet PDF or as a spreadsheet."""
    call = _call_or_404(call_id)
    panel = _panel_or_404(call)
    return exports.response(panel, what, fmt, _chosen_aggregation(panel))


# ── home page panels ────────────────────────────────────────────────────────────────────────


@home_panel(Role.REVIEWER, "review/home_reviewer.html")
def _reviewer_figures(user):
    """The reviewer's sheets, by the call's phase and the panel's deadline (integrity.waiting)."""
    return waiting.reviewer_sheets_waiting(user.id, now(), local_today())


@home_panel(Role.STAFF, "review/home_staff.html")
def _staff_figures(_user):
    at, today = now(), local_today()
    panels = waiting.open_panels(at)
    progress = operations.panel_progress([p.id for p in panels])
    stages = {p.id: waiting.panel_stage(p, *progress.get(p.id, (0, 0)), at, today) for p in panels}
    return {"panels": panels, "progress": progress, "stages": stages}
