"""Call pages: the public list and notice, and staff create, edit, publish and cancel."""

from datetime import datetime, time
from functools import partial
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select

from venture.auth.enums import Role
from venture.calls import operations
from venture.calls.enums import DEFAULT_INSTALLMENT_PLAN, CallStage, Route
from venture.calls.forms import EXTRA_INSTALLMENT_ROWS, CallForm, CancelForm
from venture.calls.hooks import APPLICATIONS, COMMUNITY_NEEDS, PHASE_RULES
from venture.calls.lifecycle import CALL_WORKFLOW, publish_problems
from venture.calls.models import Call
from venture.calls.permissions import can_apply, can_manage_calls, can_view_call
from venture.core.access import deny_unless, public, roles_required
from venture.core.actions import button, form_action, form_page
from venture.core.downloads import send_download
from venture.core.files import send_stored
from venture.core.integers import ids_in
from venture.core.json_rows import json_rows, moment
from venture.core.money import to_amount
from venture.core.pagination import paginate
from venture.core.panels import home_figures, home_list, home_panel, landing_block
from venture.core.timeutil import from_local, local_today, now, to_local
from venture.extensions import db
from venture.reference.models import Community, ServiceCategory, Street

bp = Blueprint("calls", __name__)


def get_call_or_404(call_id):
    call = db.session.get(Call, call_id)
    if call is None:
        abort(404)
    return call


def _published():
    return select(Call).where(Call.published_at.is_not(None))


def current_calls_query():
    """Published calls not yet closed or cancelled, closing soonest first."""
    return (
        _published()
        .where(Call.cancelled_at.is_(None), Call.closes_at > now())
        .order_by(Call.closes_at.asc(), Call.id.asc())
    )


@bp.app_template_global("open_calls")
def open_calls(limit=5):
    """The open calls for the landing page."""
    query = current_calls_query().where(Call.opens_at <= now()).limit(limit)
    return db.session.scalars(query).all()


landing_block("calls/_landing.html")


@bp.route("/calls")
@public
def index():
    """Current calls (open and upcoming), or with ?show=closed the closed and cancelled ones."""
    show = "closed" if request.args.get("show") == "closed" else "current"
    if show == "closed":
        query = _published().where(or_(Call.closes_at <= now(), Call.cancelled_at.is_not(None)))
        query = query.order_by(Call.closes_at.desc(), Call.id.desc())
    else:
        query = current_calls_query()
    return render_template("calls/index.html", page=paginate(query), show=show)


@bp.route("/calls/<int:call_id>")
@public
def show(call_id):
    call = get_call_or_404(call_id)
    deny_unless(can_view_call(current_user, call), 404)
    manage = can_manage_calls(current_user)
    counts = {}
    if manage:
        counts = APPLICATIONS.counts_by_state(call.id)
    return render_template(
        "calls/show.html",
        call=call,
        can_apply=can_apply(current_user, call),
        manage=manage,
        counts=counts,
        actions=CALL_WORKFLOW.available(call, current_user) if manage else [],
        publish_problems=publish_problems(call) if manage and call.stage == CallStage.DRAFT else [],
        cancel_form=CancelForm(),
        streets=_by_street(call.communities),
        phase=PHASE_RULES.call_phase(call),
    )


def _by_street(communities):
    streets = {}
    for community in communities:
        streets.setdefault(community.street.name, []).append(community.name)
    return streets


@bp.route("/calls/<int:call_id>/notice.pdf")
@public
def notice(call_id):
    """The call notice (征集公告) as published; a draft has none."""
    call = get_call_or_404(call_id)
    deny_unless(call.is_public, 404)
    if call.notice is not None:
        return send_stored(call.notice)
    return send_download(
        operations.render_notice(call), filename=f"{call.title}.pdf", mimetype="application/pdf"
    )


@bp.route("/staff/calls")
@roles_required(Role.STAFF)
def manage():
    """Every call, drafts included, newest first."""
    query = select(Call).order_by(Call.created_at.desc(), Call.id.desc())
    page = paginate(query)
    ids = [call.id for call in page.items]
    submitted = APPLICATIONS.submitted_counts(ids)
    return render_template("calls/manage.html", page=page, submitted=submitted)


def _set_choices(form, call=None):
    categories = db.session.scalars(
        select(ServiceCategory).where(ServiceCategory.active).order_by(ServiceCategory.id)
    )
    form.category_ids.choices = [(c.id, c.name) for c in categories]
    streets = db.session.scalars(select(Street).where(Street.active).order_by(Street.id)).all()
    form.street_ids.choices = [(s.id, s.name) for s in streets]
    form.community_ids.choices = {
        s.name: [(c.id, c.name) for c in s.communities if c.active] for s in streets
    }
    # community needs: the open ones and the call's own (venture/community)
    form.need_ids.choices = [(n.id, n.title) for n in COMMUNITY_NEEDS.need_choices_for_call(call)]


