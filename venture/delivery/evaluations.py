"""A project's evaluations, as the evaluation module reads them.

Evaluations are of projects, so the evaluation module imports delivery and never the other way:
it registers these when the app is built (venture/evaluation/operations.py), and delivery's
workflow, workspace, archive and permissions ask `EVALUATIONS.open_evaluation(project)`.
"""

from venture.core.hooks import Hooks

EVALUATIONS = Hooks(
    "delivery.EVALUATIONS",
    "criteria_of",
    "evaluations_of",
    "latest_final_evaluation",
    "open_evaluation",
    "unresolved_failure",
    "evaluator_assigned",
)
