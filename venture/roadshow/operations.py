"""Roadshow operations: schedule, run the running order and its timer, score on the spot.

Scoring goes through the review's own operations (the same sheets, rubric, validation and
aggregation), so roadshow scores count in the call's matrix and ranking like online ones. Every
function checks, changes and audits; the view commits once.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import outerjoin, select

from venture.calls.hooks import PHASE_RULES
from venture.core import audit
from venture.core.json_rows import json_rows
from venture.core.lifecycle import TransitionRefused, transition
from venture.core.timeutil import now
from venture.extensions import db
from venture.review import operations as review
from venture.review.enums import AssignmentState
from venture.review.models import ReviewAssignment, ReviewerProfile
from venture.roadshow.enums import ItemState, RoadshowState
from venture.roadshow.lifecycle import ITEM_WORKFLOW, ROADSHOW_WORKFLOW
from venture.roadshow.models import Roadshow, RoadshowItem

DETAIL_FIELDS = ("scheduled_at", "place", "minutes_per_item")
MAX_MINUTES = 120


class RoadshowError(TransitionRefused):
    """A refused roadshow operation; field names the form field to show it on."""


# ── scheduling ──────────────────────────────────────────────────────────────────────────────


def roadshows_of(call_id):
    return db.session.scalars(
        select(Roadshow).where(Roadshow.call_id == call_id).order_by(Roadshow.scheduled_at)
    ).all()


def _taken_applications(call_id, *, besides=None):
    """Applications already in a session of the call that is not cancelled."""
    query = (
        select(RoadshowItem.application_id)
        .join(Roadshow, Roadshow.id == RoadshowItem.roadshow_id)
        .where(Roadshow.call_id == call_id, Roadshow.state != RoadshowState.CANCELLED)
    )
    if besides is not None:
        query = query.where(Roadshow.id != besides.id)
    return set(db.session.scalars(query))


def candidates(call_id):
    """The call's applications in review that no other session presents, in submission order."""
    taken = _taken_applications(call_id)
    return [a for a in review.applications_in_review(call_id) if a.id not in taken]


def _check_details(scheduled_at, place, minutes):
    if scheduled_at is None:
        raise RoadshowError(_("Enter the date and time."), "held_on")
    if not (place or "").strip():
        raise RoadshowError(_("Enter the place."), "place")
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        raise RoadshowError(
            _("Minutes per presentation: from 1 to %(most)d.", most=MAX_MINUTES),
            "minutes_per_item",
        )


def create_roadshow(call, *, scheduled_at, place, minutes, application_ids, actor):
    """A session of the call's panel with the applications in the order given."""
    panel = review.panel_of(call.id)
    if panel is None:
        raise RoadshowError(_("Form the call's review panel before scheduling a roadshow."))
    if panel.proposed_at is not None:
        raise RoadshowError(_("Awards have been proposed for this call; the review is closed."))
    _check_details(scheduled_at, place, minutes)
    application_ids = list(dict.fromkeys(application_ids))
    allowed = {a.id: a for a in candidates(call.id)}
    if not application_ids:
        raise RoadshowError(_("Choose at least one application to present."), "application_ids")
    if any(i not in allowed for i in application_ids):
        raise RoadshowError(
            _("Only applications in review that no other session presents can be chosen."),
            "application_ids",
        )
    roadshow = Roadshow(
        call=call,
        panel=panel,
        scheduled_at=scheduled_at,
        place=place.strip(),
        minutes_per_item=minutes,
        created_by_id=actor.id,
    )
    for position, application_id in enumerate(application_ids, start=1):
        roadshow.items.append(RoadshowItem(application_id=application_id, position=position))
    audit.record_added(
        "roadshow.create",
        roadshow,
        actor=actor,
        after={
            **audit.snapshot(roadshow, DETAIL_FIELDS),
            "call_id": call.id,
            "order": ",".join(allowed[i].number or str(i) for i in application_ids),
        },
    )
    return roadshow


def _refuse_when_over(roadshow):
    if roadshow.state in (RoadshowState.FINISHED, RoadshowState.CANCELLED):
        raise RoadshowError(
            _("The roadshow is %(state)s; it can no longer change.", state=roadshow.state.label)
        )


def update_roadshow(roadshow, *, scheduled_at, place, minutes, actor):
    """Date, place and minutes per presentation (minutes may change while it runs)."""
    _refuse_when_over(roadshow)
    _check_details(scheduled_at, place, minutes)
    before = audit.snapshot(roadshow, DETAIL_FIELDS)
    roadshow.scheduled_at, roadshow.place = scheduled_at, place.strip()
    roadshow.minutes_per_item = minutes
    audit.record_changes(
        "roadshow.update", roadshow, actor=actor, before=before, fields=DETAIL_FIELDS
    )


