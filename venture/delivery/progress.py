"""Plan against actual: money per budget line, beneficiaries, activities and milestones.

Only accepted progress reports count as actual: a report staff have not accepted (or returned)
is the organization's statement, not yet a figure of record. Spending on a line more than 10%
over its budget (the running total of accepted reports plus the report being written) is a
warning that the report must explain.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from venture.delivery.enums import BeneficiaryGroup, MilestoneStatus, ReportState

OVERSPEND_TOLERANCE = Decimal("0.10")
ZERO = Decimal("0.00")


def over_budget(spent, budget):
    """More than 10% over the budget (any spending on a line budgeted at zero)."""
    return spent > budget * (1 + OVERSPEND_TOLERANCE)


def percent_of(part, whole):
    """part / whole as a whole-number percentage (half up), None when whole is zero."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP))


@dataclass
class LineTotal:
    """One budget line: its budget, what accepted reports spent, and this report's amount."""

    line: object
    before: Decimal = ZERO
    this: Decimal = ZERO

    @property
    def budget(self):
        return self.line.amount

    @property
    def cumulative(self):
        return self.before + self.this

    @property
    def remaining(self):
        return self.budget - self.cumulative

    @property
    def percent(self):
        return percent_of(self.cumulative, self.budget)

    @property
    def over(self):
        return over_budget(self.cumulative, self.budget)


def accepted(reports):
    return [r for r in reports if r.state == ReportState.ACCEPTED]


def line_totals(lines, reports, current=None, this_amounts=None):
    """LineTotal per plan line: accepted reports other than current before, and current's
    amounts (or this_amounts {line_id: amount}, typed but not saved) as this."""
    before = Counter()
    for report in accepted(reports):
        if current is not None and report.id == current.id:
            continue
        for row in report.expenditures:
            before[row.plan_line_id] += row.amount
    if this_amounts is None:
        this_amounts = (
            {row.plan_line_id: row.amount for row in current.expenditures} if current else {}
        )
    return [
        LineTotal(line, before.get(line.id, ZERO), this_amounts.get(line.id) or ZERO)
        for line in lines
    ]


@dataclass
class ProjectProgress:
    """The figures of one project, from its plan and its accepted reports."""

    lines: list
    budget_total: Decimal
    original_budget_total: Decimal
    spent_total: Decimal
    paid_total: Decimal
    contract_amount: Decimal
    planned_beneficiaries: int | None
    beneficiaries: dict = field(default_factory=dict)  # BeneficiaryGroup -> served
    activities: int = 0
    participants: int = 0
    accepted_reports: int = 0
    milestones_done: int = 0
    milestones_total: int = 0
    milestones_late: int = 0

    @property
    def beneficiaries_total(self):
        return sum(self.beneficiaries.values())

    @property
    def spent_percent(self):
        return percent_of(self.spent_total, self.budget_total)

    @property
    def over_lines(self):
        return [t for t in self.lines if t.over]


def project_progress(project, today=None):
    """ProjectProgress of a project whose plan lines, milestones, reports (with their
    expenditures, beneficiaries and activities) and contract installments are loaded."""
    reports = accepted(project.reports)
    totals = line_totals(project.plan_lines, reports)
    served = Counter()
    activities = participants = 0
    for report in reports:
        for row in report.beneficiaries:
            served[row.group] += row.count
        activities += len(report.activities)
        participants += sum(a.participants for a in report.activities)
    milestones = project.milestones
    done = [m for m in milestones if m.status == MilestoneStatus.DONE]
    late = [
        m
        for m in milestones
        if m.status != MilestoneStatus.DONE and today and m.due_date and m.due_date < today
    ]
    paid = sum((p.amount for i in project.contract.installments for p in i.payments), ZERO)
    return ProjectProgress(
        lines=totals,
        budget_total=sum((t.budget for t in totals), ZERO),
        original_budget_total=sum((line.original_amount for line in project.plan_lines), ZERO),
        spent_total=sum((t.cumulative for t in totals), ZERO),
        paid_total=paid,
        contract_amount=project.contract.amount,
        planned_beneficiaries=project.planned_beneficiaries,
        beneficiaries={g: served[g] for g in BeneficiaryGroup if served[g]},
        activities=activities,
        participants=participants,
        accepted_reports=len(reports),
        milestones_done=len(done),
        milestones_total=len(milestones),
        milestones_late=len(late),
    )
