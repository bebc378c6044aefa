"""Community pages: the residents' committee's needs and supervision, the staff needs board,
the printable project notice with its survey QR code, and the public satisfaction survey."""

import secrets

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from venture.auth.enums import Role
from venture.community import figures, operations
from venture.community.enums import LIVE_STATUSES, NeedStatus, SurveyQuestion, Urgency, Verdict
from venture.community.forms import CheckForm, MergeForm, NeedForm, ReasonForm, SurveyForm
from venture.community.lifecycle import NEED_WORKFLOW
from venture.community.models import ActivityCheck, Need, NeedPhoto
from venture.community.permissions import (
    CHECKABLE_REPORT_STATES,
    can_check_activity,
    can_edit_need,
    can_merge_needs,
    can_see_supervision,
    can_view_need,
    can_view_notice,
    is_community_user,
    is_staff,
    projects_in_community,
    supervises,
)
from venture.core.access import deny_unless, public, roles_required, signed_in
from venture.core.actions import (
    button,
    flash_form_errors,
    form_action,
    form_page,
    post_action,
    run_action,
)
from venture.core.files import send_stored
from venture.core.integers import optional_id
from venture.core.pagination import paginate
from venture.core.panels import home_figures, home_panel
from venture.delivery.enums import ProjectState
from venture.delivery.models import Activity, ProgressReport, Project
from venture.evaluation.sections import evaluation_section
from venture.extensions import db
from venture.reference.models import Community, ServiceCategory, Street

bp = Blueprint("community", __name__)

DEVICE_COOKIE = "venture_device"
DEVICE_COOKIE_DAYS = 730


def get_need_or_404(need_id):
    need = db.session.get(Need, need_id)
    deny_unless(need is not None, 404)
    deny_unless(can_view_need(current_user, need), 404)
    return need


def _category_choices():
    categories = db.session.scalars(
        select(ServiceCategory).where(ServiceCategory.active).order_by(ServiceCategory.id)
    )
    return [(c.id, c.name) for c in categories]


def _need_url(need):
    return url_for("community.show_need", need_id=need.id)


# ── template helpers for other modules' pages ──────────────────────────────────────────────


@bp.app_template_global("need_choices_for_call")
def _need_choices_for_call(call=None):
    return operations.need_choices_for_call(call)


@bp.app_template_global("supervision_summary")
def _supervision_summary(project):
    """Disputed activities for the project page, for those who may see them (else None)."""
    if not can_see_supervision(current_user, project):
        return None
    return figures.supervision_summary(project.id)


@bp.app_template_global("satisfaction_summary")
def _satisfaction_summary(project_id, comments=0):
    return figures.satisfaction_summary(project_id, comments=comments)


@bp.app_template_global("needs_by_street")
def _needs_by_street(call):
    return figures.needs_by_street(call)


# ── the residents' committee: needs ─────────────────────────────────────────────────────────


@bp.route("/community/needs")
@roles_required(Role.COMMUNITY)
def my_needs():
    """需求清单 of the user's community."""
    deny_unless(is_community_user(current_user), 404)
    query = (
        select(Need)
        .where(Need.community_id == current_user.community_id)
        .order_by(Need.created_at.desc(), Need.id.desc())
    )
    counts = dict(
        db.session.execute(
            select(Need.status, func.count())
            .where(Need.community_id == current_user.community_id)
            .group_by(Need.status)
        ).all()
    )
    return render_template("community/my_needs.html", page=paginate(query), counts=counts)


