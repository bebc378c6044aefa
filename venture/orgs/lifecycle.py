"""Verification of an organization (认证), as a transition table."""

from flask_babel import lazy_gettext as _l

from venture.core.lifecycle import Transition, Workflow, actor_can
from venture.orgs.enums import BankChangeState as B
from venture.orgs.enums import OrgStatus as O
from venture.orgs.permissions import can_verify_bank_details, can_verify_org, is_member

_staff = actor_can(can_verify_org)
_bank_verifier = actor_can(can_verify_bank_details)


def _has_certificate(org, _actor):
    if org.certificate_id is None:
        return _l("The organization has not uploaded its registration certificate.")
    return None


ORG_WORKFLOW = Workflow(name="organization", state_attr="status", transitions=(
    Transition("verify", (O.PENDING, O.REJECTED), O.VERIFIED, _staff, _l("Verify"),
               guard=_has_certificate),
    Transition("reject", (O.PENDING, O.VERIFIED), O.REJECTED, _staff, _l("Reject"),
               needs_reason=True),
    Transition("resubmit", O.REJECTED, O.PENDING, is_member, _l("Ask for verification again")),
))  # fmt: skip


# 银行账户变更审核: staff confirm a new account against the uploaded proof, or refuse it
BANK_CHANGE_WORKFLOW = Workflow(name="bank_change", transitions=(
    Transition("confirm", B.PENDING, B.CONFIRMED, _bank_verifier, _l("Confirm the new account")),
    Transition("reject", B.PENDING, B.REJECTED, _bank_verifier, _l("Refuse the change"),
               needs_reason=True),
))  # fmt: skip
