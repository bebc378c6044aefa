"""The figures of the reports and the staff dashboard, each in a fixed number of queries.

Money is counted from contracts (the signed amounts) and payments; spending and beneficiaries
from accepted progress reports (see delivery/progress.py). Where a contract serves communities
in several streets, its amount is split evenly between those streets (the cent remainder to the
first), so the amounts by street add up to the contracts' total exactly.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, subqueryload

from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.contracts.models import Contract
from venture.core.money import CENT
from venture.delivery.enums import BeneficiaryGroup, ProjectState
from venture.delivery.models import ChangeRequest, Project
from venture.delivery.progress import project_progress
from venture.delivery.rules import load_project, project_options
from venture.evaluation.enums import EvaluationState, Grade
from venture.evaluation.models import Evaluation
from venture.extensions import db
from venture.payments.models import Installment
from venture.procurement.enums import AwardState
from venture.procurement.models import Award

ZERO = Decimal("0.00")

# screening result (资格审查结果) of an application in each state
PASSED_SCREENING = (
    ApplicationState.ELIGIBLE,
    ApplicationState.UNDER_REVIEW,
    ApplicationState.PROPOSED,
    ApplicationState.NOT_SELECTED,
    ApplicationState.AWARDED,
    ApplicationState.NOT_AWARDED,
)
SCREENING_GROUPS = (
    ("passed", PASSED_SCREENING),
    ("failed", (ApplicationState.INELIGIBLE,)),
    ("pending", (ApplicationState.SUBMITTED, ApplicationState.RETURNED)),
    ("withdrawn", (ApplicationState.WITHDRAWN,)),
)


def screening_label(key):
    return {
        "passed": _("Passed screening"),
        "failed": _("Did not pass screening"),
        "pending": _("Being screened"),
        "withdrawn": _("Withdrawn"),
    }[key]


def split_evenly(amount, n):
    """amount in n shares to the cent; the remainder goes to the first share."""
    share = (amount / n).quantize(CENT, rounding=ROUND_DOWN)
    return [amount - share * (n - 1)] + [share] * (n - 1)


def _sorted_amounts(amounts):
    return sorted(amounts.items(), key=lambda item: (-item[1], item[0]))


@dataclass
class ProjectReport:
    """The figures of a project's final report (结项报告)."""

    project: Project
    progress: object
    evaluations: list
    changes: list
    reports: list

    @property
    def installments(self):
        return self.project.contract.installments


def project_report(project_id):
    project = load_project(project_id)
    if project is None:
        return None
    evaluations = db.session.scalars(
        sa.select(Evaluation).where(Evaluation.project_id == project.id).order_by(Evaluation.id)
    ).all()
    changes = db.session.scalars(
        sa.select(ChangeRequest)
        .where(ChangeRequest.project_id == project.id)
        .order_by(ChangeRequest.created_at, ChangeRequest.id)
    ).all()
    return ProjectReport(
        project=project,
        progress=project_progress(project),
        evaluations=evaluations,
        changes=changes,
        reports=[r for r in project.reports if r.submitted_at is not None],
    )


@dataclass
class CallSummary:
    """汇总: what a call produced, from applications to money and beneficiaries."""

    call: object
    application_states: list  # [(ApplicationState, count)], submitted applications only
    screening: list  # [(label, count)]
    ranking: object | None  # review.results.Ranking, when the call was reviewed by a panel
    awards: list
    contracts: list
    projects: list  # [(Project, ProjectProgress)]
    by_category: list  # [(name, amount)]
    by_street: list  # [(name, amount)]
    served_by_group: list  # [(label, count)]
    planned_beneficiaries: int = 0
    evaluations: dict = field(default_factory=dict)  # Grade -> count of final results

    @property
    def applications_total(self):
        return sum(count for _state, count in self.application_states)

    @property
    def awards_total(self):
        return sum((a.amount for a in self.awards), ZERO)

    @property
    def contract_total(self):
        return sum((c.amount for c in self.contracts), ZERO)

    @property
    def paid_total(self):
        return sum(
            (p.amount for c in self.contracts for i in c.installments for p in i.payments), ZERO
        )

    @property
    def spent_total(self):
        return sum((progress.spent_total for _p, progress in self.projects), ZERO)

    @property
    def served_total(self):
        return sum(count for _label, count in self.served_by_group)

    @property
    def budget_used_percent(self):
        budget = self.call.total_budget
        return int(self.contract_total * 100 / budget) if budget else None