@bp.route("/community/needs/new", methods=["GET", "POST"])
@roles_required(Role.COMMUNITY)
def new_need():
    deny_unless(is_community_user(current_user), 404)
    form = NeedForm()
    form.category_id.choices = _category_choices()
    done = form_action(
        form,
        lambda: operations.publish_need(
            form.values(), actor=current_user, photos=request.files.getlist("photos")
        ),
        success=_("The need is published. Staff can now take it up in a call."),
        target=_need_url,
    )
    return done or form_page("community/need_edit.html", form=form, need=None)


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COMMUNITY)
def edit_need(need_id):
    need = get_need_or_404(need_id)
    deny_unless(is_community_user(current_user), 404)
    if not can_edit_need(current_user, need):
        flash(
            _("The need is %(status)s: it can no longer be edited.", status=need.status.label),
            "warning",
        )
        return redirect(url_for("community.show_need", need_id=need.id))
    if request.method == "GET":
        form = NeedForm(
            formdata=None,
            obj=need,
            residents=str(need.residents),
            urgency=need.urgency.value,
        )
    else:
        form = NeedForm()
    form.category_id.choices = _category_choices()
    done = form_action(
        form,
        lambda: operations.update_need(
            need, form.values(), actor=current_user, photos=request.files.getlist("photos")
        ),
        success=_("The need is saved."),
        target=_need_url(need),
    )
    return done or form_page("community/need_edit.html", form=form, need=need)


@bp.route("/needs/<int:need_id>")
@roles_required(Role.COMMUNITY, Role.STAFF)
def show_need(need_id):
    need = get_need_or_404(need_id)
    staff = is_staff(current_user)
    merge_form = None
    if staff and need.status == NeedStatus.OPEN:
        merge_form = MergeForm()
        merge_form.into.choices = [
            (n.id, f"#{n.id} {n.community.name} · {n.title}")
            for n in operations.merge_candidates(need)
        ]
    return render_template(
        "community/need.html",
        need=need,
        staff=staff,
        can_edit=can_edit_need(current_user, need),
        actions=[
            t
            for t in NEED_WORKFLOW.available(need, current_user)
            if t.action in ("close", "reopen")
        ],
        merge_form=merge_form,
        reason_form=ReasonForm(),
        # drafts are the organizations' own work in progress
        applications=[a for a in need.applications if a.number is not None] if staff else [],
        merged_here=db.session.scalars(
            select(Need).where(Need.merged_into_id == need.id).order_by(Need.id)
        ).all(),
    )


@bp.route("/needs/<int:need_id>/photos/<int:photo_id>")
@roles_required(Role.COMMUNITY, Role.STAFF)
def photo(need_id, photo_id):
    need = get_need_or_404(need_id)
    item = db.session.get(NeedPhoto, photo_id)
    deny_unless(item is not None and item.need_id == need.id, 404)
    return send_stored(item.file, inline=True)


@bp.route("/needs/<int:need_id>/photos/<int:photo_id>/remove", methods=["POST"])
@roles_required(Role.COMMUNITY)
def remove_photo(need_id, photo_id):
    need = get_need_or_404(need_id)
    item = db.session.get(NeedPhoto, photo_id)
    deny_unless(item is not None and item.need_id == need.id, 404)
    return post_action(
        lambda: operations.remove_photo(need, item, actor=current_user),
        success=_("The photo was removed."),
        target=url_for("community.edit_need", need_id=need.id),
        form=ReasonForm(),
    )


@bp.route("/needs/<int:need_id>/<any(close, reopen):action>", methods=["POST"])
@roles_required(Role.COMMUNITY, Role.STAFF)
@button(
    load=get_need_or_404,
    target=_need_url,
    passes=("action",),
    success=lambda need, _result, action: _(
        "Saved: the need is now %(status)s.", status=need.status.label
    ),
    form=ReasonForm,
)
def decide(need, form, action):
    return operations.decide_need(need, action, actor=current_user, reason=form.reason.data)


# ── staff: the needs board ──────────────────────────────────────────────────────────────────

URGENCY_ORDER = case(
    {Urgency.URGENT.value: 0, Urgency.PRESSING.value: 1}, value=Need.urgency, else_=2
)


def _board_filters():
    """The board's filters from the query string; unknown values are ignored."""
    args = request.args

    def number(name):
        value = args.get(name, "")
        return optional_id(value)

    status = args.get("status", "")
    return {
        "street_id": number("street"),
        "category_id": number("category"),
        "urgency": args.get("urgency") if args.get("urgency") in {u.value for u in Urgency} else "",
        "status": status if status in {s.value for s in NeedStatus} | {"all"} else "",
        "q": args.get("q", "").strip()[:100],
    }


