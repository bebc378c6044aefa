"""Payment operations: conditions, release approval (staff), payment records (finance)."""

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.calls.enums import InstallmentCondition
from venture.core import audit
from venture.core.actions import Refused
from venture.core.lifecycle import TransitionRefused, transition
from venture.core.money import format_yuan
from venture.core.timeutil import local_today, now
from venture.extensions import db
from venture.payments.enums import InstallmentState
from venture.payments.lifecycle import INSTALLMENT_WORKFLOW, RELEASE_RULES, SYSTEM
from venture.payments.models import Installment, Payment
from venture.payments.permissions import (
    can_approve_release,
    can_record_payment,
    is_second_person,
)

EVALUATION_CONDITIONS = {
    "midterm": InstallmentCondition.MIDTERM_PASSED,
    "final": InstallmentCondition.FINAL_PASSED,
    InstallmentCondition.MIDTERM_PASSED.value: InstallmentCondition.MIDTERM_PASSED,
    InstallmentCondition.FINAL_PASSED.value: InstallmentCondition.FINAL_PASSED,
}


class PaymentRefused(Refused):
    """A refused payment; str() is a message for a person, field the form field it concerns."""


def _meet(installment, *, actor, reason):
    transition(INSTALLMENT_WORKFLOW, installment, "meet_condition", actor=actor, reason=reason)
    installment.condition_met_at = now()
    installment.condition_note = reason


def set_condition_met(installment, *, actor, reason):
    """Staff record that an installment's condition holds: only when its event has happened
    (venture.integrity.conditions); otherwise an exception needs two people."""
    refusal = RELEASE_RULES.condition_refusal(installment)
    if refusal and installment.contract.is_active:
        raise PaymentRefused(refusal)
    _meet(installment, actor=actor, reason=reason)


def request_condition_override(installment, *, reason, actor):
    """条件例外, first person: staff ask to treat the condition as met although its event has
    not happened, with a reason; another staff member must confirm."""
    if not can_approve_release(actor):
        raise PaymentRefused(_("You are not allowed to do this."))
    reason = (reason or "").strip()
    if not reason:
        raise PaymentRefused(_("Give the reason for the exception."), "reason")
    if installment.state != InstallmentState.PENDING:
        raise PaymentRefused(_("This installment's condition is already met."))
    if RELEASE_RULES.condition_happened(installment):
        raise PaymentRefused(_("The condition has happened: record it as met, no exception."))
    installment.override_reason = reason
    installment.override_requested_by_id = actor.id
    installment.override_requested_at = now()
    installment.override_confirmed_by_id = installment.override_confirmed_at = None
    audit.record(
        "installment.override_request",
        installment,
        actor=actor,
        before={"condition": installment.condition},
        after={"override_reason": reason},
        reason=reason,
    )


def confirm_condition_override(installment, *, actor):
    """条件例外, second person: another staff member confirms; the condition is then met."""
    if not can_approve_release(actor):
        raise PaymentRefused(_("You are not allowed to do this."))
    if installment.override_requested_at is None or installment.override_confirmed_at:
        raise PaymentRefused(_("No exception waits for confirmation on this installment."))
    if installment.override_requested_by_id == actor.id:
        raise PaymentRefused(
            _("You asked for this exception; another staff member must confirm it.")
        )
    installment.override_confirmed_by_id = actor.id
    installment.override_confirmed_at = now()
    _meet(
        installment,
        actor=actor,
        reason=_("Exception: %(reason)s", reason=installment.override_reason),
    )
    audit.record(
        "installment.override_confirm",
        installment,
        actor=actor,
        before={"state": InstallmentState.PENDING},
        after={
            "override_reason": installment.override_reason,
            "requested_by_id": installment.override_requested_by_id,
            "confirmed_by_id": actor.id,
        },
    )


def _meet_by_event(contract, condition, reason):
    for installment in contract.installments:
        if installment.condition == condition and installment.state == InstallmentState.PENDING:
            _meet(installment, actor=SYSTEM, reason=reason)


def report_accepted(project):
    """Hook for delivery: an accepted progress report meets 'report accepted' conditions."""
    _meet_by_event(
        project.contract,
        InstallmentCondition.REPORT_ACCEPTED,
        _("A progress report was accepted."),
    )


def project_closed(project):
    """Hook for delivery: closing the project meets 'project closed' conditions."""
    _meet_by_event(
        project.contract, InstallmentCondition.PROJECT_CLOSED, _("The project was closed.")
    )


def contract_signed(contract):
    """A signed contract meets every pending 'on signing' condition."""
    for installment in contract.installments:
        if (
            installment.condition == InstallmentCondition.ON_SIGNING
            and installment.state == InstallmentState.PENDING
        ):
            _meet(installment, actor=SYSTEM, reason=_("The contract was signed."))


def _contract_of(project_or_contract):
    from venture.contracts.models import Contract

    if isinstance(project_or_contract, Contract):
        return project_or_contract
    contract = getattr(project_or_contract, "contract", None)
    if contract is not None:
        return contract
    award_id = getattr(project_or_contract, "award_id", None)
    if award_id is None:
        raise TypeError("evaluation_passed needs a contract or a record with its award")
    return db.session.scalar(sa.select(Contract).where(Contract.award_id == award_id))


