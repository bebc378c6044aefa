"""What contracts ask of payments, which owns a contract's Installment rows.

Payments reads contracts (its ledger, exports and finance panel query `Contract`), so contracts
does not import it: payments fills these hooks when the app is built (payments/installments.py),
e.g. `INSTALLMENTS.contract_signed(contract)`.
"""

from venture.core.hooks import Hooks

# a contract's installments (payments/installments.py): plan_installments(amount, rows) → new
# Installment rows from [(percent, condition)]; contract_signed(contract) meets the pending
# "on signing" conditions; all_paid(contract); releases_to_approve() → a count select of the
# releases staff approve; load_installments() → the loader option of a contract's installments
# and their payments; show_parts(contract, actor, *, staff) → the contract page's installment
# form, actions and conditions
INSTALLMENTS = Hooks(
    "contracts.INSTALLMENTS",
    "plan_installments",
    "contract_signed",
    "all_paid",
    "releases_to_approve",
    "load_installments",
    "show_parts",
)
