"""Who may publish announcements, lodge objections and answer them."""

from venture.auth.enums import Role


def can_manage_announcements(user):
    """Publish, answer objections, finalise and withdraw: programme staff."""
    return user.is_authenticated and user.has_role(Role.STAFF)


def can_object(user):
    """Any signed-in account may lodge an objection (质疑) while the period is open."""
    return user.is_authenticated


def is_objector(user, objection):
    return user.is_authenticated and objection.user_id == user.id
