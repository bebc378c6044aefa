"""Who may see and manage calls."""

from venture.auth.enums import Role
from venture.auth.permissions import is_staff
from venture.calls.enums import CallStatus
from venture.calls.hooks import PROCUREMENT_ROUTES


def can_manage_calls(user):
    return is_staff(user)


def can_view_call(user, call):
    """Published calls are public; drafts only for staff."""
    return call.is_public or can_manage_calls(user)


def is_applicant_of_open_call(user, call):
    """A member of an organization while the call is open: one who may answer it."""
    return (
        user.is_authenticated
        and user.has_role(Role.APPLICANT)
        and user.organization_id is not None
        and call.status == CallStatus.OPEN
    )


def can_apply(user, call):
    """Members of an organization may start an application while the call is open."""
    return (
        is_applicant_of_open_call(user, call)
        # targeted purchases and tenders make their own records (procurement/routes.py)
        and PROCUREMENT_ROUTES.route_for(call).accepts_applications_from(user, call)
    )
