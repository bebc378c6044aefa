"""回避声明 on bids: before a panel member's sheet on a bid opens, the member declares having
no tie to the bidder, as reviewers do for applications in venture-grant review. A member with
a tie steps back from the whole tender instead (operations.declare_tender_conflict)."""

from flask_babel import gettext as _
from sqlalchemy import select

from venture.core import audit
from venture.core.lifecycle import TransitionRefused
from venture.core.timeutil import now
from venture.extensions import db
from venture.procurement.practice_models import BidConflictDeclaration


def has_declared(bid, reviewer):
    """Whether the member declared no tie to the bid's organization."""
    return (
        db.session.scalar(
            select(BidConflictDeclaration.id).where(
                BidConflictDeclaration.bid_id == bid.id,
                BidConflictDeclaration.reviewer_id == reviewer.id,
            )
        )
        is not None
    )


def declared_bid_ids(reviewer, bid_ids):
    """{bid_id} among bid_ids on which the member declared no tie (one query)."""
    if not bid_ids:
        return set()
    return set(
        db.session.scalars(
            select(BidConflictDeclaration.bid_id).where(
                BidConflictDeclaration.reviewer_id == reviewer.id,
                BidConflictDeclaration.bid_id.in_(bid_ids),
            )
        )
    )


def undeclared_refusal(bid, reviewer):
    """The refusal of a sheet before the declaration, or None."""
    if has_declared(bid, reviewer):
        return None
    return _(
        "Declare that you have no tie to %(org)s (回避声明) before you score its bid.",
        org=bid.organization.name,
    )


def declare_no_tie(bid, *, reviewer, actor):
    """The member declares no tie to the bidder; the sheet opens."""
    from venture.review.operations import panel_of

    panel = panel_of(bid.tender.call_id)
    members = panel.regular_members if panel is not None else []
    if not any(m.reviewer.user_id == actor.id for m in members) or reviewer.user_id != actor.id:
        raise TransitionRefused(_("You are not allowed to do this."))
    if has_declared(bid, reviewer):
        return
    declaration = BidConflictDeclaration(bid_id=bid.id, reviewer_id=reviewer.id, declared_at=now())
    audit.record_added(
        "bid.no_conflict",
        declaration,
        actor=actor,
        after={"bid_id": bid.id, "reviewer_id": reviewer.id},
    )
