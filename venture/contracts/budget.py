"""预算调整 after a cut (核减): the organization re-allocates its budget table to the awarded
amount, staff confirm, and the contract prints the confirmed table (venture.integrity.money).
The application's budget lines stay unchanged: they are the request, shown as history."""

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from venture.applications.enums import BudgetCategory
from venture.contracts.enums import ContractState
from venture.contracts.permissions import can_manage_contracts, is_party
from venture.core import audit
from venture.core.actions import Refused
from venture.core.hooks import Hooks
from venture.core.money import format_yuan
from venture.core.timeutil import now

# The budget rules of the integrity module (integrity/money.py reads the awards and payments
# too), registered when the app is built: requested_budget(application),
# allocated_budget(contract), budget_total(rows), budget_refusal(contract).
BUDGET_RULES = Hooks(
    "contracts.BUDGET_RULES",
    "requested_budget",
    "allocated_budget",
    "budget_total",
    "budget_refusal",
)


class BudgetRefused(Refused):
    """A refused re-allocation; str() is a message, field the category it concerns."""


def _require_draft(contract):
    if contract.state != ContractState.DRAFT:
        raise BudgetRefused(_("The contract is issued; its budget table can no longer change."))


def _parse(amounts):
    rows = {}
    for category, text in amounts.items():
        try:
            code = BudgetCategory(category).value
        except ValueError:
            raise BudgetRefused(_("Unknown budget category."), category) from None
        try:
            value = Decimal(str(text or "0").replace(",", "").strip() or "0")
        except InvalidOperation:
            raise BudgetRefused(_("Enter an amount in yuan, e.g. 1200.50."), category) from None
        if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
            raise BudgetRefused(_("Enter an amount in yuan, e.g. 1200.50."), category)
        if value:
            rows[code] = value.quantize(Decimal("0.01"))
    return rows


def propose_budget_allocation(contract, amounts, *, actor):
    """The organization re-allocates the budget table to the contract amount: amounts
    {category code: amount}; the total must equal the contract amount to the cent."""
    if not (is_party(actor, contract) or can_manage_contracts(actor)):
        raise BudgetRefused(_("You are not allowed to do this."))
    _require_draft(contract)
    rows = _parse(amounts)
    total = BUDGET_RULES.budget_total(rows)
    if total != contract.amount:
        raise BudgetRefused(
            _(
                "The lines add up to %(total)s; they must add up to the awarded amount %(amount)s.",
                total=format_yuan(total),
                amount=format_yuan(contract.amount),
            )
        )
    before = {"budget_allocation": contract.budget_allocation}
    contract.budget_allocation = [{"category": k, "amount": str(v)} for k, v in rows.items()]
    contract.budget_proposed_by_id = actor.id
    contract.budget_proposed_at = now()
    contract.budget_confirmed_by_id = contract.budget_confirmed_at = None
    audit.record(
        "contract.budget_propose",
        contract,
        actor=actor,
        before=before,
        after={"budget_allocation": contract.budget_allocation},
    )


def confirm_budget_allocation(contract, *, actor):
    """Staff confirm the organization's re-allocated budget table."""
    if not can_manage_contracts(actor):
        raise BudgetRefused(_("You are not allowed to do this."))
    _require_draft(contract)
    if contract.budget_allocation is None:
        raise BudgetRefused(_("The organization has not re-allocated its budget yet."))
    if contract.budget_confirmed_at is not None:
        raise BudgetRefused(_("The re-allocated budget is confirmed already."))
    contract.budget_confirmed_by_id = actor.id
    contract.budget_confirmed_at = now()
    audit.record(
        "contract.budget_confirm",
        contract,
        actor=actor,
        after={"budget_allocation": contract.budget_allocation},
    )
