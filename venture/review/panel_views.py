"""Review pages: calls under review, their rubric, panel, assignments and sheets (staff)."""

from decimal import Decimal
from functools import cache, partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased, lazyload

from venture.applications.models import Application
from venture.auth.enums import Role
from venture.auth.models import User
from venture.calls.hooks import PROCUREMENT_ROUTES
from venture.calls.models import Call
from venture.core.access import deny_unless, roles_required
from venture.core.actions import button, form_action, post_action
from venture.core.concurrency import EditConflict, changed_since, stale_message, version_token
from venture.core.pagination import paginate
from venture.extensions import db
from venture.reference.models import ServiceCategory
from venture.review import operations, result_pages, results
from venture.review.blueprint import bp, category_choices, flash_form_errors
from venture.review.forms import (
    DrawPanelForm,
    ManualPanelForm,
    ReasonForm,
    ReplaceForm,
    RubricForm,
    SettingsForm,
)
from venture.review.models import (
    Panel,
    ReviewAssignment,
    ReviewerProfile,
    ReviewSheet,
    reviewer_expertise,
)
from venture.review.panel_shape import default_panel_shape
from venture.review.scoring import display_points, parse_score

# ── calls under review (staff) ──────────────────────────────────────────────────────────────


@bp.route("/staff/review")
@roles_required(Role.STAFF)
def calls():
    """Venture-grant calls and the state of their review."""
    query = (
        select(Call)
        .where(
            Call.route.in_(PROCUREMENT_ROUTES.routes_reviewing_applications()),
            Call.published_at.is_not(None),
        )
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


def call_or_404(call_id):
    call = db.session.get(Call, call_id)
    deny_unless(call is not None and PROCUREMENT_ROUTES.route_for(call).reviews_applications, 404)
    return call


def panel_or_404(call):
    panel = operations.panel_of(call.id)
    deny_unless(panel is not None, 404)
    return panel


@cache
def _shown_call_and_panel_statement():
    """The call, its panel and who formed it: built once, run with call_id. The call's
    categories and communities and the panel's members are left to load on use."""
    formed_by = aliased(User)
    return (
        select(Call, Panel, formed_by.name)
        .outerjoin(Panel, Panel.call_id == Call.id)
        .outerjoin(formed_by, formed_by.id == Panel.formed_by_id)
        .where(Call.id == bindparam("call_id"))
        .options(
            lazyload(Call.categories),
            lazyload(Call.communities),
            lazyload(Panel.call),
            lazyload(Panel.members),
        )
    )


def shown_call_and_panel_or_404(call_id):
    """(call, panel or None, the name of who formed the panel) in one statement, for the pages
    that show them (they read the panel's members as narrow rows, result_pages.seats)."""
    row = db.session.execute(_shown_call_and_panel_statement(), {"call_id": call_id}).first()
    call = row[0] if row is not None else None
    deny_unless(call is not None and PROCUREMENT_ROUTES.route_for(call).reviews_applications, 404)
    return row


def _rubric_snapshot(criteria):
    return [(c.id, c.name, c.description, c.max_score) for c in criteria]


@bp.route("/staff/review/calls/<int:call_id>/rubric", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def rubric(call_id):
    """评分标准: criteria of the call, editable until the first sheet is submitted."""
    call = call_or_404(call_id)
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
    call = call_or_404(call_id)
    form = ReasonForm()
    form.reason.validators = []
    return post_action(
        lambda: operations.save_rubric(call, operations.default_rubric(), actor=current_user),
        success=_("The default rubric (100 points) was set; adjust it as needed."),
        target=url_for("review.rubric", call_id=call.id),
        form=form,
    )


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
    drawn.category_ids.choices = category_choices()
    if request.method == "GET":
        drawn.category_ids.data = [c.id for c in call.categories]
        shape = default_panel_shape(len(operations.draw_candidates(drawn.category_ids.data)))
        drawn.size.data, drawn.reserves.data = shape.members, shape.reserves
        drawn.reviewers_per_application.data = shape.reviewers_per_application
    return manual, drawn


def _expert_label(expert):
    return _label(expert.name, expert.employer, [c.name for c in expert.expertise])


def _label(name, employer, fields):
    return f"{name}（{employer or '—'}；{'、'.join(fields) or '—'}）"


@bp.route("/staff/review/calls/<int:call_id>")
@roles_required(Role.STAFF)
def panel(call_id):
    """The call's panel: formation, assignment, progress, the matrix, conflicts."""
    call, panel, formed_by = shown_call_and_panel_or_404(call_id)
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
    return _panel_page(call, panel, formed_by)


def _panel_page(call, panel, formed_by):
    data, page = result_pages.matrix_page(panel, result_pages.seats(panel))
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
        formed_by=formed_by,
        data=data,
        page=page,
        replace_forms=replace_forms,
        settings=settings,
        reproduces=operations.draw_reproduces(panel),
        candidates=_expert_names(panel.candidates or []),
        needs_assignment=operations.applications_needing_reviewers(panel),
        # the menu is offered while the panel is scoring only
        reserve_form=_reserve_form(panel) if panel.proposed_at is None else None,
        post_form=ReasonForm(),
    )


def _expert_names(ids):
    """{expert id: name} of the given experts: one narrow statement."""
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(ReviewerProfile.id, User.name)
            .join(User, User.id == ReviewerProfile.user_id)
            .where(ReviewerProfile.id.in_(ids))
        ).all()
    )


