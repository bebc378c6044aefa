"""废标 (failed tenders): fewer than three bidders, or fewer than three compliant bids
(政府采购法 第三十六条; 财政部令第87号). The platform detects the condition; staff mark the
tender failed, which publishes a public notice (废标公告) and ends the evaluation. Then staff
either tender again, with the earlier documents copied into a new draft call, or change the
route (竞争性磋商, or 单一来源 as a targeted purchase) with the approval document. Every step is
audited; bonds of a failed tender are due back within five working days (bonds.py).
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from venture.announcements.operations import publish_about, register_finaliser
from venture.calls.enums import Route
from venture.calls.models import Call
from venture.calls.operations import CALL_FIELDS
from venture.core import audit
from venture.core.files import store_required_upload
from venture.core.lifecycle import TransitionRefused
from venture.core.timeutil import now
from venture.extensions import db
from venture.notifications.operations import notify
from venture.procurement.enums import BidState, TenderMethod
from venture.procurement.models import Bid, Tender
from venture.procurement.permissions import can_manage_procurement
from venture.procurement.practice_enums import FailureOutcome, FailureReason
from venture.procurement.practice_models import TenderFailure

MIN_BIDDERS = 3  # 政府采购法 第三十六条
NOTICE_DAYS = 1  # 采购结果公告: one working day
COMPLIANT_STATES = (BidState.COMPLIANT, BidState.SCORED, BidState.WON, BidState.LOST)
# a new tender's call keeps the failed one's terms; its title, route and dates are its own
COPIED_CALL_FIELDS = tuple(
    name for name in CALL_FIELDS if name not in ("title", "route", "opens_at", "closes_at")
)
COPIED_TENDER_FIELDS = (
    "evaluation",
    "requirements",
    "budget_ceiling",
    "price_weight",
    "required_documents",
    "opening_place",
    "bond_amount",
)


class FailureError(TransitionRefused):
    """A refused failure-handling operation; field names the form field to show it on."""


@dataclass(frozen=True)
class FailureCondition:
    """What makes the tender fail: the reason and the counts."""

    reason: FailureReason
    bids: int
    compliant: int | None

    @property
    def message(self):
        if self.reason == FailureReason.FEWER_BIDS:
            return _(
                "Only %(n)d bids were opened; with fewer than three bidders the tender fails "
                "(废标, 政府采购法 第三十六条).",
                n=self.bids,
            )
        return _(
            "Only %(n)d of %(bids)d bids are compliant; with fewer than three compliant bids "
            "the tender fails (废标, 政府采购法 第三十六条).",
            n=self.compliant,
            bids=self.bids,
        )


def _count(tender, states):
    return db.session.scalar(
        select(func.count())
        .select_from(Bid)
        .where(Bid.tender_id == tender.id, Bid.state.in_(states))
    )


def failure_condition(tender):
    """The failure condition the tender meets now, or None (also None before the opening)."""
    if not tender.is_opened:
        return None
    opened = _count(tender, [s for s in BidState if s not in (BidState.DRAFT, BidState.SUBMITTED)])
    if opened < MIN_BIDDERS:
        return FailureCondition(FailureReason.FEWER_BIDS, opened, None)
    if tender.compliance_checked_at is None:
        return None
    compliant = _count(tender, COMPLIANT_STATES)
    if compliant < MIN_BIDDERS:
        return FailureCondition(FailureReason.FEWER_COMPLIANT, opened, compliant)
    return None


def declare_failure(tender, *, actor, title=None):
    """Mark the tender failed (废标) and publish the notice; bidders are told."""
    if not can_manage_procurement(actor):
        raise FailureError(_("You are not allowed to do this."))
    if tender.failure is not None:
        raise FailureError(_("The tender is marked failed already."))
    if tender.proposed_at is not None:
        raise FailureError(_("An award is proposed already; the tender no longer fails."))
    condition = failure_condition(tender)
    if condition is None:
        raise FailureError(
            _("The tender does not meet a failure condition: three or more compliant bids.")
        )
    failure = TenderFailure(
        tender=tender,
        reason=condition.reason,
        bids=condition.bids,
        compliant=condition.compliant,
        declared_at=now(),
        declared_by_id=actor.id,
    )
    db.session.add(failure)
    with force_locale("zh_CN"):
        body = render_template(
            "procurement/tender_failed_announcement.html",
            tender=tender,
            call=tender.call,
            failure=failure,
            condition=condition,
        )
        title = (title or "").strip() or _(
            "Failed tender notice (废标公告): %(title)s", title=tender.call.title
        )
    failure.announcement = publish_about(
        "tender.fail",
        tender,
        kind="tender_failed",
        title=title[:200],
        body=body,
        period_days=NOTICE_DAYS,
        actor=actor,
        after={
            "reason": condition.reason,
            "bids": condition.bids,
            "compliant": condition.compliant,
        },
    )
    bidders = db.session.scalars(
        select(Bid).where(
            Bid.tender_id == tender.id,
            Bid.state.not_in((BidState.DRAFT, BidState.SUBMITTED)),
        )
    ).all()
    notify(
        [u for bid in bidders for u in bid.organization.members if u.active],
        _l("Tender failed (废标): %(title)s", title=tender.call.title),
        _l("%(reason)s Bid bonds are refunded within five working days.", reason=condition.message),
        url_for("procurement.tender", tender_id=tender.id),
    )
    return failure


def _finalise_failure_notice(_announcement, _actor):
    """The notice's period ends; the failure stands as declared (nothing else changes)."""