def _values(form):
    """The call's values from a validated form, times typed in Beijing time as UTC."""
    community_ids = set(form.community_ids.data or ())
    if form.street_ids.data:
        community_ids |= set(
            db.session.scalars(
                select(Community.id).where(
                    Community.street_id.in_(form.street_ids.data), Community.active
                )
            )
        )
    return {
        "title": form.title.data.strip(),
        "year": form.year.data,
        "route": Route(form.route.data),
        "category_ids": form.category_ids.data or [],
        "community_ids": sorted(community_ids),
        "need_ids": form.need_ids.data or [],
        "total_budget": to_amount(form.total_budget.data),
        "cap_per_project": to_amount(form.cap_per_project.data),
        "max_applications_per_org": form.max_applications_per_org.data,
        "project_start": form.project_start.data,
        "project_end": form.project_end.data,
        "opens_at": from_local(form.opens_at.data),
        "closes_at": from_local(form.closes_at.data),
        "eligibility": form.eligibility.data.strip(),
        "required_attachments": form.required_attachments.data.strip(),
        "installment_plan": form.installment_plan(),
        "description": form.description.data,
    }


def _call_url(call):
    return url_for("calls.show", call_id=call.id)


def _with_empty_rows(form):
    for _row in range(EXTRA_INSTALLMENT_ROWS):
        form.installments.append_entry()
    return form


@bp.route("/staff/calls/new", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def create():
    form = CallForm()
    if request.method == "GET":
        today = local_today()
        form = CallForm(
            formdata=None,
            data={
                "year": today.year,
                "max_applications_per_org": 1,
                "opens_at": datetime.combine(today, time(9, 0)),
                "closes_at": datetime.combine(today, time(17, 0)),
                "installments": DEFAULT_INSTALLMENT_PLAN,
                # a call made from needs chosen on the needs board (venture/community)
                **COMMUNITY_NEEDS.call_defaults_from_needs(ids_in(request.args.getlist("need"))),
            },
        )
        _with_empty_rows(form)
    _set_choices(form)
    done = form_action(
        form,
        lambda: operations.create_call(_values(form), actor=current_user),
        success=_("The call is saved as a draft. Publish it when it is complete."),
        target=_call_url,
    )
    return done or form_page("calls/edit.html", form=form, call=None)


def _form_for(call):
    local_opens, local_closes = to_local(call.opens_at), to_local(call.closes_at)
    form = CallForm(
        formdata=None,
        data={
            "title": call.title,
            "year": call.year,
            "route": call.route.value,
            "category_ids": [c.id for c in call.categories],
            "community_ids": [c.id for c in call.communities],
            "need_ids": [n.id for n in call.needs],
            "total_budget": str(call.total_budget),
            "cap_per_project": str(call.cap_per_project),
            "max_applications_per_org": call.max_applications_per_org,
            "project_start": call.project_start,
            "project_end": call.project_end,
            "opens_at": local_opens.replace(tzinfo=None),
            "closes_at": local_closes.replace(tzinfo=None),
            "eligibility": call.eligibility,
            "required_attachments": call.required_attachments,
            "installments": call.installment_plan,
            "description": call.description,
        },
    )
    return _with_empty_rows(form)


@bp.route("/staff/calls/<int:call_id>/edit", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def edit(call_id):
    call = get_call_or_404(call_id)
    if call.stage != CallStage.DRAFT:
        flash(_("A published call cannot be edited."), "warning")
        return redirect(url_for("calls.show", call_id=call.id))
    form = CallForm() if request.method == "POST" else _form_for(call)
    _set_choices(form, call)
    form.route.data = call.route.value  # chosen at creation
    done = form_action(
        form,
        lambda: operations.update_call(call, _values(form), actor=current_user),
        success=_("The call is saved."),
        target=_call_url(call),
    )
    return done or form_page("calls/edit.html", form=form, call=call)


call_button = partial(button, load=get_call_or_404, target=_call_url, form=CancelForm)


@bp.route("/staff/calls/<int:call_id>/publish", methods=["POST"])
@roles_required(Role.STAFF)
@call_button(
    success=lambda call, _result: _(
        "The call is published: it is now %(status)s.", status=call.status.label
    )
)
def publish(call, _form):
    return operations.publish_call(call, actor=current_user)


@bp.route("/staff/calls/<int:call_id>/cancel", methods=["POST"])
@roles_required(Role.STAFF)
@call_button(success=_l("The call is cancelled."))
def cancel(call, form):
    return operations.cancel_call(call, actor=current_user, reason=form.reason.data or "")


def _current_call(values):
    """A row of the current calls: the columns of a call's title, status and deadline."""
    id_, title, *moments = values
    published_at, cancelled_at, opens_at, closes_at = map(moment, moments)
    return SimpleNamespace(
        id=id_,
        title=title,
        published_at=published_at,
        cancelled_at=cancelled_at,
        opens_at=opens_at,
        closes_at=closes_at,
    )


@home_list(Role.STAFF, "current_calls", _current_call)
def _current_calls_column(dialect, b):
    """current_calls_query's first ten, read with the staff's 下一步 (core.panels.home_list):
    the moment is its bound parameter b.at."""
    return json_rows(
        dialect,
        [Call.id, Call.title, Call.published_at, Call.cancelled_at, Call.opens_at, Call.closes_at],
        select_from=Call,
        where=[Call.published_at.is_not(None), Call.cancelled_at.is_(None), Call.closes_at > b.at],
        order_by=[Call.closes_at.asc(), Call.id.asc()],
        limit=10,
    )


@home_panel(Role.STAFF, "calls/panel_staff.html")
def _current_calls(user):
    counted = home_figures(Role.STAFF, user)  # by the staff's 下一步 statement
    at = now()
    # Call.status_at reads the row's columns only
    calls = [{**vars(row), "status": Call.status_at(row, at)} for row in counted["current_calls"]]
    return {"calls": calls, "drafts": counted["call_drafts"]}
