"""One money chain: award = contract amount = Σ installments = the contract's budget table;
payments never exceed their installment.

After a cut (核减: an award below the request) the organization re-allocates its budget table to
the awarded amount and staff confirm it; the application's budget lines stay as the request.
"""

from collections import OrderedDict
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from venture.contracts.budget import BUDGET_RULES
from venture.core.money import format_yuan
from venture.extensions import db
from venture.integrity.registry import Finding, register_check

ZERO = Decimal("0.00")


def requested_budget(application):
    """{category code: requested amount} of the application's budget lines (the request)."""
    totals = OrderedDict()
    if application is None:
        return totals
    for line in application.budget_lines:
        if line.requested:
            key = str(line.category or "other")
            totals[key] = totals.get(key, ZERO) + line.requested
    return OrderedDict((k, v) for k, v in totals.items() if v)


def allocated_budget(contract):
    """{category code: amount} the contract prints: the confirmed re-allocation after a cut,
    otherwise the application's request."""
    if contract.budget_allocation is not None and contract.budget_confirmed_at is not None:
        return OrderedDict(
            (row["category"], Decimal(row["amount"])) for row in contract.budget_allocation
        )
    return requested_budget(contract.application)


def budget_total(rows):
    return sum(rows.values(), ZERO)


def budget_refusal(contract):
    """Why the contract's budget table does not match its amount, or None (a contract without
    an application, a tender's, prints no budget table)."""
    rows = allocated_budget(contract)
    if not rows:
        return None
    total = budget_total(rows)
    if total == contract.amount:
        return None
    if contract.budget_allocation is not None and contract.budget_confirmed_at is None:
        return _l(
            "The organization re-allocated its budget to %(amount)s; staff must confirm it "
            "before the contract is issued.",
            amount=format_yuan(contract.amount),
        )
    return _l(
        "The budget table adds up to %(total)s but the contract amount is %(amount)s: the "
        "organization must re-allocate its budget lines to the awarded amount, and staff "
        "confirm it.",
        total=format_yuan(total),
        amount=format_yuan(contract.amount),
    )


# contracts asks these (contracts/budget.py)
BUDGET_RULES.register(requested_budget, allocated_budget, budget_total, budget_refusal)


# ── the whole-database checks ──────────────────────────────────────────────────────────────


@register_check("money.award_equals_contract")
def check_award_equals_contract():
    from venture.contracts.models import Contract
    from venture.procurement.models import Award

    rows = db.session.execute(
        sa.select(Contract.id, Contract.amount, Award.id, Award.amount)
        .join(Award, Award.id == Contract.award_id)
        .where(Contract.amount != Award.amount)
    ).all()
    for contract_id, amount, award_id, award_amount in rows:
        yield Finding(
            "money.award_equals_contract",
            f"contract {contract_id}",
            f"amount {amount} but award {award_id} is {award_amount}",
        )