def move_item(item, direction, *, actor):
    """Swap a waiting item with the next waiting one up or down the running order."""
    roadshow = item.roadshow
    _refuse_when_over(roadshow)
    if item.state != ItemState.WAITING:
        raise RoadshowError(_("Only projects still waiting can move in the running order."))
    waiting = [i for i in roadshow.items if i.state == ItemState.WAITING]
    index = waiting.index(item)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(waiting):
        raise RoadshowError(_("The project is at the end of the running order already."))
    other = waiting[other_index]
    first, second = item.position, other.position
    # two steps, so the unique (roadshow, position) never sees a duplicate
    item.position = -1
    db.session.flush()
    other.position, item.position = first, second
    db.session.flush()
    roadshow.items.sort(key=lambda i: i.position)
    audit.record(
        "roadshow.reorder",
        roadshow,
        actor=actor,
        before={"position": first},
        after={"position": second, "application_id": item.application_id},
    )


# ── running the session ─────────────────────────────────────────────────────────────────────


def start_roadshow(roadshow, *, actor):
    """The session opens and the first project in the running order takes the stage."""
    refusal = PHASE_RULES.panel_work_refusal(roadshow.call)
    if refusal:
        raise RoadshowError(refusal)
    transition(ROADSHOW_WORKFLOW, roadshow, "start", actor=actor)
    roadshow.started_at = now()
    present_item(roadshow.items[0], actor=actor)


def present_item(item, *, actor):
    """A waiting project takes the stage (the next in order, or one called out of turn)."""
    transition(ITEM_WORKFLOW, item, "present", actor=actor)
    item.opened_at = now()
    item.roadshow.current_position = item.position


def next_item(roadshow, *, actor):
    """The next waiting project in the running order takes the stage."""
    item = roadshow.next_item
    if item is None:
        raise RoadshowError(_("Every project has presented; finish the roadshow."))
    present_item(item, actor=actor)
    return item


def close_item(item, *, actor):
    """Scoring of the project ends: its sheets lock, the hall sees the aggregate."""
    _pause(item)
    transition(ITEM_WORKFLOW, item, "close", actor=actor)
    item.closed_at = now()
    submitted, expected = _sheet_counts(item)
    audit.record(
        "roadshow_item.sheets",
        item,
        actor=actor,
        after={"submitted": submitted, "expected": expected},
    )


def reopen_item(item, *, reason, actor):
    """Staff give a closed project's sheets back to the panel while the session runs."""
    transition(ITEM_WORKFLOW, item, "reopen", actor=actor, reason=reason)
    item.closed_at = None
    item.roadshow.current_position = item.position


def finish_roadshow(roadshow, *, actor):
    transition(ROADSHOW_WORKFLOW, roadshow, "finish", actor=actor)
    roadshow.finished_at = now()


def cancel_roadshow(roadshow, *, reason, actor):
    """A session that has not started is called off; its projects are free for another."""
    transition(ROADSHOW_WORKFLOW, roadshow, "cancel", actor=actor, reason=reason)


def revoke_display_links(roadshow, *, actor):
    """Every display link handed out so far stops working."""
    before = roadshow.display_version
    roadshow.display_version = before + 1
    audit.record(
        "roadshow.revoke_display",
        roadshow,
        actor=actor,
        before={"display_version": before},
        after={"display_version": roadshow.display_version},
    )


# ── the timer ───────────────────────────────────────────────────────────────────────────────


def _pause(item):
    if item.timer_started_at is not None:
        item.timer_elapsed = item.elapsed(now())
        item.timer_started_at = None


def run_timer(item, action, *, actor):
    """start, pause or reset the timer of the project on stage."""
    if item.state != ItemState.PRESENTING or item.roadshow.state != RoadshowState.RUNNING:
        raise RoadshowError(_("Only the project on stage has a running timer."))
    before = {"elapsed": item.elapsed(now()), "running": item.timer_running}
    if action == "start":
        if item.timer_started_at is None:
            item.timer_started_at = now()
    elif action == "pause":
        _pause(item)
    elif action == "reset":
        item.timer_started_at, item.timer_elapsed = None, 0
    else:
        raise RoadshowError(_("This action does not exist."))
    audit.record(
        f"roadshow_item.timer_{action}",
        item,
        actor=actor,
        before=before,
        after={"elapsed": item.elapsed(now()), "running": item.timer_running},
    )


# ── the panel scoring on the spot ───────────────────────────────────────────────────────────


def assignments_on(item):
    """The panel's assignments (standing or ended by a conflict) on the item's application,
    with their sheets: one query."""
    from sqlalchemy.orm import selectinload

    return db.session.scalars(
        select(ReviewAssignment)
        .where(
            ReviewAssignment.panel_id == item.roadshow.panel_id,
            ReviewAssignment.application_id == item.application_id,
        )
        .options(selectinload(ReviewAssignment.sheet))
        .order_by(ReviewAssignment.id)
    ).all()


def _sheet_counts(item):
    active = [a for a in assignments_on(item) if a.is_active]
    return sum(1 for a in active if a.is_submitted), len(active)


def assignment_of(item, user):
    """The user's assignment on the item's application in the roadshow's panel, or None."""
    return db.session.scalar(
        select(ReviewAssignment)
        .join(ReviewerProfile, ReviewerProfile.id == ReviewAssignment.reviewer_id)
        .where(
            ReviewAssignment.panel_id == item.roadshow.panel_id,
            ReviewAssignment.application_id == item.application_id,
            ReviewerProfile.user_id == user.id,
        )
    )


