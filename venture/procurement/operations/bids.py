"""Bids (投标), sealed until the opening, and the opening (开标).

Nothing written to the audit log before the opening carries a bid's price or content (only its
version and a digest, which the opening record repeats).
"""

import hashlib
import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from venture.core import audit
from venture.core.files import (
    add_attachment,
    store_bytes,
    store_labelled_upload,
)
from venture.core.formatting import local_datetime
from venture.core.lifecycle import TransitionRefused, transition
from venture.core.timeutil import now
from venture.extensions import db
from venture.procurement import rules
from venture.procurement.enums import BidState
from venture.procurement.lifecycle import BID_WORKFLOW
from venture.procurement.models import Bid, BidAttachment
from venture.procurement.opening import render_opening_record
from venture.procurement.operations.common import ProcurementError, active_members, notify_link
from venture.procurement.permissions import is_bidder_member

# ── bids (投标) ──────────────────────────────────────────────────────────────────────────────

BID_FIELDS = ("price", *rules.BID_TEXT_FIELDS, "declaration")


def start_bid(tender, *, actor):
    """The actor's organization's bid on the tender (a new draft, or the one it has)."""
    from venture.procurement.permissions import can_bid

    if actor.organization_id is None:
        raise ProcurementError(_("Only members of an organization can bid."))
    bid = db.session.scalar(
        select(Bid).where(Bid.tender_id == tender.id, Bid.organization_id == actor.organization_id)
    )
    if bid is not None:
        return bid
    if not can_bid(actor, tender.call):
        raise ProcurementError(_("This tender is not taking bids."))
    bid = Bid(tender=tender, organization_id=actor.organization_id, created_by_id=actor.id)
    db.session.add(bid)
    # no content yet; later rows say only which version was sealed
    audit.record("bid.create", bid, actor=actor, after={"tender_id": tender.id})
    return bid


