"""The ledger's count and totals, kept under the ledger's stamp (payments.models.keep_ledger_stamp)
in one of 64 rows by their filters (ledger_query.kept_ledger_totals): right after each
operation that moves them, each filter its own figures when two share a row, the table
bounded however many searches are typed, checked by the integrity rule
payments.ledger_totals."""

import re
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from tests.payments.test_ledger_figures import DAY, approved_first, pay
from venture.auth.enums import Role
from venture.calls.enums import Route
from venture.contracts import operations as contract_operations
from venture.core.cache import CachedFigure
from venture.extensions import db
from venture.integrity.checks import run_checks
from venture.orgs import operations as org_operations
from venture.payments import ledger_query, operations
from venture.payments.enums import InstallmentState
from venture.payments.ledger_query import LedgerFilters, kept_ledger_totals, ledger_slot
from venture.payments.models import LEDGER_STAMP, Installment, Payment

TABLE = CachedFigure.__table__


def kept(**args):
    """The kept (count, due, paid) of these query-string filters, checked against a fresh
    computation."""
    filters = LedgerFilters.from_args(args)
    figures = kept_ledger_totals(filters)
    assert figures == ledger_query.ledger_totals(filters)
    return figures


def shown(client, query=""):
    """(due, paid) as the ledger page shows them."""
    page = client.get(f"/finance/ledger{query}").get_data(as_text=True)
    return tuple(
        re.search(rf'id="total-{name}">([^<]*)<', page).group(1) for name in ("due", "paid")
    )


def stamp():
    return db.session.scalar(sa.select(TABLE.c.value).where(TABLE.c.key == LEDGER_STAMP))


def ledger_rows():
    return db.session.scalar(
        sa.select(sa.func.count()).where(TABLE.c.key.startswith(ledger_query.LEDGER_TOTALS))
    )


def findings():
    return [(f.record, f.detail) for f in run_checks() if f.rule == "payments.ledger_totals"]


def money(text):
    return Decimal(text)


def test_the_totals_follow_payments_and_installments(make, client, login):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    contract = make.contract("1000.00", state="signed", staff=staff)  # 500, 300 and 200
    first = contract.installments[0]
    login(finance)
    assert kept(state="release_approved") == (0, money("0.00"), money("0.00"))
    operations.approve_release(first, actor=staff)  # an installment approved
    db.session.commit()
    assert kept() == (3, money("1000.00"), money("0.00"))
    assert kept(state="release_approved") == (1, money("500.00"), money("0.00"))
    assert shown(client) == ("¥1,000.00", "¥0.00")
    moved = stamp()
    pay(first, "120.50", DAY, finance, "记-1")  # recording a payment
    assert stamp() != moved
    assert kept() == (3, money("1000.00"), money("120.50"))
    assert kept(**{"from": "2026-03-01", "to": "2026-03-01"}) == (
        1,
        money("500.00"),
        money("120.50"),
    )
    assert kept(**{"from": "2026-03-02"}) == (0, money("0.00"), money("0.00"))
    assert shown(client) == ("¥1,000.00", "¥120.50")
    pay(first, "379.50", DAY + timedelta(days=5), finance, "记-2")  # paid in full
    assert kept(state="paid") == (1, money("500.00"), money("500.00"))
    assert kept(state="release_approved") == (0, money("0.00"), money("0.00"))
    assert kept(**{"from": "2026-03-02"}) == (1, money("500.00"), money("500.00"))
    assert shown(client, "?state=paid") == ("¥500.00", "¥500.00")
    # a payment removed (no operation reverses one today; the hook sees any flush)
    db.session.delete(db.session.scalar(sa.select(Payment).where(Payment.voucher_no == "记-2")))
    db.session.commit()
    assert kept() == (3, money("1000.00"), money("120.50"))
    assert kept(**{"from": "2026-03-02"}) == (0, money("0.00"), money("0.00"))
    assert shown(client) == ("¥1,000.00", "¥120.50")
    # an installment approved, changed, added
    second = first.contract.installments[1]
    second.state = InstallmentState.RELEASE_APPROVED
    db.session.commit()
    assert kept(state="release_approved") == (1, money("300.00"), money("0.00"))
    assert kept(state="paid") == (1, money("500.00"), money("120.50"))  # its state stays
    second.amount = Decimal("299.99")
    db.session.commit()
    assert kept() == (3, money("999.99"), money("120.50"))
    db.session.add(
        Installment(
            contract_id=first.contract_id,
            position=4,
            percent=Decimal("1"),
            condition=first.condition,
            amount=Decimal("10.01"),
        )
    )
    db.session.commit()
    assert kept() == (4, money("1010.00"), money("120.50"))
    assert shown(client) == ("¥1,010.00", "¥120.50")
    assert findings() == []


