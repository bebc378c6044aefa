"""Figures kept on a row by a hook for the pages that read them, checked against a recount."""

import sqlalchemy as sa

from venture.extensions import db
from venture.integrity.registry import Finding, register_check


@register_check("review.queue_counts")
def check_queue_counts():
    """The counts of each reviewer's queue stored on the profile (what the queue page shows,
    review.models.keep_queue_counts) are its assignments counted."""
    from venture.review.models import ReviewerProfile, counted_queue

    table = ReviewerProfile.__table__
    stored = (table.c.queue_listed, table.c.queue_standing, table.c.queue_submitted)
    rows = db.session.execute(sa.select(table.c.id, *stored, *counted_queue(table.c.id))).all()
    for reviewer_id, *figures in rows:
        kept, counted = tuple(figures[:3]), tuple(figures[3:])
        if kept != counted:
            detail = (
                f"stored queue counts (listed, standing, submitted) {kept}, its assignments "
                f"count {counted}"
            )
            yield Finding("review.queue_counts", f"reviewer profile {reviewer_id}", detail)