def _cents(value):
    """A SUM read back as Decimal to the cent (SQLite sums NUMERIC as floating point)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _added_up(whole, part, onclause):
    """(id, amount, the parts' amounts added up) of every whole with parts."""
    return db.session.execute(
        sa.select(whole.id, whole.amount, sa.func.sum(part.amount))
        .join(part, onclause)
        .group_by(whole.id, whole.amount)
    ).all()


@register_check("money.installments_equal_contract")
def check_installments_equal_contract():
    from venture.contracts.models import Contract
    from venture.payments.models import Installment

    rows = _added_up(Contract, Installment, Installment.contract_id == Contract.id)
    for contract_id, amount, installments in rows:
        if _cents(installments) != _cents(amount):
            yield Finding(
                "money.installments_equal_contract",
                f"contract {contract_id}",
                f"installments add up to {_cents(installments)}, the contract amount is {amount}",
            )


@register_check("money.budget_table_equals_contract")
def check_budget_table():
    """Issued contracts print a budget table that adds up to their amount."""
    from sqlalchemy.orm import selectinload

    from venture.applications.models import Application
    from venture.contracts.models import Contract

    contracts = db.session.scalars(
        sa.select(Contract)
        .where(Contract.application_id.is_not(None), Contract.state != "draft")
        .options(selectinload(Contract.application).selectinload(Application.budget_lines))
    ).all()
    for contract in contracts:
        rows = allocated_budget(contract)
        if rows and budget_total(rows) != contract.amount:
            yield Finding(
                "money.budget_table_equals_contract",
                f"contract {contract.id}",
                f"budget table adds up to {budget_total(rows)}, the amount is {contract.amount}",
            )


@register_check("money.installment_paid_total")
def check_installment_paid_total():
    """The stored paid_total of each installment (what the ledger's totals read) is the sum of
    its payments."""
    from venture.payments.models import Installment, Payment

    paid = (
        sa.select(sa.func.coalesce(sa.func.sum(Payment.amount), 0))
        .where(Payment.installment_id == Installment.id)
        .scalar_subquery()
    )
    rows = db.session.execute(sa.select(Installment.id, Installment.paid_total, paid)).all()
    for installment_id, *figures in rows:
        stored, total = map(_cents, figures)
        if stored != total:
            detail = f"stored paid total {stored}, its payments add up to {total}"
            yield Finding("money.installment_paid_total", f"installment {installment_id}", detail)


@register_check("money.installment_ledger_figures")
def check_installment_ledger_figures():
    """The dates of each installment's first and last payment and its ledger route (what the
    ledger's filters read: venture.payments.models) are its payments' and its contract's."""
    from venture.contracts.enums import ContractState
    from venture.contracts.models import Contract
    from venture.payments.models import Installment, Payment

    def of_payments(figure):
        return sa.select(figure).where(Payment.installment_id == Installment.id).scalar_subquery()

    rows = db.session.execute(
        sa.select(
            Installment.id,
            Installment.first_paid_on,
            Installment.last_paid_on,
            Installment.ledger_route,
            of_payments(sa.func.min(Payment.paid_on)),
            of_payments(sa.func.max(Payment.paid_on)),
            Contract.state,
            Contract.route,
        ).join(Installment.contract)
    ).all()
    for installment_id, first, last, route, *held in rows:
        first_paid, last_paid, contract_state, contract_route = held
        listed = None if contract_state == ContractState.DRAFT else contract_route
        expected = (first_paid, last_paid, listed)
        if (first, last, route) != expected:
            yield Finding(
                "money.installment_ledger_figures",
                f"installment {installment_id}",
                f"stored first/last payment date and route {_shown(first, last, route)}, "
                f"its payments and contract give {_shown(*expected)}",
            )


@register_check("money.installment_ledger_number")
def check_installment_ledger_number():
    """Each installment's kept ledger_number (the ledger's order: venture.payments.models) is
    its contract's number."""
    from venture.contracts.models import Contract
    from venture.payments.models import Installment

    rows = db.session.execute(
        sa.select(Installment.id, Installment.ledger_number, Contract.number)
        .join(Installment.contract)
        .where(Installment.ledger_number.is_distinct_from(Contract.number))
    ).all()
    for installment_id, stored, number in rows:
        yield Finding(
            "money.installment_ledger_number",
            f"installment {installment_id}",
            f"stored contract number {stored or '-'}, its contract's is {number}",
        )


def _shown(*figures):
    return " / ".join("-" if f is None else str(getattr(f, "value", f)) for f in figures)


@register_check("money.award_awaiting_contract")
def check_award_awaiting_contract():
    """The stored awaiting_contract of each award (what the staff home counts) says whether it
    is final with no contract drafted from it."""
    from venture.contracts.models import Contract
    from venture.procurement.enums import AwardState
    from venture.procurement.models import Award

    awaiting = sa.and_(
        Award.state == AwardState.FINAL, ~sa.exists().where(Contract.award_id == Award.id)
    )
    rows = db.session.execute(
        sa.select(Award.id, Award.awaiting_contract).where(Award.awaiting_contract != awaiting)
    ).all()
    for award_id, stored in rows:
        detail = f"stored awaiting_contract {stored}, it is {not stored}"
        yield Finding("money.award_awaiting_contract", f"award {award_id}", detail)


@register_check("money.payments_within_installment")
def check_payments_within_installment():
    from venture.payments.models import Installment, Payment

    rows = _added_up(Installment, Payment, Payment.installment_id == Installment.id)
    for installment_id, amount, total in rows:
        if _cents(total) > _cents(amount):
            yield Finding(
                "money.payments_within_installment",
                f"installment {installment_id}",
                f"paid {_cents(total)}, more than its amount {amount}",
            )
