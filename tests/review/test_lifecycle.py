"""The review's transition tables, tested from the tables: every allowed pair works for the
right person, every other (state, action) pair is refused."""

from decimal import Decimal

import pytest

from tests.review import helpers
from venture.auth.enums import Role
from venture.core.lifecycle import TransitionRefused, transition
from venture.core.timeutil import now
from venture.procurement.enums import AwardState
from venture.procurement.lifecycle import AWARD_WORKFLOW
from venture.procurement.models import Award
from venture.review.enums import AssignmentState, SheetState
from venture.review.lifecycle import ASSIGNMENT_WORKFLOW, SHEET_WORKFLOW

WRONG_STATE = "当前状态为“{}”，不能进行此操作。"


@pytest.fixture
def setup(make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    helpers.rubric(call, staff=staff)
    app = helpers.application(call)
    panel = helpers.panel(call, [helpers.expert() for _ in range(3)], staff=staff)
    made, _ = helpers.assign(panel, staff)
    return staff, call, app, made[0]


def _pairs(workflow, states):
    for t in workflow.transitions:
        for state in states:
            yield t, state


def test_sheet_table(setup):
    staff, _call, _app, assignment = setup
    sheet = helpers.open_sheet(assignment)
    reviewer = assignment.reviewer.user
    actors = {"submit": reviewer, "reopen": staff}
    for t, state in _pairs(SHEET_WORKFLOW, list(SheetState)):
        sheet.state = state
        refusal = SHEET_WORKFLOW.refusal(sheet, t.action, actors[t.action], reason="理由")
        if state in t.sources:
            assert refusal is None, (t.action, state)
            other = staff if t.action == "submit" else reviewer
            assert (
                str(SHEET_WORKFLOW.refusal(sheet, t.action, other, "理由")) == "您无权进行此操作。"
            )
        else:
            assert str(refusal) == WRONG_STATE.format(state.label), (t.action, state)


def test_assignment_table(setup):
    staff, _call, _app, assignment = setup
    reviewer = assignment.reviewer.user
    for t, state in _pairs(ASSIGNMENT_WORKFLOW, list(AssignmentState)):
        assignment.state = state
        refusal = ASSIGNMENT_WORKFLOW.refusal(assignment, t.action, reviewer, reason="理由")
        if state in t.sources:
            assert refusal is None, (t.action, state)
        else:
            assert str(refusal) == WRONG_STATE.format(state.label), (t.action, state)
    assignment.state = AssignmentState.ACTIVE
    outsider = helpers.expert().user
    assert str(ASSIGNMENT_WORKFLOW.refusal(assignment, "declare_conflict", outsider, "x")) == (
        "您无权进行此操作。"
    )
    assert ASSIGNMENT_WORKFLOW.refusal(assignment, "withdraw_for_tie", staff, "x") is None


def test_award_table(setup):
    staff, call, app, _assignment = setup
    award = Award(
        call_id=call.id,
        organization_id=app.organization_id,
        application_id=app.id,
        route=call.route,
        amount=Decimal("1000.00"),
        created_by_id=staff.id,
    )
    reviewer = helpers.expert().user
    for t, state in _pairs(AWARD_WORKFLOW, list(AwardState)):
        award.state = state
        refusal = AWARD_WORKFLOW.refusal(award, t.action, staff, reason="理由")
        if state in t.sources:
            assert refusal is None, (t.action, state)
            assert (
                str(AWARD_WORKFLOW.refusal(award, t.action, reviewer, "理由"))
                == "您无权进行此操作。"
            )
        else:
            assert str(refusal) == WRONG_STATE.format(state.label), (t.action, state)


def test_submitting_after_a_conflict_is_refused_by_the_guard(setup):
    _staff, _call, _app, assignment = setup
    sheet = helpers.open_sheet(assignment)
    assignment.state = AssignmentState.CONFLICT
    refusal = SHEET_WORKFLOW.refusal(sheet, "submit", assignment.reviewer.user)
    assert str(refusal) == "您已声明与该申报书存在利益冲突，不能再评分。"


def test_reopen_needs_a_reason(setup):
    staff, _call, _app, assignment = setup
    sheet = helpers.open_sheet(assignment)
    sheet.state, sheet.total, sheet.submitted_at = SheetState.SUBMITTED, Decimal(70), now()
    with pytest.raises(TransitionRefused) as refused:
        transition(SHEET_WORKFLOW, sheet, "reopen", actor=staff, reason="  ")
    assert str(refused.value) == "请填写理由。"
