"""The opening online in a real browser: a bidder's member reads the opening record and
confirms it; the record then shows the confirmation."""

import pytest

from tests import factories
from tests.procurement import helpers
from venture.auth.enums import Role
from venture.extensions import db
from venture.procurement import opening
from venture.procurement.practice_enums import OpeningAnswer

pytestmark = pytest.mark.browser


def test_bidder_confirms_the_opening_record(page, browser_login):
    staff = factories.user(Role.STAFF, name="李主管")
    tender = helpers.published_tender(staff=staff)
    bids = [helpers.bid(tender, p) for p in ("90000.00", "95000.00", "99000.00")]
    helpers.opened(tender, staff)
    member = bids[1].member
    browser_login(member)

    page.goto(f"/tenders/{tender.id}/opening")
    record = page.locator("#opening-record")
    assert record.locator("tbody tr").count() == 3
    assert "¥95,000.00" in record.inner_text()
    page.check("input[name=answer][value=confirmed]")
    page.click("#send-answer")
    page.wait_for_selector("#own-answer")
    assert "已确认" in page.inner_text("#own-answer")
    answers = page.inner_text("#opening-answers")
    assert bids[1].organization.name in answers and "已确认" in answers
    assert page.locator("#opening-answer-form").count() == 0

    db.session.expire_all()
    responses = opening.responses_of(tender)
    assert [(r.bid_id, r.answer, r.responded_by_id) for r in responses] == [
        (bids[1].id, OpeningAnswer.CONFIRMED, member.id)
    ]
