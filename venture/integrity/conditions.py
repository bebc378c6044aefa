"""Payment conditions are events, not notes.

An installment's condition is one of the machine-checkable events (contract signed, progress
report accepted, mid-term evaluation passed, final evaluation passed, project closed); it holds
only when that event has happened, or by an explicit exception that one staff member asks for
with a reason and a second one confirms.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from venture.calls.enums import InstallmentCondition
from venture.extensions import db
from venture.integrity.registry import Finding, register_check
from venture.payments.lifecycle import RELEASE_RULES

SIGNED_STATES = ("signed", "in_force", "completed")


def _project_of(contract_id):
    from venture.delivery.models import Project

    return db.session.scalar(sa.select(Project).where(Project.contract_id == contract_id))


def _evaluation_passed(project, kind):
    from venture.evaluation.rules import latest_final_evaluation

    evaluation = latest_final_evaluation(project, kind)
    return evaluation is not None and bool(evaluation.passed)


def condition_event_happened(installment):
    """The event the installment waits for has happened (read from the records, not typed)."""
    from venture.delivery.enums import ProjectState, ReportState

    condition = installment.condition
    if condition == InstallmentCondition.ON_SIGNING:
        return str(installment.contract.state) in SIGNED_STATES
    project = _project_of(installment.contract_id)
    if project is None:
        return False
    if condition == InstallmentCondition.REPORT_ACCEPTED:
        return any(r.state == ReportState.ACCEPTED for r in project.reports)
    if condition == InstallmentCondition.MIDTERM_PASSED:
        return _evaluation_passed(project, "midterm")
    if condition == InstallmentCondition.FINAL_PASSED:
        return _evaluation_passed(project, "final")
    if condition == InstallmentCondition.PROJECT_CLOSED:
        return project.state == ProjectState.CLOSED
    return False


def condition_holds(installment):
    """Its event happened, or a two-person exception was confirmed."""
    return installment.is_overridden or condition_event_happened(installment)


def condition_refusal(installment):
    """Why the installment's condition does not hold, or None."""
    if condition_holds(installment):
        return None
    return _l(
        "The condition of installment %(n)d (%(condition)s) has not happened yet. Paying before "
        "it needs an exception: a reason from one staff member, confirmed by another.",
        n=installment.position,
        condition=installment.condition.label,
    )


def override_waiting(installment):
    """An exception was asked for and waits for a second staff member."""
    return (
        installment.override_requested_at is not None and installment.override_confirmed_at is None
    )


# payments asks these before a release (payments/lifecycle.py)
RELEASE_RULES.register(condition_refusal, condition_happened=condition_event_happened)


# ── the whole-database check ───────────────────────────────────────────────────────────────


@register_check("payment.condition_is_event")
def check_condition_is_event():
    """Every installment released or paid has its event, or a confirmed exception."""
    from venture.payments.enums import InstallmentState
    from venture.payments.models import Installment

    rows = db.session.scalars(
        sa.select(Installment).where(
            Installment.state.in_(
                (
                    InstallmentState.CONDITION_MET,
                    InstallmentState.RELEASE_APPROVED,
                    InstallmentState.PAID,
                )
            ),
            Installment.override_confirmed_at.is_(None),
        )
    ).all()
    for installment in rows:
        if not condition_event_happened(installment):
            yield Finding(
                "payment.condition_is_event",
                f"installment {installment.id} (contract {installment.contract_id})",
                f"{installment.state} but its condition {installment.condition} has not "
                "happened and no exception was confirmed",
            )
