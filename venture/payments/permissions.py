"""Who may release and record money, and see the ledger."""

from venture.auth.enums import Role


def can_approve_release(user):
    """Staff approve releases and record conditions as met."""
    return user.is_authenticated and user.has_role(Role.STAFF)


def can_record_payment(user):
    return user.is_authenticated and user.has_role(Role.FINANCE)


def can_view_ledger(user):
    return user.is_authenticated and user.has_any_role(Role.FINANCE, Role.STAFF)


def is_second_person(user, installment):
    """The two-person rule: whoever approved the release does not record its payment."""
    return installment.approved_by_id is None or installment.approved_by_id != user.id
