"""Tenders (招投标): details, criteria, questions and clarifications."""

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from venture.auth.models import User
from venture.calls.enums import CallStage
from venture.core import audit
from venture.core.formatting import local_datetime
from venture.core.money import format_yuan
from venture.core.timeutil import now
from venture.extensions import db
from venture.notifications.operations import staff_users
from venture.procurement import bonds, rules
from venture.procurement.enums import EvaluationMethod
from venture.procurement.models import Bid, Clarification, Tender, TenderQuestion
from venture.procurement.operations.common import (
    TEXT_MAX,
    FormErrors,
    ProcurementError,
    notify_link,
)
from venture.procurement.permissions import can_manage_procurement
from venture.procurement.rules import tender_of

# ── tenders (招投标) ─────────────────────────────────────────────────────────────────────────

TENDER_FIELDS = (
    "method",
    "evaluation",
    "requirements",
    "budget_ceiling",
    "price_weight",
    "required_documents",
    "opening_at",
    "opening_place",
    "bond_amount",
)


def _check_tender(call, values):
    errors = {}
    if values["budget_ceiling"] <= 0:
        errors["budget_ceiling"] = _("The ceiling price must be more than 0.")
    elif values["budget_ceiling"] > call.total_budget:
        errors["budget_ceiling"] = _(
            "The ceiling price is more than the call's budget %(budget)s.",
            budget=format_yuan(call.total_budget),
        )
    if values["bid_deadline"] <= call.opens_at:
        errors["bid_deadline"] = _(
            "The bid deadline must be after the call opens (%(time)s).",
            time=local_datetime(call.opens_at),
        )
    if values["opening_at"] < values["bid_deadline"]:
        errors["opening_at"] = _("The bids are opened at or after the bid deadline.")
    bond = bonds.bond_amount_refusal(values.get("bond_amount"), call.total_budget)
    if bond:
        errors["bond_amount"] = bond
    if values["evaluation"] == EvaluationMethod.COMPREHENSIVE and not (
        0 < values["price_weight"] <= 100
    ):
        errors["price_weight"] = _("The price weight is a number of points from 1 to 100.")
    if errors:
        raise FormErrors(errors)


def save_tender(call, values, *, actor):
    """Create or change the tender details of a draft call on the tender route; the bid
    deadline is the call's closing time."""
    if not can_manage_procurement(actor):
        raise ProcurementError(_("You are not allowed to do this."))
    if call.stage != CallStage.DRAFT:
        raise ProcurementError(_("A published tender cannot be changed; publish a clarification."))
    values = {"bond_amount": None, **values}
    _check_tender(call, values)
    if values["evaluation"] == EvaluationMethod.LOWEST_PRICE:
        values = {**values, "price_weight": Decimal("0")}
    tender = tender_of(call.id)
    created = tender is None
    if created:
        tender = Tender(call=call, created_by_id=actor.id)
        db.session.add(tender)
        before = None
    else:
        before = {**audit.snapshot(tender, TENDER_FIELDS), "bid_deadline": call.closes_at}
    for name in TENDER_FIELDS:
        setattr(tender, name, values[name])
    call.closes_at = values["bid_deadline"]
    after = {**audit.snapshot(tender, TENDER_FIELDS), "bid_deadline": call.closes_at}
    if created:
        audit.record("tender.create", tender, actor=actor, after=after)
    else:
        audit.record_difference(
            "tender.update", tender, actor=actor, before=before, after=after, key=str
        )
    return tender


def save_criteria(tender, rows, *, actor):
    """The technical criteria (评分标准) of comprehensive scoring: the call's rubric, fixed
    once the tender notice is published."""
    from venture.review.operations import save_rubric

    if tender.call.stage != CallStage.DRAFT:
        raise ProcurementError(_("The criteria were published with the tender notice."))
    return save_rubric(tender.call, rows, actor=actor)


