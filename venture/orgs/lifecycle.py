"""Verification of an organization (认证), as a transition table."""

from flask_babel import lazy_gettext as _l

from venture.core.lifecycle import Transition, Workflow
from venture.orgs.enums import BankChangeState, OrgStatus
from venture.orgs.permissions import can_verify_bank_details, can_verify_org, is_member


def _has_certificate(org, _actor):
    if org.certificate_id is None:
        return _l("The organization has not uploaded its registration certificate.")
    return None


ORG_WORKFLOW = Workflow(
    name="organization",
    state_attr="status",
    transitions=(
        Transition(
            "verify",
            (OrgStatus.PENDING, OrgStatus.REJECTED),
            OrgStatus.VERIFIED,
            allowed=lambda user, org: can_verify_org(user),
            label=_l("Verify"),
            guard=_has_certificate,
        ),
        Transition(
            "reject",
            (OrgStatus.PENDING, OrgStatus.VERIFIED),
            OrgStatus.REJECTED,
            allowed=lambda user, org: can_verify_org(user),
            label=_l("Reject"),
            needs_reason=True,
        ),
        Transition(
            "resubmit",
            (OrgStatus.REJECTED,),
            OrgStatus.PENDING,
            allowed=is_member,
            label=_l("Ask for verification again"),
        ),
    ),
)


# 银行账户变更审核: staff confirm a new account against the uploaded proof, or refuse it
BANK_CHANGE_WORKFLOW = Workflow(
    name="bank_change",
    transitions=(
        Transition(
            "confirm",
            (BankChangeState.PENDING,),
            BankChangeState.CONFIRMED,
            allowed=lambda user, change: can_verify_bank_details(user),
            label=_l("Confirm the new account"),
        ),
        Transition(
            "reject",
            (BankChangeState.PENDING,),
            BankChangeState.REJECTED,
            allowed=lambda user, change: can_verify_bank_details(user),
            label=_l("Refuse the change"),
            needs_reason=True,
        ),
    ),
)
