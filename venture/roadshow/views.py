"""Roadshow pages: staff schedule and run the session, the panel scores on phones, the hall
watches a display; all three follow the live state by polling state.json."""

from datetime import datetime
from types import SimpleNamespace

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from venture.auth.enums import Role
from venture.calls.models import Call
from venture.core.access import deny_unless, public, roles_required
from venture.core.actions import form_action, form_page, post_action, run_action
from venture.core.json_rows import moment
from venture.core.lifecycle import TransitionRefused
from venture.core.pagination import paginate
from venture.core.panels import home_figures, home_list, home_panel
from venture.core.timeutil import from_local, now, to_local
from venture.extensions import db
from venture.procurement.routes import route_for
from venture.review import operations as review
from venture.review.scoring import parse_score
from venture.review.sheet_views import save_or_submit, typed_sheet
from venture.roadshow import display, live, operations
from venture.roadshow.enums import RoadshowState
from venture.roadshow.forms import DetailsForm, NewRoadshowForm, ReasonForm
from venture.roadshow.models import Roadshow
from venture.roadshow.permissions import can_watch, is_staff, seat_of, shows_identity

bp = Blueprint("roadshow", __name__)

POLL_MS = 1500  # how often the pages ask for the live state (docs/architecture.md)


def _roadshow_or_404(roadshow_id):
    roadshow = db.session.get(Roadshow, roadshow_id)
    deny_unless(roadshow is not None, 404)
    return roadshow


def _item_or_404(roadshow, item_id):
    item = next((i for i in roadshow.items if i.id == item_id), None)
    deny_unless(item is not None, 404)
    return item


def _call_or_404(call_id):
    call = db.session.get(Call, call_id)
    deny_unless(call is not None and route_for(call).reviews_applications, 404)
    return call


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _details(form):
    """The session's when, where and minutes per project, as the operations take them."""
    return {
        "scheduled_at": from_local(datetime.combine(form.held_on.data, form.start_time.data)),
        "place": form.place.data,
        "minutes": form.minutes_per_item.data,
    }


# ── staff: scheduling ───────────────────────────────────────────────────────────────────────


@bp.route("/staff/roadshows")
@roles_required(Role.STAFF)
def index():
    """路演评审: every session, the coming ones first."""
    query = select(Roadshow).order_by(
        Roadshow.state.in_((RoadshowState.FINISHED, RoadshowState.CANCELLED)),
        Roadshow.scheduled_at,
        Roadshow.id,
    )
    return render_template("roadshow/index.html", page=paginate(query))