def _filtered(query, filters, *, with_status=True):
    query = query.join(Community, Need.community_id == Community.id)
    if filters["street_id"]:
        query = query.where(Community.street_id == filters["street_id"])
    if filters["category_id"]:
        query = query.where(Need.category_id == filters["category_id"])
    if filters["urgency"]:
        query = query.where(Need.urgency == Urgency(filters["urgency"]))
    if filters["q"]:
        like = f"%{filters['q']}%"
        query = query.where(
            or_(Need.title.ilike(like), Need.description.ilike(like), Community.name.ilike(like))
        )
    if with_status:
        if filters["status"] == "all":
            pass
        elif filters["status"]:
            query = query.where(Need.status == NeedStatus(filters["status"]))
        else:
            query = query.where(Need.status.in_(LIVE_STATUSES))
    return query


@bp.route("/staff/needs")
@roles_required(Role.STAFF)
def board():
    """需求看板: every community's needs, filtered by street, category, urgency and status, with
    counts; open needs can be chosen to make a call from."""
    filters = _board_filters()
    query = _filtered(select(Need), filters).order_by(
        URGENCY_ORDER, Need.created_at.desc(), Need.id.desc()
    )
    status_counts = dict(
        db.session.execute(
            _filtered(select(Need.status, func.count()), filters, with_status=False).group_by(
                Need.status
            )
        ).all()
    )
    shown = db.session.execute(
        _filtered(select(func.count(), func.coalesce(func.sum(Need.residents), 0)), filters)
    ).one()
    urgency_counts = dict(
        db.session.execute(
            _filtered(select(Need.urgency, func.count()), filters).group_by(Need.urgency)
        ).all()
    )
    by_street = db.session.execute(
        _filtered(select(Street.name, func.count()).select_from(Need), filters)
        .join(Street, Street.id == Community.street_id)
        .group_by(Street.id, Street.name)
        .order_by(Street.id)
    ).all()
    streets = db.session.scalars(select(Street).where(Street.active).order_by(Street.id)).all()
    return render_template(
        "community/board.html",
        page=paginate(query),
        filters=filters,
        status_counts=status_counts,
        shown_count=shown[0],
        shown_residents=shown[1],
        urgency_counts=urgency_counts,
        by_street=by_street,
        streets=streets,
        categories=_category_choices(),
        statuses=list(NeedStatus),
        urgencies=list(Urgency),
    )


@bp.route("/staff/needs/<int:need_id>/merge", methods=["POST"])
@roles_required(Role.STAFF)
def merge(need_id):
    need = get_need_or_404(need_id)
    deny_unless(can_merge_needs(current_user, need), 403)
    form = MergeForm()
    candidates = {n.id: n for n in operations.merge_candidates(need)}
    form.into.choices = [(i, str(i)) for i in candidates]
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(_need_url(need))
    into = candidates.get(form.into.data)
    done = run_action(
        lambda: operations.merge_need(need, into, actor=current_user, reason=form.reason.data),
        success=_("The need was merged into #%(id)d.", id=into.id),
        target=_need_url(into),
    )
    return done or redirect(url_for("community.show_need", need_id=need_id))


# ── supervision ─────────────────────────────────────────────────────────────────────────────


@bp.route("/community/projects")
@roles_required(Role.COMMUNITY)
def projects():
    """The funded projects delivered in the user's community."""
    deny_unless(is_community_user(current_user), 404)
    ids = projects_in_community(current_user.community_id)
    query = select(Project).where(Project.id.in_(ids)).order_by(Project.id.desc())
    page = paginate(query)
    shown = [p.id for p in page.items]
    unchecked = dict(
        db.session.execute(
            select(ProgressReport.project_id, func.count(Activity.id))
            .join(Activity, Activity.report_id == ProgressReport.id)
            .outerjoin(ActivityCheck, ActivityCheck.activity_id == Activity.id)
            .where(
                ProgressReport.project_id.in_(shown),
                ProgressReport.state.in_(CHECKABLE_REPORT_STATES),
                Activity.community_id == current_user.community_id,
                ActivityCheck.id.is_(None),
            )
            .group_by(ProgressReport.project_id)
        ).all()
    )
    return render_template("community/projects.html", page=page, unchecked=unchecked)


