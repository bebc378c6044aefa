"""Tender and designation rules: minimum periods, clarification deadlines, what a bid needs,
compliance. Each returns messages for a person; the operations and guards call them."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from venture.calls.enums import CallStatus
from venture.core.formatting import local_datetime
from venture.core.money import format_yuan
from venture.core.timeutil import from_local, now, to_local
from venture.extensions import db
from venture.procurement import scoring
from venture.procurement.enums import EvaluationMethod, TenderMethod
from venture.procurement.practice_enums import BondState

# calendar days from the notice to the bid deadline (招标投标法 第二十四条; 磋商办法 第九条)
MIN_BID_DAYS = {TenderMethod.OPEN: 20, TenderMethod.NEGOTIATION: 10}
# a clarification published fewer days than this before the deadline moves the deadline
# (招标投标法 第二十三条: 15 日; 磋商办法 第十条: 5 日)
CLARIFICATION_DAYS = {TenderMethod.OPEN: 15, TenderMethod.NEGOTIATION: 5}
# the evaluation panel (评标委员会 / 磋商小组): odd, at least this many
MIN_PANEL = {TenderMethod.OPEN: 5, TenderMethod.NEGOTIATION: 3}
# a designation's announcement lasts at least this many working days
MIN_DESIGNATION_DAYS = 5

BID_TEXT_FIELDS = ("approach", "team", "schedule", "quality")


def bid_field_label(name):
    return {
        "approach": _("Service approach"),
        "team": _("Team"),
        "schedule": _("Schedule"),
        "quality": _("Quality assurance"),
        "price": _("Price"),
    }[name]


def method_name(method):
    return {TenderMethod.OPEN: _("an open tender"), TenderMethod.NEGOTIATION: _("a negotiation")}[
        method
    ]


def calendar_days(start, end):
    """Whole calendar days from start to end, counted on Beijing dates."""
    return (to_local(end).date() - to_local(start).date()).days


def bid_period_problem(tender, published_at):
    """The minimum bid period, from the notice (publication, or the call's opening if later)."""
    call = tender.call
    notice = max(published_at, call.opens_at)
    least = MIN_BID_DAYS[tender.method]
    days = calendar_days(notice, call.closes_at)
    if days < least:
        return _(
            "For %(method)s the bid deadline must be at least %(least)d days after the notice "
            "is published; the deadline %(deadline)s is %(days)d days after it.",
            method=method_name(tender.method),
            least=least,
            deadline=local_datetime(call.closes_at),
            days=days,
        )
    return None


def tender_problems(tender, published_at=None):
    """What stops the tender's call from being published, one message per problem."""
    from venture.review.models import ReviewCriterion

    problems = []
    call = tender.call
    if tender.budget_ceiling > call.total_budget:
        problems.append(
            _(
                "The ceiling price %(ceiling)s is more than the call's budget %(budget)s.",
                ceiling=format_yuan(tender.budget_ceiling),
                budget=format_yuan(call.total_budget),
            )
        )
    if tender.opening_at < call.closes_at:
        problems.append(_("The bids are opened at or after the bid deadline."))
    period = bid_period_problem(tender, published_at or now())
    if period:
        problems.append(period)
    if tender.evaluation == EvaluationMethod.COMPREHENSIVE:
        criteria = db.session.scalars(
            select(ReviewCriterion).where(ReviewCriterion.call_id == call.id)
        ).all()
        technical = sum((c.max_score for c in criteria), 0)
        if not criteria:
            problems.append(_("Comprehensive scoring needs technical criteria: add them."))
        if tender.price_weight <= 0 or scoring.price_weight_refusal_share(
            technical, tender.price_weight
        ):
            problems.append(
                _(
                    "The price weight must be at least 10%% of the total points: %(weight)s of "
                    "%(total)s is too little.",
                    weight=tender.price_weight,
                    total=technical + tender.price_weight,
                )
            )
    return problems


def clarification_deadline(tender, published_at):
    """The bid deadline a clarification published at published_at forces, or None.

    Published fewer than 15 days (磋商: 5) before the deadline, the deadline moves to that many
    days after the clarification, at the same time of day.
    """
    days = CLARIFICATION_DAYS[tender.method]
    deadline = tender.call.closes_at
    if calendar_days(published_at, deadline) >= days:
        return None
    day = to_local(published_at).date() + timedelta(days=days)
    moved = from_local(datetime.combine(day, to_local(deadline).time().replace(tzinfo=None)))
    return max(moved, published_at + timedelta(days=days))


def bidding_problems(bid, at=None):
    """Timing and organization: why the bid cannot be submitted now."""
    problems = timing_problems(bid, at)
    if not problems and not bid.organization.is_verified:
        return [_("Your organization is not verified yet: staff must verify it before you bid.")]
    return problems


def timing_problems(bid, at=None):
    """Why the bid cannot be changed now: bids are taken while the call is open."""
    at = at or now()
    call = bid.tender.call
    status = call.status_at(at)
    if status == CallStatus.CANCELLED:
        return [_("The tender was cancelled.")]
    if status == CallStatus.UPCOMING:
        return [_("Bids are taken from %(time)s.", time=local_datetime(call.opens_at))]
    if status != CallStatus.OPEN:
        return [
            _(
                "The bid deadline passed at %(time)s: bids can no longer be submitted or changed.",
                time=local_datetime(call.closes_at),
            )
        ]
    return []


def content_problems(bid):
    """What the bid itself lacks (a submission needs a price, each part and the declaration)."""
    problems = [
        _("Please fill in “%(field)s”.", field=bid_field_label(name))
        for name in BID_TEXT_FIELDS
        if not getattr(bid, name).strip()
    ]
    if bid.price is None:
        problems.append(_("Please fill in “%(field)s”.", field=bid_field_label("price")))
    if not bid.declaration:
        problems.append(_("Please confirm the bid declaration."))
    return problems


def submission_problems(bid, at=None):
    return bidding_problems(bid, at) + content_problems(bid)


def compliance_reasons(bid):
    """符合性审查: why an opened bid is non-compliant (empty when it is compliant)."""
    tender = bid.tender
    reasons = []
    if bid.price > tender.budget_ceiling:
        reasons.append(
            _(
                "The price %(price)s is above the ceiling price %(ceiling)s.",
                price=format_yuan(bid.price),
                ceiling=format_yuan(tender.budget_ceiling),
            )
        )
    for label in tender.document_names:
        if bid.attachment_for(label) is None:
            reasons.append(_("Required document missing: %(label)s.", label=label))
    bond = bond_compliance_reason(bid)
    if bond:
        reasons.append(bond)
    return reasons


def bond_compliance_reason(bid):
    """符合性审查: a bid whose bond finance has not confirmed is non-compliant."""
    tender = bid.tender
    if tender.bond_amount is None:
        return None
    bond = bid.bond
    if bond is None or bond.state not in (BondState.CONFIRMED, BondState.REFUNDED):
        return _(
            "No bid bond of %(amount)s confirmed by finance.",
            amount=format_yuan(tender.bond_amount),
        )
    return None


def tender_of(call_id):
    """The call's tender details, or None."""
    from venture.procurement.models import Tender

    return db.session.scalar(select(Tender).where(Tender.call_id == call_id))


def active_designation(call_id):
    """The call's designation that is not cancelled, or None."""
    from venture.procurement.enums import DesignationState
    from venture.procurement.models import Designation

    return db.session.scalar(
        select(Designation).where(
            Designation.call_id == call_id, Designation.state != DesignationState.CANCELLED
        )
    )
