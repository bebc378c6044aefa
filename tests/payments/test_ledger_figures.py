"""The installment's kept ledger figures (first and last payment date, ledger route): right after
each operation that moves them, checked by `flask integrity check`, and the ledger's filters
reading them select what the payments and contracts themselves select."""

import re
from datetime import date, timedelta
from decimal import Decimal
from itertools import product

import sqlalchemy as sa

from venture.auth.enums import Role
from venture.calls.enums import Route
from venture.contracts import operations as contract_operations
from venture.contracts.enums import ContractState
from venture.contracts.models import Contract
from venture.extensions import db
from venture.integrity.checks import run_checks
from venture.payments import ledger_query, operations
from venture.payments.enums import InstallmentState
from venture.payments.models import Installment, Payment

DAY = date(2026, 3, 1)
COLUMN = {"call": "call_id", "org": "organization_id"}


def figures(installment):
    db.session.expire_all()
    row = db.session.get(Installment, installment.id)
    return row.first_paid_on, row.last_paid_on, row.ledger_route


def pay(installment, amount, on, finance, voucher):
    operations.record_payment(
        installment,
        amount=Decimal(amount),
        paid_on=on,
        voucher_no=voucher,
        bank_reference=f"BR-{voucher}",
        actor=finance,
    )
    db.session.commit()


def approved_first(make, staff, route="venture_grant"):
    contract = make.contract("1000.00", state="signed", staff=staff, route=route)
    first = contract.installments[0]
    operations.approve_release(first, actor=staff)
    db.session.commit()
    return first


def ledger_findings():
    return [
        (f.record, f.detail) for f in run_checks() if f.rule == "money.installment_ledger_figures"
    ]


def test_payment_dates_are_kept_with_each_payment_added_or_removed(make):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    first = approved_first(make, staff)
    grant = Route.VENTURE_GRANT
    assert figures(first) == (None, None, grant)
    pay(first, "100.00", DAY + timedelta(days=10), finance, "记-1")
    assert figures(first) == (DAY + timedelta(days=10), DAY + timedelta(days=10), grant)
    pay(first, "100.00", DAY, finance, "记-2")  # entered late: an earlier day
    pay(first, "100.00", DAY + timedelta(days=20), finance, "记-3")
    assert figures(first) == (DAY, DAY + timedelta(days=20), grant)
    for voucher, expected in [
        ("记-2", (DAY + timedelta(days=10), DAY + timedelta(days=20))),
        ("记-3", (DAY + timedelta(days=10), DAY + timedelta(days=10))),
        ("记-1", (None, None)),
    ]:
        db.session.delete(
            db.session.scalar(sa.select(Payment).where(Payment.voucher_no == voucher))
        )
        db.session.commit()
        assert figures(first) == (*expected, grant)
    assert ledger_findings() == []