def bidder_users(tender):
    """Members of organizations that prepared a bid or asked a question."""
    org_ids = (
        select(Bid.organization_id)
        .where(Bid.tender_id == tender.id)
        .union(select(TenderQuestion.organization_id).where(TenderQuestion.tender_id == tender.id))
    )
    return db.session.scalars(
        select(User).where(User.organization_id.in_(org_ids), User.active).order_by(User.id)
    ).all()


def ask_question(tender, *, user, text):
    """澄清请求: a bidder's question, before the deadline; staff are told."""
    text = (text or "").strip()
    if user.organization_id is None:
        raise ProcurementError(_("Only members of an organization can ask."))
    if tender.call.status.value != "open":
        raise ProcurementError(_("Questions are taken while the tender is open for bids."))
    if not text:
        raise ProcurementError(_("Please write the question."), "text")
    if len(text) > TEXT_MAX:
        raise ProcurementError(_("Please keep it under %(max)d characters.", max=TEXT_MAX), "text")
    question = TenderQuestion(
        tender_id=tender.id,
        organization_id=user.organization_id,
        asked_by_id=user.id,
        text=text,
        asked_at=now(),
    )
    db.session.add(question)
    audit.record("tender.question", question, actor=user, after={"tender_id": tender.id})
    notify_link(
        staff_users(),
        _l("New question on the tender “%(title)s”", title=tender.call.title),
        _l("A bidder asked a question; answer it with a clarification to all bidders."),
        "procurement.tender",
        tender_id=tender.id,
    )
    return question


def publish_clarification(tender, *, text, question_ids, actor):
    """澄清: published to every bidder; fewer than 15 days (磋商: 5) before the deadline, the
    deadline and the opening move (rules.clarification_deadline) and bidders are told."""
    call = tender.call
    text = (text or "").strip()
    if not can_manage_procurement(actor):
        raise ProcurementError(_("You are not allowed to do this."))
    if call.stage != CallStage.PUBLISHED or call.status.value not in ("open", "upcoming"):
        raise ProcurementError(_("Clarifications are published while bids are being taken."))
    if not text:
        raise ProcurementError(_("Please write the clarification."), "text")
    if len(text) > TEXT_MAX:
        raise ProcurementError(_("Please keep it under %(max)d characters.", max=TEXT_MAX), "text")
    moment = now()
    clarification = Clarification(
        tender=tender,
        text=text,
        published_at=moment,
        published_by_id=actor.id,
        deadline_before=call.closes_at,
    )
    db.session.add(clarification)
    if question_ids:
        for question in db.session.scalars(
            select(TenderQuestion).where(
                TenderQuestion.id.in_(question_ids), TenderQuestion.tender_id == tender.id
            )
        ):
            question.clarification = clarification
    moved = rules.clarification_deadline(tender, moment)
    after = {"tender_id": tender.id, "text": text}
    if moved is not None:
        delta = moved - call.closes_at
        clarification.deadline_after = moved
        after.update(deadline_before=call.closes_at, deadline_after=moved)
        call.closes_at = moved
        tender.opening_at = tender.opening_at + delta
        after["opening_at"] = tender.opening_at
    audit.record("tender.clarify", clarification, actor=actor, after=after)
    if moved is not None:
        body = _l(
            "A clarification of “%(title)s” was published less than %(days)d days before the "
            "bid deadline, so the deadline moves to %(deadline)s and the opening to %(opening)s."
            "\n\n%(text)s",
            title=call.title,
            days=rules.CLARIFICATION_DAYS[tender.method],
            deadline=local_datetime(call.closes_at),
            opening=local_datetime(tender.opening_at),
            text=text,
        )
    else:
        body = _l(
            "A clarification of “%(title)s” was published:\n\n%(text)s", title=call.title, text=text
        )
    notify_link(
        bidder_users(tender),
        _l("Clarification of the tender “%(title)s”", title=call.title),
        body,
        "procurement.tender",
        tender_id=tender.id,
    )
    return clarification
