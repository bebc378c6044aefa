"""Who may see and change an organization."""

from venture.auth.enums import Role


def is_member(user, org):
    return user.is_authenticated and user.organization_id == org.id


def can_view_org(user, org):
    return is_member(user, org) or user.has_any_role(Role.STAFF, Role.ADMIN, Role.FINANCE)


def can_edit_org(user, org):
    return is_member(user, org)


def can_verify_org(user):
    return user.has_role(Role.STAFF)


def can_verify_bank_details(user):
    """Staff check a new bank account against its proof (the desk that verifies orgs)."""
    return user.has_role(Role.STAFF)


def can_view_bank_proof(user, org):
    return is_member(user, org) or user.has_any_role(Role.STAFF, Role.FINANCE, Role.ADMIN)