def test_ledger_route_follows_the_contract_out_of_draft_and_back(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", staff=staff, route="targeted")
    installments = list(contract.installments)

    def routes():
        return [figures(installment)[2] for installment in installments]

    assert routes() == [None, None, None]
    contract_operations.issue_contract(contract, actor=staff)
    db.session.commit()
    assert routes() == [Route.TARGETED] * 3
    contract_operations.decide_contract(contract, "recall", actor=staff, reason="金额有误")
    db.session.commit()
    assert (contract.state, routes()) == (ContractState.DRAFT, [None, None, None])
    contract_operations.issue_contract(contract, actor=staff)
    db.session.commit()
    contract_operations.decide_contract(contract, "terminate", actor=staff, reason="机构注销")
    db.session.commit()
    assert (contract.state, routes()) == (ContractState.TERMINATED, [Route.TARGETED] * 3)
    assert ledger_findings() == []


def test_integrity_check_finds_stored_ledger_figures_that_are_not_the_records(make):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    first = approved_first(make, staff)
    pay(first, "100.00", DAY, finance, "记-1")
    second = first.contract.installments[1]
    db.session.execute(
        sa.update(Installment)
        .where(Installment.id == first.id)
        .values(last_paid_on=DAY + timedelta(days=1))
    )
    db.session.execute(
        sa.update(Installment).where(Installment.id == second.id).values(ledger_route=None)
    )
    db.session.commit()
    assert sorted(ledger_findings()) == [
        (
            f"installment {first.id}",
            "stored first/last payment date and route 2026-03-01 / 2026-03-02 / venture_grant, "
            "its payments and contract give 2026-03-01 / 2026-03-01 / venture_grant",
        ),
        (
            f"installment {second.id}",
            "stored first/last payment date and route - / - / -, "
            "its payments and contract give - / - / venture_grant",
        ),
    ]


def reference(filters):
    """(count, due, paid) of the ledger as the payments and contracts themselves select it."""
    paid = sa.select(sa.func.coalesce(sa.func.sum(Payment.amount), 0)).where(
        Payment.installment_id == Installment.id
    )
    query = (
        sa.select(Installment.id, Installment.amount, paid.scalar_subquery())
        .join(Installment.contract)
        .where(Contract.state != ContractState.DRAFT)
    )
    if filters.route:
        query = query.where(Contract.route == filters.route)
    if filters.state:
        query = query.where(Installment.state == filters.state)
    if filters.call_id:
        query = query.where(Contract.call_id == filters.call_id)
    if filters.organization_id:
        query = query.where(Contract.organization_id == filters.organization_id)
    if filters.paid_from or filters.paid_to:
        window = sa.select(Payment.id).where(Payment.installment_id == Installment.id)
        if filters.paid_from:
            window = window.where(Payment.paid_on >= filters.paid_from)
        if filters.paid_to:
            window = window.where(Payment.paid_on <= filters.paid_to)
        query = query.where(window.exists())
    rows = db.session.execute(query).all()
    cent = Decimal("0.01")
    due = sum((Decimal(row[1]) for row in rows), Decimal("0")).quantize(cent)
    return len(rows), due, sum((Decimal(row[2]) for row in rows), Decimal("0")).quantize(cent)


def test_ledger_filters_select_what_the_payments_and_contracts_select(make):
    """Every combination of route, state, call, organization and payment window (before,
    around, on and between the payments of an installment paid on three days)."""
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    spread = approved_first(make, staff)
    for n, days in enumerate((0, 10, 20)):
        pay(spread, "100.00", DAY + timedelta(days=days), finance, f"记-{n}")
    once = approved_first(make, staff, route="targeted")
    pay(once, once.amount, DAY + timedelta(days=5), finance, "记-9")
    make.contract("2000.00", staff=staff)  # a draft: never in the ledger
    days = [None, *(DAY + timedelta(days=d) for d in (-1, 0, 3, 10, 12, 25))]
    checked = 0
    for route, state, which, start, end in product(
        [None, "venture_grant", "targeted"],
        [None, "paid", "release_approved"],
        [None, "call", "org"],
        days,
        days,
    ):
        if start and end and start > end:
            continue
        args = {"route": route, "state": state, "from": start, "to": end}
        if which:
            args[which] = str(getattr(spread.contract, COLUMN[which]))
        filters = ledger_query.LedgerFilters.from_args(
            {k: v.isoformat() if isinstance(v, date) else v for k, v in args.items() if v}
        )
        expected = reference(filters)
        assert ledger_query.ledger_totals(filters) == expected, args
        assert ledger_query.ledger_count(filters) == expected[0], args
        assert len(db.session.execute(ledger_query.ledger_ids(filters)).all()) == expected[0], args
        checked += 1
    assert checked == 3 * 3 * 3 * 34
    # the window strictly inside the spread installment's payments, with one between: selected
    inside = ledger_query.LedgerFilters(
        paid_from=DAY + timedelta(days=8), paid_to=DAY + timedelta(days=12)
    )
    assert ledger_query.ledger_totals(inside) == (1, spread.amount, Decimal("300.00"))
    assert spread.state == InstallmentState.RELEASE_APPROVED


def numbers_of(installments):
    db.session.expire_all()
    return [db.session.get(Installment, i.id).ledger_number for i in installments]


def number_findings():
    return [
        (f.record, f.detail) for f in run_checks() if f.rule == "money.installment_ledger_number"
    ]


def test_ledger_number_is_the_contracts_number_from_the_draft_on(make):
    """Kept when the contract and its installments are made, through issue, recall and end,
    and when the number changes; an installment added later takes it too."""
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", staff=staff, route="targeted")
    installments = list(contract.installments)
    assert numbers_of(installments) == [contract.number] * 3
    contract_operations.issue_contract(contract, actor=staff)
    db.session.commit()
    assert numbers_of(installments) == [contract.number] * 3
    contract_operations.decide_contract(contract, "recall", actor=staff, reason="金额有误")
    db.session.commit()
    assert numbers_of(installments) == [contract.number] * 3
    contract = db.session.get(Contract, contract.id)
    contract.number = "XF-DXGM-2026-9999"  # no operation renumbers today; the hook would follow
    db.session.commit()
    assert numbers_of(installments) == ["XF-DXGM-2026-9999"] * 3
    contract = db.session.get(Contract, contract.id)
    later = Installment(
        contract_id=contract.id,
        position=4,
        percent=Decimal("1"),
        condition=installments[0].condition,
        amount=Decimal("0.00"),
    )
    db.session.add(later)
    db.session.commit()
    assert numbers_of([later]) == ["XF-DXGM-2026-9999"]
    assert number_findings() == []


def test_integrity_check_finds_a_ledger_number_that_is_not_the_contracts(make):
    staff = make.user(Role.STAFF)
    first = approved_first(make, staff)
    second = first.contract.installments[1]
    db.session.execute(
        sa.update(Installment).where(Installment.id == first.id).values(ledger_number="XF-0")
    )
    db.session.execute(
        sa.update(Installment).where(Installment.id == second.id).values(ledger_number=None)
    )
    db.session.commit()
    number = first.contract.number
    assert sorted(number_findings()) == [
        (f"installment {first.id}", f"stored contract number XF-0, its contract's is {number}"),
        (f"installment {second.id}", f"stored contract number -, its contract's is {number}"),
    ]
    # the bulk fill (bench data, the migration) puts them right
    from venture.payments.models import refresh_ledger_figures

    refresh_ledger_figures(db.session.connection())
    db.session.commit()
    assert number_findings() == []


def ledger_order():
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(Contract.number, Installment.position)
            .join(Installment.contract)
            .where(Contract.state != ContractState.DRAFT)
            .order_by(Contract.number, Installment.position)
        )
    ]


