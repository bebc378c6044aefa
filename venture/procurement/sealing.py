"""Sealed means sealed in the audit log too: before its tender's opening a bid's rows (create,
save, attach, seal, recall) show no actor, address or digest to anyone; the opening record
reveals the bidders. A bid that was never opened (a draft left at the deadline) stays sealed.
"""

import sqlalchemy as sa

from venture.core.audit import AuditEntry, register_seal
from venture.procurement.enums import BidState
from venture.procurement.models import Bid, Tender


@register_seal
def sealed_bid_entries():
    """Rows about bids whose tender is not opened yet, or that were never opened."""
    sealed_bids = (
        sa.select(Bid.id)
        .join(Tender, Tender.id == Bid.tender_id)
        .where(sa.or_(Tender.opened_at.is_(None), Bid.state == BidState.DRAFT))
    )
    return sa.and_(AuditEntry.object_type == "Bid", AuditEntry.object_id.in_(sealed_bids))
