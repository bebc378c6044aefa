"""The route registry, and the one award record every route ends in."""

from datetime import date
from decimal import Decimal

import pytest

from tests.procurement import helpers
from tests.procurement.test_designation import _on
from venture.announcements.operations import finalise_announcement
from venture.auth.enums import Role
from venture.calls.enums import Route
from venture.contracts.operations import draft_contract
from venture.extensions import db
from venture.procurement import operations
from venture.procurement.enums import AwardState, BidState
from venture.procurement.models import Award
from venture.procurement.routes import (
    APPLICATIONS,
    BIDS,
    ROUTES,
    TargetedPurchaseRoute,
    TenderRoute,
    VentureGrantRoute,
    route_for,
)
from venture.review.rules import minimum_panel_size


def test_every_route_has_one_interface():
    rows = {
        r.route: (
            r.collects,
            r.announcement_kind,
            r.minimum_announcement_days,
            r.code,
        )
        for r in ROUTES.values()
    }
    assert rows == {
        Route.VENTURE_GRANT: (APPLICATIONS, "review_result", 5, "GYCT"),
        Route.TARGETED: (APPLICATIONS, "designation", 5, "DXGM"),
        Route.TENDER: (BIDS, "tender_result", 3, "ZTB"),
    }


@pytest.mark.parametrize(
    ("route", "kind"),
    [
        ("venture_grant", VentureGrantRoute),
        ("targeted", TargetedPurchaseRoute),
        ("tender", TenderRoute),
    ],
)
def test_route_for_a_call(make, route, kind):
    assert isinstance(route_for(make.call(route=route)), kind)


def test_only_venture_grants_take_applications_from_anyone(make):
    member = make.member()
    answers = [
        make.call(route=r).status.value == "open"
        and route_for(make.call(route=r)).accepts_applications_from(member, None)
        for r in ("venture_grant", "targeted", "tender")
    ]
    assert answers == [True, False, False]


def test_panel_minimum_follows_the_tender_method():
    from venture.procurement.enums import TenderMethod

    open_tender = helpers.tender_call(method=TenderMethod.OPEN)
    negotiation = helpers.tender_call(method=TenderMethod.NEGOTIATION)
    assert (
        minimum_panel_size(open_tender.call),
        minimum_panel_size(negotiation.call),
        minimum_panel_size(Route.TENDER),
        minimum_panel_size(Route.VENTURE_GRANT),
    ) == (5, 3, 5, 3)


def test_a_tender_panel_of_three_is_refused_for_an_open_tender():
    tender = helpers.published_tender()
    helpers.bid(tender, "90000.00")
    staff = helpers.opened(tender)
    experts = [helpers.expert() for _ in range(3)]
    with pytest.raises(operations.ProcurementError) as refused:
        operations.form_tender_panel(
            tender, member_ids=[e.id for e in experts], reserve_ids=[], actor=staff
        )
    assert refused.value.message == "评审专家组至少需要 5 名成员；当前为 3 人。"


def test_an_expert_tied_to_a_bidder_cannot_sit_on_the_panel():
    tender = helpers.published_tender()
    bid = helpers.bid(tender, "90000.00")
    staff = helpers.opened(tender)
    tied = helpers.expert(name="关联专家", ties=[bid.organization])
    others = [helpers.expert() for _ in range(6)]
    with pytest.raises(operations.ProcurementError) as refused:
        operations.form_tender_panel(
            tender, member_ids=[tied.id] + [e.id for e in others[:4]], reserve_ids=[], actor=staff
        )
    assert refused.value.message == "以下专家与投标人存在关联，须回避：关联专家。"
    drawn = operations.draw_tender_panel(
        tender, category_ids=[], size=5, reserves=1, seed="s", actor=staff
    )
    assert sorted(drawn.candidates) == sorted(e.id for e in others)
    assert sorted(m.reviewer_id for m in drawn.members) == sorted(e.id for e in others)


