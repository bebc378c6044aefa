"""One page of a panel's matrix or ranking, read from the panel's stored pages: its cost does
not grow with the call (the whole figures, for exports and the award proposal, are results.py's).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, case, func, or_, select, true
from sqlalchemy.orm import joinedload

from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.auth.models import User
from venture.core.cache import stamped_pages
from venture.core.pagination import Page, requested_page
from venture.extensions import db
from venture.orgs.models import Organization
from venture.review import scoring
from venture.review.enums import AssignmentState, SheetState
from venture.review.hooks import AWARDS
from venture.review.models import (
    SUBMITTED_GROUPS,
    Panel,
    PanelMember,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerProfile,
    ReviewSheet,
)
from venture.review.operations import IN_REVIEW, criteria_of
from venture.review.results import (
    REVIEWED,
    MatrixRow,
    Overview,
    Ranking,
    RankingRow,
    criterion_scores,
)

# ── one page of the matrix or the ranking: its cost does not grow with the call ─────────────
#
# The aggregates of every application (mean, trimmed mean, standardised score, first
# criterion), the matrix's cells and the ranking under each aggregation are computed once from
# narrow rows and kept in the shared cached_figure table a page a row (core.cache.stamped_pages),
# keyed by a fingerprint of the rows they come from; a page then reads the fingerprint, its own
# stored page and its applications' names only. The order is the tie-break rule on exact
# Decimals rounded half up (scoring.rank), which SQL cannot express portably, so the running sum
# against the budget is computed with that stored order, once.

# in the fingerprint: stored pages of an older shape are computed again
PAGES_FORMAT = "pages-1"


@cache
def _stamp_statement():
    """The fingerprint's statement, built once (a statement with two subqueries costs more to
    build than to run): run with panel_id and call_id."""
    applications = (
        select(
            func.count(),
            func.sum(Application.requested_amount),
            func.max(Application.updated_at),
        )
        .where(Application.call_id == bindparam("call_id"))
        .subquery()
    )
    first = (
        select(ReviewCriterion.id)
        .where(ReviewCriterion.call_id == bindparam("call_id"))
        .order_by(ReviewCriterion.position)
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(Panel.figures_version, Panel.created_at, applications, first)
        .select_from(Panel)
        .join(applications, true())
        .where(Panel.id == bindparam("panel_id"))
    )


def _stamp(panel):
    """A fingerprint of everything the stored pages are computed from, in one statement: the
    panel's figures_version, which every change of its assignments, sheets and scores moves on
    (review.models.keep_figures_version), the count, sum of requests and latest change of the
    call's applications (read off ix_application_call_id_figures), and the rubric's first
    criterion; with the call's budget and the page size."""
    row = db.session.execute(
        _stamp_statement(), {"panel_id": panel.id, "call_id": panel.call_id}
    ).one()
    parts = [PAGES_FORMAT, *(str(v) for v in row)]
    parts += [str(panel.call.total_budget), str(current_app.config["PAGE_SIZE"])]
    return "|".join(parts)


def _text(value):
    return None if value is None else str(value)


def _decimal(text):
    return None if text is None else Decimal(text)


def _reviewed_applications(panel):
    """(id, number, submitted_at, requested_amount) of the applications the matrix lists:
    narrow rows, in the matrix's order."""
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
    first = criterion_scores(panel, criteria[0].id) if criteria else {}
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


def _counts_per_reviewer(panel):
    """{reviewer id: [submitted, standing]} of the panel's standing assignments to reviewed
    applications; the sheet's state is in the assignment's queue columns: no sheet is read."""
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


