"""A contract's installments as contracts asks for them: fills contracts.hooks.INSTALLMENTS
(contracts sits below payments, so it reaches its installments only through this hook)."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from venture.contracts.enums import ContractState
from venture.contracts.hooks import INSTALLMENTS
from venture.contracts.models import Contract
from venture.core.money import split_by_percentages
from venture.payments.enums import InstallmentState
from venture.payments.forms import ConditionForm
from venture.payments.lifecycle import INSTALLMENT_WORKFLOW, RELEASE_RULES
from venture.payments.models import Installment
from venture.payments.operations import contract_signed


def plan_installments(amount, rows):
    """[(percent, condition)] → the contract's installments, the amount split by percent."""
    shares = split_by_percentages(amount, [percent for percent, _condition in rows])
    return [
        Installment(position=n, percent=percent, condition=condition, amount=share)
        for n, ((percent, condition), share) in enumerate(zip(rows, shares, strict=True), 1)
    ]


def all_paid(contract):
    return all(i.state == InstallmentState.PAID for i in contract.installments)


def releases_to_approve():
    """The releases staff approve: conditions met on signed or in-force contracts."""
    return (
        select(func.count())
        .select_from(Installment)
        .join(Installment.contract)
        .where(
            Installment.state == InstallmentState.CONDITION_MET,
            Contract.state.in_((ContractState.SIGNED, ContractState.IN_FORCE)),
        )
    )


def load_installments():
    return selectinload(Contract.installments).selectinload(Installment.payments)


def show_parts(contract, actor, *, staff):
    """The contract page's installment rows: their actions, the condition form and whether
    each pending condition has happened (staff only)."""
    return {
        "condition_form": ConditionForm(),
        "installment_actions": {
            i.id: [t.action for t in INSTALLMENT_WORKFLOW.available(i, actor)]
            for i in contract.installments
        },
        "InstallmentState": InstallmentState,
        "condition_happened": {
            i.id: RELEASE_RULES.condition_happened(i)
            for i in contract.installments
            if staff and i.state == InstallmentState.PENDING
        },
    }


INSTALLMENTS.register(
    plan_installments,
    contract_signed,
    all_paid,
    releases_to_approve,
    load_installments,
    show_parts,
)
