"""The opening online (开标): bid receipts (投标回执), bidders confirming the opening record
or objecting to it (唱标异议), staff's answers, and the rule that an unanswered objection
keeps the evaluation from starting.

The opening window runs from the opening until the compliance check starts the evaluation.
Each opened bid has one answer, given by a member of its organization (the organization's
authorised representative: every active member of a bidding organization acts for it).
"""

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from venture.core import audit
from venture.core.files import store_bytes
from venture.core.formatting import local_datetime
from venture.core.lifecycle import TransitionRefused
from venture.core.pdf import render_pdf
from venture.core.timeutil import now, to_local
from venture.extensions import db
from venture.notifications.operations import notify
from venture.procurement.enums import BidState
from venture.procurement.models import Bid
from venture.procurement.permissions import can_manage_procurement, is_bidder_member
from venture.procurement.practice_enums import OpeningAnswer
from venture.procurement.practice_models import OpeningResponse

REASON_MAX = 2000


class OpeningError(TransitionRefused):
    """A refused opening operation; field names the form field to show it on."""


# ── receipts (投标回执) ──────────────────────────────────────────────────────────────────────


def receipt_refusal(bid):
    """Why the bid has no receipt (it was never sealed), or None."""
    if bid.submitted_at is None or bid.seal_digest is None or bid.state == BidState.DRAFT:
        return _("A receipt is given for a submitted bid.")
    return None