@bp.route("/staff/review/calls/<int:call_id>/panel/<any(draw, manual):method>", methods=["POST"])
@roles_required(Role.STAFF)
def form_panel(call_id, method):
    call = call_or_404(call_id)
    manual, drawn = _panel_forms(call)
    form = drawn if method == "draw" else manual
    make = operations.draw_panel if method == "draw" else operations.form_panel
    done = form_action(
        form,
        lambda: make(call, **form.panel_values(), settings=form.settings(), actor=current_user),
        success=_("The panel was formed."),
        target=url_for("review.panel", call_id=call.id),
    )
    if done:
        return done
    return render_template(
        "review/panel_new.html",
        call=call,
        manual=manual,
        drawn=drawn,
        chosen=method,
        has_rubric=bool(operations.criteria_of(call.id)),
        waiting=len(operations.applications_in_review(call.id)),
    ), 400


def _simple_form():
    """A button's form: its CSRF token (a ReasonForm with no reason asked)."""
    form = ReasonForm()
    form.reason.validators = []
    return form


def simple_post():
    if not _simple_form().validate_on_submit():
        abort(400)


def _panel(call_id):
    return panel_or_404(call_or_404(call_id))


panel_button = partial(
    button, load=_panel, target=lambda panel: url_for("review.panel", call_id=panel.call_id)
)


@bp.route("/staff/review/calls/<int:call_id>/panel/dissolve", methods=["POST"])
@roles_required(Role.STAFF)
@panel_button(success=_l("The panel was dissolved."))
def dissolve_panel(panel, _form):
    return operations.dissolve_panel(panel, actor=current_user)


@bp.route("/staff/review/calls/<int:call_id>/panel/settings", methods=["POST"])
@roles_required(Role.STAFF)
@panel_button(success=_l("Saved."), form=SettingsForm, invalid=flash_form_errors)
def panel_settings(panel, form):
    return operations.update_panel_settings(
        panel,
        deadline=form.deadline.data,
        spread_threshold=parse_score(form.spread_threshold.data, 999)[0],
        actor=current_user,
    )


@bp.route("/staff/review/calls/<int:call_id>/panel/reserve", methods=["POST"])
@roles_required(Role.STAFF)
def add_reserve(call_id):
    call = call_or_404(call_id)
    panel = panel_or_404(call)
    form = _reserve_form(panel)
    chosen = form.reviewer_id.data
    expert = db.session.get(ReviewerProfile, chosen) if isinstance(chosen, int) else None
    return post_action(
        lambda: operations.add_reserve(panel, expert, actor=current_user),
        success=lambda _added: _("%(name)s was added to the panel as a reserve.", name=expert.name),
        target=url_for("review.panel", call_id=call.id),
        form=form,
        invalid=_("Choose the expert to add."),
    )


def _reserve_form(panel):
    form = ReplaceForm(prefix="reserve")
    on_panel = {m.reviewer_id for m in panel.members}
    # the menu shows name, employer and fields of hundreds of experts at city scale: read as
    # narrow rows (their fields from the few categories), not as experts with their accounts
    experts = db.session.execute(
        select(ReviewerProfile.id, User.name, ReviewerProfile.employer)
        .join(User, User.id == ReviewerProfile.user_id)
        .where(ReviewerProfile.active, ReviewerProfile.id.not_in(on_panel or {0}))
        .order_by(User.name)
    ).all()
    categories = {c.id: c for c in db.session.scalars(select(ServiceCategory))}
    fields = {}
    for reviewer_id, category_id in db.session.execute(
        select(reviewer_expertise.c.reviewer_id, reviewer_expertise.c.category_id)
        .where(reviewer_expertise.c.reviewer_id.in_([e.id for e in experts]))
        .order_by(reviewer_expertise.c.category_id)
    ):
        fields.setdefault(reviewer_id, []).append(categories[category_id].name)
    form.reviewer_id.choices = [
        (id, _label(name, employer, fields.get(id, []))) for id, name, employer in experts
    ]
    return form


@bp.route("/staff/review/calls/<int:call_id>/assign", methods=["POST"])
@roles_required(Role.STAFF)
@panel_button(
    success=lambda _panel, done: _("%(n)d assignments were made.", n=len(done[0])),
    warnings=lambda done: [
        _(
            "“%(title)s” still lacks %(n)d reviewers: every other panel member is tied "
            "to the applicant. Add a reserve to the panel and assign again.",
            title=application.title,
            n=count,
        )
        for application, count in done[1].items()
    ],
    form=lambda _panel: _simple_form(),
)
def assign(panel, _form):
    return operations.assign_reviewers(panel, actor=current_user)


@bp.route("/staff/review/calls/<int:call_id>/reminders", methods=["POST"])
@roles_required(Role.STAFF)
@panel_button(success=lambda _panel, count: _("%(n)d reviewers were reminded.", n=count))
def remind(panel, _form):
    return operations.send_reminders(panel, actor=current_user)


@bp.route("/staff/review/assignments/<int:assignment_id>/replace", methods=["POST"])
@roles_required(Role.STAFF)
def replace(assignment_id):
    assignment = db.session.get(ReviewAssignment, assignment_id)
    deny_unless(assignment is not None, 404)
    form = ReplaceForm(prefix=f"replace-{assignment.id}")
    form.reviewer_id.choices = [
        (e.id, e.name) for e in operations.replacement_candidates(assignment)
    ]
    return post_action(
        lambda: operations.replace_reviewer(
            assignment,
            db.session.get(ReviewerProfile, form.reviewer_id.data),
            actor=current_user,
        ),
        success=lambda new: _("%(name)s now reviews this application.", name=new.reviewer.name),
        target=url_for("review.panel", call_id=assignment.panel.call_id),
        form=form,
        invalid=_("Choose the replacement."),
    )


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
    return post_action(
        lambda: operations.reopen_sheet(item, reason=form.reason.data, actor=current_user),
        success=_("The sheet was reopened; the reviewer was told."),
        target=url_for("review.sheet", sheet_id=item.id),
        form=form,
        invalid=_("Please give a reason."),
    )
