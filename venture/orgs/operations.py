"""Organization operations: register, update, verify, invite colleagues."""

import hashlib
import secrets
from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from venture.auth import operations as accounts
from venture.auth.enums import Role
from venture.core import audit
from venture.core.actions import Refused
from venture.core.files import PDF_OR_IMAGE, store_upload
from venture.core.lifecycle import transition
from venture.core.mail import send_mail
from venture.core.timeutil import now
from venture.extensions import db
from venture.orgs.credit_code import (
    enterprise_codes_allowed,
    is_enterprise_code,
    normalise_credit_code,
    org_type_for,
)
from venture.orgs.enums import BankChangeState
from venture.orgs.lifecycle import BANK_CHANGE_WORKFLOW, ORG_WORKFLOW
from venture.orgs.models import BankDetailsChange, Invitation, Organization

PROFILE_FIELDS = (
    "name",
    "legal_representative",
    "address",
    "street_id",
    "contact_name",
    "contact_phone",
    "contact_email",
    "bank_name",
    "bank_account_name",
    "bank_account",
    "certificate_id",
)
INVITATION_DAYS = 14


class OrganizationError(Refused):
    """A refused organization change; field names the form field to show it on."""


def find_by_credit_code(code):
    return db.session.scalar(select(Organization).where(Organization.credit_code == code))


def register_organization(*, credit_code, profile, account, certificate=None):
    """A new pending organization with its first member, who becomes an applicant."""
    try:
        code = normalise_credit_code(credit_code)
    except ValueError as error:
        raise OrganizationError(str(error), "credit_code") from error
    if is_enterprise_code(code) and not enterprise_codes_allowed():
        raise OrganizationError(
            _(
                "A code starting with 9 belongs to an enterprise registered with market "
                "regulation (工商). This platform is for social organizations registered with "
                "civil affairs, whose codes start with 51 (社会团体), 52 (民办非企业单位) or "
                "53 (基金会)."
            ),
            "credit_code",
        )
    if find_by_credit_code(code) is not None:
        raise OrganizationError(
            _("An organization with this credit code is already registered."), "credit_code"
        )
    _refuse_used_email(account)
    org = Organization(credit_code=code, org_type=org_type_for(code), **profile)
    db.session.add(org)
    user = _create_member(account, org)
    if certificate:
        _attach_certificate(org, certificate, user)
    audit.record(
        "organization.register",
        org,
        actor=user,
        after={**audit.snapshot(org, PROFILE_FIELDS), "credit_code": code},
    )
    return org, user


def _refuse_used_email(account):
    if accounts.find_user_by_email(account["email"]) is not None:
        raise OrganizationError(_("An account with this e-mail already exists."), "email")


def _create_member(account, organization):
    """The applicant account a person opens for themselves in organization."""
    return accounts.create_user(
        email=account["email"],
        name=account["name"],
        phone=account.get("phone"),
        password=account["password"],
        roles=[Role.APPLICANT],
        actor=None,
        organization=organization,
    )


def _attach_certificate(org, storage, actor):
    try:
        org.certificate = store_upload(storage, allowed=PDF_OR_IMAGE, actor=actor)
        db.session.flush()
    except ValueError as error:
        raise OrganizationError(str(error), "certificate") from error


BANK_FIELDS = ("bank_name", "bank_account_name", "bank_account")


def update_organization(org, *, profile, certificate=None, bank_proof=None, actor):
    """Save the profile. New bank details of an organization with a verified account do not
    take effect: they wait, with their proof, for staff (request_bank_change)."""
    profile = dict(profile)
    wanted = {key: profile.pop(key) for key in BANK_FIELDS if key in profile}
    if org.has_verified_bank_account and any(wanted[k] != getattr(org, k) for k in wanted):
        request_bank_change(org, wanted, proof=bank_proof, actor=actor)
    else:
        profile.update(wanted)
    before = audit.snapshot(org, PROFILE_FIELDS)
    for key, value in profile.items():
        setattr(org, key, value)
    if certificate:
        _attach_certificate(org, certificate, actor)
    audit.record_changes(
        "organization.update", org, actor=actor, before=before, fields=PROFILE_FIELDS
    )


