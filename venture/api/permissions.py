"""What a token's account may read through the API: the modules' own predicates for one record,
and the same rules as SQL conditions for lists (tests/api/test_scopes.py checks that the two
agree, record by record)."""

import sqlalchemy as sa

from venture.announcements.enums import AnnouncementState
from venture.announcements.models import Announcement
from venture.applications.models import Application
from venture.applications.permissions import can_screen, can_view_application
from venture.auth.enums import Role
from venture.calls.models import Call
from venture.calls.permissions import can_manage_calls
from venture.contracts.enums import ContractState
from venture.contracts.models import Contract
from venture.contracts.permissions import can_see_draft, can_view_contract
from venture.orgs.models import Organization
from venture.orgs.permissions import can_view_org
from venture.payments.permissions import can_view_ledger
from venture.procurement.enums import AwardState
from venture.procurement.models import Award
from venture.procurement.routes import ROUTES

# the rules of applications' VIEW_RULES that application_scope() writes as SQL; a module that
# adds a rule must add it here too (tests/api/test_scopes.py fails until it does)
SCOPED_VIEW_RULES = ("is_applicant_member", "_staff_sees_submitted", "is_assigned_reviewer")
ALL_ORGANIZATIONS = (Role.STAFF, Role.ADMIN, Role.FINANCE)
ALL_AWARDS = (Role.STAFF, Role.ADMIN, Role.FINANCE)


def _member_of(user):
    return user.is_authenticated and user.organization_id is not None


# ── calls ─────────────────────────────────────────────────────────────────────────────────────


def call_scope(user):
    """Published calls for everyone; drafts too for staff (calls.permissions.can_view_call)."""
    if can_manage_calls(user):
        return sa.true()
    return Call.published_at.is_not(None)


# ── organizations ─────────────────────────────────────────────────────────────────────────────


def organization_scope(user):
    """orgs.permissions.can_view_org as SQL."""
    if not user.is_authenticated:
        return sa.false()
    if user.has_any_role(*ALL_ORGANIZATIONS):
        return sa.true()
    if _member_of(user):
        return Organization.id == user.organization_id
    return sa.false()


def can_read_organization(user, org):
    """The full profile with bank details: its members, staff, admin and finance; reviewers
    and evaluators see an organization only as a name and a credit code."""
    return user.is_authenticated and can_view_org(user, org)


# ── applications ──────────────────────────────────────────────────────────────────────────────


def _assigned_application_ids(user):
    from venture.review.enums import AssignmentState
    from venture.review.models import Panel, ReviewAssignment, ReviewerProfile

    return (
        sa.select(ReviewAssignment.application_id)
        .join(ReviewerProfile, ReviewerProfile.id == ReviewAssignment.reviewer_id)
        .join(Panel, Panel.id == ReviewAssignment.panel_id)
        .where(
            ReviewAssignment.application_id.is_not(None),
            ReviewerProfile.user_id == user.id,
            ReviewAssignment.no_conflict_at.is_not(None),
            ReviewAssignment.state == AssignmentState.ACTIVE,
            Panel.blind.is_(False),
        )
    )


def application_scope(user):
    """applications.permissions.can_view_application as SQL: the organization's own, the
    submitted ones for staff, the assigned ones for reviewers."""
    if not user.is_authenticated:
        return sa.false()
    conditions = []
    if _member_of(user):
        conditions.append(Application.organization_id == user.organization_id)
    if can_screen(user):
        conditions.append(Application.number.is_not(None))
    if user.has_role(Role.REVIEWER):
        conditions.append(Application.id.in_(_assigned_application_ids(user)))
    return sa.or_(*conditions) if conditions else sa.false()


def can_read_application(user, application):
    return can_view_application(user, application)


# ── awards ────────────────────────────────────────────────────────────────────────────────────


def _result_announced():
    """The award's call has a live result announcement (公示) of its route's kind."""
    return sa.or_(
        *(
            sa.and_(
                Award.route == route.route,
                sa.exists().where(
                    Announcement.call_id == Award.call_id,
                    Announcement.kind == route.announcement_kind,
                    Announcement.state != AnnouncementState.WITHDRAWN,
                ),
            )
            for route in ROUTES.values()
        )
    )


def public_award_condition():
    """Final awards, and proposed or cancelled ones once their result was announced."""
    return sa.or_(Award.state == AwardState.FINAL, _result_announced())


def award_scope(user):
    if user.is_authenticated and user.has_any_role(*ALL_AWARDS):
        return sa.true()
    if _member_of(user):
        return sa.or_(public_award_condition(), Award.organization_id == user.organization_id)
    return public_award_condition()


# ── contracts and payments ────────────────────────────────────────────────────────────────────


def contract_scope(user):
    """contracts.permissions can_view_contract and can_see_draft as SQL."""
    if not user.is_authenticated:
        return sa.false()
    if user.has_any_role(Role.STAFF, Role.FINANCE):
        return sa.true()
    if _member_of(user):
        return sa.and_(
            Contract.organization_id == user.organization_id,
            Contract.state != ContractState.DRAFT,
        )
    return sa.false()


def can_read_contract(user, contract):
    return (
        user.is_authenticated
        and can_view_contract(user, contract)
        and can_see_draft(user, contract)
    )


def payment_scope(user):
    """The ledger for finance and staff; a contracted organization sees its own payments."""
    if can_view_ledger(user):
        return sa.true()
    return contract_scope(user)