def get_supervised_or_404(project_id):
    project = db.session.get(Project, project_id)
    deny_unless(project is not None and supervises(current_user, project), 404)
    return project


@bp.route("/community/projects/<int:project_id>")
@roles_required(Role.COMMUNITY)
def supervise(project_id):
    """The project's plan and the activities its reports say were held in this community."""
    project = get_supervised_or_404(project_id)
    rows = db.session.execute(
        select(Activity, ActivityCheck)
        .join(ProgressReport, ProgressReport.id == Activity.report_id)
        .outerjoin(ActivityCheck, ActivityCheck.activity_id == Activity.id)
        .where(
            ProgressReport.project_id == project.id,
            ProgressReport.state.in_(CHECKABLE_REPORT_STATES),
            Activity.community_id == current_user.community_id,
        )
        .order_by(ProgressReport.id, Activity.held_on, Activity.id)
    ).all()
    reports = {}
    for activity, check in rows:
        reports.setdefault(activity.report, []).append((activity, check))
    return render_template(
        "community/supervise.html",
        project=project,
        reports=reports,
        checkable={a.id for a, _c in rows if can_check_activity(current_user, a)},
        check_form=CheckForm(),
        satisfaction=figures.satisfaction_summary(project.id),
    )


@bp.route(
    "/community/activities/<int:activity_id>/<any(confirm, dispute):verdict>", methods=["POST"]
)
@roles_required(Role.COMMUNITY)
def check(activity_id, verdict):
    activity = db.session.get(Activity, activity_id)
    deny_unless(activity is not None, 404)
    project = activity.report.project
    deny_unless(
        activity.community_id == current_user.community_id and supervises(current_user, project),
        404,
    )
    form = CheckForm()
    chosen = Verdict.CONFIRMED if verdict == "confirm" else Verdict.DISPUTED
    return post_action(
        lambda: operations.check_activity(
            activity, chosen, actor=current_user, comment=form.comment.data
        ),
        success=_("Saved: “%(title)s” is %(verdict)s.", title=activity.title, verdict=chosen.label),
        target=url_for(
            "community.supervise", project_id=project.id, _anchor=f"activity-{activity_id}"
        ),
        form=form,
    )


@bp.route("/staff/activity-disputes")
@roles_required(Role.STAFF)
def disputes():
    """Every activity a residents' committee disputes, newest first."""
    query = (
        select(ActivityCheck)
        .join(Activity, Activity.id == ActivityCheck.activity_id)
        .where(ActivityCheck.verdict == Verdict.DISPUTED)
        .options(selectinload(ActivityCheck.activity).selectinload(Activity.report))
        .order_by(ActivityCheck.at.desc(), ActivityCheck.id.desc())
    )
    page = paginate(query)
    project_ids = {c.activity.report.project_id for c in page.items}
    projects_by_id = {
        p.id: p for p in db.session.scalars(select(Project).where(Project.id.in_(project_ids)))
    }
    return render_template("community/disputes.html", page=page, projects=projects_by_id)


# ── notice and survey ───────────────────────────────────────────────────────────────────────


def survey_url(project):
    return url_for("community.survey", project_id=project.id, _external=True)


@bp.route("/projects/<int:project_id>/notice")
@signed_in
def notice(project_id):
    """项目服务告知: a printable notice for the community's notice board, with the survey's
    QR code (SVG made on the server)."""
    project = db.session.get(Project, project_id)
    deny_unless(project is not None and can_view_notice(current_user, project), 404)
    url = survey_url(project)
    qr = segno.make(url, error="m").svg_inline(
        scale=5, border=2, title=_("Satisfaction survey"), svgclass="survey-qr"
    )
    return render_template(
        "community/notice.html",
        project=project,
        application=project.application,
        url=url,
        qr=qr,
        survey_open=operations.survey_is_open(project),
    )


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="survey-device")


