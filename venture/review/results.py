"""What staff read about a panel: the matrix of applications × reviewers, progress, ranking,
whole (the award proposal, the result, the exports); a page of the matrix or the ranking is
result_pages.py's.

Each function runs a fixed number of queries, whatever the number of applications or reviewers.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.extensions import db
from venture.review import scoring
from venture.review.enums import AssignmentState, SheetState
from venture.review.hooks import AWARDS
from venture.review.models import ReviewAssignment, ReviewScore, ReviewSheet
from venture.review.operations import IN_REVIEW, criteria_of

# the states an application of a reviewed call can be in once the panel has started
REVIEWED = (
    *IN_REVIEW,
    ApplicationState.PROPOSED,
    ApplicationState.NOT_SELECTED,
    ApplicationState.AWARDED,
    ApplicationState.NOT_AWARDED,
)


@dataclass
class MatrixRow:
    application: Application
    cells: dict  # reviewer_id -> ReviewAssignment
    score: scoring.ApplicationScore | None
    first_criterion: Decimal | None
    flagged: bool = False
    line: list = field(default_factory=list)  # a page's row: its cells in the panel's order

    @classmethod
    def of(cls, panel, application, *, cells, score, first_criterion):
        """The row, flagged when the reviewers' totals spread wider than the panel allows."""
        spread = score.spread if score else None
        flagged = spread is not None and spread > panel.spread_threshold
        return cls(application, cells, score, first_criterion, flagged)

    @property
    def submitted_at(self):
        return self.application.submitted_at

    @property
    def number(self):
        return self.application.number


@dataclass
class Overview:
    criteria: list
    reviewers: list  # ReviewerProfile, in panel order
    rows: list  # MatrixRow
    submitted: int = 0
    open: int = 0
    conflicts: list = field(default_factory=list)  # ReviewAssignment ended by a conflict
    per_reviewer: dict = field(default_factory=dict)  # reviewer_id -> (submitted, active)

    @property
    def assigned(self):
        return self.submitted + self.open

    @property
    def percent(self):
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


def _assignments(panel):
    return db.session.scalars(
        select(ReviewAssignment)
        .where(ReviewAssignment.panel_id == panel.id)
        # one statement whatever the panel's size; the application and the reviewer are in the
        # session already (overview's own query, the panel's members), so their joins, a
        # thousand columns per row at city scale, stay out of this one
        .options(
            joinedload(ReviewAssignment.sheet).lazyload(ReviewSheet.scores),
            lazyload(ReviewAssignment.application),
            lazyload(ReviewAssignment.reviewer),
        )
        .order_by(ReviewAssignment.id)
    ).all()


def criterion_scores(panel, criterion_id):
    """{application id: [scores of criterion_id on submitted sheets of standing assignments]}:
    one narrow SELECT instead of every score object of the panel."""
    found = {}
    rows = db.session.execute(
        select(ReviewAssignment.application_id, ReviewScore.score)
        .join(ReviewSheet, ReviewSheet.assignment_id == ReviewAssignment.id)
        .join(ReviewScore, ReviewScore.sheet_id == ReviewSheet.id)
        .where(
            ReviewAssignment.panel_id == panel.id,
            ReviewAssignment.state == AssignmentState.ACTIVE,
            ReviewSheet.state == SheetState.SUBMITTED,
            ReviewScore.criterion_id == criterion_id,
            ReviewScore.score.is_not(None),
        )
        .order_by(ReviewAssignment.id)
    )
    for application_id, score in rows:
        found.setdefault(application_id, []).append(score)
    return found


def sheet_totals(assignments):
    """The SheetTotals of submitted sheets of standing assignments."""
    return [
        scoring.SheetTotal(a.reviewer_id, a.application_id, a.sheet.total)
        for a in assignments
        if a.is_active and a.is_submitted
    ]


