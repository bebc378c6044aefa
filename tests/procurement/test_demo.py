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
    tender = db.session.scalars(select(Tender)).one()
    assert (tender.method, tender.call.status, tender.budget_ceiling) == (
        TenderMethod.OPEN,
        CallStatus.OPEN,
        Decimal("300000.00"),
    )
    assert len(tender.clarifications) == 1
    states = sorted(b.state.value for b in db.session.scalars(select(Bid)))
    assert states == [BidState.DRAFT.value, BidState.SUBMITTED.value, BidState.SUBMITTED.value]