register_finaliser("tender_failed", _finalise_failure_notice)


# ── what follows: a new tender or an approved change of route ───────────────────────────────


def _copy_call(call, *, route, title, actor):
    """A new draft call with the earlier call's terms, opening a day from now for the
    minimum bid period plus a day (staff set the real dates before publishing)."""
    from venture.procurement.rules import MIN_BID_DAYS

    start = now() + timedelta(days=1)
    copy = Call(
        title=title[:200],
        route=route,
        opens_at=start,
        closes_at=start + timedelta(days=MIN_BID_DAYS[TenderMethod.OPEN] + 1),
        created_by_id=actor.id,
        **{name: getattr(call, name) for name in COPIED_CALL_FIELDS},
    )
    copy.categories = list(call.categories)
    copy.communities = list(call.communities)
    db.session.add(copy)
    return copy


def _copy_tender(tender, call, *, method, actor):
    """The tender details and technical criteria of the failed tender, on the new call."""
    from venture.review.operations import criteria_of, save_rubric

    copy = Tender(
        call=call,
        method=method,
        opening_at=call.closes_at,
        created_by_id=actor.id,
        **{name: getattr(tender, name) for name in COPIED_TENDER_FIELDS},
    )
    db.session.add(copy)
    db.session.flush()
    rows = [
        {"id": None, "name": c.name, "description": c.description, "max_score": c.max_score}
        for c in criteria_of(tender.call_id)
    ]
    if rows:
        save_rubric(call, rows, actor=actor)
    return copy


def _require_open_failure(failure, actor):
    if not can_manage_procurement(actor):
        raise FailureError(_("You are not allowed to do this."))
    if failure.outcome is not None:
        raise FailureError(_("What follows this failure is decided already."))


def retender(failure, *, actor):
    """重新招标: a new draft tender call with the earlier documents copied."""
    _require_open_failure(failure, actor)
    tender = failure.tender
    call = _copy_call(
        tender.call,
        route=Route.TENDER,
        title=_("%(title)s (tender again)", title=tender.call.title),
        actor=actor,
    )
    new_tender = _copy_tender(tender, call, method=tender.method, actor=actor)
    _resolve(failure, FailureOutcome.RETENDER, call, actor=actor)
    return new_tender


def change_route(failure, *, outcome, approval, reference, actor):
    """变更采购方式: with the approval document (批复), a new draft call on the approved route:
    竞争性磋商 (a tender call, negotiation method) or 单一来源 (a targeted purchase)."""
    _require_open_failure(failure, actor)
    try:
        outcome = FailureOutcome(outcome)
    except ValueError:
        raise FailureError(_("Choose the approved route."), "outcome") from None
    if outcome == FailureOutcome.RETENDER:
        raise FailureError(_("Choose the approved route."), "outcome")
    reference = (reference or "").strip()
    if not reference:
        raise FailureError(_("Give the approval document's number."), "reference")
    missing = _("Upload the approval of the change of route (变更采购方式批复).")
    stored = store_required_upload(approval, FailureError, "approval", missing, actor=actor)
    tender = failure.tender
    failure.approval, failure.approval_reference = stored, reference[:200]
    if outcome == FailureOutcome.NEGOTIATION:
        call = _copy_call(
            tender.call,
            route=Route.TENDER,
            title=_("%(title)s (competitive negotiation)", title=tender.call.title),
            actor=actor,
        )
        _copy_tender(tender, call, method=TenderMethod.NEGOTIATION, actor=actor)
    else:
        call = _copy_call(
            tender.call,
            route=Route.TARGETED,
            title=_("%(title)s (single source)", title=tender.call.title),
            actor=actor,
        )
    _resolve(failure, outcome, call, actor=actor)
    return call


def _resolve(failure, outcome, call, *, actor):
    db.session.flush()
    failure.outcome, failure.successor_call = outcome, call
    failure.resolved_at, failure.resolved_by_id = now(), actor.id
    audit.record(
        "tender.after_failure",
        failure.tender,
        actor=actor,
        after={
            "outcome": outcome,
            "call_id": call.id,
            "approval": failure.approval_reference,
            "approval_file": failure.approval.sha256 if failure.approval else None,
        },
    )
