"""Who may see, edit and screen an application. Later modules extend can_view_application
(assigned reviewers) by adding a rule to VIEW_RULES."""

from venture.auth.permissions import is_member_of, is_staff


def is_applicant_member(user, application):
    """A member of the organization that made the application."""
    return is_member_of(user, application.organization_id)


def can_screen(user, _application=None):
    return is_staff(user)


def _staff_sees_submitted(user, application):
    # a draft that was never submitted is the organization's own work in progress
    return can_screen(user) and application.number is not None


# each rule is (user, application) -> bool; any one that holds grants read access
VIEW_RULES = [is_applicant_member, _staff_sees_submitted]


def can_view_application(user, application):
    """Read the application, its attachments and its PDF."""
    return user.is_authenticated and any(rule(user, application) for rule in VIEW_RULES)


def can_edit_application(user, application):
    return is_applicant_member(user, application) and application.is_editable