def evaluation_passed(project_or_contract, kind, *, actor=SYSTEM):
    """Hook for the evaluation module: a passed 'midterm' or 'final' evaluation meets the
    matching conditions of the project's contract. Returns the installments it changed."""
    condition = EVALUATION_CONDITIONS[str(kind)]
    contract = _contract_of(project_or_contract)
    if contract is None:
        return []
    changed = []
    for installment in contract.installments:
        if installment.condition == condition and installment.state == InstallmentState.PENDING:
            reason = (
                _("The mid-term evaluation was passed.")
                if condition == InstallmentCondition.MIDTERM_PASSED
                else _("The final evaluation was passed.")
            )
            _meet(installment, actor=actor, reason=reason)
            changed.append(installment)
    return changed


def approve_release(installment, *, actor):
    """Staff approve paying out an installment whose condition holds."""
    installment = _locked(installment)  # two staff approving at once: the second is refused
    transition(INSTALLMENT_WORKFLOW, installment, "approve_release", actor=actor)
    installment.approved_at = now()
    installment.approved_by_id = actor.id


def _locked(installment):
    """The installment re-read under a row lock, so two payments cannot both see the room."""
    return db.session.scalars(
        sa.select(Installment)
        .where(Installment.id == installment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _paid_on_contract(contract_id):
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Payment.amount), 0))
        .join(Installment, Payment.installment_id == Installment.id)
        .where(Installment.contract_id == contract_id)
    )


PAYMENT_DATE_YEARS = 10  # a payment recorded now was made within the last ten years


def earliest_payment_date():
    """The earliest payment date accepted: PAYMENT_DATE_YEARS before today (Beijing)."""
    today = local_today()
    return today.replace(year=today.year - PAYMENT_DATE_YEARS, day=min(today.day, 28))


def record_payment(installment, *, amount, paid_on, voucher_no, bank_reference, actor):
    """Finance record money paid on an approved installment; never beyond what remains."""
    if not can_record_payment(actor):
        raise PaymentRefused(_("You are not allowed to do this."))
    installment = _locked(installment)
    contract = installment.contract
    if not contract.is_active:
        raise PaymentRefused(
            _(
                "The contract is %(state)s: money is released only under a signed contract.",
                state=contract.state.label,
            )
        )
    if installment.state not in (InstallmentState.RELEASE_APPROVED, InstallmentState.PAID):
        raise PaymentRefused(
            _(
                "Installment %(n)d is %(state)s: staff must approve its release first.",
                n=installment.position,
                state=installment.state.label,
            )
        )
    if not contract.organization.has_verified_bank_account:
        raise PaymentRefused(
            _(
                "%(org)s has no verified bank account: staff must check its bank details "
                "against the proof before any payment.",
                org=contract.organization.name,
            )
        )
    if not is_second_person(actor, installment):
        raise PaymentRefused(
            _(
                "You approved this release; another person must record the payment "
                "(two-person rule)."
            )
        )
    if amount <= 0:
        raise PaymentRefused(_("The amount must be more than zero."), "amount")
    remaining = installment.remaining
    if amount > remaining:
        raise PaymentRefused(
            _(
                "%(amount)s is more than what remains on installment %(n)d: %(remaining)s of "
                "%(total)s.",
                amount=format_yuan(amount),
                n=installment.position,
                remaining=format_yuan(remaining),
                total=format_yuan(installment.amount),
            ),
            "amount",
        )
    contract_paid = Decimal(_paid_on_contract(contract.id))
    contract_remaining = contract.amount - contract_paid
    if amount > contract_remaining:
        raise PaymentRefused(
            _(
                "%(amount)s is more than what remains on the contract: %(remaining)s of %(total)s.",
                amount=format_yuan(amount),
                remaining=format_yuan(contract_remaining),
                total=format_yuan(contract.amount),
            ),
            "amount",
        )
    if any(p.voucher_no == voucher_no.strip() for p in installment.payments):
        raise PaymentRefused(
            _("Voucher %(voucher)s is already recorded on this installment.", voucher=voucher_no),
            "voucher_no",
        )
    if paid_on > local_today():
        raise PaymentRefused(_("The payment date cannot be in the future."), "paid_on")
    earliest = earliest_payment_date()
    if paid_on < earliest:
        raise PaymentRefused(
            _(
                "The payment date cannot be before %(day)s: check the year.",
                day=earliest.isoformat(),
            ),
            "paid_on",
        )
    payment = Payment(
        installment=installment,
        paid_on=paid_on,
        amount=amount,
        voucher_no=voucher_no.strip(),
        bank_reference=bank_reference.strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(payment)
    audit.record(
        "payment.record",
        installment,
        actor=actor,
        before={"paid": installment.amount - remaining, "remaining": remaining},
        after={
            "paid": installment.amount - remaining + amount,
            "remaining": remaining - amount,
            "amount": amount,
            "paid_on": paid_on,
            "voucher_no": payment.voucher_no,
            "bank_reference": payment.bank_reference,
        },
    )
    if remaining - amount == 0:
        db.session.flush()
        try:
            transition(INSTALLMENT_WORKFLOW, installment, "mark_paid", actor=actor)
        except TransitionRefused as refused:
            raise PaymentRefused(refused.message) from None
        installment.paid_at = now()
    return payment
