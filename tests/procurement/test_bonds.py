"""投标保证金: the 2% cap, payment and finance's confirmation, compliance at the opening,
refund due dates in working days, overdue refunds, the ledger."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.procurement import helpers
from tests.procurement.practice_helpers import bonded_tender, pay_bond
from venture.auth.enums import Role
from venture.extensions import db
from venture.procurement import bonds, operations
from venture.procurement.enums import AwardState, BidState
from venture.procurement.models import Award
from venture.procurement.practice_enums import BondState


def _tender_values(bond):
    tender = helpers.tender_call()
    values = {
        "method": tender.method,
        "evaluation": tender.evaluation,
        "requirements": tender.requirements,
        "budget_ceiling": tender.budget_ceiling,
        "price_weight": tender.price_weight,
        "required_documents": tender.required_documents,
        "bid_deadline": tender.call.closes_at,
        "opening_at": tender.opening_at,
        "opening_place": tender.opening_place,
        "bond_amount": bond,
    }
    return tender, values


def test_bond_over_two_percent_of_the_budget_is_refused_with_the_rule():
    tender, values = _tender_values(Decimal("4000.01"))
    with pytest.raises(operations.FormErrors) as refused:
        operations.save_tender(tender.call, values, actor=tender.call.created_by)
    assert refused.value.errors == {
        "bond_amount": "投标保证金不得超过采购项目预算金额的2%（政府采购法实施条例 第三十三条）："
        "预算¥200,000.00的项目最多¥4,000.00，¥4,000.01超过了上限。"
    }


def test_bond_of_exactly_two_percent_is_kept():
    tender, values = _tender_values(Decimal("4000.00"))
    operations.save_tender(tender.call, values, actor=tender.call.created_by)
    db.session.commit()
    assert tender.bond_amount == Decimal("4000.00")


def test_refund_due_date_counts_working_days_across_national_day():
    # 2026: 10-01 … 10-07 off, 10-10 (Saturday) a make-up working day
    assert bonds.refund_due_after(date(2026, 9, 30)) == date(2026, 10, 13)
    assert bonds.refund_due_after(date(2026, 11, 2)) == date(2026, 11, 9)


def _awarded_tender():
    staff = factories.user(Role.STAFF)
    finance = factories.user(Role.FINANCE)
    tender = bonded_tender(staff=staff, ceiling="150000.00")
    made = [helpers.bid(tender, p) for p in ("90000.00", "100000.00", "120000.00")]
    for bid in made:
        pay_bond(bid, finance=finance)
    helpers.evaluated(tender, {b: [30, 20] for b in made}, staff=staff)
    operations.propose_tender_award(tender, actor=staff)
    award = db.session.query(Award).one()
    award.state, award.final_at = AwardState.FINAL, datetime(2026, 9, 30, 2, 0, tzinfo=UTC)
    for bid in made:
        bid.state = BidState.WON if bid.id == award.bid_id else BidState.LOST
    db.session.commit()
    return tender, made, finance


def test_refund_of_unsuccessful_bidders_is_due_five_working_days_after_the_award_notice():
    _tender, made, _finance = _awarded_tender()
    winner, *losers = made
    assert [bonds.refund_due(b.bond) for b in losers] == [date(2026, 10, 13)] * 2
    assert bonds.refund_basis(winner.bond) is None  # held until the contract is signed


def test_overdue_refunds_are_those_past_their_due_day():
    _tender, made, finance = _awarded_tender()
    assert bonds.overdue_refunds(today=date(2026, 10, 13)) == []
    late = bonds.overdue_refunds(today=date(2026, 10, 14))
    assert [(b.bid_id, due) for b, due in late] == [
        (made[1].id, date(2026, 10, 13)),
        (made[2].id, date(2026, 10, 13)),
    ]
    bonds.refund_bond(made[1].bond, actor=finance)
    db.session.commit()
    assert [b.bid_id for b, _ in bonds.overdue_refunds(today=date(2026, 10, 14))] == [made[2].id]
    assert made[1].bond.state == BondState.REFUNDED


def test_bid_without_a_confirmed_bond_is_non_compliant_at_the_opening():
    staff = factories.user(Role.STAFF)
    tender = bonded_tender(staff=staff)
    confirmed = helpers.bid(tender, "95000.00")
    pay_bond(confirmed)
    unconfirmed = helpers.bid(tender, "96000.00")
    pay_bond(unconfirmed, confirm=False)
    unpaid = helpers.bid(tender, "97000.00")
    helpers.opened(tender, staff)
    operations.check_compliance(tender, actor=staff)
    db.session.commit()
    assert [b.state for b in (confirmed, unconfirmed, unpaid)] == [
        BidState.COMPLIANT,
        BidState.NON_COMPLIANT,
        BidState.NON_COMPLIANT,
    ]
    assert unconfirmed.compliance_reasons == ["没有经财务确认的投标保证金¥2,000.00。"]
    assert unpaid.compliance_reasons == ["没有经财务确认的投标保证金¥2,000.00。"]


def test_only_finance_confirms_a_bond():
    tender = bonded_tender()
    bid = helpers.bid(tender, "95000.00")
    bond = pay_bond(bid, confirm=False)
    with pytest.raises(bonds.BondError) as refused:
        bonds.confirm_bond(bond, actor=factories.user(Role.STAFF))
    assert refused.value.message == "只有财务人员可以确认保证金和登记退还。"
    assert bond.state == BondState.RECORDED


def test_bond_below_the_tenders_amount_is_refused():
    tender = bonded_tender()
    bid = helpers.bid(tender, "95000.00")
    with pytest.raises(bonds.BondError) as refused:
        bonds.record_bond(
            bid,
            form="guarantee",
            amount=Decimal("1999.99"),
            reference="BH-001",
            proof=helpers.pdf(),
            actor=bid.member,
        )
    assert (refused.value.message, refused.value.field) == (
        "本项目的投标保证金为¥2,000.00，登记金额不得低于此数。",
        "amount",
    )


def test_bond_ledger_xlsx_lists_each_bond_with_its_refund_due_day():
    _tender, made, _finance = _awarded_tender()
    sheet = load_workbook(io.BytesIO(bonds.ledger_xlsx())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("招标项目", "投标人", "统一社会信用代码", "形式", "金额")
    assert len(rows) == 4
    assert rows[2][1] == made[1].organization.name
    assert (rows[2][4], rows[2][6], rows[2][9]) == (2000, "已确认收到", "2026年10月13日")


def test_overdue_refunds_are_reported_by_the_command_and_on_finance_home(app, client, login):
    import time_machine

    from venture.notifications.models import Notification

    _tender, made, finance = _awarded_tender()
    with time_machine.travel(datetime(2026, 10, 14, 2, 0, tzinfo=UTC), tick=False):
        result = app.test_cli_runner().invoke(args=["procurement", "remind-bonds"])
        assert result.exit_code == 0, result.output
        lines = result.output.strip().splitlines()
        assert lines[-1] == "2 bid bond refunds overdue."
        assert lines[0].split("\t")[1:] == [made[1].organization.name, "2000.00", "2026-10-13"]
        notice = db.session.query(Notification).filter_by(user_id=finance.id).one()
        assert notice.subject == "逾期未退还的投标保证金：2笔"
        login(finance)
        home = client.get("/").get_data(as_text=True)
        assert "逾期未退还：2笔" in home and "应于2026年10月13日前退还" in home


def test_bidder_records_the_bond_and_finance_confirms_it_through_the_pages(client, login):
    from tests.pdf_bytes import MINIMAL_PDF

    tender = bonded_tender()
    bid = helpers.bid(tender, "95000.00")
    login(bid.member)
    response = client.post(
        f"/bids/{bid.id}/bond",
        data={
            "form": "guarantee",
            "amount": "2000.00",
            "reference": "BH-2026-0098",
            "proof": (io.BytesIO(MINIMAL_PDF), "保函.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (bid.bond.state, bid.bond.amount, bid.bond.proof.original_name) == (
        BondState.RECORDED,
        Decimal("2000.00"),
        "保函.pdf",
    )
    missing = client.post(
        f"/bids/{bid.id}/bond",
        data={"form": "transfer", "amount": "2000.00", "reference": "HX-1"},
        content_type="multipart/form-data",
    )
    assert missing.status_code == 400
    assert "请上传银行转账回单或保函。" in missing.get_data(as_text=True)
    client.post("/logout")
    finance = login(factories.user(Role.FINANCE))
    ledger = client.get("/finance/bonds").get_data(as_text=True)
    assert bid.organization.name in ledger and "BH-2026-0098" in ledger
    assert client.post(f"/finance/bids/{bid.id}/bond/confirm").status_code == 302
    db.session.expire_all()
    assert (bid.bond.state, bid.bond.confirmed_by_id) == (BondState.CONFIRMED, finance.id)
