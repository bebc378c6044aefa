"""预算调整 pages: the organization re-allocates its budget table after a cut (核减) while the
contract is a draft; staff confirm. Registered on the contracts blueprint."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.applications.enums import BudgetCategory
from venture.auth.enums import Role
from venture.contracts import budget
from venture.contracts.blueprint import bp
from venture.contracts.forms import ApproveForm
from venture.contracts.models import Contract
from venture.contracts.permissions import can_manage_contracts, is_party
from venture.core.access import deny_unless, roles_required, signed_in
from venture.core.actions import post_action
from venture.extensions import db


def _contract_for_budget(contract_id):
    """The organization sees its contract's budget even as a draft; staff and finance too."""
    contract = db.session.get(Contract, contract_id)
    deny_unless(contract is not None, 404)
    deny_unless(
        is_party(current_user, contract) or current_user.has_any_role(Role.STAFF, Role.FINANCE),
        404,
    )
    return contract


@bp.route("/contracts/<int:contract_id>/budget", methods=["GET", "POST"])
@signed_in
def budget_table(contract_id):
    """The request (history) beside the table the contract prints; the party re-allocates."""
    contract = _contract_for_budget(contract_id)
    errors = {}
    if request.method == "POST":
        deny_unless(is_party(current_user, contract) or can_manage_contracts(current_user), 403)
        if not ApproveForm().validate_on_submit():
            flash(_("The form expired; please try again."), "danger")
            return redirect(url_for("contracts.budget_table", contract_id=contract.id))
        amounts = {c.value: request.form.get(f"amount-{c.value}", "") for c in BudgetCategory}
        try:
            budget.propose_budget_allocation(contract, amounts, actor=current_user)
        except budget.BudgetRefused as refused:
            db.session.rollback()
            errors[refused.field or "total"] = str(refused)
        else:
            db.session.commit()
            flash(_("The budget is re-allocated; staff will confirm it."), "success")
            return redirect(url_for("contracts.budget_table", contract_id=contract.id))
    return render_template(
        "contracts/budget.html",
        contract=contract,
        requested=budget.BUDGET_RULES.requested_budget(contract.application),
        allocated=budget.BUDGET_RULES.allocated_budget(contract),
        proposed={r["category"]: r["amount"] for r in contract.budget_allocation or []},
        refusal=budget.BUDGET_RULES.budget_refusal(contract),
        categories=list(BudgetCategory),
        labels={c.value: c.label for c in BudgetCategory},
        can_edit=contract.is_draft
        and (is_party(current_user, contract) or can_manage_contracts(current_user)),
        can_confirm=contract.is_draft
        and can_manage_contracts(current_user)
        and contract.budget_allocation is not None
        and contract.budget_confirmed_at is None,
        form=ApproveForm(),
        errors=errors,
        values=request.form if errors else {},
    ), (400 if errors else 200)


@bp.route("/contracts/<int:contract_id>/budget/confirm", methods=["POST"])
@roles_required(Role.STAFF)
def confirm_budget(contract_id):
    contract = _contract_for_budget(contract_id)
    return post_action(
        lambda: budget.confirm_budget_allocation(contract, actor=current_user),
        success=_("The re-allocated budget is confirmed."),
        target=url_for("contracts.budget_table", contract_id=contract.id),
        form=ApproveForm(),
        invalid=_("The form expired; please try again."),
    )
