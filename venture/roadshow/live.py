"""The live state of a session: what the display, the phones and the staff console poll.

One function builds it for every viewer; what a viewer may see is decided here, in one place:
the hall (a display link) and the panel see seat numbers and who has submitted, never a score;
an item's aggregate appears only once its scoring is closed. Staff also see names.
"""

from flask_babel import gettext as _

from venture.core.timeutil import now
from venture.review import scoring
from venture.roadshow.enums import ItemState, RoadshowState, SeatStatus
from venture.roadshow.operations import assignments_on
from venture.roadshow.permissions import shows_identity

HALL, PANEL, STAFF = "hall", "panel", "staff"


def seat_label(position):
    return _("Seat %(n)d", n=position)


def _seat_status(assignment, item):
    if not assignment.is_active:
        return SeatStatus.CONFLICT
    if assignment.is_submitted:
        return SeatStatus.SUBMITTED
    return SeatStatus.NOT_SUBMITTED if item.state == ItemState.CLOSED else SeatStatus.SCORING


def seats(roadshow, item, assignments, *, audience):
    """One row per panel member assigned to the item, in seat order: never a score."""
    members = {m.reviewer_id: m for m in roadshow.panel.members}
    rows = []
    for a in assignments:
        member = members.get(a.reviewer_id)
        position = member.position if member else 0
        status = _seat_status(a, item)
        row = {
            "seat": position,
            "label": seat_label(position),
            "status": status.value,
            "status_label": str(status.label),
        }
        if audience == STAFF:
            row["name"] = a.reviewer.name
        rows.append(row)
    return sorted(rows, key=lambda r: r["seat"])


def aggregate(item, assignments):
    """The item's aggregate once its scoring is closed, else None: mean, and the trimmed mean
    where the review's rule applies it (5 sheets or more), with the number of sheets."""
    if item.state != ItemState.CLOSED:
        return None
    totals = [
        scoring.SheetTotal(a.reviewer_id, a.application_id, a.sheet.total)
        for a in assignments
        if a.is_active and a.is_submitted
    ]
    score = scoring.aggregate(totals).get(item.application_id)
    if score is None:
        return {"sheets": 0, "mean": None, "trimmed": None}
    return {
        "sheets": len(score.totals),
        "mean": str(scoring.round2(score.mean)),
        "trimmed": str(scoring.round2(score.trimmed)) if score.trimmed_applies else None,
    }


def _item(roadshow, item, *, at):
    identity = shows_identity(roadshow)
    return {
        "id": item.id,
        "position": item.position,
        "title": item.application.title,
        "number": item.application.number or "",
        "organization": item.application.organization.name if identity else None,
        "state": item.state.value,
        "state_label": str(item.state.label),
        "remaining": item.remaining(at),
        "timer_running": item.timer_running,
    }


def my_status(assignment):
    """What a panel member has to do on the item: none, conflict, undeclared, draft, submitted."""
    if assignment is None:
        return "none"
    if not assignment.is_active:
        return "conflict"
    if assignment.sheet is None:
        return "undeclared"
    return "submitted" if assignment.is_submitted else "draft"


def live_state(roadshow, *, audience, viewer=None, at=None):
    """The session's state as plain data for JSON and for the first render of each page.

    "key" changes whenever the pages must redraw more than the timer and the seats (another
    item, an item closed, the viewer's own sheet submitted); the phone and console pages
    compare it with the key they were drawn with.
    """
    state = _state(roadshow, audience=audience, viewer=viewer, at=at or now())
    item = state["item"]
    state["key"] = ":".join(
        str(part)
        for part in (
            roadshow.state.value,
            roadshow.current_position,
            item["state"] if item else "",
            state["roadshow"]["closed"],
            state.get("me", ""),
        )
    )
    return state


def _state(roadshow, *, audience, viewer, at):
    item = roadshow.current_item
    upcoming = roadshow.next_item
    state = {
        "roadshow": {
            "id": roadshow.id,
            "state": roadshow.state.value,
            "state_label": str(roadshow.state.label),
            "title": roadshow.call.title,
            "place": roadshow.place,
            "minutes": roadshow.minutes_per_item,
            "count": len(roadshow.items),
            "closed": sum(1 for i in roadshow.items if i.state == ItemState.CLOSED),
        },
        "item": None,
        "seats": [],
        "submitted": 0,
        "expected": 0,
        "aggregate": None,
        "next": None,
    }
    if upcoming is not None and roadshow.state != RoadshowState.CANCELLED:
        state["next"] = {"position": upcoming.position, "title": upcoming.application.title}
    if item is None or roadshow.state in (RoadshowState.SCHEDULED, RoadshowState.CANCELLED):
        return state
    assignments = assignments_on(item)
    active = [a for a in assignments if a.is_active]
    state["item"] = _item(roadshow, item, at=at)
    state["seats"] = seats(roadshow, item, assignments, audience=audience)
    state["submitted"] = sum(1 for a in active if a.is_submitted)
    state["expected"] = len(active)
    state["aggregate"] = aggregate(item, assignments)
    if audience == PANEL and viewer is not None:
        mine = next((a for a in assignments if a.reviewer.user_id == viewer.id), None)
        state["me"] = my_status(mine)
    return state
