"""废标: detection, the notice, then a new tender with the documents copied or an approved
change of route."""

from decimal import Decimal

import pytest

from tests import factories
from tests.procurement import helpers
from tests.procurement.practice_helpers import bonded_tender, pay_bond
from venture.announcements.enums import AnnouncementKind
from venture.auth.enums import Role
from venture.calls.enums import Route
from venture.core.audit import AuditEntry
from venture.core.timeutil import to_local
from venture.extensions import db
from venture.procurement import bonds, failure, operations
from venture.procurement.enums import TenderMethod
from venture.procurement.practice_enums import FailureOutcome, FailureReason
from venture.review.operations import criteria_of


def _two_compliant(staff):
    """Three bids opened, one above the ceiling: two compliant after the check."""
    tender = bonded_tender(staff=staff)
    finance = factories.user(Role.FINANCE)
    made = [helpers.bid(tender, p) for p in ("90000.00", "95000.00", "120000.00")]
    for bid in made:
        pay_bond(bid, finance=finance)
    helpers.opened(tender, staff)
    operations.check_compliance(tender, actor=staff)
    db.session.commit()
    return tender, made


def test_tender_with_two_compliant_bids_ends_as_failed_with_a_public_notice():
    staff = factories.user(Role.STAFF)
    tender, made = _two_compliant(staff)
    condition = failure.failure_condition(tender)
    assert (condition.reason, condition.bids, condition.compliant) == (
        FailureReason.FEWER_COMPLIANT,
        3,
        2,
    )
    failed = failure.declare_failure(tender, actor=staff)
    db.session.commit()
    assert tender.failure is failed
    notice = failed.announcement
    assert (notice.kind, notice.title, notice.call_id, notice.period_days) == (
        AnnouncementKind.TENDER_FAILED,
        f"废标公告：{tender.call.title}",
        tender.call_id,
        1,
    )
    assert "3份投标中仅2份通过符合性审查" in notice.body
    with pytest.raises(operations.ProcurementError) as refused:
        operations.compute_scores(tender, actor=staff)
    assert refused.value.message == "该项目已废标，不再评标。"
    # the bonds fall due five working days after the failure
    due = bonds.refund_due(made[0].bond)
    assert due == bonds.refund_due_after(to_local(failed.declared_at).date())
    entry = db.session.query(AuditEntry).filter_by(action="tender.fail").one()
    assert entry.after_data["reason"] == "fewer_compliant"


def test_tender_with_three_compliant_bids_does_not_fail():
    staff = factories.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff)
    for price in ("90000.00", "95000.00", "99000.00"):
        helpers.bid(tender, price)
    helpers.opened(tender, staff)
    operations.check_compliance(tender, actor=staff)
    assert failure.failure_condition(tender) is None
    with pytest.raises(failure.FailureError) as refused:
        failure.declare_failure(tender, actor=staff)
    assert refused.value.message == "该项目不符合废标条件：符合要求的投标不少于三家。"


def test_two_bidders_fail_at_the_opening():
    staff = factories.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff)
    helpers.bid(tender, "90000.00")
    helpers.bid(tender, "95000.00")
    helpers.opened(tender, staff)
    condition = failure.failure_condition(tender)
    assert (condition.reason, condition.bids, condition.compliant) == (
        FailureReason.FEWER_BIDS,
        2,
        None,
    )


def test_tendering_again_copies_the_documents():
    staff = factories.user(Role.STAFF)
    tender, _made = _two_compliant(staff)
    failed = failure.declare_failure(tender, actor=staff)
    new = failure.retender(failed, actor=staff)
    db.session.commit()
    call = new.call
    assert (call.route, call.title, call.published_at, call.total_budget) == (
        Route.TENDER,
        f"{tender.call.title}（重新招标）",
        None,
        tender.call.total_budget,
    )
    assert (
        new.method,
        new.requirements,
        new.required_documents,
        new.budget_ceiling,
        new.price_weight,
        new.bond_amount,
    ) == (
        tender.method,
        tender.requirements,
        tender.required_documents,
        tender.budget_ceiling,
        tender.price_weight,
        Decimal("2000.00"),
    )
    assert [(c.name, c.max_score) for c in criteria_of(call.id)] == [
        (c.name, c.max_score) for c in criteria_of(tender.call_id)
    ]
    assert (failed.outcome, failed.successor_call_id) == (FailureOutcome.RETENDER, call.id)
    entry = db.session.query(AuditEntry).filter_by(action="tender.after_failure").one()
    assert (entry.after_data["outcome"], entry.after_data["call_id"]) == ("retender", call.id)


def test_changing_route_needs_the_approval_document():
    staff = factories.user(Role.STAFF)
    tender, _made = _two_compliant(staff)
    failed = failure.declare_failure(tender, actor=staff)
    with pytest.raises(failure.FailureError) as refused:
        failure.change_route(
            failed,
            outcome="negotiation",
            approval=None,
            reference="香财采〔2026〕12号",
            actor=staff,
        )
    assert (refused.value.message, refused.value.field) == (
        "请上传变更采购方式批复。",
        "approval",
    )
    assert failed.outcome is None
    call = failure.change_route(
        failed,
        outcome="negotiation",
        approval=helpers.pdf("变更采购方式批复.pdf"),
        reference="香财采〔2026〕12号",
        actor=staff,
    )
    db.session.commit()
    successor = operations.tender_of(call.id)
    assert (successor.method, call.title) == (
        TenderMethod.NEGOTIATION,
        f"{tender.call.title}（竞争性磋商）",
    )
    assert (failed.outcome, failed.approval_reference, failed.approval.original_name) == (
        FailureOutcome.NEGOTIATION,
        "香财采〔2026〕12号",
        "变更采购方式批复.pdf",
    )


def test_single_source_after_failure_is_a_targeted_purchase_call():
    staff = factories.user(Role.STAFF)
    tender, _made = _two_compliant(staff)
    failed = failure.declare_failure(tender, actor=staff)
    call = failure.change_route(
        failed,
        outcome="single_source",
        approval=helpers.pdf("批复.pdf"),
        reference="香财采〔2026〕13号",
        actor=staff,
    )
    db.session.commit()
    assert (call.route, operations.tender_of(call.id)) == (Route.TARGETED, None)
    with pytest.raises(failure.FailureError) as refused:
        failure.retender(failed, actor=staff)
    assert refused.value.message == "废标后的处理方式已确定。"


def test_staff_mark_the_failure_and_tender_again_through_the_pages(client, login):
    staff = factories.user(Role.STAFF)
    tender, _made = _two_compliant(staff)
    login(staff)
    page = client.get(f"/staff/tenders/{tender.id}/evaluation").get_data(as_text=True)
    assert "3份投标中仅2份通过符合性审查" in page
    assert client.post(f"/staff/tenders/{tender.id}/failure/declare").status_code == 302
    page = client.get(f"/staff/tenders/{tender.id}/failure").get_data(as_text=True)
    assert "符合要求的投标人不足三家" in page
    response = client.post(
        f"/staff/tenders/{tender.id}/failure/change-route",
        data={"outcome": "negotiation", "reference": "香财采〔2026〕14号"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert tender.failure.outcome is None  # no approval uploaded
    response = client.post(f"/staff/tenders/{tender.id}/failure/retender")
    assert response.status_code == 302
    db.session.expire_all()
    assert tender.failure.outcome == FailureOutcome.RETENDER
    assert (
        response.headers["Location"]
        == f"/staff/calls/{tender.failure.successor_call_id}/tender/edit"
    )
