"""What staff read about a panel: the matrix of applications × reviewers, progress, ranking.

Each function runs a fixed number of queries, whatever the number of applications or reviewers.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import case, select, true
from sqlalchemy.orm import joinedload, lazyload, load_only

from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.extensions import db
from venture.review import scoring
from venture.review.enums import AssignmentState, SheetState
from venture.review.hooks import AWARDS
from venture.review.models import SUBMITTED_GROUPS, ReviewAssignment, ReviewScore, ReviewSheet
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


def _criterion_scores(panel, criterion_id):
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
    first_scores = _criterion_scores(panel, first) if first is not None else {}
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


# ── one page of the matrix or the ranking: its cost does not grow with the call ─────────────
#
# The aggregates of every application (mean, trimmed mean, standardised score, first
# criterion) and the ranking under each aggregation are computed once from narrow rows and
# kept in the shared cached_figure table, keyed by a fingerprint of the rows they come from;
# a page then reads the fingerprint, the stored figures and its own rows only. The order is
# the tie-break rule on exact Decimals rounded half up (scoring.rank), which SQL cannot express
# portably, so the running sum against the budget is computed with that stored order, once.


def _stamp(panel, criteria):
    """A fingerprint of everything the aggregates, the ranking and the progress are computed
    from, in one statement: the panel's figures_version, which every change of its assignments,
    sheets and scores moves on (review.models.keep_figures_version), and the count, sum of
    requests and latest change of the call's applications."""
    from sqlalchemy import func

    from venture.review.models import Panel

    applications = (
        select(
            func.count(),
            func.sum(Application.requested_amount),
            func.max(Application.updated_at),
        )
        .where(Application.call_id == panel.call_id)
        .subquery()
    )
    row = db.session.execute(
        select(Panel.figures_version, Panel.created_at, applications)
        .select_from(Panel)
        .join(applications, true())
        .where(Panel.id == panel.id)
    ).one()
    parts = [str(v) for v in row]
    parts += [str(panel.call.total_budget), str(criteria[0].id if criteria else None)]
    return "|".join(parts)


def _text(value):
    return None if value is None else str(value)


def _decimal(text):
    return None if text is None else Decimal(text)


def _reviewed_applications(panel):
    """(id, number, submitted_at, requested_amount) of the applications the matrix lists:
    narrow rows, in the matrix's order."""
    from sqlalchemy import or_

    # IN (…) rather than a correlated EXISTS: SQLite then reads the panel's assignments once
    assigned = Application.id.in_(
        select(ReviewAssignment.application_id).where(ReviewAssignment.panel_id == panel.id)
    )
    return db.session.execute(
        select(
            Application.id,
            Application.number,
            Application.submitted_at,
            Application.requested_amount,
        )
        .where(
            Application.call_id == panel.call_id,
            Application.state.in_(REVIEWED),
            or_(Application.state.in_(IN_REVIEW), assigned),
        )
        .order_by(Application.submitted_at, Application.id)
    ).all()


def _compute_scores(panel, criteria):
    totals = db.session.execute(
        select(ReviewAssignment.reviewer_id, ReviewAssignment.application_id, ReviewSheet.total)
        .join(ReviewSheet, ReviewSheet.assignment_id == ReviewAssignment.id)
        .where(
            ReviewAssignment.panel_id == panel.id,
            ReviewAssignment.state == AssignmentState.ACTIVE,
            ReviewSheet.state == SheetState.SUBMITTED,
        )
        .order_by(ReviewAssignment.id)
    ).all()
    scores = scoring.aggregate(scoring.SheetTotal(*row) for row in totals)
    first = _criterion_scores(panel, criteria[0].id) if criteria else {}
    stored = {}
    for app_id in set(scores) | set(first):
        score = scores.get(app_id)
        stored[str(app_id)] = {
            "totals": [str(t) for t in score.totals] if score else None,
            "mean": _text(score.mean) if score else None,
            "trimmed": _text(score.trimmed) if score else None,
            "standardised": _text(score.standardised) if score else None,
            "first": _text(scoring.mean(first.get(app_id, []))),
        }
    return {
        "scores": stored,
        # the matrix's rows in its order, and each reviewer's (submitted, standing) sheets
        "listed": [row.id for row in _reviewed_applications(panel)],
        "per_reviewer": {str(k): v for k, v in _counts_per_reviewer(panel).items()},
    }