def _conflicts(panel):
    """The panel's assignments ended by a conflict, of reviewed applications."""
    return db.session.scalars(
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


def _conflict_count(panel):
    return db.session.scalar(
        select(func.count())
        .select_from(ReviewAssignment)
        .join(Application, Application.id == ReviewAssignment.application_id)
        .where(
            ReviewAssignment.panel_id == panel.id,
            ReviewAssignment.state != AssignmentState.ACTIVE,
            Application.state.in_(REVIEWED),
        )
    )


@dataclass(frozen=True)
class Seat:
    """A panel member (or reserve) as the panel's page shows them: no account is loaded."""

    reviewer_id: int
    name: str
    employer: str
    reserve: bool


@cache
def _seats_statement():
    return (
        select(PanelMember.reviewer_id, User.name, ReviewerProfile.employer, PanelMember.reserve)
        .join(ReviewerProfile, ReviewerProfile.id == PanelMember.reviewer_id)
        .join(User, User.id == ReviewerProfile.user_id)
        .where(PanelMember.panel_id == bindparam("panel_id"))
        .order_by(PanelMember.position)
    )


def seats(panel):
    """The panel's members and reserves in their order: one narrow statement."""
    return [Seat(*row) for row in db.session.execute(_seats_statement(), {"panel_id": panel.id})]


def _open_sheets(per_reviewer):
    return sum(active - done for done, active in per_reviewer.values())


def _progress(panel, members, head):
    """The panel's counts (from its stored head) and conflicts: an Overview with rows=[]. The
    ended assignments are read only when the stored head counts some."""
    result = Overview(criteria=[], reviewers=members, rows=[])
    per_reviewer = {m.reviewer_id: (0, 0) for m in members}
    for reviewer_id, (done, active) in head["per_reviewer"].items():
        per_reviewer[int(reviewer_id)] = (done, active)
        result.submitted += done
        result.open += active - done
    result.per_reviewer = per_reviewer
    result.conflicts = _conflicts(panel) if head["conflicts"] else []
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


@dataclass(frozen=True)
class ListedApplication:
    """An application as a row of the matrix or the ranking shows it."""

    id: int
    number: str | None
    title: str
    state: ApplicationState
    requested_amount: Decimal
    submitted_at: datetime | None
    organization_name: str


@cache
def _listed_statement():
    return (
        select(
            Application.id,
            Application.number,
            Application.title,
            Application.state,
            Application.requested_amount,
            Application.submitted_at,
            Organization.name,
        )
        .join(Organization, Organization.id == Application.organization_id)
        .where(Application.id.in_(bindparam("ids", expanding=True)))
    )


def _listed_applications(ids):
    """{id: ListedApplication} of the given ids: one narrow statement."""
    if not ids:
        return {}
    rows = db.session.execute(_listed_statement(), {"ids": list(ids)})
    return {row[0]: ListedApplication(*row) for row in rows}


def _all_cells(panel):
    """{str(application id): {str(reviewer id): [active, reason, sheet id, submitted, total]}}
    of the panel: one narrow SELECT, a standing assignment before an ended one of the same
    reviewer."""
    cells = {}
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
        .where(ReviewAssignment.panel_id == panel.id)
        .order_by(ReviewAssignment.id)
    )
    for app_id, reviewer_id, state, reason, sheet_id, sheet_state, total in rows:
        active = state == AssignmentState.ACTIVE
        cell = [active, reason, sheet_id, sheet_state == SheetState.SUBMITTED, _text(total)]
        of_application = cells.setdefault(str(app_id), {})
        if active:
            of_application[str(reviewer_id)] = cell
        else:
            of_application.setdefault(str(reviewer_id), cell)
    return cells


def _cell(stored):
    active, reason, sheet_id, submitted, total = stored
    sheet = SheetCell(sheet_id, _decimal(total)) if sheet_id is not None else None
    return Cell(is_active=active, conflict_reason=reason, sheet=sheet, is_submitted=submitted)


def _chunks(items):
    per_page = current_app.config["PAGE_SIZE"]
    return [items[start : start + per_page] for start in range(0, len(items), per_page)] or [[]]


def _scores_of(scores, ids):
    """The stored aggregates of the given application ids (those that have any)."""
    return {str(i): scores[str(i)] for i in ids if str(i) in scores}


def _compute_matrix(panel):
    """(head, pages) of the matrix: the head holds the counts, each page its applications' ids,
    aggregates and cells."""
    figures = _compute_scores(panel, criteria_of(panel.call_id))
    scores, cells = figures["scores"], _all_cells(panel)
    head = {
        "total": len(figures["listed"]),
        "per_reviewer": figures["per_reviewer"],
        "conflicts": _conflict_count(panel),
    }
    pages = [
        {
            "ids": ids,
            "scores": _scores_of(scores, ids),
            "cells": {str(i): cells.get(str(i), {}) for i in ids},
        }
        for ids in _chunks(figures["listed"])
    ]
    return head, pages