def render_bid_receipt(bid):
    """投标回执: tender, bidder, sealing time to the second, version and digest; nothing of
    the content or the price."""
    with force_locale("zh_CN"):
        return render_pdf(
            "pdf/bid_receipt.html",
            tender=bid.tender,
            call=bid.tender.call,
            organization=bid.organization,
            version=bid.version,
            digest=bid.seal_digest,
            sealed_at=to_local(bid.submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
            issued_at=to_local(now()).strftime("%Y-%m-%d %H:%M:%S"),
        )


# ── confirmations and objections ────────────────────────────────────────────────────────────


def responses_of(tender):
    """Every bidder's answer to the opening record, by bid submission order."""
    return db.session.scalars(
        select(OpeningResponse)
        .join(Bid, Bid.id == OpeningResponse.bid_id)
        .where(OpeningResponse.tender_id == tender.id)
        .order_by(Bid.submitted_at, Bid.id)
    ).all()


def window_refusal(tender):
    """Why bidders cannot answer the opening record now, or None."""
    if not tender.is_opened:
        return _("The opening record exists once the bids are opened.")
    if tender.failure is not None:
        return _("The tender failed (废标); the opening is closed.")
    if tender.compliance_checked_at is not None:
        return _("The evaluation has started; the opening record can no longer be answered.")
    return None


def own_opened_bid(tender, user):
    """The opened bid of user's organization in tender, or None."""
    if not user.is_authenticated or user.organization_id is None:
        return None
    return db.session.scalar(
        select(Bid).where(
            Bid.tender_id == tender.id,
            Bid.organization_id == user.organization_id,
            Bid.state.not_in((BidState.DRAFT, BidState.SUBMITTED)),
        )
    )


def response_for(bid):
    return db.session.scalar(select(OpeningResponse).where(OpeningResponse.bid_id == bid.id))


def respond_to_opening(tender, *, answer, reason, actor):
    """The bidder confirms the opening record or objects to it (唱标异议) with a reason."""
    bid = own_opened_bid(tender, actor)
    if bid is None or not is_bidder_member(actor, bid):
        raise OpeningError(_("Only the bidders whose bids were opened answer the record."))
    refusal = window_refusal(tender)
    if refusal:
        raise OpeningError(refusal)
    if response_for(bid) is not None:
        raise OpeningError(_("Your organization has answered the opening record already."))
    answer = OpeningAnswer(answer)
    reason = (reason or "").strip()
    if answer == OpeningAnswer.OBJECTED:
        if not reason:
            raise OpeningError(_("Say what in the opening record is wrong."), "reason")
        if len(reason) > REASON_MAX:
            raise OpeningError(
                _("The text is longer than %(max)d characters.", max=REASON_MAX), "reason"
            )
    response = OpeningResponse(
        tender_id=tender.id,
        bid=bid,
        answer=answer,
        reason=reason if answer == OpeningAnswer.OBJECTED else None,
        responded_at=now(),
        responded_by=actor,
    )
    audit.record_added(
        "opening.object" if answer == OpeningAnswer.OBJECTED else "opening.confirm",
        response,
        actor=actor,
        after={"tender_id": tender.id, "bid_id": bid.id, "answer": answer},
        reason=response.reason,
    )
    if answer == OpeningAnswer.OBJECTED:
        from venture.notifications.operations import staff_users

        notify(
            staff_users(),
            _l("Objection to the opening record: %(title)s", title=tender.call.title),
            _l(
                "%(org)s objects to the opening record: %(reason)s. Answer it before the "
                "evaluation starts.",
                org=bid.organization.name,
                reason=reason,
            ),
            url_for("procurement.opening", tender_id=tender.id),
        )
    refresh_opening_record(tender, actor=actor)
    return response


def answer_objection(response, *, reply, actor):
    """Staff answer a bidder's objection; the evaluation may start once all are answered."""
    if not can_manage_procurement(actor):
        raise OpeningError(_("You are not allowed to do this."))
    if not response.waiting:
        raise OpeningError(_("This objection is answered already."))
    reply = (reply or "").strip()
    if not reply:
        raise OpeningError(_("Please write the answer."), "reply")
    if len(reply) > REASON_MAX:
        raise OpeningError(
            _("The text is longer than %(max)d characters.", max=REASON_MAX), "reply"
        )
    response.reply, response.replied_at, response.replied_by = reply, now(), actor
    audit.record(
        "opening.answer",
        response,
        actor=actor,
        before={"replied": False},
        after={"replied": True, "reply": reply},
    )
    members = [u for u in response.bid.organization.members if u.active]
    tender = response.bid.tender
    notify(
        members,
        _l("Your objection is answered: %(title)s", title=tender.call.title),
        _l("Staff answered your objection to the opening record: %(reply)s", reply=reply),
        url_for("procurement.opening", tender_id=tender.id),
    )
    refresh_opening_record(tender, actor=actor)


def evaluation_blocker(tender):
    """Why the evaluation cannot start or go on: an unanswered objection, or a failure."""
    if tender.failure is not None:
        return _("The tender failed (废标); it is not evaluated.")
    waiting = [r for r in responses_of(tender) if r.waiting]
    if waiting:
        return _(
            "%(n)d objections to the opening record wait for an answer; answer them before "
            "the evaluation starts.",
            n=len(waiting),
        )
    return None


def opened_bids(tender):
    """Every bid that was opened (whatever came after), by submission time."""
    return db.session.scalars(
        select(Bid)
        .where(Bid.tender_id == tender.id, Bid.state.not_in((BidState.DRAFT, BidState.SUBMITTED)))
        .order_by(Bid.submitted_at, Bid.id)
    ).all()


def render_opening_record(tender, bids):
    with force_locale("zh_CN"):
        return render_pdf(
            "pdf/tender_opening.html",
            tender=tender,
            call=tender.call,
            bids=bids,
            responses=responses_of(tender) if tender.is_opened else [],
            bond_amount=tender.bond_amount,
        )


def refresh_opening_record(tender, *, actor):
    """Keep the opening record PDF current: it lists every confirmation, objection and answer."""
    db.session.flush()
    tender.opening_record = store_bytes(
        render_opening_record(tender, opened_bids(tender)),
        name=f"开标记录-{tender.call.title}.pdf",
        content_type="application/pdf",
        actor=actor,
    )


def opening_summary(tender):
    """(confirmed, objected, unanswered bids) counts for pages."""
    responses = responses_of(tender)
    return {
        "confirmed": sum(r.answer == OpeningAnswer.CONFIRMED for r in responses),
        "objected": sum(r.answer == OpeningAnswer.OBJECTED for r in responses),
        "waiting": sum(r.waiting for r in responses),
        "answered_at": {r.bid_id: local_datetime(r.responded_at) for r in responses},
    }
