"""The tender's evaluation panel: size by method, ties to bidders, stepping back (回避)."""

import pytest

from tests.procurement import helpers
from venture.extensions import db
from venture.procurement import operations
from venture.procurement.enums import TenderMethod


def _opened_with_bids(method=TenderMethod.OPEN):
    tender = helpers.published_tender(method=method, ceiling="150000.00")
    bids = [helpers.bid(tender, p) for p in ("90000.00", "100000.00", "120000.00")]
    staff = helpers.opened(tender)
    operations.check_compliance(tender, actor=staff)
    db.session.commit()
    return tender, bids, staff


def test_a_negotiation_panel_of_three_is_formed():
    tender, _bids, staff = _opened_with_bids(TenderMethod.NEGOTIATION)
    experts = [helpers.expert() for _ in range(3)]
    panel = operations.form_tender_panel(
        tender, member_ids=[e.id for e in experts], reserve_ids=[], actor=staff
    )
    assert (panel.size, len(panel.regular_members)) == (3, 3)


def test_an_even_panel_is_refused():
    tender, _bids, staff = _opened_with_bids()
    experts = [helpers.expert() for _ in range(6)]
    with pytest.raises(operations.ProcurementError) as refused:
        operations.form_tender_panel(
            tender, member_ids=[e.id for e in experts], reserve_ids=[], actor=staff
        )
    assert refused.value.message == "评审专家组成员须为单数；当前为 6 人。"


def test_a_member_who_steps_back_is_replaced_by_the_first_reserve():
    tender, _bids, staff = _opened_with_bids()
    members = [helpers.expert() for _ in range(5)]
    reserve = helpers.expert()
    panel = operations.form_tender_panel(
        tender, member_ids=[e.id for e in members], reserve_ids=[reserve.id], actor=staff
    )
    db.session.commit()
    promoted = operations.declare_tender_conflict(
        tender, reason="曾在该投标人任职。", actor=members[0].user
    )
    db.session.commit()
    assert promoted.reviewer_id == reserve.id
    assert sorted(m.reviewer_id for m in panel.regular_members) == sorted(
        [e.id for e in members[1:]] + [reserve.id]
    )
    assert panel.reserve_members == []


def test_without_a_reserve_the_scores_wait_for_a_new_panel():
    tender, _bids, staff = _opened_with_bids()
    members = [helpers.expert() for _ in range(5)]
    operations.form_tender_panel(
        tender, member_ids=[e.id for e in members], reserve_ids=[], actor=staff
    )
    operations.declare_tender_conflict(
        tender, reason="家属任该组织法定代表人。", actor=members[1].user
    )
    db.session.commit()
    with pytest.raises(operations.ProcurementError) as refused:
        operations.compute_scores(tender, actor=staff)
    assert (
        refused.value.message
        == "有成员回避后，评标委员会现有 4 名成员，应为 5 名；请解散后重新组建。"
    )
    operations.dissolve_tender_panel(tender, actor=staff)
    db.session.commit()
    assert operations.tender_panel(tender) is None


def test_a_member_with_submitted_sheets_cannot_step_back():
    tender, bids, staff = _opened_with_bids()
    members = [helpers.expert() for _ in range(5)]
    operations.form_tender_panel(
        tender, member_ids=[e.id for e in members], reserve_ids=[], actor=staff
    )
    from venture.procurement.conflicts import declare_no_tie
    from venture.review.operations import criteria_of

    criteria = criteria_of(tender.call_id)
    declare_no_tie(bids[0], reviewer=members[0], actor=members[0].user)
    sheet = operations.sheet_for(bids[0], members[0])
    operations.submit_bid_sheet(
        sheet,
        entries={c.id: ("20", "") for c in criteria},
        overall_comment="",
        actor=members[0].user,
    )
    with pytest.raises(operations.ProcurementError) as refused:
        operations.declare_tender_conflict(tender, reason="关联。", actor=members[0].user)
    assert refused.value.message == "您的评分表已提交，不能再申请回避。"


def test_the_reviewer_steps_back_through_the_page(client, login):
    tender, _bids, staff = _opened_with_bids()
    members = [helpers.expert() for _ in range(5)]
    reserve = helpers.expert()
    operations.form_tender_panel(
        tender, member_ids=[e.id for e in members], reserve_ids=[reserve.id], actor=staff
    )
    db.session.commit()
    login(members[2].user)
    page = client.get("/review/tenders").get_data(as_text=True)
    assert _bids[0].organization.name in page
    response = client.post(f"/review/tenders/{tender.id}/conflict", data={"reason": "曾任理事。"})
    assert response.status_code == 302
    db.session.expire_all()
    assert members[2].id not in [m.reviewer_id for m in operations.tender_panel(tender).members]
