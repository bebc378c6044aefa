"""The demo data has a targeted purchase being announced and an open tender taking bids."""

from decimal import Decimal

from sqlalchemy import select

from venture.calls.enums import CallStatus
from venture.demo import load_demo
from venture.extensions import db
from venture.procurement.enums import BidState, DesignationState, TenderMethod
from venture.procurement.models import Bid, Designation, Tender


def test_demo_has_a_targeted_purchase_and_an_open_tender():
    load_demo()
    db.session.commit()
    designation = db.session.scalars(select(Designation)).one()
    assert (designation.state, designation.announcement.period_days) == (
        DesignationState.ANNOUNCED,
        5,
    )
    assert designation.application.organization_id == designation.organization_id
    open_tender, past_opening = db.session.scalars(select(Tender).order_by(Tender.id)).all()
    tender = open_tender
    assert (tender.method, tender.call.status, tender.budget_ceiling) == (
        TenderMethod.OPEN,
        CallStatus.OPEN,
        Decimal("300000.00"),
    )
    assert len(tender.clarifications) == 1
    states = sorted(
        b.state.value for b in db.session.scalars(select(Bid).where(Bid.tender_id == tender.id))
    )
    assert states == [BidState.DRAFT.value, BidState.SUBMITTED.value, BidState.SUBMITTED.value]
    # venture/seed/demo_steps.py: a 磋商 past its opening, three sealed bids waiting to be opened
    assert (past_opening.method, past_opening.call.status, past_opening.opened_at) == (
        TenderMethod.NEGOTIATION,
        CallStatus.CLOSED,
        None,
    )
    opened_bids = db.session.scalars(select(Bid).where(Bid.tender_id == past_opening.id))
    assert [b.state for b in opened_bids] == [BidState.SUBMITTED] * 3