@bp.route("/staff/review/calls/<int:call_id>/roadshows", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def for_call(call_id):
    """The call's sessions, and a new one with the applications in review."""
    call = _call_or_404(call_id)
    panel = review.panel_of(call.id)
    form = NewRoadshowForm()
    offered = operations.candidates(call.id)
    form.application_ids.choices = [(a.id, f"{a.number or ''} {a.title}") for a in offered]
    if request.method == "GET":
        form.application_ids.data = [a.id for a in offered]
    done = form_action(
        form,
        lambda: operations.create_roadshow(
            call, **_details(form), application_ids=form.application_ids.data, actor=current_user
        ),
        success=_("The roadshow was scheduled."),
        target=lambda made: url_for("roadshow.console", roadshow_id=made.id),
        refused=(operations.RoadshowError,),
    )
    return done or form_page(
        "roadshow/for_call.html",
        call=call,
        panel=panel,
        roadshows=operations.roadshows_of(call.id),
        form=form,
        offered=offered,
    )


@bp.route("/staff/roadshows/<int:roadshow_id>/edit", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def edit(roadshow_id):
    roadshow = _roadshow_or_404(roadshow_id)
    form = DetailsForm(obj=roadshow)
    if request.method == "GET":
        local = to_local(roadshow.scheduled_at)
        form.held_on.data, form.start_time.data = local.date(), local.time()
    done = form_action(
        form,
        lambda: operations.update_roadshow(roadshow, **_details(form), actor=current_user),
        success=_("The roadshow's details were saved."),
        target=url_for("roadshow.console", roadshow_id=roadshow.id),
        refused=(operations.RoadshowError,),
    )
    return done or form_page("roadshow/edit.html", roadshow=roadshow, form=form)


# ── staff: running the session ──────────────────────────────────────────────────────────────


@bp.route("/staff/roadshows/<int:roadshow_id>")
@roles_required(Role.STAFF)
def console(roadshow_id):
    """The staff console: running order, the project on stage, its timer and sheets."""
    roadshow = _roadshow_or_404(roadshow_id)
    state = live.live_state(roadshow, audience=live.STAFF)
    expires = display.link_expiry()
    link = url_for(
        "roadshow.display_link",
        token=display.display_token(roadshow, expires_at=expires),
        _external=True,
    )
    return render_template(
        "roadshow/console.html",
        roadshow=roadshow,
        state=state,
        display_link=link,
        link_expires=expires,
        reason_form=ReasonForm(),
        poll_ms=POLL_MS,
    )


def _run(roadshow, operation, success):
    """Run a staff operation, commit or show why it was refused; back to the console."""
    console = url_for("roadshow.console", roadshow_id=roadshow.id)
    return run_action(operation, success=success, target=console) or redirect(console)


def _posted():
    """A bare POST (CSRF checked by the form); anything else is a bad request."""
    form = ReasonForm()
    form.reason.validators = []
    if not form.validate_on_submit():
        abort(400)


@bp.route(
    "/staff/roadshows/<int:roadshow_id>/<any(start, next, finish, revoke):action>",
    methods=["POST"],
)
@roles_required(Role.STAFF)
def act(roadshow_id, action):
    roadshow = _roadshow_or_404(roadshow_id)
    _posted()
    operation, success = {
        "start": (operations.start_roadshow, _("The roadshow has started.")),
        "next": (operations.next_item, None),
        "finish": (operations.finish_roadshow, _("The roadshow is finished.")),
        "revoke": (
            operations.revoke_display_links,
            _("Earlier display links no longer work; copy the new one."),
        ),
    }[action]
    return _run(roadshow, lambda: operation(roadshow, actor=current_user), success)


@bp.route("/staff/roadshows/<int:roadshow_id>/cancel", methods=["POST"])
@roles_required(Role.STAFF)
def cancel(roadshow_id):
    roadshow = _roadshow_or_404(roadshow_id)
    return _run_with_reason(
        roadshow,
        lambda reason: operations.cancel_roadshow(roadshow, reason=reason, actor=current_user),
        _("The roadshow was cancelled."),
    )


def _run_with_reason(roadshow, operation, message):
    """operation(reason) when the form gives a reason; else back to the console to give one."""
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason."), "danger")
        return redirect(url_for("roadshow.console", roadshow_id=roadshow.id))
    return _run(roadshow, lambda: operation(form.reason.data), message)


@bp.route(
    "/staff/roadshows/<int:roadshow_id>/items/<int:item_id>/<any(present, close):action>",
    methods=["POST"],
)
@roles_required(Role.STAFF)
def item_action(roadshow_id, item_id, action):
    operation = {"present": operations.present_item, "close": operations.close_item}[action]
    return _on_item(roadshow_id, item_id, operation)


def _on_item(roadshow_id, item_id, operation, *args):
    """A bare POST running ``operation(item, *args)`` on one item of the programme."""
    roadshow = _roadshow_or_404(roadshow_id)
    item = _item_or_404(roadshow, item_id)
    _posted()
    return _run(roadshow, lambda: operation(item, *args, actor=current_user), None)


@bp.route("/staff/roadshows/<int:roadshow_id>/items/<int:item_id>/reopen", methods=["POST"])
@roles_required(Role.STAFF)
def reopen_item(roadshow_id, item_id):
    roadshow = _roadshow_or_404(roadshow_id)
    item = _item_or_404(roadshow, item_id)
    return _run_with_reason(
        roadshow,
        lambda reason: operations.reopen_item(item, reason=reason, actor=current_user),
        _("Scoring of the project is open again."),
    )


@bp.route(
    "/staff/roadshows/<int:roadshow_id>/items/<int:item_id>/move/<any(up, down):direction>",
    methods=["POST"],
)
@roles_required(Role.STAFF)
def move(roadshow_id, item_id, direction):
    return _on_item(roadshow_id, item_id, operations.move_item, direction)


@bp.route(
    "/staff/roadshows/<int:roadshow_id>/items/<int:item_id>/timer/<any(start,pause,reset):action>",
    methods=["POST"],
)
@roles_required(Role.STAFF)
def timer(roadshow_id, item_id, action):
    return _on_item(roadshow_id, item_id, operations.run_timer, action)


def _display_page(roadshow, state_url):
    state = live.live_state(roadshow, audience=live.HALL)
    response = render_template(
        "roadshow/display.html",
        roadshow=roadshow,
        state=state,
        state_url=state_url,
        poll_ms=POLL_MS,
    )
    return response


@bp.route("/staff/roadshows/<int:roadshow_id>/display")
@roles_required(Role.STAFF)
def display_staff(roadshow_id):
    """The hall's screen, opened by staff on the projector's computer."""
    roadshow = _roadshow_or_404(roadshow_id)
    return _display_page(roadshow, url_for("roadshow.state", roadshow_id=roadshow.id, hall=1))


# ── the hall: a display link, no account ────────────────────────────────────────────────────


def _roadshow_for_link(token):
    roadshow = display.roadshow_for_token(token)
    deny_unless(roadshow is not None, 404)
    return roadshow


@bp.route("/roadshow/display/<token>")
@public  # access by the signed, expiring link staff copy from the console (display.py)
def display_link(token):
    roadshow = _roadshow_for_link(token)
    page = _display_page(roadshow, url_for("roadshow.display_state", token=token))
    return _no_store(_robots(page))


def _robots(page):
    from flask import make_response

    response = make_response(page)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/roadshow/display/<token>/state.json")
@public  # the same signed link; the hall's view of the state only
def display_state(token):
    roadshow = _roadshow_for_link(token)
    return _no_store(jsonify(live.live_state(roadshow, audience=live.HALL)))


# ── the panel: phones ───────────────────────────────────────────────────────────────────────


@bp.route("/roadshows/<int:roadshow_id>/state.json")
@roles_required(Role.STAFF, Role.REVIEWER)
def state(roadshow_id):
    """The live state for staff (with names) and the panel's members (seat numbers)."""
    roadshow = _roadshow_or_404(roadshow_id)
    deny_unless(can_watch(current_user, roadshow), 404)
    if is_staff(current_user) and request.args.get("hall") != "1":
        audience = live.STAFF
    elif is_staff(current_user):
        audience = live.HALL
    else:
        audience = live.PANEL
    return _no_store(jsonify(live.live_state(roadshow, audience=audience, viewer=current_user)))


@bp.route("/roadshows")
@roles_required(Role.REVIEWER)
def mine():
    """The roadshows of the panels the reviewer sits on."""
    return render_template(
        "roadshow/mine.html", page=paginate(operations.panel_roadshows(current_user))
    )


def _panel_roadshow_or_404(roadshow_id):
    roadshow = _roadshow_or_404(roadshow_id)
    deny_unless(seat_of(current_user, roadshow) is not None, 404)
    deny_unless(roadshow.state != RoadshowState.CANCELLED, 404)
    return roadshow


def _kept_errors(sheet, criteria):
    """The messages of values kept in a draft, shown again."""
    errors = {}
    for c in criteria:
        kept = sheet.score_for(c.id) if sheet else None
        if kept is not None and kept.raw:
            _value, message = parse_score(kept.raw, c.max_score)
            if message:
                errors[c.id] = str(message)
    return errors


def _phone_page(roadshow, *, errors=None, typed=None, status=200):
    state = live.live_state(roadshow, audience=live.PANEL, viewer=current_user)
    item = roadshow.current_item if state["item"] else None
    assignment = operations.assignment_of(item, current_user) if item else None
    sheet = assignment.sheet if assignment else None
    criteria = review.criteria_of(roadshow.call_id) if sheet else []
    if errors is None:
        errors = _kept_errors(sheet, criteria) if sheet and not sheet.total else {}
    return render_template(
        "roadshow/live.html",
        roadshow=roadshow,
        state=state,
        item=item,
        seat=seat_of(current_user, roadshow),
        assignment=assignment,
        sheet=sheet,
        criteria=criteria,
        errors=errors,
        typed=typed,
        show_identity=shows_identity(roadshow),
        max_total=sum((c.max_score for c in criteria), 0),
        conflict_form=ReasonForm(),
        poll_ms=POLL_MS,
    ), status


@bp.route("/roadshows/<int:roadshow_id>")
@roles_required(Role.REVIEWER)
def live_page(roadshow_id):
    """The panel member's phone: the project on stage, the timer and the score sheet."""
    roadshow = _panel_roadshow_or_404(roadshow_id)
    return _phone_page(roadshow)


def _on_stage(roadshow_id, item_id):
    roadshow = _panel_roadshow_or_404(roadshow_id)
    item = _item_or_404(roadshow, item_id)
    return roadshow, item, operations.assignment_of(item, current_user)


@bp.route("/roadshows/<int:roadshow_id>/items/<int:item_id>/open", methods=["POST"])
@roles_required(Role.REVIEWER)
def open_sheet(roadshow_id, item_id):
    """No conflict of interest with the project on stage: the score sheet opens."""
    roadshow, item, assignment = _on_stage(roadshow_id, item_id)
    _posted()
    live = url_for("roadshow.live_page", roadshow_id=roadshow.id)
    return run_action(
        lambda: operations.open_sheet(item, assignment, actor=current_user),
        success=None,
        target=live,
    ) or redirect(live)


@bp.route("/roadshows/<int:roadshow_id>/items/<int:item_id>/conflict", methods=["POST"])
@roles_required(Role.REVIEWER)
def step_back(roadshow_id, item_id):
    """回避 on the spot."""
    roadshow, item, assignment = _on_stage(roadshow_id, item_id)
    form = ReasonForm()
    return post_action(
        lambda: operations.step_back(item, assignment, reason=form.reason.data, actor=current_user),
        success=_("Your conflict of interest was recorded; you do not score this project."),
        target=url_for("roadshow.live_page", roadshow_id=roadshow.id),
        form=form,
        invalid=_("Please give the reason for the conflict of interest."),
    )


def _typed_sheet(item):
    return typed_sheet(review.criteria_of(item.roadshow.call_id))


@bp.route("/roadshows/<int:roadshow_id>/items/<int:item_id>/sheet", methods=["POST"])
@roles_required(Role.REVIEWER)
def sheet(roadshow_id, item_id):
    """Save the draft or submit the sheet (the form without scripts, and the submit button)."""
    roadshow, item, assignment = _on_stage(roadshow_id, item_id)
    _posted()
    entries, overall = _typed_sheet(item)
    typed = {"entries": entries, "overall": overall}
    outcome, errors = save_or_submit(
        operations.save_draft,
        operations.submit_sheet,
        item,
        assignment,
        entries=entries,
        overall_comment=overall,
        actor=current_user,
        incomplete=review.SheetIncomplete,
    )
    if outcome == "incomplete":
        return _phone_page(roadshow, errors=errors, typed=typed, status=400)
    if outcome is None:
        return redirect(url_for("roadshow.live_page", roadshow_id=roadshow.id))
    if outcome == "submitted":
        flash(_("Your score sheet was submitted. Thank you."), "success")
    elif errors:
        flash(_("The draft was saved; some values are not valid scores yet."), "warning")
        return _phone_page(roadshow, errors=errors, typed=typed, status=400)
    else:
        flash(_("The draft was saved."), "success")
    return redirect(url_for("roadshow.live_page", roadshow_id=roadshow.id))


@bp.route("/roadshows/<int:roadshow_id>/items/<int:item_id>/draft", methods=["POST"])
@roles_required(Role.REVIEWER)
def draft(roadshow_id, item_id):
    """The draft as the reviewer types (fetch from the phone, debounced): JSON answer."""
    _roadshow, item, assignment = _on_stage(roadshow_id, item_id)
    entries, overall = _typed_sheet(item)
    try:
        errors = operations.save_draft(
            item, assignment, entries=entries, overall_comment=overall, actor=current_user
        )
    except TransitionRefused as refused:
        db.session.rollback()
        return _no_store(jsonify({"saved": False, "message": refused.message})), 409
    db.session.commit()
    return _no_store(
        jsonify(
            {
                "saved": True,
                "errors": {str(k): v for k, v in errors.items()},
                "message": _("Draft saved at %(time)s", time=f"{to_local(now()):%H:%M:%S}"),
            }
        )
    )


# ── home pages ──────────────────────────────────────────────────────────────────────────────


@home_panel(Role.REVIEWER, "roadshow/home_reviewer.html")
def _reviewer_roadshows_today(user):
    return {
        "roadshows": db.session.scalars(operations.panel_roadshows(user, today_only=True)).all()
    }


def _roadshow(values):
    id_, scheduled_at, place, title = values
    return SimpleNamespace(id=id_, scheduled_at=moment(scheduled_at), place=place, title=title)


@home_list(Role.STAFF, "roadshows_today", _roadshow)
def _roadshows_today_column(dialect, b):
    return operations.todays_roadshows_column(dialect, b.day_start, b.day_end)


@home_panel(Role.STAFF, "roadshow/home_staff.html")
def _staff_roadshows_today(user):
    return {"roadshows": home_figures(Role.STAFF, user)["roadshows_today"]}  # by the 下一步


@bp.app_template_filter("clock")
def clock_filter(seconds):
    """Seconds as m:ss; overtime with a leading +."""
    sign = "+" if seconds < 0 else ""
    seconds = abs(int(seconds))
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"