def _ranking(call):
    from venture.review.models import Panel
    from venture.review.results import ranking

    panel = db.session.scalar(sa.select(Panel).where(Panel.call_id == call.id))
    if panel is None:
        return None
    return ranking(panel)


def _money_by_category_and_street(contracts):
    by_category = defaultdict(lambda: ZERO)
    by_street = defaultdict(lambda: ZERO)
    for contract in contracts:
        application = contract.application
        category = application.category.name if application and application.category else None
        by_category[category or _("No category")] += contract.amount
        streets = sorted(
            {c.street for c in (application.communities if application else [])},
            key=lambda s: s.id,
        )
        if not streets:
            by_street[_("No street given")] += contract.amount
            continue
        for street, share in zip(streets, split_evenly(contract.amount, len(streets)), strict=True):
            by_street[street.name] += share
    return _sorted_amounts(by_category), _sorted_amounts(by_street)


def call_summary(call):
    """The CallSummary of call."""
    counts = dict(
        db.session.execute(
            sa.select(Application.state, sa.func.count())
            .where(Application.call_id == call.id, Application.number.is_not(None))
            .group_by(Application.state)
        ).all()
    )
    application_states = [(state, counts[state]) for state in ApplicationState if counts.get(state)]
    screening = [
        (screening_label(key), sum(counts.get(state, 0) for state in states))
        for key, states in SCREENING_GROUPS
    ]
    awards = db.session.scalars(
        sa.select(Award)
        .where(Award.call_id == call.id, Award.state != AwardState.CANCELLED)
        .options(joinedload(Award.application))
        .order_by(Award.rank.is_(None), Award.rank, Award.id)
    ).all()
    contracts = db.session.scalars(
        sa.select(Contract)
        .where(Contract.call_id == call.id)
        .options(
            subqueryload(Contract.installments).subqueryload(Installment.payments),
            joinedload(Contract.application).joinedload(Application.category),
        )
        .order_by(Contract.number)
    ).all()
    projects = db.session.scalars(
        sa.select(Project)
        .where(Project.call_id == call.id)
        .options(*project_options())
        .order_by(Project.id)
    ).all()
    progress = [(project, project_progress(project)) for project in projects]
    served = Counter()
    for _project, figures in progress:
        served.update(figures.beneficiaries)
    by_category, by_street = _money_by_category_and_street(contracts)
    grades = Counter(
        db.session.scalars(
            sa.select(Evaluation.grade)
            .join(Project, Project.id == Evaluation.project_id)
            .where(Project.call_id == call.id, Evaluation.state == EvaluationState.FINAL)
        )
    )
    return CallSummary(
        call=call,
        application_states=application_states,
        screening=screening,
        ranking=_ranking(call),
        awards=awards,
        contracts=contracts,
        projects=progress,
        by_category=by_category,
        by_street=by_street,
        served_by_group=[(g.label, served[g]) for g in BeneficiaryGroup if served[g]],
        planned_beneficiaries=sum(
            c.application.beneficiaries or 0 for c in contracts if c.application
        ),
        evaluations={g: grades[g] for g in Grade if grades[g]},
    )


@dataclass
class Overview:
    """Across all calls: projects by state, money, evaluation grades (the dashboard's top)."""

    projects_by_state: list
    contract_total: Decimal
    paid_total: Decimal
    grades: list


def overview():
    states = dict(
        db.session.execute(sa.select(Project.state, sa.func.count()).group_by(Project.state)).all()
    )
    contract_total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Contract.amount), 0)))
    from venture.payments.models import Payment

    paid_total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Payment.amount), 0)))
    grades = Counter(
        db.session.scalars(
            sa.select(Evaluation.grade).where(Evaluation.state == EvaluationState.FINAL)
        )
    )
    return Overview(
        projects_by_state=[(s, states[s]) for s in ProjectState if states.get(s)],
        contract_total=Decimal(contract_total).quantize(CENT),
        paid_total=Decimal(paid_total).quantize(CENT),
        grades=[(g, grades[g]) for g in Grade],
    )
