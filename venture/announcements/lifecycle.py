"""The states of an announcement and of an objection, as transition tables."""

from flask_babel import lazy_gettext as _l

from venture.announcements.enums import AnnouncementState, ObjectionState
from venture.announcements.permissions import can_manage_announcements
from venture.core import timeutil
from venture.core.formatting import local_date
from venture.core.lifecycle import Transition, Workflow


def finalise_refusal(announcement, _actor=None):
    """Why the announcement cannot be made final now, or None."""
    if announcement.state != AnnouncementState.PUBLISHED:
        return _l(
            "This announcement is %(state)s and cannot be made final.",
            state=announcement.state.label,
        )
    if timeutil.local_today() <= announcement.ends_on:
        return _l(
            "The announcement period runs until %(end)s; it can be made final from the next day.",
            end=local_date(announcement.ends_on),
        )
    states = [objection.state for objection in announcement.objections]
    pending = states.count(ObjectionState.PENDING)
    if pending:
        return _l("Objections still waiting for an answer: %(count)d.", count=pending)
    if ObjectionState.UPHELD in states:
        return _l(
            "An objection was upheld, so this result cannot become final. Withdraw the "
            "announcement and publish a corrected one."
        )
    return None


def _objection_answerable(objection, _actor):
    if objection.announcement.state == AnnouncementState.FINALISED:
        return _l("The announcement is already final.")
    return None


ANNOUNCEMENT_WORKFLOW = Workflow(
    name="announcement",
    transitions=(
        Transition(
            "finalise",
            (AnnouncementState.PUBLISHED,),
            AnnouncementState.FINALISED,
            allowed=lambda user, _a: can_manage_announcements(user),
            label=_l("Make final"),
            guard=finalise_refusal,
        ),
        Transition(
            "withdraw",
            (AnnouncementState.PUBLISHED,),
            AnnouncementState.WITHDRAWN,
            allowed=lambda user, _a: can_manage_announcements(user),
            label=_l("Withdraw"),
            needs_reason=True,
        ),
    ),
)

OBJECTION_WORKFLOW = Workflow(
    name="objection",
    transitions=(
        Transition(
            "uphold",
            (ObjectionState.PENDING,),
            ObjectionState.UPHELD,
            allowed=lambda user, _o: can_manage_announcements(user),
            label=_l("Uphold"),
            guard=_objection_answerable,
        ),
        Transition(
            "dismiss",
            (ObjectionState.PENDING,),
            ObjectionState.DISMISSED,
            allowed=lambda user, _o: can_manage_announcements(user),
            label=_l("Dismiss"),
            guard=_objection_answerable,
        ),
    ),
)
