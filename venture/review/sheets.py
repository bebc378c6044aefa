"""Score sheets, the panel-scoring capability's public functions.

A sheet hangs off an assignment, one reviewer on one thing scored: an application (venture-grant
review, the roadshow) or a bid (tender evaluation). Review's own operations and procurement both
write and read sheets through these functions; nothing here knows a tender's rules (who may
score, when, the price score): the caller checks those and passes the panel and the rubric in.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from venture.core.timeutil import now
from venture.extensions import db
from venture.review import scoring
from venture.review.enums import SheetState
from venture.review.models import ReviewAssignment, ReviewScore, ReviewSheet


def write_entries(sheet, criteria, entries, overall_comment):
    """Keep what was typed; return {criterion_id: message} for values that are not scores.

    entries: {criterion_id: (typed score, comment)}. Two saves of one sheet at the same moment
    (a phone's autosave and its submit button) may both find a criterion unscored; the second
    one's insert then meets the first one's row, and writes over it instead of failing.
    """
    try:
        with db.session.begin_nested():
            errors = _write_entries(sheet, criteria, entries, overall_comment)
            db.session.flush()
    except IntegrityError:
        db.session.expire(sheet, ["scores"])
        errors = _write_entries(sheet, criteria, entries, overall_comment)
    return errors


def _write_entries(sheet, criteria, entries, overall_comment):
    errors = {}
    for criterion in criteria:
        raw, comment = entries.get(criterion.id, ("", ""))
        raw = (raw or "").strip()[:20]
        value, message = scoring.parse_score(raw, criterion.max_score)
        score = sheet.score_for(criterion.id)
        if score is None:
            score = ReviewScore(criterion_id=criterion.id)
            sheet.scores.append(score)
        score.raw, score.score, score.comment = raw, value, (comment or "").strip()
        if message:
            errors[criterion.id] = str(message)
    sheet.overall_comment = (overall_comment or "").strip()
    return errors


def unscored(sheet, criteria, errors):
    """errors, plus "score this" for every criterion without a valid score yet."""
    from flask_babel import gettext as _

    errors = dict(errors)
    for criterion in criteria:
        if criterion.id not in errors and sheet.score_for(criterion.id).score is None:
            errors[criterion.id] = _("Score this criterion before submitting.")
    return errors


def total_of(sheet, criteria):
    """The sheet's total over the rubric's criteria (every one scored)."""
    return scoring.sheet_total(sheet.score_for(c.id).score for c in criteria)


# ── sheets on bids (tender evaluation) ──────────────────────────────────────────────────────


def bid_sheet(bid_id, reviewer_id):
    """The reviewer's sheet on the bid, or None."""
    return db.session.scalar(
        select(ReviewSheet)
        .join(ReviewAssignment, ReviewAssignment.id == ReviewSheet.assignment_id)
        .where(ReviewAssignment.bid_id == bid_id, ReviewAssignment.reviewer_id == reviewer_id)
    )


def open_bid_sheet(panel, *, bid, reviewer):
    """The reviewer's sheet on the bid, made (with its assignment, by the reviewer) when there
    is none. The caller has checked the reviewer's 回避声明 on the bid."""
    sheet = bid_sheet(bid.id, reviewer.id)
    if sheet is None:
        assignment = ReviewAssignment(
            panel=panel,
            bid=bid,
            reviewer=reviewer,
            created_by_id=reviewer.user_id,
            no_conflict_at=now(),
        )
        sheet = ReviewSheet(assignment=assignment)
        db.session.add_all([assignment, sheet])
    return sheet


def bid_sheets(bid_ids, *, reviewer_ids=None, submitted=False):
    """The sheets on the bids (ids, or a select of them), of the given reviewers only,
    submitted ones only."""
    if isinstance(bid_ids, list | tuple | set) and not bid_ids:
        return []
    query = (
        select(ReviewSheet)
        .join(ReviewAssignment, ReviewAssignment.id == ReviewSheet.assignment_id)
        .where(ReviewAssignment.bid_id.in_(bid_ids))
        .order_by(ReviewSheet.id)
    )
    if reviewer_ids is not None:
        query = query.where(ReviewAssignment.reviewer_id.in_(reviewer_ids))
    if submitted:
        query = query.where(ReviewSheet.state == SheetState.SUBMITTED)
    return db.session.scalars(query).all()


def bid_sheet_states(reviewer_id, bid_ids):
    """{bid_id: SheetState} of the reviewer's sheets on the bids (one query)."""
    if not bid_ids:
        return {}
    return dict(
        db.session.execute(
            select(ReviewAssignment.bid_id, ReviewSheet.state)
            .join(ReviewSheet, ReviewSheet.assignment_id == ReviewAssignment.id)
            .where(
                ReviewAssignment.reviewer_id == reviewer_id,
                ReviewAssignment.bid_id.in_(bid_ids),
            )
        ).all()
    )


def discard_sheets(sheets):
    """Delete the sheets and their assignments (a panel dissolved, a member stepped back)."""
    for sheet in sheets:
        db.session.delete(sheet.assignment)