def test_the_totals_follow_the_contracts(make, client, login):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    login(finance)
    draft = make.contract("2000.00", staff=staff, route="targeted")
    assert kept(route="targeted") == (0, money("0.00"), money("0.00"))
    assert shown(client, "?route=targeted") == ("¥0.00", "¥0.00")
    contract_operations.issue_contract(draft, actor=staff)  # issued: in the ledger
    db.session.commit()
    assert kept(route="targeted") == (3, money("2000.00"), money("0.00"))
    assert kept(call=str(draft.call_id)) == (3, money("2000.00"), money("0.00"))
    assert shown(client, "?route=targeted") == ("¥2,000.00", "¥0.00")
    contract_operations.decide_contract(draft, "recall", actor=staff, reason="金额有误")
    db.session.commit()  # back to draft: out of it
    assert kept(route="targeted") == (0, money("0.00"), money("0.00"))
    # no operation changes a route today; the hook would follow
    draft.route, draft.sequence, draft.number = Route.VENTURE_GRANT, 999, "XF-GYCT-2026-0999"
    db.session.commit()
    contract_operations.issue_contract(draft, actor=staff)
    db.session.commit()
    assert kept(route="targeted") == (0, money("0.00"), money("0.00"))
    assert kept(route="venture_grant") == (3, money("2000.00"), money("0.00"))
    moved = stamp()
    draft.number = "XF-DXGM-2026-9999"  # the totals stay, the stamp moves
    db.session.commit()
    assert stamp() != moved
    assert kept(route="venture_grant") == (3, money("2000.00"), money("0.00"))
    contract_operations.decide_contract(draft, "terminate", actor=staff, reason="机构注销")
    db.session.commit()  # terminated: still in the ledger, its route kept
    assert kept(route="venture_grant") == (3, money("2000.00"), money("0.00"))
    other = make.contract("500.00", state="issued", staff=staff)
    assert kept() == (6, money("2500.00"), money("0.00"))
    assert kept(call=str(other.call_id)) == (3, money("500.00"), money("0.00"))
    assert shown(client) == ("¥2,500.00", "¥0.00")
    assert findings() == []


def test_an_organization_renamed_is_found_by_its_new_name_only(make, client, login):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    contract = make.contract("1000.00", state="issued", staff=staff)
    org = contract.organization
    org.name = "香坊区阳光助老服务中心"
    db.session.commit()
    login(finance)
    assert kept(organization="阳光") == (3, money("1000.00"), money("0.00"))
    assert kept(organization="晨曦") == (0, money("0.00"), money("0.00"))
    assert shown(client, "?organization=阳光") == ("¥1,000.00", "¥0.00")
    org_operations.update_organization(
        org, profile={"name": "香坊区晨曦助老服务中心"}, actor=make.member(org)
    )
    db.session.commit()
    assert kept(organization="阳光") == (0, money("0.00"), money("0.00"))
    assert kept(organization="晨曦") == (3, money("1000.00"), money("0.00"))
    assert shown(client, "?organization=阳光") == ("¥0.00", "¥0.00")
    assert shown(client, "?organization=晨曦") == ("¥1,000.00", "¥0.00")
    code = org.credit_code
    assert kept(organization=code) == (3, money("1000.00"), money("0.00"))
    assert findings() == []


def colliding():
    """Two organization searches whose totals share a row."""
    seen = {}
    for n in range(ledger_query.LEDGER_SLOTS + 1):
        args = {"organization": f"区{n}"}
        slot = ledger_slot(args)
        if slot in seen:
            return seen[slot], args
        seen[slot] = args
    raise AssertionError("65 texts in 64 slots")


def test_two_filters_in_one_row_each_get_their_own_figures(make):
    staff = make.user(Role.STAFF)
    mine = make.contract("1000.00", state="issued", staff=staff)
    theirs = make.contract("3000.00", state="issued", staff=staff)
    one, two = colliding()
    mine.organization.name = f"南岗{one['organization']}童心社"
    theirs.organization.name = f"道外{two['organization']}阳光社"
    db.session.commit()
    slot = ledger_slot(one)
    for _ in range(2):
        assert kept(**one) == (3, money("1000.00"), money("0.00"))
        assert db.session.get(CachedFigure, slot).value["stamp"][1] == one
        assert kept(**two) == (3, money("3000.00"), money("0.00"))
        assert db.session.get(CachedFigure, slot).value["stamp"][1] == two
        db.session.expire_all()
    assert findings() == []


def test_the_table_keeps_at_most_64_ledger_rows(make):
    make.contract("1000.00", state="issued")
    searches = [{"organization": f"没有的组织{n}"} for n in range(200)]
    for args in searches:
        assert kept(**args) == (0, money("0.00"), money("0.00"))
    slots = {ledger_slot(args) for args in searches}
    assert ledger_rows() == len(slots) <= 64
    assert len(slots) > 50
    assert findings() == []


def test_a_page_read_twice_reads_the_kept_figures(make, client, login, monkeypatch):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    first = approved_first(make, staff)
    pay(first, "100.00", date(2026, 2, 1), finance, "记-1")
    login(finance)
    assert shown(client, "?state=release_approved") == ("¥500.00", "¥100.00")

    def refused(_filters):
        raise AssertionError("computed again")

    monkeypatch.setattr(ledger_query, "ledger_totals", refused)
    assert shown(client, "?state=release_approved") == ("¥500.00", "¥100.00")


def test_integrity_finds_kept_totals_that_are_not_the_installments(make):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    first = approved_first(make, staff)
    pay(first, "100.00", DAY, finance, "记-1")
    args = {"route": "venture_grant"}
    assert kept(**args) == (3, money("1000.00"), money("100.00"))
    key = ledger_slot(args)
    row = db.session.get(CachedFigure, key)
    row.value = {**row.value, "value": [3, "1000.00", "90.00"]}
    db.session.commit()
    assert findings() == [
        (
            key,
            "stored (installments, due, paid) [3, '1000.00', '90.00'] for "
            "{'route': 'venture_grant'}, the installments give [3, '1000.00', '100.00']",
        )
    ]
    other = ledger_slot({"route": "tender"})
    db.session.execute(sa.update(CachedFigure).where(CachedFigure.key == key).values(key=other))
    db.session.commit()
    assert findings() == [
        (
            other,
            f"the totals of {{'route': 'venture_grant'}} are kept under {other}, their slot "
            f"is {key}",
        )
    ]
    pay(first, "50.00", DAY, finance, "记-2")  # the stamp moved: a stale row is not checked
    assert findings() == []
