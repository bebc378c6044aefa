"""Who may run, score and watch a roadshow."""

from venture.auth.enums import Role


def is_staff(user):
    return user is not None and user.is_authenticated and user.has_role(Role.STAFF)


def seat_of(user, roadshow):
    """The panel member entry of user on the roadshow's panel (members and reserves), or None."""
    if not (user is not None and user.is_authenticated and user.has_role(Role.REVIEWER)):
        return None
    for member in roadshow.panel.members:
        if member.reviewer.user_id == user.id:
            return member
    return None


def on_panel(user, roadshow):
    """A reviewer sitting on the panel the roadshow scores with."""
    return seat_of(user, roadshow) is not None


def can_watch(user, roadshow):
    """Staff and the panel's members follow the live state."""
    return is_staff(user) or on_panel(user, roadshow)


def shows_identity(roadshow):
    """Blind review hides the applicant from the panel, so from the hall's screen too."""
    return not roadshow.panel.blind