def test_tender_result_is_announced_then_the_award_becomes_final(monkeypatch, make):
    staff = make.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff, ceiling="150000.00")
    bids = [helpers.bid(tender, p) for p in ("90000.00", "100000.00", "120000.00")]
    _staff, experts = helpers.evaluated(tender, {b: [30, 20] for b in bids}, staff=staff)
    _on(monkeypatch, date(2026, 4, 2))
    announcement = operations.publish_tender_result(
        tender, title="中标候选人公示", introduction="", period_days=3, actor=staff
    )
    db.session.commit()
    assert announcement.ends_on == date(2026, 4, 8)
    assert bids[0].organization.name in announcement.body
    assert "¥90,000.00" in announcement.body
    assert all(e.name in announcement.body for e in experts)
    _on(monkeypatch, date(2026, 4, 9))
    finalise_announcement(announcement, actor=staff)
    db.session.commit()
    award = db.session.query(Award).one()
    assert (award.state, award.bid_id, award.amount, award.application_id) == (
        AwardState.FINAL,
        bids[0].id,
        Decimal("90000.00"),
        None,
    )
    assert [b.state for b in bids] == [BidState.WON, BidState.LOST, BidState.LOST]
    assert tender.award_notice.content_type == "application/pdf"
    contract = draft_contract(award, actor=staff)
    db.session.commit()
    assert (contract.amount, contract.route, contract.organization_id) == (
        Decimal("90000.00"),
        Route.TENDER,
        bids[0].organization_id,
    )


def test_a_result_period_under_3_working_days_is_refused(make):
    staff = make.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff)
    bids = [helpers.bid(tender, p) for p in ("90000.00", "100000.00")]
    helpers.evaluated(tender, {b: [30, 20] for b in bids}, staff=staff)
    with pytest.raises(operations.ProcurementError) as refused:
        operations.publish_tender_result(
            tender, title="中标候选人公示", introduction="", period_days=2, actor=staff
        )
    assert refused.value.message == "结果须公示至少 3 个工作日。"


def test_venture_grant_awards_end_in_the_same_final_record(monkeypatch, make):
    """The venture-grant route: ranking, proposed awards, the review's result 公示 and its
    finaliser; the final award drafts a contract like the other routes'."""
    from tests.review import helpers as review_helpers
    from venture.review import operations as review
    from venture.review import results
    from venture.review.models import ReviewAssignment

    staff = make.user(Role.STAFF)
    call = review_helpers.call(staff=staff)
    apps = [review_helpers.application(call) for _ in range(3)]
    criteria = review_helpers.rubric(call, staff=staff)
    panel = review_helpers.panel(call, [review_helpers.expert() for _ in range(3)], staff=staff)
    review_helpers.assign(panel, staff=staff)
    for assignment in db.session.query(ReviewAssignment).all():
        review_helpers.submit(assignment, [30, 20, 20], criteria)
    ranking = results.ranking(panel)
    proposed = route_for(call).make_awards(
        call,
        actor=staff,
        ranking=ranking.rows,
        decisions={a.id: (Decimal("50000.00"), "") for a in apps},
    )
    db.session.commit()
    assert [a.state for a in proposed] == [AwardState.PROPOSED] * 3
    _on(monkeypatch, date(2026, 4, 2))
    announcement = review.publish_result(
        panel, results.ranking(panel), title="评审结果公示", introduction="", period_days=5,
        actor=staff,
    )  # fmt: skip
    _on(monkeypatch, date(2026, 4, 11))
    finalise_announcement(announcement, actor=staff)
    db.session.commit()
    awards = db.session.query(Award).order_by(Award.id).all()
    assert [(a.state, a.route) for a in awards] == [(AwardState.FINAL, Route.VENTURE_GRANT)] * 3
    contract = draft_contract(awards[0], actor=staff)
    assert (contract.route, contract.amount) == (Route.VENTURE_GRANT, Decimal("50000.00"))


def test_result_candidates_are_the_ranked_bids_and_the_designated_plan(make):
    tender = helpers.published_tender(ceiling="150000.00")
    bids = [helpers.bid(tender, p) for p in ("100000.00", "90000.00")]
    assert route_for(tender.call).result_candidates(tender.call) == []
    helpers.evaluated(tender, {b: [30, 20] for b in bids})
    assert route_for(tender.call).result_candidates(tender.call) == [bids[1], bids[0]]
    from tests.procurement.test_designation import values

    staff = make.user(Role.STAFF)
    call = make.call(route="targeted", staff=staff, cap_per_project="200000.00")
    designation = operations.create_designation(call, values(make.org()), actor=staff)
    assert route_for(call).result_candidates(call) == [designation.application]