def _score_from(stored, app_id):
    if stored is None or stored["totals"] is None:
        return None
    return scoring.ApplicationScore(
        application_id=app_id,
        totals=[Decimal(t) for t in stored["totals"]],
        mean=_decimal(stored["mean"]),
        trimmed=_decimal(stored["trimmed"]),
        standardised=_decimal(stored["standardised"]),
    )


@dataclass
class _Entry:
    id: int
    number: str | None
    submitted_at: datetime | None
    requested: Decimal
    score: scoring.ApplicationScore | None
    first_criterion: Decimal | None


def _compute_ranking(panel, aggregation, scores):
    entries = []
    for app_id, number, submitted_at, requested in _reviewed_applications(panel):
        stored = scores.get(str(app_id))
        entries.append(
            _Entry(
                app_id,
                number,
                submitted_at,
                requested,
                _score_from(stored, app_id),
                _decimal(stored["first"]) if stored else None,
            )
        )
    budget = panel.call.total_budget
    running, previous_key, rows = Decimal("0.00"), None, []
    for position, entry in enumerate(scoring.rank(entries, aggregation), start=1):
        running += entry.requested
        value = entry.score.value(aggregation) if entry.score else None
        key = scoring.round2(value)
        rows.append(
            {
                "id": entry.id,
                "rank": position,
                "value": _text(value),
                "running": str(running),
                "within": running <= budget,
                "tied": key is not None and key == previous_key,
                "requested": str(entry.requested),
            }
        )
        previous_key = key
    within = sum((Decimal(row["requested"]) for row in rows if row["within"]), Decimal("0.00"))
    return {"rows": rows, "requested_total": str(running), "within_total": str(within)}


def cached_figures(panel, criteria, stamp):
    """The panel's stored figures, computed once per change of the panel's data: "scores"
    {str(application id): aggregates}, "listed" (the matrix's application ids in order),
    "per_reviewer" {str(reviewer id): [submitted, standing]}."""
    from venture.core.cache import stamped_figure

    return stamped_figure(
        f"review.figures.{panel.id}", stamp, lambda: _compute_scores(panel, criteria)
    )


def cached_ranking(panel, aggregation, criteria, stamp, scores):
    from venture.core.cache import stamped_figure

    aggregation = scoring.Aggregation(aggregation)
    return stamped_figure(
        f"review.ranking.{panel.id}.{aggregation.value}",
        stamp,
        lambda: _compute_ranking(panel, aggregation, scores),
    )


def _counts_per_reviewer(panel):
    """{reviewer id: [submitted, standing]} of the panel's standing assignments to reviewed
    applications; the sheet's state is in the assignment's queue columns: no sheet is read."""
    from sqlalchemy import func

    submitted = case((ReviewAssignment.queue_group.in_(SUBMITTED_GROUPS), 1), else_=0)
    counts = db.session.execute(
        select(ReviewAssignment.reviewer_id, func.count(), func.sum(submitted))
        .join(Application, Application.id == ReviewAssignment.application_id)
        .where(
            ReviewAssignment.panel_id == panel.id,
            ReviewAssignment.state == AssignmentState.ACTIVE,
            Application.state.in_(REVIEWED),
        )
        .group_by(ReviewAssignment.reviewer_id)
    ).all()
    return {reviewer_id: [done or 0, active] for reviewer_id, active, done in counts}


