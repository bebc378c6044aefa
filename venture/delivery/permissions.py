"""Who may see and change a funded project, its reports and its change requests.

Later modules extend who may read a project (e.g. the residents' committee of a community it
serves) by adding a rule to VIEW_RULES.
"""

from venture.auth.enums import Role
from venture.auth.permissions import has_role, is_member_of, is_staff
from venture.delivery.enums import ChangeState, ReportState
from venture.delivery.evaluations import EVALUATIONS


def is_project_member(user, project):
    """A member of the organization delivering the project."""
    return is_member_of(user, project.organization_id, Role.APPLICANT)


def is_assigned_evaluator(user, project):
    """An evaluator with an evaluation of this project assigned to them (any state)."""
    if not has_role(user, Role.EVALUATOR):
        return False
    return EVALUATIONS.evaluator_assigned(project, user)


def _staff_or_finance(user, _project):
    return user.is_authenticated and user.has_any_role(Role.STAFF, Role.FINANCE)


# each rule is (user, project) -> bool; any one that holds grants read access
VIEW_RULES = [is_project_member, _staff_or_finance, is_assigned_evaluator]


def can_view_project(user, project):
    return user.is_authenticated and any(rule(user, project) for rule in VIEW_RULES)


def can_see_messages(user, project):
    """Messages are between the organization and the programme staff."""
    return is_project_member(user, project) or is_staff(user)


def can_manage_project(user, _project=None):
    """Assign the officer, decide reports and changes, rectify, terminate, close: staff."""
    return is_staff(user)


def can_write_reports(user, project):
    return is_project_member(user, project) and project.is_delivering


def can_edit_report(user, report):
    """The organization edits its drafts and returned reports, never after the project closed."""
    return (
        is_project_member(user, report.project)
        and report.state in (ReportState.DRAFT, ReportState.RETURNED)
        and not report.project.is_read_only
    )


def can_view_report(user, report):
    """Drafts are the organization's own; submitted reports are read by everyone on the project."""
    if is_project_member(user, report.project):
        return True
    return report.state != ReportState.DRAFT and can_view_project(user, report.project)


def can_request_change(user, project):
    return is_project_member(user, project) and project.is_delivering


def can_withdraw_change(user, change):
    return is_project_member(user, change.project) and change.state == ChangeState.PENDING


def can_post(user, project):
    """Messages and documents: the organization and staff, while the project is active."""
    return (is_project_member(user, project) or is_staff(user)) and not project.is_read_only
