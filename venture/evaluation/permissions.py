"""Who may see and do what in an evaluation."""

from venture.auth.enums import Role
from venture.auth.permissions import has_role, is_staff
from venture.delivery.permissions import is_project_member


def can_manage_evaluations(user, _evaluation=None):
    """Assign evaluators, set rubrics, announce results: programme staff."""
    return is_staff(user)


def is_assigned_evaluator(user, evaluation):
    """The evaluator the evaluation is assigned to; nobody else with the role sees it."""
    return has_role(user, Role.EVALUATOR) and evaluation.evaluator_id == user.id


def can_view_evaluation(user, evaluation):
    return (
        can_manage_evaluations(user)
        or is_assigned_evaluator(user, evaluation)
        or is_project_member(user, evaluation.project)
    )


def can_see_scores(user, evaluation):
    """The organization sees the scores once the result is announced."""
    if can_manage_evaluations(user) or is_assigned_evaluator(user, evaluation):
        return True
    return evaluation.result_public


def can_self_assess(user, evaluation):
    return is_project_member(user, evaluation.project) and not evaluation.project.is_read_only
