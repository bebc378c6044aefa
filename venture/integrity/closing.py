"""Closing (结项) is a checklist computed from the data.

Every report accepted and no change request open; every community dispute resolved; the final
evaluation final and passed; payments reconciled (every installment paid that is due before
closing) and the surplus settled. `closing_problems` lists what is missing; the project's close
transition refuses with that list, the project page shows it, `flask integrity check` reports
closed projects that break it.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from venture.core.money import format_yuan
from venture.core.timeutil import local_today
from venture.delivery.lifecycle import CLOSING_RULES
from venture.extensions import db
from venture.integrity.registry import Finding, register_check

# a report period still running or not started needs no report at closing
NO_REPORT_NEEDED = ("upcoming", "open", "accepted")


def _report_problems(project, today):
    from venture.delivery.enums import ReportState
    from venture.delivery.rules import schedule_rows

    problems = []
    for report in project.reports:
        if report.state != ReportState.ACCEPTED:
            problems.append(
                _l(
                    "Progress report “%(title)s” is %(state)s, not accepted.",
                    title=report.title,
                    state=report.state.label,
                )
            )
    for row in schedule_rows(project, today=today):
        if row.report is None and row.status not in NO_REPORT_NEEDED:
            problems.append(
                _l(
                    "The progress report for %(period)s was never submitted.",
                    period=row.period.label,
                )
            )
    return problems


def _open_changes(project):
    from venture.delivery.enums import ChangeState
    from venture.delivery.models import ChangeRequest

    count = db.session.scalar(
        sa.select(sa.func.count()).where(
            ChangeRequest.project_id == project.id, ChangeRequest.state == ChangeState.PENDING
        )
    )
    if count:
        return [_l("%(n)d change request(s) are still open.", n=count)]
    return []


def open_disputes(project_id):
    """Activities of the project its residents' committee still disputes."""
    from venture.community.enums import Verdict
    from venture.community.models import ActivityCheck
    from venture.delivery.models import Activity, ProgressReport

    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ActivityCheck)
        .join(Activity, Activity.id == ActivityCheck.activity_id)
        .join(ProgressReport, ProgressReport.id == Activity.report_id)
        .where(ProgressReport.project_id == project_id, ActivityCheck.verdict == Verdict.DISPUTED)
    )


def _final_evaluation(project):
    from venture.evaluation.rules import latest_final_evaluation

    final = latest_final_evaluation(project, "final")
    if final is None:
        return [_l("The final evaluation is not final yet.")]
    if not final.passed:
        return [_l("The final evaluation was not passed.")]
    return []


def _payments(project):
    from venture.calls.enums import InstallmentCondition
    from venture.delivery.settlement import paid_on, settlement_of, spent_on
    from venture.payments.enums import InstallmentState

    problems = [
        _l(
            "Installment %(n)d (%(amount)s) is not paid yet.",
            n=i.position,
            amount=format_yuan(i.amount),
        )
        for i in project.contract.installments
        if i.state != InstallmentState.PAID and i.condition != InstallmentCondition.PROJECT_CLOSED
    ]
    settlement = settlement_of(project)
    if settlement is None:
        paid, spent = paid_on(project), spent_on(project)
        if spent > paid:
            problems.append(
                _l(
                    "Accepted spending %(spent)s is more than the payments %(paid)s.",
                    spent=format_yuan(spent),
                    paid=format_yuan(paid),
                )
            )
        else:
            problems.append(
                _l(
                    "The surplus is not settled: %(paid)s paid, %(spent)s spent, %(surplus)s "
                    "left over.",
                    paid=format_yuan(paid),
                    spent=format_yuan(spent),
                    surplus=format_yuan(paid - spent),
                )
            )
    return problems


def closing_problems(project, today=None):
    """What is missing before the project may close (empty when it may)."""
    today = today or local_today()
    problems = _report_problems(project, today) + _open_changes(project)
    disputes = open_disputes(project.id)
    if disputes:
        problems.append(
            _l("%(n)d activity dispute(s) of the community are unresolved.", n=disputes)
        )
    return problems + _final_evaluation(project) + _payments(project)


CLOSING_RULES.register(closing_problems)  # delivery/lifecycle.py


# ── the whole-database check ───────────────────────────────────────────────────────────────


@register_check("closing.checklist")
def check_closed_projects():
    """Closed projects have no loose ends: disputes, open reports and changes, no settlement."""
    from venture.delivery.enums import ChangeState, ProjectState, ReportState
    from venture.delivery.models import ChangeRequest, ProgressReport, Project
    from venture.delivery.settlement import SurplusSettlement

    closed = sa.select(Project.id).where(Project.state == ProjectState.CLOSED)
    queries = {
        "a progress report is not accepted": sa.select(ProgressReport.project_id).where(
            ProgressReport.project_id.in_(closed), ProgressReport.state != ReportState.ACCEPTED
        ),
        "a change request is open": sa.select(ChangeRequest.project_id).where(
            ChangeRequest.project_id.in_(closed), ChangeRequest.state == ChangeState.PENDING
        ),
        "no surplus settlement": closed.where(
            ~sa.exists().where(SurplusSettlement.project_id == Project.id)
        ),
    }
    for detail, query in queries.items():
        for project_id in sorted(set(db.session.scalars(query))):
            yield Finding("closing.checklist", f"project {project_id}", detail)
    for project_id in db.session.scalars(closed):
        if open_disputes(project_id):
            yield Finding(
                "closing.checklist", f"project {project_id}", "a community dispute is unresolved"
            )