def overview(panel):
    """The matrix, progress and aggregates of a panel: four queries."""
    criteria = criteria_of(panel.call_id)
    assignments = _assignments(panel)
    applications = db.session.scalars(
        select(Application)
        .where(Application.call_id == panel.call_id, Application.state.in_(REVIEWED))
        .order_by(Application.submitted_at, Application.id)
    ).all()
    assigned_ids = {a.application_id for a in assignments}
    applications = [app for app in applications if app.id in assigned_ids or app.state in IN_REVIEW]
    scores = scoring.aggregate(sheet_totals(assignments))
    first = criteria[0].id if criteria else None
    result = Overview(criteria=criteria, reviewers=[m.reviewer for m in panel.members], rows=[])
    per_reviewer = {m.reviewer_id: [0, 0] for m in panel.members}
    cells = {app.id: {} for app in applications}
    first_scores = criterion_scores(panel, first) if first is not None else {}
    for a in assignments:
        if a.application_id not in cells:
            continue
        if not a.is_active:
            result.conflicts.append(a)
            cells[a.application_id].setdefault(a.reviewer_id, a)
            continue
        cells[a.application_id][a.reviewer_id] = a
        counts = per_reviewer.setdefault(a.reviewer_id, [0, 0])
        counts[1] += 1
        if a.is_submitted:
            counts[0] += 1
            result.submitted += 1
        else:
            result.open += 1
    for app in applications:
        result.rows.append(
            MatrixRow.of(
                panel,
                app,
                cells=cells[app.id],
                score=scores.get(app.id),
                first_criterion=scoring.mean(first_scores.get(app.id, [])),
            )
        )
    result.per_reviewer = {k: tuple(v) for k, v in per_reviewer.items()}
    return result


@dataclass
class RankingRow:
    rank: int
    application: Application
    score: scoring.ApplicationScore | None
    value: Decimal | None  # the chosen aggregate, unrounded
    running_sum: Decimal
    within_budget: bool
    award: object | None  # procurement's Award row
    first_criterion: Decimal | None
    tied_with_previous: bool = False

    @property
    def display_score(self):
        return scoring.round2(self.value)


@dataclass
class Ranking:
    rows: list
    budget: Decimal
    aggregation: object
    awarded_total: Decimal = Decimal("0.00")
    submitted_at: datetime | None = None

    @property
    def requested_total(self):
        return sum((r.application.requested_amount for r in self.rows), Decimal("0.00"))


def ranking(panel, aggregation=None, data=None):
    """Applications best first under aggregation, with the running sum of requested amounts
    against the call's budget and any awards already proposed."""
    aggregation = aggregation or panel.aggregation
    data = data or overview(panel)
    ordered = scoring.rank(data.rows, aggregation)
    awards = AWARDS.live_awards(panel.call_id)
    budget = panel.call.total_budget
    running = Decimal("0.00")
    rows = []
    previous_key = None
    for position, row in enumerate(ordered, start=1):
        running += row.application.requested_amount
        value = row.score.value(aggregation) if row.score else None
        key = scoring.round2(value)
        rows.append(
            RankingRow(
                rank=position,
                application=row.application,
                score=row.score,
                value=value,
                running_sum=running,
                within_budget=running <= budget,
                award=awards.get(row.application.id),
                first_criterion=row.first_criterion,
                tied_with_previous=key is not None and key == previous_key,
            )
        )
        previous_key = key
    awarded = sum((a.amount for a in awards.values()), Decimal("0.00"))
    return Ranking(rows=rows, budget=budget, aggregation=aggregation, awarded_total=awarded)


def submitted_sheets(panel):
    """Every submitted sheet of the panel with its scores, for exports: by application number,
    then by the reviewer's place on the panel."""
    position = {m.reviewer_id: m.position for m in panel.members}
    sheets = [a for a in _assignments(panel) if a.is_active and a.is_submitted]
    return sorted(
        sheets,
        key=lambda a: (
            a.application.number or "",
            a.application_id,
            position.get(a.reviewer_id, 0),
        ),
    )
