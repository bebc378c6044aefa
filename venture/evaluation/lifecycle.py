"""The evaluation's states as a transition table.

assigned → self-assessment submitted → scored → announced (公示, objection window) → final
(pass / fail). The organization's self-assessment is due by the end of a set day; after it the
organization can no longer submit (late counts as not submitted) and the evaluator scores
without it. Staff can return a scored evaluation to the evaluator, or an announced one whose
announcement was withdrawn (e.g. after an upheld objection).
"""

from flask_babel import lazy_gettext as _l

from venture.announcements.enums import AnnouncementState
from venture.core.formatting import local_date
from venture.core.lifecycle import Transition, Workflow, actor_can, all_problems
from venture.core.timeutil import local_today
from venture.evaluation.enums import EvaluationKind
from venture.evaluation.enums import EvaluationState as E
from venture.evaluation.permissions import (
    can_manage_evaluations,
    can_self_assess,
    is_assigned_evaluator,
)

_staff = actor_can(can_manage_evaluations)


def self_assessment_problems(evaluation):
    """What stops the self-assessment from being submitted, as messages."""
    problems = []
    if local_today() > evaluation.self_assessment_due:
        problems.append(
            _l(
                "The self-assessment was due by %(date)s; a late self-assessment counts as not "
                "submitted.",
                date=local_date(evaluation.self_assessment_due),
            )
        )
    if not evaluation.self_assessment.strip():
        problems.append(_l("Write the self-assessment."))
    if evaluation.kind == EvaluationKind.FINAL and evaluation.final_report_file_id is None:
        problems.append(_l("Upload the project's final report (结项报告)."))
    return problems


def scoring_problems(evaluation, criteria):
    """What stops the evaluator from submitting the scores, as messages."""
    problems = []
    if not evaluation.self_assessment_submitted and local_today() <= evaluation.self_assessment_due:
        problems.append(
            _l(
                "The organization may submit its self-assessment until %(date)s; score after "
                "it is submitted or that day has passed.",
                date=local_date(evaluation.self_assessment_due),
            )
        )
    if not criteria:
        problems.append(_l("The call has no evaluation rubric."))
    missing = [c.name for c in criteria if _score(evaluation, c) is None]
    if missing:
        problems.append(_l("Score every criterion: %(names)s.", names="、".join(missing)))
    if evaluation.site_visit_on is None or not evaluation.site_visit_notes.strip():
        problems.append(_l("Record the site visit: its date and what was found."))
    if not evaluation.overall_comment.strip():
        problems.append(_l("Write the overall comment."))
    return problems


def _score(evaluation, criterion):
    row = evaluation.score_for(criterion.id)
    return None if row is None else row.score


def _ready_to_score(evaluation, _actor):
    from venture.evaluation.rules import criteria_of

    problems = scoring_problems(
        evaluation, criteria_of(evaluation.project.call_id, evaluation.kind)
    )
    return " ".join(str(p) for p in problems) or None


def _announcement_withdrawn(evaluation, _actor):
    if evaluation.state == E.ANNOUNCED and (
        evaluation.announcement is not None
        and evaluation.announcement.state != AnnouncementState.WITHDRAWN
    ):
        return _l("The result is being announced; withdraw the announcement first.")
    return None


EVALUATION_WORKFLOW = Workflow(name="evaluation", transitions=(
    Transition("submit_self_assessment", E.ASSIGNED, E.SELF_ASSESSED, can_self_assess,
               _l("Submit the self-assessment"), guard=all_problems(self_assessment_problems)),
    Transition("score", (E.ASSIGNED, E.SELF_ASSESSED), E.SCORED, is_assigned_evaluator,
               _l("Submit the scores"), guard=_ready_to_score),
    Transition("announce", E.SCORED, E.ANNOUNCED, _staff, _l("Announce the result")),
    Transition("return", (E.SCORED, E.ANNOUNCED), E.ASSIGNED, _staff, _l("Return to the evaluator"),
               guard=_announcement_withdrawn, needs_reason=True),
    Transition("finalise", E.ANNOUNCED, E.FINAL, _staff, _l("Make the result final")),
))  # fmt: skip