def progress(panel, *, criteria=None, figures=None):
    """The panel's counts and conflicts without its rows: an Overview with rows=[]. The counts
    per reviewer come from the panel's stored figures when given, else from one statement;
    the ended assignments are one statement."""
    criteria = criteria_of(panel.call_id) if criteria is None else criteria
    result = Overview(criteria=criteria, reviewers=[m.reviewer for m in panel.members], rows=[])
    if figures is None:
        counts = _counts_per_reviewer(panel)
    else:
        counts = {int(k): v for k, v in figures["per_reviewer"].items()}
    per_reviewer = {m.reviewer_id: (0, 0) for m in panel.members}
    for reviewer_id, (done, active) in counts.items():
        per_reviewer[reviewer_id] = (done, active)
        result.submitted += done
        result.open += active - done
    result.per_reviewer = per_reviewer
    result.conflicts = db.session.scalars(
        select(ReviewAssignment)
        .join(Application, Application.id == ReviewAssignment.application_id)
        .where(
            ReviewAssignment.panel_id == panel.id,
            ReviewAssignment.state != AssignmentState.ACTIVE,
            Application.state.in_(REVIEWED),
        )
        .options(joinedload(ReviewAssignment.sheet))
        .order_by(ReviewAssignment.id)
    ).all()
    return result


@dataclass(frozen=True)
class SheetCell:
    id: int
    total: Decimal | None


@dataclass(frozen=True)
class Cell:
    """What the matrix shows of one assignment: standing or 回避 (and why), its sheet's state."""

    is_active: bool
    conflict_reason: str | None
    sheet: SheetCell | None
    is_submitted: bool


def _listed():
    """Loader options of an application as a listed row shows it: number, title, state,
    amount and its organization's name (built on use: an option configures the mappers)."""
    return (
        lazyload("*"),
        load_only(
            Application.id,
            Application.number,
            Application.title,
            Application.state,
            Application.requested_amount,
            Application.submitted_at,
            Application.organization_id,
        ),
        joinedload(Application.organization).lazyload("*"),
    )


def _listed_applications(ids):
    """{id: Application} of the given ids, loaded as a listed row shows them."""
    if not ids:
        return {}
    return {
        app.id: app
        for app in db.session.scalars(
            select(Application).where(Application.id.in_(ids)).options(*_listed())
        )
    }


def _cells(panel, application_ids):
    """{application id: {reviewer id: Cell}} of the given applications: one narrow SELECT, a
    standing assignment before an ended one of the same reviewer."""
    cells = {app_id: {} for app_id in application_ids}
    if not cells:
        return cells
    rows = db.session.execute(
        select(
            ReviewAssignment.application_id,
            ReviewAssignment.reviewer_id,
            ReviewAssignment.state,
            ReviewAssignment.conflict_reason,
            ReviewSheet.id,
            ReviewSheet.state,
            ReviewSheet.total,
        )
        .outerjoin(ReviewSheet, ReviewSheet.assignment_id == ReviewAssignment.id)
        .where(
            ReviewAssignment.panel_id == panel.id,
            ReviewAssignment.application_id.in_(list(cells)),
        )
        .order_by(ReviewAssignment.id)
    )
    for app_id, reviewer_id, state, reason, sheet_id, sheet_state, total in rows:
        cell = Cell(
            is_active=state == AssignmentState.ACTIVE,
            conflict_reason=reason,
            sheet=SheetCell(sheet_id, total) if sheet_id is not None else None,
            is_submitted=sheet_state == SheetState.SUBMITTED,
        )
        if cell.is_active:
            cells[app_id][reviewer_id] = cell
        else:
            cells[app_id].setdefault(reviewer_id, cell)
    return cells


