"""The reviewer's queue (评审任务), a page at a time: the page's assignments found off the queue's
index (review.models.keep_queue_order), then read as narrow rows with what a row shows."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from sqlalchemy import bindparam, select

from venture.applications.models import Application
from venture.calls.models import Call
from venture.core.pagination import paginate
from venture.extensions import db
from venture.orgs.models import Organization
from venture.review.enums import AssignmentState, SheetState
from venture.review.models import Panel, ReviewAssignment, ReviewSheet


@dataclass(frozen=True)
class QueueRow:
    """One assignment as the queue shows it."""

    id: int
    is_active: bool
    call_title: str
    title: str
    organization_name: str
    blind: bool
    deadline: date | None
    proposed: bool
    sheet: int | None  # the sheet's id; None before the reviewer opens it
    is_submitted: bool
    total: Decimal | None


@cache
def _rows_statement():
    """What a row shows, of the given assignment ids: built once, run with ids."""
    return (
        select(
            ReviewAssignment.id,
            ReviewAssignment.state,
            Call.title,
            Application.title,
            Organization.name,
            Panel.blind,
            Panel.deadline,
            Panel.proposed_at,
            ReviewSheet.id,
            ReviewSheet.state,
            ReviewSheet.total,
        )
        .join(Panel, Panel.id == ReviewAssignment.panel_id)
        .join(Call, Call.id == Panel.call_id)
        .join(Application, Application.id == ReviewAssignment.application_id)
        .join(Organization, Organization.id == Application.organization_id)
        .outerjoin(ReviewSheet, ReviewSheet.assignment_id == ReviewAssignment.id)
        .where(ReviewAssignment.id.in_(bindparam("ids", expanding=True)))
    )


QUEUE_ORDER = (ReviewAssignment.queue_group, ReviewAssignment.queue_due, ReviewAssignment.id)


def queue_page(reviewer_id, total):
    """The requested page of the reviewer's queue (total: its length, as the profile keeps it):
    one statement for the page's ids off the index, one for their rows."""
    ids = select(ReviewAssignment.id).where(
        ReviewAssignment.reviewer_id == reviewer_id,
        ReviewAssignment.application_id.is_not(None),  # bids are scored on tender pages
    )
    # panels still scoring, standing assignments, open sheets first, then by deadline; a page
    # in the second half is read from the end of the index (paginate's order=)
    page = paginate(ids, total=total, order=QUEUE_ORDER)
    rows = {row.id: row for row in _rows(page.items)}
    page.items = [rows[assignment_id] for assignment_id in page.items]
    return page


def _rows(ids):
    if not ids:
        return []
    return [
        QueueRow(
            id=assignment_id,
            is_active=state == AssignmentState.ACTIVE,
            call_title=call_title,
            title=title,
            organization_name=organization_name,
            blind=blind,
            deadline=deadline,
            proposed=proposed_at is not None,
            sheet=sheet_id,
            is_submitted=sheet_state == SheetState.SUBMITTED,
            total=total,
        )
        for (
            assignment_id,
            state,
            call_title,
            title,
            organization_name,
            blind,
            deadline,
            proposed_at,
            sheet_id,
            sheet_state,
            total,
        ) in db.session.execute(_rows_statement(), {"ids": list(ids)})
    ]