def _check_on_stage(item):
    if item.roadshow.state != RoadshowState.RUNNING or item.state != ItemState.PRESENTING:
        if item.state == ItemState.CLOSED:
            raise RoadshowError(_("Scoring of this project has closed."))
        raise RoadshowError(_("This project is not on stage now."))


def _standing(assignment):
    if assignment is None:
        raise RoadshowError(_("You do not score this project."))
    if assignment.state != AssignmentState.ACTIVE:
        raise RoadshowError(
            _("You declared a conflict with this application; it can no longer be scored.")
        )


def open_sheet(item, assignment, *, actor):
    """The reviewer declares no conflict with the project on stage; the sheet opens."""
    _check_on_stage(item)
    _standing(assignment)
    return review.declare_no_conflict(assignment, actor=actor)


def step_back(item, assignment, *, reason, actor):
    """回避 on the spot: the reviewer leaves the project on stage to the others."""
    _check_on_stage(item)
    if assignment is None:
        raise RoadshowError(_("You do not score this project."))
    if not (reason or "").strip():
        raise RoadshowError(_("Please give the reason for the conflict of interest."), "reason")
    review.declare_conflict(assignment, reason=reason, actor=actor)


def _open_sheet_of(item, assignment):
    _check_on_stage(item)
    _standing(assignment)
    if assignment.sheet is None:
        raise RoadshowError(_("Declare whether you have a conflict of interest first."))
    return assignment.sheet


def save_draft(item, assignment, *, entries, overall_comment, actor):
    """The draft as typed (what a phone sends as the reviewer types); returns the messages
    for values that are not valid scores yet."""
    sheet = _open_sheet_of(item, assignment)
    return review.save_sheet(sheet, entries=entries, overall_comment=overall_comment, actor=actor)


def submit_sheet(item, assignment, *, entries, overall_comment, actor):
    """Save and submit; review.SheetIncomplete when a criterion is missing or invalid (the
    draft stays saved, so the caller commits in both cases)."""
    sheet = _open_sheet_of(item, assignment)
    review.submit_sheet(sheet, entries=entries, overall_comment=overall_comment, actor=actor)
    return sheet


# ── the lock on sheets of closed items ──────────────────────────────────────────────────────

CLOSED_MESSAGE = _l(
    "Scoring of this project closed at the roadshow (路演); staff can reopen it there while the "
    "session runs."
)


def closed_item_lock(sheet):
    """review's sheet lock: a sheet of a project whose roadshow scoring has closed stays as is."""
    assignment = sheet.assignment
    found = db.session.scalar(
        select(RoadshowItem.id)
        .join(Roadshow, Roadshow.id == RoadshowItem.roadshow_id)
        .where(
            Roadshow.panel_id == assignment.panel_id,
            Roadshow.state != RoadshowState.CANCELLED,
            RoadshowItem.application_id == assignment.application_id,
            RoadshowItem.state == ItemState.CLOSED,
        )
        .limit(1)
    )
    return CLOSED_MESSAGE if found is not None else None


if closed_item_lock not in review.SHEET_LOCKS:
    review.SHEET_LOCKS.append(closed_item_lock)


# ── what people see ─────────────────────────────────────────────────────────────────────────


def panel_roadshows(user, *, today_only=False):
    """Sessions (not cancelled) of panels the reviewer sits on, soonest first."""
    from venture.review.models import PanelMember

    query = (
        select(Roadshow)
        .join(PanelMember, PanelMember.panel_id == Roadshow.panel_id)
        .join(ReviewerProfile, ReviewerProfile.id == PanelMember.reviewer_id)
        .where(ReviewerProfile.user_id == user.id, Roadshow.state != RoadshowState.CANCELLED)
        .order_by(Roadshow.scheduled_at, Roadshow.id)
    )
    if today_only:
        query = query.where(*_today_bounds())
    return query


def _today_bounds(start=None, end=None):
    """A session scheduled or running today: start and end bound the local day in UTC (by
    default today's; bound parameters where the statement is built once)."""
    from datetime import datetime, time, timedelta

    from venture.core.timeutil import from_local, local_today

    if start is None:
        start = from_local(datetime.combine(local_today(), time(0)))
        end = start + timedelta(days=1)
    return (
        Roadshow.scheduled_at >= start,
        Roadshow.scheduled_at < end,
        Roadshow.state.in_((RoadshowState.SCHEDULED, RoadshowState.RUNNING)),
    )


def todays_roadshows_column(dialect, day_start, day_end):
    """Sessions scheduled or running on the day from day_start to day_end (staff's home
    page, read with its 下一步): their id, time, place and call's title, a core.json_rows
    column."""
    from venture.calls.models import Call

    return json_rows(
        dialect,
        [Roadshow.id, Roadshow.scheduled_at, Roadshow.place, Call.title],
        select_from=outerjoin(Roadshow, Call, Call.id == Roadshow.call_id),
        where=list(_today_bounds(day_start, day_end)),
        order_by=[Roadshow.scheduled_at],
    )
