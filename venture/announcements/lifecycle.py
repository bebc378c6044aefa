"""The states of an announcement and of an objection, as transition tables."""

from flask_babel import lazy_gettext as _l

from venture.announcements.enums import AnnouncementState as A
from venture.announcements.enums import ObjectionState as O
from venture.announcements.permissions import can_manage_announcements
from venture.core import timeutil
from venture.core.formatting import local_date
from venture.core.lifecycle import Transition, Workflow, actor_can


def finalise_refusal(announcement, _actor=None):
    """Why the announcement cannot be made final now, or None."""
    if announcement.state != A.PUBLISHED:
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
    pending = states.count(O.PENDING)
    if pending:
        return _l("Objections still waiting for an answer: %(count)d.", count=pending)
    if O.UPHELD in states:
        return _l(
            "An objection was upheld, so this result cannot become final. Withdraw the "
            "announcement and publish a corrected one."
        )
    return None


def _objection_answerable(objection, _actor):
    if objection.announcement.state == A.FINALISED:
        return _l("The announcement is already final.")
    return None


_staff = actor_can(can_manage_announcements)

ANNOUNCEMENT_WORKFLOW = Workflow(name="announcement", transitions=(
    Transition("finalise", A.PUBLISHED, A.FINALISED, _staff, _l("Make final"),
               guard=finalise_refusal),
    Transition("withdraw", A.PUBLISHED, A.WITHDRAWN, _staff, _l("Withdraw"), needs_reason=True),
))  # fmt: skip

OBJECTION_WORKFLOW = Workflow(name="objection", transitions=(
    Transition("uphold", O.PENDING, O.UPHELD, _staff, _l("Uphold"), guard=_objection_answerable),
    Transition("dismiss", O.PENDING, O.DISMISSED, _staff, _l("Dismiss"),
               guard=_objection_answerable),
))  # fmt: skip
