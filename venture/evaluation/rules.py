"""Rules other modules ask about evaluations: results, conflicts, and blocked installments.

`evaluation_blocks_release(installment)` is the predicate the payments release guard calls:
a failed evaluation stops the installments that come after it until a re-evaluation (after
rectification) passes.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from venture.auth.enums import Role
from venture.calls.enums import InstallmentCondition
from venture.core.formatting import local_date
from venture.evaluation.enums import OPEN_STATES, EvaluationKind, EvaluationState
from venture.evaluation.models import Evaluation, EvaluationCriterion
from venture.extensions import db
from venture.review.scoring import display_points

# the installments a failed evaluation of each kind holds back ("later installments")
BLOCKED_CONDITIONS = {
    EvaluationKind.MIDTERM: (
        InstallmentCondition.MIDTERM_PASSED,
        InstallmentCondition.FINAL_PASSED,
    ),
    EvaluationKind.FINAL: (InstallmentCondition.FINAL_PASSED,),
}


def criteria_of(call_id, kind):
    """The rubric of a call for one kind of evaluation, in order."""
    return db.session.scalars(
        select(EvaluationCriterion)
        .where(
            EvaluationCriterion.call_id == call_id,
            EvaluationCriterion.kind == EvaluationKind(kind),
        )
        .order_by(EvaluationCriterion.position)
    ).all()


def evaluations_of(project_id):
    return db.session.scalars(
        select(Evaluation).where(Evaluation.project_id == project_id).order_by(Evaluation.id)
    ).all()


def evaluator_assigned(project, user):
    """An evaluation of the project is assigned to the user (any state)."""
    found = db.session.scalar(
        select(Evaluation.id)
        .where(Evaluation.project_id == project.id, Evaluation.evaluator_id == user.id)
        .limit(1)
    )
    return found is not None


def latest_final_evaluation(project, kind):
    """The most recent evaluation of kind whose result is final, or None."""
    return db.session.scalar(
        select(Evaluation)
        .where(
            Evaluation.project_id == project.id,
            Evaluation.kind == EvaluationKind(kind),
            Evaluation.state == EvaluationState.FINAL,
        )
        .order_by(Evaluation.id.desc())
        .limit(1)
    )


def failures(evaluations):
    """{kind: failed evaluation} for each kind whose latest final result is a fail (pure)."""
    latest = {}
    for evaluation in sorted(evaluations, key=lambda e: e.id):
        if evaluation.state == EvaluationState.FINAL:
            latest[evaluation.kind] = evaluation
    return {kind: e for kind, e in latest.items() if not e.passed}


def unresolved_failure(project):
    """The failed evaluation not yet made good by a passed re-evaluation, or None."""
    failed = failures(evaluations_of(project.id))
    return failed.get(EvaluationKind.FINAL) or failed.get(EvaluationKind.MIDTERM)


def open_evaluation(project, kind=None):
    query = select(Evaluation).where(
        Evaluation.project_id == project.id, Evaluation.state.in_(OPEN_STATES)
    )
    if kind is not None:
        query = query.where(Evaluation.kind == EvaluationKind(kind))
    return db.session.scalar(query.order_by(Evaluation.id).limit(1))


def evaluator_conflict(user, project):
    """Why user may not evaluate project, or None (回避, as for reviewers).

    Refused: an account without the evaluator role; a member of the project's organization; an
    expert-pool member whose declared ties (works or worked there in the last three years,
    governs it, family of its legal representative) include the organization — the review
    module's affiliation rule.
    """
    if not user.active or not user.has_role(Role.EVALUATOR):
        return _l("%(name)s does not hold the evaluator role.", name=user.name)
    if user.organization_id == project.organization_id:
        return _l(
            "%(name)s is a member of the organization delivering the project.", name=user.name
        )
    from venture.review.ties import profile_for, tied_organizations

    profile = profile_for(user)
    if profile is not None and project.organization_id in tied_organizations([profile.id]).get(
        profile.id, set()
    ):
        return _l(
            "%(name)s has a declared tie to %(org)s (回避).",
            name=user.name,
            org=project.organization.name,
        )
    return None


def evaluation_blocks_release(installment):
    """Why a failed evaluation stops this installment's release, or None.

    A failed mid-term evaluation holds back the mid-term and final installments, a failed final
    evaluation the final one, until a re-evaluation of the same kind passes.
    """
    from venture.delivery.models import Project

    project = db.session.scalar(
        select(Project).where(Project.contract_id == installment.contract_id)
    )
    if project is None:
        return None
    for kind, evaluation in sorted(failures(evaluations_of(project.id)).items()):
        if installment.condition in BLOCKED_CONDITIONS[kind]:
            return _l(
                "%(kind)s of %(date)s failed (%(total)s points, %(grade)s): later installments "
                "are blocked until a re-evaluation after rectification is passed.",
                kind=evaluation.kind.label,
                date=local_date(evaluation.finalised_at),
                total=display_points(evaluation.total),
                grade=evaluation.grade.label,
            )
    return None
