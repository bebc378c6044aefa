"""Transition tables of the roadshow: the session and each item of its running order.

A session is scheduled, runs, and finishes (or is cancelled before it starts). While it runs,
one item at a time presents; closing an item locks its score sheets (review_sheet changes are
refused by the lock registered in operations.py), and staff may reopen it with a reason.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from venture.core.lifecycle import Transition, Workflow, actor_can
from venture.extensions import db
from venture.roadshow.enums import ItemState as I
from venture.roadshow.enums import RoadshowState as R
from venture.roadshow.permissions import is_staff

_staff = actor_can(is_staff)


def _ready_to_start(roadshow, _actor):
    from venture.review.enums import AssignmentState
    from venture.review.models import ReviewAssignment
    from venture.review.operations import criteria_of

    if not roadshow.items:
        return _l("The running order is empty.")
    if roadshow.panel.proposed_at is not None:
        return _l("Awards have been proposed for this call; the review is closed.")
    if not criteria_of(roadshow.call_id):
        return _l("The call has no rubric yet.")
    scored = dict(
        db.session.execute(
            select(ReviewAssignment.application_id, func.count())
            .where(
                ReviewAssignment.panel_id == roadshow.panel_id,
                ReviewAssignment.state == AssignmentState.ACTIVE,
                ReviewAssignment.application_id.in_([i.application_id for i in roadshow.items]),
            )
            .group_by(ReviewAssignment.application_id)
        ).all()
    )
    for item in roadshow.items:
        if not scored.get(item.application_id):
            return _l(
                "“%(title)s” has no reviewers yet: assign the panel on the review page first.",
                title=item.application.title,
            )
    return None


def _nothing_on_stage(roadshow, _actor):
    if any(i.state == I.PRESENTING for i in roadshow.items):
        return _l("Close the scoring of the project on stage first.")
    return None


ROADSHOW_WORKFLOW = Workflow(name="roadshow", transitions=(
    Transition("start", R.SCHEDULED, R.RUNNING, _staff,
               _l("Start the roadshow"), guard=_ready_to_start),
    Transition("finish", R.RUNNING, R.FINISHED, _staff,
               _l("Finish the roadshow"), guard=_nothing_on_stage),
    Transition("cancel", R.SCHEDULED, R.CANCELLED, _staff,
               _l("Cancel the roadshow"), needs_reason=True),
))  # fmt: skip


def _session_running(item, _actor):
    if item.roadshow.state != R.RUNNING:
        return _l("The roadshow is not running.")
    if any(i.state == I.PRESENTING and i.id != item.id for i in item.roadshow.items):
        return _l("Close the scoring of the project on stage first.")
    return None


ITEM_WORKFLOW = Workflow(name="roadshow_item", transitions=(
    Transition("present", I.WAITING, I.PRESENTING, _staff, _l("Call to the stage"),
               guard=_session_running),
    Transition("close", I.PRESENTING, I.CLOSED, _staff, _l("Close scoring")),
    Transition("reopen", I.CLOSED, I.PRESENTING, _staff, _l("Reopen scoring"),
               guard=_session_running, needs_reason=True),
))  # fmt: skip