def ledger_pages(client, pages):
    """(contract number, position) of each row the ledger's pages show, in order."""
    seen = []
    for page in pages:
        text = client.get(f"/finance/ledger?page={page}").get_data(as_text=True)
        seen += [
            (number, int(position))
            for number, position in re.findall(
                r'">(XF-[A-Z]+-\d+-\d+)</a></td>\s*<td[^>]*>[^<]*</td>\s*'
                r'<td data-label="期次">第 (\d+) 期',
                text,
            )
        ]
    return seen


def test_every_page_of_the_ledger_holds_its_rows_in_order_read_from_either_end(
    client, login, make, app, monkeypatch
):
    """Pages in the second half are read backwards (paginate's order=): every page, the last
    partial one and one past the end hold exactly the ledger's rows in its order."""
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    for amount in ("1000.00", "2000.00", "3000.00", "4000.00"):
        make.contract(amount, state="signed", staff=staff)
    make.contract("5000.00", staff=staff)  # a draft: not listed
    monkeypatch.setitem(app.config, "PAGE_SIZE", 5)
    expected = ledger_order()
    assert len(expected) == 12
    login(finance)
    assert ledger_pages(client, (1, 2, 3)) == expected
    past = client.get("/finance/ledger?page=9").get_data(as_text=True)
    assert past.count('<td data-label="期次">') == 2  # the last page


def test_deep_pages_of_the_ledger_are_read_from_its_kept_marks(
    client, login, make, app, monkeypatch
):
    """A page deeper than LEDGER_MARK_EVERY rows from both ends starts from the mark before it
    (the order's values of every LEDGER_MARK_EVERY-th row, kept under the ledger's stamp): the
    same rows in the same order, and the marks follow a new contract."""
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    for amount in ("1000.00", "2000.00", "3000.00", "4000.00"):
        make.contract(amount, state="signed", staff=staff)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    monkeypatch.setattr(ledger_query, "LEDGER_MARK_EVERY", 3)
    marked = []
    marks = ledger_query.ledger_marks
    monkeypatch.setattr(ledger_query, "ledger_marks", lambda f: marked.append(f) or marks(f))
    login(finance)
    assert ledger_pages(client, range(1, 7)) == ledger_order()  # 12 rows
    # pages 3 and 4 (4 and 6 rows before them, 6 and 4 after) were read from marks, computed once
    assert len(marked) == 1
    filters = ledger_query.LedgerFilters()
    assert marks(filters) == [list(row) for row in ledger_order()[::3]]
    make.contract("5000.00", state="signed", staff=staff)  # moves the stamp
    assert ledger_pages(client, range(1, 9)) == ledger_order()  # 15 rows
    assert len(marked) == 2
    assert client.get("/finance/ledger?page=4").status_code == 200
    assert len(marked) == 2  # kept


def test_integrity_finds_kept_marks_that_are_not_the_installments(make, monkeypatch):
    from venture.core.cache import CachedFigure

    staff = make.user(Role.STAFF)
    for amount in ("1000.00", "2000.00"):
        make.contract(amount, state="signed", staff=staff)
    monkeypatch.setattr(ledger_query, "LEDGER_MARK_EVERY", 2)
    filters = ledger_query.LedgerFilters(route=Route.VENTURE_GRANT)
    expected = [list(row) for row in ledger_order()[::2]]
    assert ledger_query.kept_ledger_marks(filters).keys() == expected
    db.session.commit()

    def findings():
        return [(f.record, f.detail) for f in run_checks() if f.rule == "payments.ledger_marks"]

    assert findings() == []
    key = ledger_query.ledger_slot(filters.as_args(), ledger_query.LEDGER_MARKS)
    row = db.session.get(CachedFigure, key)
    row.value = {**row.value, "value": expected[:1]}
    db.session.commit()
    assert findings() == [
        (
            key,
            f"stored marks {expected[:1]} for {{'route': 'venture_grant'}}, the installments "
            f"give {expected}",
        )
    ]
