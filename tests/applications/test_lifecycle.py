"""The application's transition table, read as data: every (state, action, role) is tried."""

import pytest
from sqlalchemy import select

from venture.applications.enums import ApplicationState as S
from venture.applications.lifecycle import APPLICATION_WORKFLOW
from venture.auth.enums import Role
from venture.auth.models import User
from venture.core.audit import AuditEntry
from venture.core.lifecycle import TransitionRefused, transition
from venture.core.timeutil import now
from venture.extensions import db

# what other modules rely on, by name: action -> (from states, to state, who)
EXPECTED = {
    "submit": ({S.DRAFT, S.RETURNED}, S.SUBMITTED, "member"),
    "withdraw": ({S.DRAFT, S.SUBMITTED, S.RETURNED}, S.WITHDRAWN, "member"),
    "return_for_correction": ({S.SUBMITTED}, S.RETURNED, "staff"),
    "mark_eligible": ({S.SUBMITTED}, S.ELIGIBLE, "staff"),
    "mark_ineligible": ({S.SUBMITTED}, S.INELIGIBLE, "staff"),
    "start_review": ({S.ELIGIBLE}, S.UNDER_REVIEW, "staff"),
    "propose_award": ({S.UNDER_REVIEW}, S.PROPOSED, "staff"),
    "not_select": ({S.UNDER_REVIEW}, S.NOT_SELECTED, "staff"),
    "confirm_award": ({S.PROPOSED}, S.AWARDED, "staff"),
    "decline_award": ({S.PROPOSED}, S.NOT_AWARDED, "staff"),
    "close_not_selected": ({S.NOT_SELECTED}, S.NOT_AWARDED, "staff"),
}
ACTORS = ["member", "other_applicant", *[r.value for r in Role if r != Role.APPLICANT]]


def test_the_table_has_exactly_the_named_actions():
    table = {t.action: (set(t.sources), t.target) for t in APPLICATION_WORKFLOW.transitions}
    assert table == {
        action: (sources, target) for action, (sources, target, _who) in EXPECTED.items()
    }


@pytest.fixture
def world(make):
    """One complete application per state (each of its own organization) and one person per
    role; guards are satisfied (open call, verified organization, correction deadline ahead)."""
    call = make.call(max_applications_per_org=1)
    applications = {state: make.application(call, state=state.value) for state in S}
    people = {role: make.user(Role(role)) for role in ACTORS[2:]}
    people["other_applicant"] = make.member()
    return applications, people


def actor_for(name, application, people):
    if name == "member":
        return db.session.get(User, application.created_by_id)
    return people[name]


def test_every_state_action_and_role(world):
    applications, people = world
    worked, refused = 0, 0
    for state, application in applications.items():
        for action, (sources, target, who) in EXPECTED.items():
            for name in ACTORS:
                application = db.session.get(type(application), application.id)
                actor = actor_for(name, application, people)
                if state in sources and name == who:
                    if action == "return_for_correction":
                        application.correction_deadline = now().replace(year=now().year + 1)
                    transition(
                        APPLICATION_WORKFLOW, application, action, actor=actor, reason="理由"
                    )
                    db.session.flush()
                    assert application.state == target, (state, action, name)
                    entry = db.session.scalars(
                        select(AuditEntry).where(AuditEntry.action == f"application.{action}")
                    ).one()
                    assert (entry.actor_id, entry.before_data, entry.after_data) == (
                        actor.id,
                        {"state": state.value},
                        {"state": target.value},
                    )
                    db.session.rollback()
                    worked += 1
                    continue
                expected = (
                    f"当前状态为“{state.label}”，不能进行此操作。"
                    if state not in sources
                    else "您无权进行此操作。"
                )
                with pytest.raises(TransitionRefused) as error:
                    transition(
                        APPLICATION_WORKFLOW, application, action, actor=actor, reason="理由"
                    )
                assert error.value.message == expected, (state, action, name)
                assert application.state == state
                refused += 1
    assert (worked, refused) == (14, len(S) * len(EXPECTED) * len(ACTORS) - 14)


def test_reasons_are_required_where_the_table_says(world):
    applications, people = world
    application = applications[S.SUBMITTED]
    for action in ("mark_ineligible", "return_for_correction"):
        message = APPLICATION_WORKFLOW.refusal(application, action, people["staff"], reason=" ")
        assert str(message) == "请填写理由。"


def test_return_needs_a_deadline_ahead(world):
    applications, people = world
    application = applications[S.SUBMITTED]
    application.correction_deadline = now()
    message = APPLICATION_WORKFLOW.refusal(
        application, "return_for_correction", people["staff"], reason="请补充"
    )
    assert str(message) == "请给出一个尚未到达的补正截止时间。"
