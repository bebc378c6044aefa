"""The installment's states as a transition table.

pending → condition_met → release_approved (staff) → paid (finance, once payments cover it).
A condition is met automatically when it is "on signing" and the contract is signed, by the
evaluation module when an evaluation passes (`operations.evaluation_passed`), or by staff with a
reason. Money moves only while the contract is signed or in force.
"""

from flask_babel import lazy_gettext as _l

from venture.core.hooks import Hooks
from venture.core.lifecycle import Transition, Workflow, actor_can
from venture.payments.enums import InstallmentState as I
from venture.payments.permissions import (
    can_approve_release,
    can_record_payment,
    is_second_person,
)

# Rules of the modules that read the installments, registered when the app is built (so this
# module imports none of them), each fn(installment):
#   condition_happened: the installment's condition event has happened (integrity/conditions.py)
#   condition_refusal: why its condition does not hold, or None (integrity/conditions.py)
#   evaluation_refusal: why a failed evaluation blocks it, or None (evaluation/operations.py)
RELEASE_RULES = Hooks(
    "payments.RELEASE_RULES", "condition_happened", "condition_refusal", "evaluation_refusal"
)


class SystemActor:
    """The platform itself, for changes no person makes (a condition met by a signed contract
    or a passed evaluation); audited with no actor id."""

    id = None
    name = "system"
    is_authenticated = False

    def has_role(self, _role):
        return False

    def has_any_role(self, *_roles):
        return False


SYSTEM = SystemActor()
_approver = actor_can(can_approve_release)
_payer = actor_can(can_record_payment)


def _platform_or_approver(user, _installment):
    return user is SYSTEM or can_approve_release(user)


def _contract_active(installment, _actor):
    if not installment.contract.is_active:
        return _l(
            "The contract is %(state)s: money is released only under a signed contract.",
            state=installment.contract.state.label,
        )
    return None


def _release_allowed(installment, actor):
    message = _contract_active(installment, actor)
    if message:
        return message
    message = RELEASE_RULES.condition_refusal(installment)
    if message:
        return message
    # integration (issue 7, evaluation): a failed evaluation blocks the later installments
    return RELEASE_RULES.evaluation_refusal(installment)


def _second_person(installment, actor):
    message = _contract_active(installment, actor)
    if message:
        return message
    if not is_second_person(actor, installment):
        return _l(
            "You approved this release; another person must record the payment (two-person rule)."
        )
    if installment.remaining != 0:
        return _l("The payments do not cover the installment yet.")
    return None


INSTALLMENT_WORKFLOW = Workflow(name="installment", transitions=(
    Transition("meet_condition", I.PENDING, I.CONDITION_MET, _platform_or_approver,
               _l("Record the condition as met"), guard=_contract_active, needs_reason=True),
    Transition("approve_release", I.CONDITION_MET, I.RELEASE_APPROVED, _approver,
               _l("Approve the release"), guard=_release_allowed),
    Transition("mark_paid", I.RELEASE_APPROVED, I.PAID, _payer, _l("Paid in full"),
               guard=_second_person),
))  # fmt: skip
