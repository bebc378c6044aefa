"""回避声明 before a bid's sheet opens, as in venture-grant review."""

import pytest

from tests import factories
from tests.procurement import helpers
from venture.auth.enums import Role
from venture.extensions import db
from venture.procurement import operations
from venture.procurement.conflicts import declare_no_tie, has_declared
from venture.review.models import ReviewSheet
from venture.review.operations import criteria_of


def _panel():
    staff = factories.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff)
    bids = [helpers.bid(tender, p) for p in ("90000.00", "95000.00", "99000.00")]
    helpers.opened(tender, staff)
    operations.check_compliance(tender, actor=staff)
    experts = [helpers.expert() for _ in range(5)]
    operations.form_tender_panel(
        tender, member_ids=[e.id for e in experts], reserve_ids=[], actor=staff
    )
    db.session.commit()
    return tender, bids, experts


def test_sheet_is_refused_until_the_member_declares_no_tie():
    tender, bids, experts = _panel()
    member = experts[0]
    entries = {c.id: ("20", "") for c in criteria_of(tender.call_id)}
    sheet = operations.sheet_for(bids[0], member)
    with pytest.raises(operations.ProcurementError) as refused:
        operations.save_bid_sheet(sheet, entries=entries, overall_comment="", actor=member.user)
    assert refused.value.message == (
        f"请先声明您与{bids[0].organization.name}无利害关系（回避声明），再为其投标评分。"
    )
    db.session.rollback()
    declare_no_tie(bids[0], reviewer=member, actor=member.user)
    sheet = operations.sheet_for(bids[0], member)
    operations.submit_bid_sheet(sheet, entries=entries, overall_comment="", actor=member.user)
    db.session.commit()
    assert (has_declared(bids[0], member), has_declared(bids[1], member)) == (True, False)
    assert sheet.total == 40


def test_the_sheet_page_asks_for_the_declaration_first(client, login):
    tender, bids, experts = _panel()
    login(experts[0].user)
    page = client.get(f"/review/tenders/bids/{bids[0].id}").get_data(as_text=True)
    assert "回避声明" in page and 'name="score-' not in page
    response = client.post(f"/review/tenders/bids/{bids[0].id}/no-conflict")
    assert response.headers["Location"] == f"/review/tenders/bids/{bids[0].id}"
    page = client.get(f"/review/tenders/bids/{bids[0].id}").get_data(as_text=True)
    assert 'name="score-' in page
    assert db.session.query(ReviewSheet).count() == 0  # the sheet is made on the first save
