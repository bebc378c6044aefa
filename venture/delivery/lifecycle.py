"""The transition tables of funded projects, progress reports and change requests.

project: contracting → in force → mid-term evaluated → (rectification) → final evaluated →
closed; terminated from any active state, with a reason. A project is created when its
contract is issued, starts when the contract is put in force and ends with it when the contract
is terminated (see the contract hook in delivery/operations.py). Evaluations move it on when
their result becomes final (evaluation/operations.py).

progress report: draft → submitted → accepted, or returned with comments → submitted again.
change request: pending → approved / rejected (staff, with a reason) or withdrawn.
"""

from flask_babel import lazy_gettext as _l

from venture.core.formatting import local_date
from venture.core.hooks import Hooks
from venture.core.lifecycle import Transition, Workflow, actor_can, all_problems
from venture.core.money import format_yuan
from venture.core.timeutil import local_today
from venture.delivery.enums import ACTIVE_STATES, ReportKind
from venture.delivery.enums import ChangeState as C
from venture.delivery.enums import ProjectState as P
from venture.delivery.enums import ReportState as R
from venture.delivery.evaluations import EVALUATIONS
from venture.delivery.permissions import can_manage_project, is_project_member
from venture.delivery.progress import line_totals
from venture.payments.lifecycle import SYSTEM

_staff = actor_can(can_manage_project)


def _staff_or_platform(user, _obj):
    return user is SYSTEM or can_manage_project(user)


def _contract_in_force(project, _actor):
    from venture.contracts.enums import ContractState

    if project.contract.state != ContractState.IN_FORCE:
        return _l(
            "The contract is %(state)s; the project starts when the contract is put in force.",
            state=project.contract.state.label,
        )
    return None


def _passed(kind):
    def guard(project, _actor):
        latest = EVALUATIONS.latest_final_evaluation(project, kind)
        if latest is None or not latest.passed:
            return _l("The project has no passed evaluation of this kind.")
        return None

    return guard


def _failed_and_not_reevaluating(project, _actor):
    if EVALUATIONS.unresolved_failure(project) is None:
        return _l("Rectification follows a failed evaluation; this project has none.")
    if EVALUATIONS.open_evaluation(project) is not None:
        return _l("An evaluation of this project is still open.")
    return None


# What is missing before a project may close, as the integrity module rules it (it reads the
# reports, evaluations, disputes and payments): closing_problems(project), registered by
# integrity/closing.py when the app is built.
CLOSING_RULES = Hooks("delivery.CLOSING_RULES", "closing_problems")


def closing_refusal(problems):
    """One message listing what closing still needs."""
    return _l("The project cannot close yet: %(problems)s", problems="；".join(map(str, problems)))


def _ready_to_close(project, _actor):
    problems = CLOSING_RULES.closing_problems(project)
    return closing_refusal(problems) if problems else None


PROJECT_WORKFLOW = Workflow(name="project", transitions=(
    Transition("start", P.CONTRACTING, P.IN_FORCE, _staff_or_platform, _l("Start delivery"),
               guard=_contract_in_force),
    Transition("pass_midterm", (P.IN_FORCE, P.RECTIFICATION), P.MIDTERM_EVALUATED,
               _staff_or_platform, _l("Record the passed mid-term evaluation"),
               guard=_passed("midterm")),
    Transition("pass_final", (P.IN_FORCE, P.MIDTERM_EVALUATED, P.RECTIFICATION), P.FINAL_EVALUATED,
               _staff_or_platform, _l("Record the passed final evaluation"),
               guard=_passed("final")),
    Transition("rectify", (P.IN_FORCE, P.MIDTERM_EVALUATED, P.RECTIFICATION), P.RECTIFICATION,
               _staff, _l("Order rectification"), guard=_failed_and_not_reevaluating,
               needs_reason=True),
    Transition("close", P.FINAL_EVALUATED, P.CLOSED, _staff, _l("Close the project"),
               guard=_ready_to_close),
    Transition("terminate", ACTIVE_STATES, P.TERMINATED, _staff_or_platform,
               _l("Terminate the project"), needs_reason=True),
))  # fmt: skip


def over_budget_problems(report):
    """A message for each budget line whose running total is over by more than 10% with no
    explanation in this report."""
    problems = []
    for total in line_totals(report.project.plan_lines, report.project.reports, current=report):
        row = report.expenditure_for(total.line.id)
        if total.over and (row is None or not row.explanation.strip()):
            problems.append(
                _l(
                    "%(line)s: spending reaches %(spent)s of a budget of %(budget)s, more than "
                    "10%% over; explain why on that line.",
                    line=total.line.label,
                    spent=format_yuan(total.cumulative),
                    budget=format_yuan(total.budget),
                )
            )
    return problems


def submission_problems(report):
    """What stops the report from being submitted, as messages for a person."""
    problems = []
    if not report.summary.strip():
        problems.append(_l("Describe the progress made (the summary)."))
    if (
        report.kind == ReportKind.SCHEDULED
        and report.period_end is not None
        and local_today() < report.period_end
    ):
        problems.append(
            _l(
                "The period runs until %(date)s; the report can be submitted from that day.",
                date=local_date(report.period_end),
            )
        )
    return problems + over_budget_problems(report)


def _member_of_open_project(user, report):
    return is_project_member(user, report.project) and not report.project.is_read_only


def _staff_on_open_project(user, report):
    return can_manage_project(user) and not report.project.is_read_only


REPORT_WORKFLOW = Workflow(name="progress_report", transitions=(
    Transition("submit", (R.DRAFT, R.RETURNED), R.SUBMITTED, _member_of_open_project,
               _l("Submit the report"), guard=all_problems(submission_problems)),
    Transition("accept", R.SUBMITTED, R.ACCEPTED, _staff_on_open_project, _l("Accept")),
    Transition("return", R.SUBMITTED, R.RETURNED, _staff_on_open_project,
               _l("Return with comments"), needs_reason=True),
))  # fmt: skip


def _change_still_fits(change, _actor):
    from venture.delivery.rules import change_problem

    return change_problem(change)


def _project_open(user, change):
    return can_manage_project(user) and change.project.is_delivering


def _project_member(user, change):
    return is_project_member(user, change.project)


CHANGE_WORKFLOW = Workflow(name="change_request", transitions=(
    Transition("approve", C.PENDING, C.APPROVED, _project_open, _l("Approve"),
               guard=_change_still_fits, needs_reason=True),
    Transition("reject", C.PENDING, C.REJECTED, _staff, _l("Turn down"), needs_reason=True),
    Transition("withdraw", C.PENDING, C.WITHDRAWN, _project_member, _l("Withdraw")),
))  # fmt: skip
