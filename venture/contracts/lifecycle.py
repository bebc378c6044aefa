"""The contract's states as a transition table.

draft → issued (staff send it to the organization, certified by Party A's signature) → signed
(a member of the organization signs online, venture/documents; or, as an exception with a
reason, uploads the signed and sealed scan and staff confirm it) → in force → completed;
terminated from any open state with a reason. An issued contract can be recalled to a draft
(with a reason) to correct it.

In force: staff put a signed contract in force once its start date has come (a contract
signed after its start date is put in force straight away). It is an explicit staff action, not
a timer, so the moment the obligations start is a recorded decision with an actor.
"""

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from venture.contracts.enums import ContractState as C
from venture.contracts.hooks import INSTALLMENTS
from venture.contracts.permissions import can_manage_contracts, can_sign_contract
from venture.core.formatting import local_date
from venture.core.lifecycle import Transition, Workflow, actor_can
from venture.core.money import format_yuan
from venture.core.timeutil import local_today
from venture.orgs.enums import OrgStatus

_staff = actor_can(can_manage_contracts)


def installment_problem(contract):
    """Why the installments do not fit the amount, or None."""
    installments = contract.installments
    if not installments:
        return _l("The contract has no installments.")
    percent = sum((i.percent for i in installments), Decimal("0"))
    if percent != 100:
        return _l("The installments add up to %(percent)s%%, not 100%%.", percent=percent)
    total = sum((i.amount for i in installments), Decimal("0.00"))
    if total != contract.amount:
        return _l(
            "The installments add up to %(total)s, not the contract amount %(amount)s.",
            total=format_yuan(total),
            amount=format_yuan(contract.amount),
        )
    return None


def _ready_to_issue(contract, _actor):
    if not contract.service_content.strip():
        return _l("Describe the service content before issuing the contract.")
    if contract.organization.status != OrgStatus.VERIFIED:
        return _l("The organization is not verified.")
    from venture.contracts.budget import BUDGET_RULES
    from venture.contracts.document import party_a_placeholder_refusal

    return (
        installment_problem(contract)
        or BUDGET_RULES.budget_refusal(contract)
        or party_a_placeholder_refusal()
    )


def _signable_online(contract, _actor):
    if contract.document is None:
        return _l("The contract has no issued document to sign.")
    return None


def _scan_uploaded(contract, _actor):
    if contract.signed_scan_id is None:
        return _l("The organization has not uploaded the signed and sealed contract yet.")
    return None


def _start_date_reached(contract, _actor):
    if contract.start_date > local_today():
        return _l(
            "The contract term starts on %(date)s; it can be put in force from that day.",
            date=local_date(contract.start_date),
        )
    return None


def _all_paid(contract, _actor):
    if not INSTALLMENTS.all_paid(contract):
        return _l("Some installments are not paid yet; terminate the contract instead.")
    return None


OPEN_STATES = (
    C.DRAFT,
    C.ISSUED,
    C.SIGNED,
    C.IN_FORCE,
)

CONTRACT_WORKFLOW = Workflow(name="contract", transitions=(
    Transition("issue", C.DRAFT, C.ISSUED, _staff, _l("Issue to the organization"),
               guard=_ready_to_issue),
    Transition("recall", C.ISSUED, C.DRAFT, _staff, _l("Recall to draft"), needs_reason=True),
    Transition("confirm_signature", C.ISSUED, C.SIGNED, _staff, _l("Confirm the signed contract"),
               guard=_scan_uploaded),
    Transition("sign_online", C.ISSUED, C.SIGNED, can_sign_contract, _l("Sign online"),
               guard=_signable_online),
    Transition("put_in_force", C.SIGNED, C.IN_FORCE, _staff, _l("Put in force"),
               guard=_start_date_reached),
    Transition("complete", C.IN_FORCE, C.COMPLETED, _staff, _l("Mark as completed"),
               guard=_all_paid),
    Transition("terminate", OPEN_STATES, C.TERMINATED, _staff, _l("Terminate"), needs_reason=True),
))  # fmt: skip