def _page(number, total):
    return Page(items=[], page=number, per_page=current_app.config["PAGE_SIZE"], total=total)


def matrix_page(panel, members):
    """(Overview with the rows of the requested page, Page): the page's applications with their
    reviewers' cells and aggregates, read from the panel's stored pages; members: seats(panel)."""
    head, stored, number = stamped_pages(
        f"review.matrix.{panel.id}",
        _stamp(panel),
        requested_page(),
        lambda: _compute_matrix(panel),
    )
    result = _progress(panel, members, head)
    page = _page(number, head["total"])
    found = _listed_applications(stored["ids"])
    page.items = [found[app_id] for app_id in stored["ids"]]
    for app in page.items:
        kept = stored["scores"].get(str(app.id))
        cells = {int(r): _cell(c) for r, c in stored["cells"][str(app.id)].items()}
        row = MatrixRow.of(
            panel,
            app,
            cells=cells,
            score=_score_from(kept, app.id),
            first_criterion=_decimal(kept["first"]) if kept else None,
        )
        row.line = [cells.get(m.reviewer_id) for m in members]
        result.rows.append(row)
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


def _compute_ranking_pages(panel, aggregation):
    """(head, pages) of the ranking under aggregation: the head holds the totals and the open
    sheets, each page its rows, their aggregates and whether the row above it was within the
    budget."""
    figures = _compute_scores(panel, criteria_of(panel.call_id))
    scores = figures["scores"]
    ranked = _compute_ranking(panel, aggregation, scores)
    head = {
        "total": len(ranked["rows"]),
        "requested_total": ranked["requested_total"],
        "within_total": ranked["within_total"],
        "open": _open_sheets(figures["per_reviewer"]),
    }
    pages, above = [], True
    for rows in _chunks(ranked["rows"]):
        pages.append(
            {
                "rows": rows,
                "scores": _scores_of(scores, [r["id"] for r in rows]),
                "previous_within": above,
            }
        )
        above = rows[-1]["within"] if rows else above
    return head, pages


def ranking_page(panel, aggregation=None):
    """(RankingPage of the requested page, Overview counts): rows, running sums and the
    funding line as in ranking(), read from the stored ranking's page."""
    aggregation = scoring.Aggregation(aggregation or panel.aggregation)
    head, stored, number = stamped_pages(
        f"review.ranking.{panel.id}.{aggregation.value}",
        _stamp(panel),
        requested_page(),
        lambda: _compute_ranking_pages(panel, aggregation),
    )
    data = Overview(criteria=[], reviewers=[], rows=[], open=head["open"])
    page = _page(number, head["total"])
    shown = stored["rows"]
    ids = [e["id"] for e in shown]
    applications = _listed_applications(ids)
    awards = AWARDS.live_awards(panel.call_id, ids) if ids else {}
    awarded = AWARDS.awarded_total(panel.call_id)
    rows = []
    for entry in shown:
        app = applications[entry["id"]]
        kept = stored["scores"].get(str(app.id))
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
        previous_within=stored["previous_within"],
        outside_default=Decimal(head["within_total"])
        - sum((Decimal(e["requested"]) for e in shown if e["within"]), Decimal("0.00")),
        requested_all=Decimal(head["requested_total"]),
    )
    page.items = rows
    return ranked, data


def default_decisions(panel, aggregation, skip):
    """{application id: (requested amount, "")} for the rows within the funding line whose id is
    not in skip: what the proposal form proposes for the rows of pages not posted."""
    scores = _compute_scores(panel, criteria_of(panel.call_id))["scores"]
    return {
        e["id"]: (Decimal(e["requested"]), "")
        for e in _compute_ranking(panel, scoring.Aggregation(aggregation), scores)["rows"]
        if e["within"] and e["id"] not in skip
    }
