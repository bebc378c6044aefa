"""Panels: by hand or by a recorded draw; assignment without ties; conflicts and replacement."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.review import helpers
from venture.applications.enums import ApplicationState
from venture.auth.enums import Role
from venture.calls.enums import Route
from venture.core.audit import AuditEntry
from venture.core.lifecycle import TransitionRefused
from venture.extensions import db
from venture.notifications.models import Notification
from venture.review import operations
from venture.review.enums import AffiliationKind, AssignmentState, PanelMethod
from venture.review.models import Panel, ReviewAssignment
from venture.review.rules import panel_size_refusal


def settings(k=3):
    return {
        "reviewers_per_application": k,
        "blind": False,
        "deadline": date(2026, 4, 30),
        "spread_threshold": Decimal(20),
    }


def test_panel_size_rules_for_grants_and_tenders():
    assert (
        str(panel_size_refusal(4, Route.VENTURE_GRANT)) == "评审专家组成员须为单数；当前为 4 人。"
    )
    assert (
        str(panel_size_refusal(1, Route.VENTURE_GRANT))
        == "评审专家组至少需要 3 名成员；当前为 1 人。"
    )
    assert str(panel_size_refusal(3, Route.TENDER)) == "评审专家组至少需要 5 名成员；当前为 3 人。"
    assert panel_size_refusal(3, Route.VENTURE_GRANT) is None
    assert panel_size_refusal(5, Route.TENDER) is None


def test_form_panel_with_an_even_number_is_refused(make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    experts = [helpers.expert() for _ in range(4)]
    with pytest.raises(operations.ReviewError) as refused:
        operations.form_panel(
            call,
            member_ids=[e.id for e in experts],
            reserve_ids=[],
            settings=settings(),
            actor=staff,
        )
    assert refused.value.message == "评审专家组成员须为单数；当前为 4 人。"


def test_reviewers_per_application_must_fit_the_panel(make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    experts = [helpers.expert() for _ in range(3)]
    with pytest.raises(operations.ReviewError) as refused:
        operations.form_panel(
            call,
            member_ids=[e.id for e in experts],
            reserve_ids=[],
            settings=settings(k=5),
            actor=staff,
        )
    assert refused.value.message == "每份申报书需要 3 至 3 名评审专家（不超过专家组人数）。"


def test_draw_records_seed_candidates_and_result_and_reproduces(make):
    staff = make.user(Role.STAFF)
    elderly, children = make.category(), make.category(name_zh="为小", name_en="Children")
    call = helpers.call(staff=staff)
    matching = [helpers.expert(elderly) for _ in range(6)]
    helpers.expert(children)  # not a candidate
    panel = operations.draw_panel(
        call,
        category_ids=[elderly.id],
        size=3,
        reserves=2,
        seed="abc123",
        settings=settings(),
        actor=staff,
    )
    db.session.commit()
    assert panel.method == PanelMethod.DRAW
    assert (panel.seed, panel.candidates) == ("abc123", sorted(e.id for e in matching))
    assert len(panel.drawn) == 5
    assert [m.reviewer_id for m in panel.regular_members] == panel.drawn[:3]
    assert [m.reviewer_id for m in panel.reserve_members] == panel.drawn[3:]
    assert operations.draw_reproduces(panel) is True
    # the same seed on a fresh call draws the same experts
    other = helpers.call(staff=staff)
    again = operations.draw_panel(
        other,
        category_ids=[elderly.id],
        size=3,
        reserves=2,
        seed="abc123",
        settings=settings(),
        actor=staff,
    )
    assert again.drawn == panel.drawn
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "panel.draw")).first()
    assert entry.after_data["seed"] == "abc123"


def test_draw_with_too_few_matching_experts_is_refused_with_the_figures(make):
    staff = make.user(Role.STAFF)
    category = make.category()
    call = helpers.call(staff=staff)
    for _ in range(3):
        helpers.expert(category)
    with pytest.raises(operations.ReviewError) as refused:
        operations.draw_panel(
            call,
            category_ids=[category.id],
            size=3,
            reserves=2,
            seed="",
            settings=settings(),
            actor=staff,
        )
    assert (
        refused.value.message == "符合这些领域的在库专家只有 3 名；3 名成员和 2 名备选共需 5 名。"
    )


def test_assignment_never_gives_a_tied_reviewer_and_starts_the_review(make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    tied_org = make.org()
    apps = [helpers.application(call, organization=tied_org)] + [
        helpers.application(call) for _ in range(5)
    ]
    tied = helpers.expert(ties=[tied_org])
    others = [helpers.expert() for _ in range(4)]
    panel = helpers.panel(call, [tied, *others], k=3, staff=staff)
    made, missing = helpers.assign(panel, staff)
    assert missing == {}
    assert len(made) == 18
    assert [a.application_id for a in made if a.reviewer_id == tied.id].count(apps[0].id) == 0
    loads = sorted(sum(1 for a in made if a.reviewer_id == e.id) for e in [tied, *others])
    assert loads[-1] - loads[0] <= 1
    assert {a.state for a in apps} == {ApplicationState.UNDER_REVIEW}
    # the reviewers are told
    notes = db.session.scalars(select(Notification).where(Notification.user_id == tied.user_id))
    assert [n.subject for n in notes] == [f"{call.title}有新的申报书待评审"]


def test_a_former_tie_over_three_years_ago_no_longer_bars(make):
    staff = make.user(Role.STAFF)
    org = make.org()
    reviewer = helpers.expert()
    operations.add_affiliation(
        reviewer,
        organization=org,
        kind=AffiliationKind.EMPLOYMENT,
        role="社工",
        started_on=date(2015, 1, 1),
        ended_on=date(2019, 6, 30),
        actor=staff,
    )
    recent = helpers.expert()
    operations.add_affiliation(
        recent,
        organization=org,
        kind=AffiliationKind.GOVERNANCE,
        role="监事",
        started_on=None,
        ended_on=operations.tie_cutoff(),
        actor=staff,
    )
    db.session.commit()
    ties = operations.tied_organizations([reviewer.id, recent.id])
    assert (ties[reviewer.id], ties[recent.id]) == (set(), {org.id})


def test_a_member_of_the_applicant_organization_is_never_assigned(make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    org = make.org()
    app = helpers.application(call, organization=org)
    insider = make.user(Role.REVIEWER, organization=org)
    insider_profile = operations.add_expert(
        insider,
        profile={"title": "", "employer": "", "phone": "", "notes": "", "active": True},
        categories=[],
        actor=staff,
    )
    others = [helpers.expert() for _ in range(3)]
    reserve = helpers.expert()
    panel = helpers.panel(
        call, [insider_profile, *others[:2]], k=3, reserves=[reserve], staff=staff
    )
    made, missing = helpers.assign(panel, staff)
    assert sorted(a.reviewer_id for a in made) == sorted([others[0].id, others[1].id, reserve.id])
    assert missing == {}
    assert app.state == ApplicationState.UNDER_REVIEW


def test_assignment_reports_applications_no_one_free_can_review(make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    org = make.org()
    app = helpers.application(call, organization=org)
    experts = [helpers.expert(ties=[org]), helpers.expert(), helpers.expert()]
    panel = helpers.panel(call, experts, k=3, staff=staff)
    made, missing = helpers.assign(panel, staff)
    assert (len(made), missing) == (2, {app: 1})


def test_conflict_declaration_removes_the_assignment_and_staff_replace(make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    app = helpers.application(call)
    members = [helpers.expert() for _ in range(3)]
    reserve = helpers.expert()
    panel = helpers.panel(call, members, k=3, reserves=[reserve], staff=staff)
    helpers.assign(panel, staff)
    assignment = db.session.scalars(
        select(ReviewAssignment).where(ReviewAssignment.reviewer_id == members[0].id)
    ).one()
    operations.declare_conflict(assignment, reason="曾任该机构顾问", actor=members[0].user)
    db.session.commit()
    assert (assignment.state, assignment.conflict_reason) == (
        AssignmentState.CONFLICT,
        "曾任该机构顾问",
    )
    assert [e.id for e in operations.replacement_candidates(assignment)] == [reserve.id]
    new = operations.replace_reviewer(assignment, reserve, actor=staff)
    db.session.commit()
    assert (new.application_id, new.reviewer_id, new.state) == (
        app.id,
        reserve.id,
        AssignmentState.ACTIVE,
    )
    # staff who formed the panel were told of the conflict
    subjects = db.session.scalars(
        select(Notification.subject)
        .where(Notification.user_id == staff.id)
        .order_by(Notification.id)
    ).all()
    assert subjects == ["一位评审专家回避了一份申报书"]


def test_conflict_needs_a_reason(make):
    call = helpers.call()
    helpers.application(call)
    members = [helpers.expert() for _ in range(3)]
    panel = helpers.panel(call, members)
    made, _ = helpers.assign(panel)
    with pytest.raises(TransitionRefused) as refused:
        operations.declare_conflict(made[0], reason=" ", actor=made[0].reviewer.user)
    assert refused.value.message == "请填写理由。"


def test_recording_a_tie_withdraws_open_assignments_on_that_organization(make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    org = make.org()
    helpers.application(call, organization=org)
    members = [helpers.expert() for _ in range(3)]
    panel = helpers.panel(call, members, staff=staff)
    helpers.assign(panel, staff)
    _tie, withdrawn = operations.add_affiliation(
        members[1],
        organization=org,
        kind=AffiliationKind.FAMILY,
        role="法定代表人之配偶",
        started_on=None,
        ended_on=None,
        actor=members[1].user,
    )
    db.session.commit()
    assert [(a.reviewer_id, a.state) for a in withdrawn] == [
        (members[1].id, AssignmentState.CONFLICT)
    ]


def test_dissolve_only_before_assignments(make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    helpers.application(call)
    panel = helpers.panel(call, [helpers.expert() for _ in range(3)], staff=staff)
    helpers.assign(panel, staff)
    with pytest.raises(operations.ReviewError) as refused:
        operations.dissolve_panel(panel, actor=staff)
    assert refused.value.message == "专家组已有评审分配，不能再解散。"
    other = helpers.call(staff=staff)
    empty = helpers.panel(other, [helpers.expert() for _ in range(3)], staff=staff)
    operations.dissolve_panel(empty, actor=staff)
    db.session.commit()
    assert db.session.scalar(select(Panel).where(Panel.call_id == other.id)) is None
