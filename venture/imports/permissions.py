"""Who may import, undo and invite organizations to claim their accounts."""

from venture.auth.enums import Role

IMPORT_ROLES = (Role.STAFF, Role.ADMIN)


def can_import(user):
    return user.is_authenticated and user.has_any_role(*IMPORT_ROLES)


def can_see_batch(user, batch):
    return can_import(user)


def can_undo_batch(user, batch):
    """The person who confirmed it, or an administrator."""
    return can_import(user) and (batch.created_by_id == user.id or user.has_role(Role.ADMIN))
