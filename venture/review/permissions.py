"""Who may see and do what in the review."""

from sqlalchemy import select

from venture.applications.permissions import VIEW_RULES
from venture.auth.enums import Role
from venture.auth.permissions import has_role, is_staff, row_exists
from venture.review.enums import AssignmentState


def owns_assignment(user, assignment):
    """The reviewer the assignment belongs to."""
    return (
        user.is_authenticated
        and user.has_role(Role.REVIEWER)
        and assignment.reviewer.user_id == user.id
    )


def can_open_assignment(user, assignment):
    """The assigned reviewer, while the assignment stands (a declared conflict ends it)."""
    return owns_assignment(user, assignment) and assignment.state == AssignmentState.ACTIVE


def reviewer_finds(user, query):
    """A reviewer for whom query, a SELECT joined to ReviewerProfile, finds a row of their own."""
    from venture.review.models import ReviewerProfile

    if not has_role(user, Role.REVIEWER):
        return False
    return row_exists(query.where(ReviewerProfile.user_id == user.id))


def is_assigned_reviewer(user, application):
    """A reviewer who may read application on the applications pages (can_view_application).

    The assignment must stand and the reviewer must have declared no conflict (the gate before
    opening). Under blind review the applications pages would show the applicant, so there the
    reviewer reads the application only on the scoring page, which hides it.
    """
    from venture.review.models import Panel, ReviewAssignment, ReviewerProfile

    return reviewer_finds(
        user,
        select(ReviewAssignment.id)
        .join(ReviewerProfile, ReviewerProfile.id == ReviewAssignment.reviewer_id)
        .join(Panel, Panel.id == ReviewAssignment.panel_id)
        .where(
            ReviewAssignment.application_id == application.id,
            ReviewAssignment.state == AssignmentState.ACTIVE,
            ReviewAssignment.no_conflict_at.is_not(None),
            Panel.blind.is_(False),
        ),
    )


def can_see_identity(user, panel):
    """Blind review hides the applicant from reviewers; staff always see it."""
    return not panel.blind or is_staff(user)


# assigned reviewers read the applications they review (applications/permissions.py's hook)
if is_assigned_reviewer not in VIEW_RULES:
    VIEW_RULES.append(is_assigned_reviewer)