def _page_of(ids):
    """The requested page of a stored list of ids: (Page without items, the page's ids)."""
    from venture.core.pagination import Page, requested_page

    per_page = current_app.config["PAGE_SIZE"]
    total = len(ids)
    number = min(requested_page(), max(1, -(-total // per_page)))
    start = (number - 1) * per_page
    return Page(items=[], page=number, per_page=per_page, total=total), start


def _figures(panel):
    """(criteria, stamp, stored figures) of the panel: two statements while its data is
    unchanged (the fingerprint, the stored figures)."""
    criteria = criteria_of(panel.call_id)
    stamp = _stamp(panel, criteria)
    return criteria, stamp, cached_figures(panel, criteria, stamp)


def matrix_page(panel):
    """(Overview with the rows of the requested page, Page): the page's applications with their
    reviewers' cells and aggregates, read from the panel's stored figures."""
    criteria, _, figures = _figures(panel)
    result = progress(panel, criteria=criteria, figures=figures)
    scores = figures["scores"]
    page, start = _page_of(figures["listed"])
    ids = figures["listed"][start : start + page.per_page]
    found = _listed_applications(ids)
    page.items = [found[app_id] for app_id in ids]
    cells = _cells(panel, ids)
    for app in page.items:
        stored = scores.get(str(app.id))
        result.rows.append(
            MatrixRow.of(
                panel,
                app,
                cells=cells[app.id],
                score=_score_from(stored, app.id),
                first_criterion=_decimal(stored["first"]) if stored else None,
            )
        )
    return result, page


@dataclass
class RankingPage(Ranking):
    page: object = None  # pagination.Page over the whole ranking
    previous_within: bool = True  # the row above the page's first was within the budget
    outside_default: Decimal = Decimal("0.00")  # default awards of the rows on other pages
    requested_all: Decimal = Decimal("0.00")

    @property
    def requested_total(self):
        return self.requested_all


def ranking_page(panel, aggregation=None):
    """(RankingPage of the requested page, Overview counts): rows, running sums and the
    funding line as in ranking(), read from the stored ranking."""
    aggregation = scoring.Aggregation(aggregation or panel.aggregation)
    criteria, stamp, figures = _figures(panel)
    data = progress(panel, criteria=criteria, figures=figures)
    scores = figures["scores"]
    stored = cached_ranking(panel, aggregation, criteria, stamp, scores)
    entries = stored["rows"]
    page, start = _page_of(entries)
    shown = entries[start : start + page.per_page]
    ids = [e["id"] for e in shown]
    applications = _listed_applications(ids)
    awards = AWARDS.live_awards(panel.call_id, ids) if ids else {}
    awarded = AWARDS.awarded_total(panel.call_id)
    rows = []
    for entry in shown:
        app = applications[entry["id"]]
        kept = scores.get(str(app.id))
        rows.append(
            RankingRow(
                rank=entry["rank"],
                application=app,
                score=_score_from(kept, app.id),
                value=_decimal(entry["value"]),
                running_sum=Decimal(entry["running"]),
                within_budget=entry["within"],
                award=awards.get(app.id),
                first_criterion=_decimal(kept["first"]) if kept else None,
                tied_with_previous=entry["tied"],
            )
        )
    ranked = RankingPage(
        rows=rows,
        budget=panel.call.total_budget,
        aggregation=aggregation,
        awarded_total=Decimal(awarded).quantize(Decimal("0.01")),
        page=page,
        previous_within=entries[start - 1]["within"] if start else True,
        outside_default=Decimal(stored["within_total"])
        - sum((Decimal(e["requested"]) for e in shown if e["within"]), Decimal("0.00")),
        requested_all=Decimal(stored["requested_total"]),
    )
    page.items = rows
    return ranked, data


def default_decisions(panel, aggregation, skip):
    """{application id: (requested amount, "")} for the rows within the funding line whose id is
    not in skip: what the proposal form proposes for the rows of pages not posted."""
    criteria, stamp, figures = _figures(panel)
    stored = cached_ranking(panel, aggregation, criteria, stamp, figures["scores"])
    return {
        e["id"]: (Decimal(e["requested"]), "")
        for e in stored["rows"]
        if e["within"] and e["id"] not in skip
    }
