"""Who may see and change a contract."""

from venture.auth.enums import Role


def is_party(user, contract):
    """A member of the contracted organization (乙方)."""
    return user.is_authenticated and user.organization_id == contract.organization_id


def can_manage_contracts(user):
    """Draft, edit, issue, confirm, put in force, complete and terminate: staff only."""
    return user.is_authenticated and user.has_role(Role.STAFF)


def can_view_contract(user, contract):
    return is_party(user, contract) or user.has_any_role(Role.STAFF, Role.FINANCE)


def can_see_draft(user, contract):
    """The organization sees a contract once it is issued; staff and finance see drafts."""
    return user.has_any_role(Role.STAFF, Role.FINANCE) or (
        is_party(user, contract) and not contract.is_draft
    )


def can_upload_scan(user, contract):
    return is_party(user, contract) and user.has_role(Role.APPLICANT)


def can_sign_contract(user, contract):
    """Sign online as Party B (乙方): an applicant member of the contracted organization."""
    return is_party(user, contract) and user.has_role(Role.APPLICANT)