def _device_token():
    """The random token of this browser, from its signed cookie, or None."""
    try:
        token = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadData:
        return None
    return token if isinstance(token, str) and len(token) >= 16 else None


def _with_device(response, token):
    if token is None:
        response.set_cookie(
            DEVICE_COOKIE,
            _serializer().dumps(secrets.token_urlsafe(24)),
            max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


@bp.route("/satisfaction/<int:project_id>", methods=["GET", "POST"])
@public
def survey(project_id):
    """满意度调查: anonymous, no account, one answer per device, limited against floods."""
    project = db.session.get(Project, project_id)
    deny_unless(project is not None and project.state != ProjectState.CONTRACTING, 404)
    token = _device_token()
    form = SurveyForm()
    state, status = "form", 200
    if not operations.survey_is_open(project):
        state = "closed"
        status = 409 if request.method == "POST" else 200
    elif operations.has_answered(project, token):
        state = "answered"
        status = 409 if request.method == "POST" else 200
    elif request.method == "POST":
        status = 400
        if token is None:
            state = "cookies"
        elif form.validate_on_submit():
            try:
                operations.record_survey_answer(
                    project,
                    form.scores(),
                    device_token=token,
                    address=request.remote_addr,
                    comment=form.comment.data,
                )
                db.session.commit()
            except operations.SurveyRefused as refused:
                db.session.rollback()
                state, status = refused.kind, 429 if refused.kind == "flood" else 409
            else:
                state, status = "thanks", 200
    response = make_response(
        render_template(
            "community/survey.html",
            project=project,
            form=form,
            state=state,
            questions=list(SurveyQuestion),
        ),
        status,
    )
    return _with_device(response, token)


# ── home panels ─────────────────────────────────────────────────────────────────────────────


@home_panel(Role.COMMUNITY, "community/panel_community.html")
def _community_figures(user):
    if user.community_id is None:
        return {"open_needs": 0, "projects": 0, "to_check": 0}
    open_needs = db.session.scalar(
        select(func.count())
        .select_from(Need)
        .where(Need.community_id == user.community_id, Need.status.in_(LIVE_STATUSES))
    )
    projects_count = db.session.scalar(
        select(func.count()).select_from(projects_in_community(user.community_id).subquery())
    )
    to_check = db.session.scalar(
        select(func.count(Activity.id))
        .join(ProgressReport, ProgressReport.id == Activity.report_id)
        .join(Project, Project.id == ProgressReport.project_id)
        .outerjoin(ActivityCheck, ActivityCheck.activity_id == Activity.id)
        .where(
            Activity.community_id == user.community_id,
            ProgressReport.state.in_(CHECKABLE_REPORT_STATES),
            ActivityCheck.id.is_(None),
            Project.state.not_in((ProjectState.CLOSED, ProjectState.TERMINATED)),
        )
    )
    return {"open_needs": open_needs, "projects": projects_count, "to_check": to_check}


@home_panel(Role.STAFF, "community/panel_staff.html")
def _staff_figures(user):
    counted = home_figures(Role.STAFF, user)  # by the staff's 下一步 statement
    return {
        "open_needs": counted["needs_open"],
        "urgent_needs": counted["needs_urgent"],
        "disputed": counted["checks_disputed"],
    }


# ── sections of the evaluation page (evaluation/sections.py) ────────────────────────────────


@evaluation_section("community/_evaluation_disputes.html", order=40)
def _evaluation_disputes(evaluation):
    return figures.supervision_summary(evaluation.project_id)


@evaluation_section("community/_evaluation_satisfaction.html", order=45)
def _evaluation_satisfaction(evaluation):
    return figures.satisfaction_summary(evaluation.project_id, comments=10)
