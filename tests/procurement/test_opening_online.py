"""The opening online: bid receipts, bidders confirming the opening record or objecting
(唱标异议), staff answering before the evaluation starts, and the record PDF listing it all."""

import pytest

from tests import factories
from tests.pdf_checks import pdf_text
from tests.procurement import helpers
from venture.auth.enums import Role
from venture.core.lifecycle import TransitionRefused
from venture.core.timeutil import to_local
from venture.extensions import db
from venture.procurement import opening, operations
from venture.procurement.enums import BidState
from venture.procurement.practice_enums import OpeningAnswer


def test_receipt_pdf_holds_the_digest_and_time_to_the_second_and_no_price(tmp_path):
    tender = helpers.published_tender()
    bid = helpers.bid(tender, "96543.21")
    text = pdf_text(opening.render_bid_receipt(bid), tmp_path / "receipt.pdf")
    flat = "".join(text.split())
    assert "投标回执" in text
    assert bid.seal_digest in flat
    assert to_local(bid.submitted_at).strftime("%Y-%m-%d%H:%M:%S") in flat
    assert bid.organization.name in text and tender.call.title in text
    assert "96543" not in flat and "96,543" not in flat
    assert bid.approach not in text


def test_receipt_download_is_for_the_bidder_of_a_submitted_bid(client, login):
    tender = helpers.published_tender()
    bid = helpers.bid(tender, "95000.00")
    draft = helpers.bid(tender, "94000.00", submit=False)
    login(bid.member)
    response = client.get(f"/bids/{bid.id}/receipt.pdf")
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    assert client.get(f"/bids/{draft.id}/receipt.pdf").status_code == 404
    login(draft.member)
    assert client.get(f"/bids/{draft.id}/receipt.pdf").status_code == 404


def _opened_three():
    staff = factories.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff)
    bids = [helpers.bid(tender, p) for p in ("90000.00", "95000.00", "99000.00")]
    helpers.opened(tender, staff)
    return tender, bids, staff


def test_opening_record_lists_the_bidders_confirmations_and_objections(tmp_path):
    tender, bids, staff = _opened_three()
    opening.respond_to_opening(tender, answer="confirmed", reason="", actor=bids[0].member)
    opening.respond_to_opening(
        tender,
        answer="objected",
        reason="我方报价应为九万五千元整，唱标无误但版本号有误。",
        actor=bids[1].member,
    )
    db.session.commit()
    responses = opening.responses_of(tender)
    assert [(r.bid_id, r.answer, r.waiting) for r in responses] == [
        (bids[0].id, OpeningAnswer.CONFIRMED, False),
        (bids[1].id, OpeningAnswer.OBJECTED, True),
    ]
    opening.answer_objection(responses[1], reply="经核对，版本号为第1版，记录无误。", actor=staff)
    db.session.commit()
    text = pdf_text(tender.opening_record.path.read_bytes(), tmp_path / "opening.pdf")
    flat = "".join(text.split())
    assert "开标记录确认与唱标异议" in flat
    assert f"{bids[0].organization.name}：已确认" in flat
    assert f"{bids[1].organization.name}：唱标异议" in flat
    assert "异议：我方报价应为九万五千元整，唱标无误但版本号有误。" in flat
    assert f"{staff.name}于" in flat and "答复：经核对，版本号为第1版，记录无误。" in flat
    assert bids[2].organization.name in flat  # listed among the opened bids


def test_objection_blocks_the_evaluation_until_it_is_answered():
    tender, bids, staff = _opened_three()
    response = opening.respond_to_opening(
        tender, answer="objected", reason="唱标价格与我方报价不符。", actor=bids[2].member
    )
    db.session.commit()
    with pytest.raises(operations.ProcurementError) as refused:
        operations.check_compliance(tender, actor=staff)
    assert refused.value.message == "有1项唱标异议尚未答复；请在评标开始前答复。"
    db.session.rollback()
    assert tender.compliance_checked_at is None
    opening.answer_objection(response, reply="已核对原始投标文件，唱标无误。", actor=staff)
    operations.check_compliance(tender, actor=staff)
    db.session.commit()
    assert [b.state for b in bids] == [BidState.COMPLIANT] * 3


def test_objection_needs_a_reason_and_one_answer_per_bidder():
    tender, bids, _staff = _opened_three()
    with pytest.raises(TransitionRefused) as refused:
        opening.respond_to_opening(tender, answer="objected", reason=" ", actor=bids[0].member)
    assert refused.value.message == "请说明开标记录中有误之处。"
    opening.respond_to_opening(tender, answer="confirmed", reason="", actor=bids[0].member)
    with pytest.raises(TransitionRefused) as refused:
        opening.respond_to_opening(tender, answer="confirmed", reason="", actor=bids[0].member)
    assert refused.value.message == "贵单位已对开标记录作出确认或异议。"


def test_answers_close_when_the_evaluation_starts():
    tender, bids, staff = _opened_three()
    operations.check_compliance(tender, actor=staff)
    db.session.commit()
    with pytest.raises(TransitionRefused) as refused:
        opening.respond_to_opening(tender, answer="confirmed", reason="", actor=bids[0].member)
    assert refused.value.message == "评标已开始，不能再对开标记录确认或提出异议。"


def test_a_bidder_confirms_and_staff_answer_through_the_pages(client, login):
    tender, bids, staff = _opened_three()
    login(bids[0].member)
    page = client.get(f"/tenders/{tender.id}/opening").get_data(as_text=True)
    assert 'id="opening-answer-form"' in page
    response = client.post(
        f"/tenders/{tender.id}/opening/answer", data={"answer": "objected", "reason": "报价有误。"}
    )
    assert response.status_code == 302
    page = client.get(f"/tenders/{tender.id}/opening").get_data(as_text=True)
    assert 'id="own-answer"' in page and 'id="opening-answer-form"' not in page
    client.post("/logout")
    login(staff)
    evaluation = client.get(f"/staff/tenders/{tender.id}/evaluation").get_data(as_text=True)
    assert "有1项唱标异议尚未答复" in evaluation
    response_id = opening.responses_of(tender)[0].id
    response = client.post(
        f"/staff/tenders/{tender.id}/opening/reply",
        data={"response_id": str(response_id), "reply": "已核对，唱标无误。"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert opening.responses_of(tender)[0].reply == "已核对，唱标无误。"
