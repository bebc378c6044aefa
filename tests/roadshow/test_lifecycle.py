"""The roadshow's transition tables, read from the tables themselves."""

import pytest

from tests.roadshow import helpers
from venture.core.lifecycle import TransitionRefused, transition
from venture.roadshow.enums import ItemState, RoadshowState
from venture.roadshow.lifecycle import ITEM_WORKFLOW, ROADSHOW_WORKFLOW


@pytest.mark.parametrize("state", list(RoadshowState))
@pytest.mark.parametrize("action", [t.action for t in ROADSHOW_WORKFLOW.transitions])
def test_roadshow_action_is_refused_outside_its_source_states(state, action):
    s = helpers.scene()
    s.roadshow.state = state
    t = ROADSHOW_WORKFLOW.get(action)
    refusal = ROADSHOW_WORKFLOW.refusal(s.roadshow, action, s.staff, reason="原因")
    if state in t.sources:
        assert refusal is None
    else:
        assert str(refusal) == f"当前状态为“{state.label}”，不能进行此操作。"


@pytest.mark.parametrize("state", list(ItemState))
@pytest.mark.parametrize("action", [t.action for t in ITEM_WORKFLOW.transitions])
def test_item_action_is_refused_outside_its_source_states(state, action):
    s = helpers.scene(applications=1, start=True)
    item = s.roadshow.items[0]
    item.state = state
    t = ITEM_WORKFLOW.get(action)
    refusal = ITEM_WORKFLOW.refusal(item, action, s.staff, reason="原因")
    if state in t.sources:
        assert refusal is None
    else:
        assert str(refusal) == f"当前状态为“{state.label}”，不能进行此操作。"


def test_transitions_are_for_staff_only():
    s = helpers.scene(start=True)
    reviewer = s.experts[0].user
    with pytest.raises(TransitionRefused) as refused:
        transition(ITEM_WORKFLOW, s.roadshow.items[0], "close", actor=reviewer)
    assert refused.value.message == "您无权进行此操作。"
    assert ROADSHOW_WORKFLOW.available(s.roadshow, reviewer) == []