def decide_organization(org, action, *, actor, reason=None):
    """verify / reject / resubmit through the verification table."""
    transition(ORG_WORKFLOW, org, action, actor=actor, reason=reason)
    org.status_reason = reason if action == "reject" else None
    org.verified_at = now() if action == "verify" else org.verified_at
    if action == "verify" and org.bank_verified_at is None:
        # verifying the organization checks the bank details it registered with
        org.bank_verified_at = org.verified_at


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def invite_member(org, email, *, actor):
    """Send a one-time link; the colleague sets up their own account with it."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization=org,
        email=email.strip().lower(),
        token_hash=_token_hash(token),
        invited_by_id=actor.id,
        expires_at=now() + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    audit.record("organization.invite", invitation, actor=actor, after={"email": invitation.email})
    link = url_for("orgs.accept_invitation", token=token, _external=True)
    send_mail(
        invitation.email,
        _("Invitation to join %(org)s on Venture", org=org.name),
        _(
            "%(name)s invites you to join %(org)s. Open this link within %(days)d days to set up "
            "your account: %(link)s",
            name=actor.name,
            org=org.name,
            days=INVITATION_DAYS,
            link=link,
        ),
    )
    return invitation, token


def find_invitation(token):
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token or ""))
    )
    if invitation is None or invitation.accepted_at or invitation.expires_at < now():
        return None
    return invitation


def accept_invitation(invitation, *, account):
    _refuse_used_email(account)
    user = _create_member(account, invitation.organization)
    invitation.accepted_at = now()
    audit.record(
        "organization.join", invitation.organization, actor=user, after={"member": user.email}
    )
    return user


# ── bank details under re-verification (银行账户变更核实) ─────────────────────────────────────


def pending_bank_change(org):
    return db.session.scalar(
        select(BankDetailsChange).where(
            BankDetailsChange.organization_id == org.id,
            BankDetailsChange.state == BankChangeState.PENDING,
        )
    )


def _bank_audiences(org):
    """Who hears of a bank change: every member of the organization, finance and staff."""
    from venture.auth.models import User, UserRole

    desks = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_((Role.FINANCE.value, Role.STAFF.value)), User.active)
    ).all()
    return [*org.members, *desks]


def _notify_bank(org, subject, body):
    from venture.notifications.operations import notify

    notify(_bank_audiences(org), subject, body, link=url_for("orgs.show", org_id=org.id))


def _masked(account):
    return f"…{account[-4:]}" if account else "—"


def request_bank_change(org, values, *, proof, actor):
    """Keep new bank details with their proof until staff confirm them; the verified account
    stays in force for payments. A new request replaces one still waiting."""
    from flask_babel import lazy_gettext as _l

    if not proof:
        raise OrganizationError(
            _(
                "Attach proof of the new bank account (a letter from the bank or the account "
                "licence): the change takes effect after staff check it."
            ),
            "bank_proof",
        )
    try:
        stored = store_upload(proof, allowed=PDF_OR_IMAGE, actor=actor)
    except ValueError as error:
        raise OrganizationError(str(error), "bank_proof") from error
    earlier = pending_bank_change(org)
    if earlier is not None:
        earlier.state = BankChangeState.REJECTED
        earlier.reason = _("Replaced by a newer request.")
        earlier.decided_at = now()
        audit.record(
            "bank_change.replaced",
            earlier,
            actor=actor,
            before={"state": BankChangeState.PENDING},
            after={"state": BankChangeState.REJECTED},
        )
        db.session.flush()
    change = BankDetailsChange(
        organization_id=org.id, proof=stored, requested_by_id=actor.id, **values
    )
    db.session.add(change)
    audit.record(
        "bank_change.request",
        change,
        actor=actor,
        before=audit.snapshot(org, BANK_FIELDS),
        after={**values, "proof": stored.original_name},
    )
    _notify_bank(
        org,
        _l("Bank account change requested: %(org)s", org=org.name),
        _l(
            "%(person)s asked to change the bank account of %(org)s to %(bank)s, account "
            "ending %(account)s. It takes effect only after staff check it against the proof; "
            "until then payments go to the verified account ending %(current)s. If you did "
            "not expect this change, tell the programme staff at once.",
            person=actor.name,
            org=org.name,
            bank=values["bank_name"],
            account=_masked(values["bank_account"]),
            current=_masked(org.bank_account),
        ),
    )
    return change


def decide_bank_change(change, action, *, actor, reason=None):
    """confirm: the new details become the verified account from now; reject: they never
    take effect. Either way the organization, finance and staff are told."""
    from flask_babel import lazy_gettext as _l

    org = change.organization
    before = audit.snapshot(org, (*BANK_FIELDS, "bank_verified_at"))
    transition(BANK_CHANGE_WORKFLOW, change, action, actor=actor, reason=reason)
    change.decided_by_id, change.decided_at = actor.id, now()
    change.reason = reason
    if action == "confirm":
        for key in BANK_FIELDS:
            setattr(org, key, getattr(change, key))
        org.bank_verified_at = change.decided_at
        audit.record(
            "organization.bank_verified",
            org,
            actor=actor,
            before=before,
            after=audit.snapshot(org, (*BANK_FIELDS, "bank_verified_at")),
        )
        subject = _l("New bank account verified: %(org)s", org=org.name)
        body = _l(
            "Staff checked the new bank account of %(org)s (account ending %(account)s) "
            "against the proof. Payments from now on go to this account.",
            org=org.name,
            account=_masked(change.bank_account),
        )
    else:
        subject = _l("Bank account change refused: %(org)s", org=org.name)
        body = _l(
            "Staff did not accept the new bank account of %(org)s (account ending "
            "%(account)s): %(reason)s Payments still go to the verified account ending "
            "%(current)s.",
            org=org.name,
            account=_masked(change.bank_account),
            reason=reason,
            current=_masked(org.bank_account),
        )
    _notify_bank(org, subject, body)
