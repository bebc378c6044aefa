"""Transition tables of the review: assignments (回避) and score sheets.

A submitted sheet is final unless staff reopen it, with a reason. The awards the review proposes
move along procurement/lifecycle.py's AWARD_WORKFLOW.
"""

from flask_babel import lazy_gettext as _l

from venture.core.lifecycle import Transition, Workflow, actor_can
from venture.review.enums import AssignmentState as A
from venture.review.enums import SheetState as S
from venture.review.permissions import is_staff, owns_assignment


def _not_submitted(assignment, _actor):
    if assignment.is_submitted:
        return _l("Your sheet is submitted; ask the programme staff to reopen it first.")
    return None


def _staff_or_reviewer(user, assignment):
    return is_staff(user) or assignment.reviewer.user_id == user.id


ASSIGNMENT_WORKFLOW = Workflow(name="review_assignment", transitions=(
    Transition("declare_conflict", A.ACTIVE, A.CONFLICT, owns_assignment,
               _l("Declare a conflict of interest (回避)"), guard=_not_submitted,
               needs_reason=True),
    # a tie recorded in the expert pool (by staff, or by the reviewer on their profile)
    Transition("withdraw_for_tie", A.ACTIVE, A.CONFLICT, _staff_or_reviewer,
               _l("Withdraw for a recorded tie"), needs_reason=True),
))  # fmt: skip


def _assignment_stands(sheet, _actor):
    if sheet.assignment.state != A.ACTIVE:
        return _l("You declared a conflict with this application; it can no longer be scored.")
    return None


def _call_still_in_review(sheet, _actor):
    if sheet.assignment.panel.proposed_at is not None:
        return _l("Awards have been proposed for this call; its sheets can no longer change.")
    return None


def _sheet_open(sheet, actor):
    return _assignment_stands(sheet, actor) or _call_still_in_review(sheet, actor)


def _owns_sheet(user, sheet):
    return owns_assignment(user, sheet.assignment)


SHEET_WORKFLOW = Workflow(name="review_sheet", transitions=(
    Transition("submit", S.DRAFT, S.SUBMITTED, _owns_sheet, _l("Submit the score sheet"),
               guard=_sheet_open),
    Transition("reopen", S.SUBMITTED, S.DRAFT, actor_can(is_staff), _l("Reopen for the reviewer"),
               guard=_call_still_in_review, needs_reason=True),
))  # fmt: skip
