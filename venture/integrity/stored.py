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


@register_check("delivery.overdue_reports")
def check_overdue_reports():
    """The overdue reports the staff home shows, stored under the schedules' stamp
    (delivery.operations.overdue_reports_written): while the stamp is the one stored, the
    figure is the count of the outstanding periods on its day."""
    from datetime import date

    from venture.core.cache import CachedFigure
    from venture.delivery.models import SCHEDULE_STAMP
    from venture.delivery.operations import outstanding_reports

    table = CachedFigure.__table__
    rows = dict(
        db.session.execute(
            sa.select(table.c.key, table.c.value).where(
                table.c.key.in_(("delivery.overdue_reports", SCHEDULE_STAMP))
            )
        ).all()
    )
    stored = rows.get("delivery.overdue_reports")
    if not isinstance(stored, dict) or not isinstance(stored.get("stamp"), list):
        return
    stamp, day = stored["stamp"][:-1], date.fromisoformat(stored["stamp"][-1])
    if stamp != [rows.get(SCHEDULE_STAMP)]:
        return  # stale: the next staff home counts again
    counted = len(outstanding_reports(day))
    if stored["value"] != counted:
        detail = f"stored {stored['value']} overdue reports on {day}, the schedules give {counted}"
        yield Finding("delivery.overdue_reports", "staff home", detail)


def _check_kept_ledger_rows(prefix, rule, what, problem):
    """Findings of rule on the rows kept under the ledger's stamp with keys starting with
    prefix, of those whose stamp is the one stored (a stale row is computed again when a page
    reads it): a row outside its filters' slot, or problem(filters' args, stored value)."""
    from venture.core.cache import CachedFigure
    from venture.payments.ledger_query import ledger_slot
    from venture.payments.models import LEDGER_STAMP

    table = CachedFigure.__table__
    stamp = db.session.execute(sa.select(table.c.value).where(table.c.key == LEDGER_STAMP)).scalar()
    rows = db.session.execute(
        sa.select(table.c.key, table.c.value)
        .where(table.c.key.startswith(prefix, autoescape=True))
        .order_by(table.c.key)
    )
    for key, stored in rows:
        kept = stored.get("stamp") if isinstance(stored, dict) else None
        if not isinstance(kept, list) or len(kept) != 2 or kept[0] != stamp:
            continue
        args, slot = kept[1], ledger_slot(kept[1], prefix)
        detail = (
            f"the {what} of {args} are kept under {key}, their slot is {slot}"
            if slot != key
            else problem(args, stored["value"])
        )
        if detail:
            yield Finding(rule, key, detail)


@register_check("payments.ledger_totals")
def check_ledger_totals():
    """The ledger's count and totals kept under the ledger's stamp
    (payments.ledger_query.kept_ledger_totals): each row whose stamp is the one stored is in
    its filters' slot and holds what ledger_totals computes for them now."""
    from venture.payments.ledger_query import LEDGER_TOTALS, LedgerFilters, ledger_totals

    def problem(args, stored):
        count, due, paid = ledger_totals(LedgerFilters.from_args(args))
        computed = [count, str(due), str(paid)]
        if stored != computed:
            return (
                f"stored (installments, due, paid) {stored} for {args}, "
                f"the installments give {computed}"
            )
        return None

    yield from _check_kept_ledger_rows(LEDGER_TOTALS, "payments.ledger_totals", "totals", problem)


@register_check("payments.ledger_marks")
def check_ledger_marks():
    """The marks a deep ledger page starts from, kept under the ledger's stamp
    (payments.ledger_query.kept_ledger_marks): each row whose stamp is the one stored is in its
    filters' slot and holds what ledger_marks computes for them now."""
    from venture.payments.ledger_query import LEDGER_MARKS, LedgerFilters, ledger_marks

    def problem(args, stored):
        computed = ledger_marks(LedgerFilters.from_args(args))
        if stored != computed:
            return f"stored marks {stored} for {args}, the installments give {computed}"
        return None

    yield from _check_kept_ledger_rows(LEDGER_MARKS, "payments.ledger_marks", "marks", problem)
