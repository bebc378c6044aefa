"""The predicates the modules' permissions are made of: signed in with a role, a member of an
organization, a row that says so."""

from venture.auth.enums import Role
from venture.extensions import db


def has_role(user, role):
    """Signed in and holding role."""
    return user.is_authenticated and user.has_role(role)


def is_staff(user):
    return has_role(user, Role.STAFF)


def is_member_of(user, organization_id, role=None):
    """Signed in as a member (holding role, when given) of the organization organization_id."""
    return (
        user.is_authenticated
        and (role is None or user.has_role(role))
        and user.organization_id is not None
        and user.organization_id == organization_id
    )


def row_exists(query):
    """The query (a select of one column) finds a row."""
    return db.session.scalar(query.limit(1)) is not None
