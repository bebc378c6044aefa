"""Procurement pages: bids (投标) of organizations.

Bid content and prices are shown only where can_read_bid allows: before the opening, to the
bidding organization alone.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from venture.auth.enums import Role
from venture.calls.models import Call
from venture.core.access import deny_unless, own_organization_rows, roles_required, signed_in
from venture.core.actions import post_action, store_form_uploads
from venture.core.files import send_stored
from venture.core.lifecycle import TransitionRefused
from venture.core.pagination import paginate
from venture.core.timeutil import now
from venture.extensions import db
from venture.procurement import operations, rules
from venture.procurement.blueprint import bp, get_or_404
from venture.procurement.enums import BidState
from venture.procurement.forms import BidForm, ConfirmForm, ReasonForm
from venture.procurement.lifecycle import BID_WORKFLOW
from venture.procurement.models import Bid, BidAttachment, Tender
from venture.procurement.permissions import (
    can_edit_bid,
    can_manage_procurement,
    can_read_bid,
    is_bidder_member,
)
from venture.procurement.tenders import visible_tender

# ── bids (投标), organizations ───────────────────────────────────────────────────────────────


@bp.route("/bids")
@roles_required(Role.APPLICANT)
def my_bids():
    """我的投标: the bids of the member's organization, and the tenders open for bids."""
    query = own_organization_rows(Bid).order_by(Bid.updated_at.desc(), Bid.id.desc())
    return render_template(
        "procurement/my_bids.html", page=paginate(query), open_tenders=open_tenders(10)
    )


def open_tenders(limit):
    """Published tenders taking bids now, closing soonest first."""
    return db.session.scalars(
        select(Tender)
        .join(Call, Call.id == Tender.call_id)
        .where(
            Call.published_at.is_not(None),
            Call.cancelled_at.is_(None),
            Call.opens_at <= now(),
            Call.closes_at > now(),
        )
        .order_by(Call.closes_at.asc())
        .limit(limit)
    ).all()


@bp.route("/tenders/<int:tender_id>/bid", methods=["POST"])
@roles_required(Role.APPLICANT)
def start_bid(tender_id):
    tender = get_or_404(Tender, tender_id)
    visible_tender(tender)
    try:
        bid = operations.start_bid(tender, actor=current_user)
        db.session.commit()
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
        return redirect(url_for("procurement.tender", tender_id=tender.id))
    except IntegrityError:
        # a colleague started the organization's bid at the same moment: open theirs
        db.session.rollback()
        bid = operations.start_bid(tender, actor=current_user)
    return redirect(url_for("procurement.bid_edit", bid_id=bid.id))


def _bid_form_for(bid):
    return BidForm(
        formdata=None,
        data={
            "price": str(bid.price) if bid.price is not None else "",
            "approach": bid.approach,
            "team": bid.team,
            "schedule": bid.schedule,
            "quality": bid.quality,
            "declaration": bid.declaration,
        },
    )


def _render_bid_edit(bid, form, *, problems=None, upload_errors=None, status=200):
    return render_template(
        "procurement/bid_edit.html",
        bid=bid,
        tender=bid.tender,
        call=bid.tender.call,
        form=form,
        problems=rules.submission_problems(bid) if problems is None else problems,
        compliance=[str(r) for r in rules.compliance_reasons(bid)] if bid.price else [],
        upload_errors=upload_errors or {},
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/bids/<int:bid_id>/edit", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def bid_edit(bid_id):
    """Prepare, submit or replace the bid (a submitted bid is replaced as a whole)."""
    bid = get_or_404(Bid, bid_id)
    deny_unless(is_bidder_member(current_user, bid), 404)
    if not can_edit_bid(current_user, bid):
        return redirect(url_for("procurement.bid", bid_id=bid.id))
    if request.method == "GET":
        return _render_bid_edit(bid, _bid_form_for(bid))
    form = BidForm()
    if not form.validate_on_submit():
        return _render_bid_edit(bid, form, status=400)
    submitted = bid.state == BidState.SUBMITTED
    try:
        operations.save_bid(bid, form.values(), actor=current_user)
        upload_errors = store_form_uploads(
            bid,
            bid.tender.document_names,
            operations.attach_bid_file,
            operations.remove_bid_file,
            BidAttachment.bid_id,
        )
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
        return _render_bid_edit(bid, form, problems=[refused.message], status=400)
    if upload_errors:
        db.session.rollback()
        flash(_("Nothing was saved: some files were not accepted."), "danger")
        return _render_bid_edit(bid, form, upload_errors=upload_errors, status=400)
    if submitted:
        try:
            operations.replace_bid(bid, actor=current_user)
        except TransitionRefused as refused:
            db.session.rollback()
            flash(_("Nothing was saved: the submitted bid stays as it was."), "danger")
            return _render_bid_edit(bid, form, problems=[refused.message], status=400)
        db.session.commit()
        flash(
            _("The bid is replaced: version %(version)d is sealed.", version=bid.version),
            "success",
        )
        return redirect(url_for("procurement.bid_edit", bid_id=bid.id))
    db.session.commit()  # the draft is kept whatever happens to the submission
    if request.form.get("action") == "submit":
        try:
            operations.submit_bid(bid, actor=current_user)
        except TransitionRefused:
            db.session.rollback()
            flash(_("The draft is saved, but the bid was not submitted."), "danger")
            return _render_bid_edit(bid, _bid_form_for(bid), status=400)
        db.session.commit()
        flash(_("The bid is submitted and sealed until the opening."), "success")
    else:
        flash(_("The draft is saved."), "success")
    return redirect(url_for("procurement.bid_edit", bid_id=bid.id))


@bp.route("/bids/<int:bid_id>/recall", methods=["POST"])
@roles_required(Role.APPLICANT)
def bid_recall(bid_id):
    bid = get_or_404(Bid, bid_id)
    deny_unless(is_bidder_member(current_user, bid), 404)
    return post_action(
        lambda: operations.recall_bid(bid, actor=current_user),
        success=None,
        warnings=lambda _recalled: [
            _("The bid is withdrawn to a draft. Submit it again before the deadline.")
        ],
        target=url_for("procurement.bid_edit", bid_id=bid.id),
        form=ConfirmForm(),
    )


@bp.route("/bids/<int:bid_id>")
@signed_in
def bid(bid_id):
    """A bid's content and price: the bidder always, others only after the opening."""
    bid = get_or_404(Bid, bid_id)
    deny_unless(can_read_bid(current_user, bid), 404)
    return render_template(
        "procurement/bid.html",
        bid=bid,
        tender=bid.tender,
        call=bid.tender.call,
        is_member=is_bidder_member(current_user, bid),
        can_edit=can_edit_bid(current_user, bid),
        can_recall=BID_WORKFLOW.refusal(bid, "recall", current_user) is None,
        manage=can_manage_procurement(current_user),
        confirm_form=ConfirmForm(),
        reason_form=ReasonForm(formdata=None),
    )


@bp.route("/bids/<int:bid_id>/files/<int:attachment_id>")
@signed_in
def bid_file(bid_id, attachment_id):
    bid = get_or_404(Bid, bid_id)
    deny_unless(can_read_bid(current_user, bid), 404)
    item = db.session.get(BidAttachment, attachment_id)
    deny_unless(item is not None and item.bid_id == bid.id, 404)
    return send_stored(item.file)
