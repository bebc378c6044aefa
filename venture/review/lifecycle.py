"""Transition tables of the review: assignments (回避) and score sheets.

A submitted sheet is final unless staff reopen it, with a reason. The awards the review proposes
move along procurement/lifecycle.py's AWARD_WORKFLOW.
"""

from flask_babel import lazy_gettext as _l

from venture.core.lifecycle import Transition, Workflow
from venture.review.enums import AssignmentState, SheetState
from venture.review.permissions import is_staff, owns_assignment


def _not_submitted(assignment, _actor):
    if assignment.is_submitted:
        return _l("Your sheet is submitted; ask the programme staff to reopen it first.")
    return None


ASSIGNMENT_WORKFLOW = Workflow(
    name="review_assignment",
    transitions=(
        Transition(
            "declare_conflict",
            (AssignmentState.ACTIVE,),
            AssignmentState.CONFLICT,
            allowed=owns_assignment,
            label=_l("Declare a conflict of interest (回避)"),
            guard=_not_submitted,
            needs_reason=True,
        ),
        # a tie recorded in the expert pool (by staff, or by the reviewer on their profile)
        Transition(
            "withdraw_for_tie",
            (AssignmentState.ACTIVE,),
            AssignmentState.CONFLICT,
            allowed=lambda user, a: is_staff(user) or a.reviewer.user_id == user.id,
            label=_l("Withdraw for a recorded tie"),
            needs_reason=True,
        ),
    ),
)


def _assignment_stands(sheet, _actor):
    if sheet.assignment.state != AssignmentState.ACTIVE:
        return _l("You declared a conflict with this application; it can no longer be scored.")
    return None


def _call_still_in_review(sheet, _actor):
    if sheet.assignment.panel.proposed_at is not None:
        return _l("Awards have been proposed for this call; its sheets can no longer change.")
    return None


SHEET_WORKFLOW = Workflow(
    name="review_sheet",
    transitions=(
        Transition(
            "submit",
            (SheetState.DRAFT,),
            SheetState.SUBMITTED,
            allowed=lambda user, sheet: owns_assignment(user, sheet.assignment),
            label=_l("Submit the score sheet"),
            guard=lambda sheet, actor: (
                _assignment_stands(sheet, actor) or _call_still_in_review(sheet, actor)
            ),
        ),
        Transition(
            "reopen",
            (SheetState.SUBMITTED,),
            SheetState.DRAFT,
            allowed=lambda user, sheet: is_staff(user),
            label=_l("Reopen for the reviewer"),
            guard=_call_still_in_review,
            needs_reason=True,
        ),
    ),
)