def seal_digest(bid):
    """SHA-256 of the bid's content, attachments included: recorded when the bid is sealed
    and checked at the opening, so a changed bid shows."""
    content = {
        "tender": bid.tender_id,
        "organization": bid.organization_id,
        "version": bid.version,
        "price": str(bid.price),
        **{name: getattr(bid, name) for name in rules.BID_TEXT_FIELDS},
        "attachments": sorted((a.label, a.file.sha256) for a in bid.attachments),
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _seal(bid, action, actor):
    """Submit or replace: the sealed time and digest are written before the state, so the
    CHECK tying a submitted bid to its price and time holds at every flush."""
    refusal = BID_WORKFLOW.refusal(bid, action, actor)
    if refusal:
        raise TransitionRefused(refusal)
    bid.version += 1
    bid.submitted_at = now()
    bid.seal_digest = seal_digest(bid)
    transition(BID_WORKFLOW, bid, action, actor=actor)
    audit.record(
        "bid.seal",
        bid,
        actor=actor,
        after={"action": action, "version": bid.version, "digest": bid.seal_digest},
    )


def _require_changeable(bid, actor):
    if not is_bidder_member(actor, bid):
        raise ProcurementError(_("You are not allowed to do this."))
    if bid.state not in (BidState.DRAFT, BidState.SUBMITTED):
        raise ProcurementError(_("The bid was opened; it can no longer be changed."))
    problems = rules.timing_problems(bid)
    if problems:
        raise ProcurementError(problems[0])


def save_bid(bid, values, *, actor):
    """Keep the typed values. A submitted bid is replaced as a whole: the caller then calls
    replace_bid, which refuses an incomplete one (and the caller rolls back)."""
    _require_changeable(bid, actor)
    for name in BID_FIELDS:
        setattr(bid, name, values[name])
    audit.record("bid.save", bid, actor=actor, after={"state": bid.state, "version": bid.version})


def attach_bid_file(bid, label, storage, *, actor):
    """Keep an uploaded file; a required document replaces its earlier file."""
    _require_changeable(bid, actor)
    label, stored = store_labelled_upload(label, storage, ProcurementError, actor=actor)
    required = label in bid.tender.document_names
    add_attachment(bid, BidAttachment(label=label, file=stored), replaces=required)
    # the label of a required document is the tender's own; a typed label may be content
    audit.record("bid.attach", bid, actor=actor, after={"document": label if required else "extra"})


def remove_bid_file(bid, attachment, *, actor):
    _require_changeable(bid, actor)
    bid.attachments.remove(attachment)
    audit.record("bid.detach", bid, actor=actor, after={"attachments": len(bid.attachments)})


def submit_bid(bid, *, actor):
    """Seal the bid (draft → submitted); refused with the first problem."""
    _seal(bid, "submit", actor)
    notify_link(
        active_members(bid.organization),
        _l("Bid submitted: %(title)s", title=bid.tender.call.title),
        _l(
            "Your bid (version %(version)d) is sealed until the opening at %(opening)s. You can "
            "replace or withdraw it until the deadline %(deadline)s.",
            version=bid.version,
            opening=local_datetime(bid.tender.opening_at),
            deadline=local_datetime(bid.tender.call.closes_at),
        ),
        "procurement.bid",
        bid_id=bid.id,
    )


def replace_bid(bid, *, actor):
    """A new sealed version of a submitted bid (before the deadline)."""
    _seal(bid, "replace", actor)


def recall_bid(bid, *, actor):
    """撤回: back to a draft, which is not opened unless submitted again before the deadline."""
    transition(BID_WORKFLOW, bid, "recall", actor=actor)


# ── opening (开标) ───────────────────────────────────────────────────────────────────────────


def submitted_count(tender):
    """Sealed bids waiting for the opening: a number, never who or how much."""
    return db.session.scalar(
        select(func.count())
        .select_from(Bid)
        .where(Bid.tender_id == tender.id, Bid.state == BidState.SUBMITTED)
    )


def open_tender(tender, *, actor):
    """开标: at or after the opening time every sealed bid is opened; the opening record
    (bidders, prices, times, digests) is kept as a PDF and bidders are told."""
    if tender.is_opened:
        raise ProcurementError(_("The bids were opened already."))
    if tender.call.cancelled_at is not None:
        raise ProcurementError(_("The tender was cancelled."))
    if now() < tender.opening_at:
        raise ProcurementError(
            _(
                "The bids are opened at %(time)s, not before.",
                time=local_datetime(tender.opening_at),
            )
        )
    sealed = db.session.scalars(
        select(Bid)
        .where(Bid.tender_id == tender.id, Bid.state == BidState.SUBMITTED)
        .order_by(Bid.submitted_at, Bid.id)
    ).all()
    tender.opened_at = now()
    tender.opened_by_id = actor.id
    for bid in sealed:
        transition(BID_WORKFLOW, bid, "open", actor=actor)
        audit.record(
            "bid.open",
            bid,
            actor=actor,
            after={
                "organization": bid.organization.name,
                "price": bid.price,
                "version": bid.version,
                "digest_intact": seal_digest(bid) == bid.seal_digest,
            },
        )
    db.session.flush()
    tender.opening_record = store_bytes(
        render_opening_record(tender, sealed),
        name=f"开标记录-{tender.call.title}.pdf",
        content_type="application/pdf",
        actor=actor,
    )
    audit.record(
        "tender.open",
        tender,
        actor=actor,
        after={"opened_at": tender.opened_at, "bids": len(sealed)},
    )
    notify_link(
        [u for bid in sealed for u in active_members(bid.organization)],
        _l("Bids opened: %(title)s", title=tender.call.title),
        _l(
            "The bids were opened at %(time)s; the opening record is published to bidders.",
            time=local_datetime(tender.opened_at),
        ),
        "procurement.opening",
        tender_id=tender.id,
    )
    return sealed
