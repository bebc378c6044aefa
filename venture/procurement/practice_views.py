"""Tender-practice pages on the procurement blueprint: bid bonds (bidders and finance), bid
receipts, bidders' answers to the opening record and staff's replies, failed tenders, the
panel members' declaration before a bid's sheet, and the overdue-refund reminder command."""

import click
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from venture.auth.enums import Role
from venture.core.access import deny_unless, roles_required, signed_in
from venture.core.actions import REFUSALS, form_action, form_page, post_action
from venture.core.downloads import send_download
from venture.core.files import send_stored
from venture.core.integers import optional_id
from venture.core.money import InvalidAmount, to_amount
from venture.core.pagination import paginate
from venture.core.panels import home_panel
from venture.core.timeutil import local_today
from venture.extensions import db
from venture.procurement import bonds, conflicts, failure, opening, operations
from venture.procurement.blueprint import bp, get_or_404
from venture.procurement.dates import tender_date_warnings
from venture.procurement.forms import ConfirmForm, ReasonForm
from venture.procurement.models import Bid, Tender
from venture.procurement.permissions import (
    can_manage_procurement,
    can_oversee_procurement,
    is_bidder_member,
)
from venture.procurement.practice_enums import BondState
from venture.procurement.practice_forms import (
    BondRecordForm,
    ObjectionReplyForm,
    OpeningAnswerForm,
    RouteChangeForm,
)
from venture.procurement.practice_models import BidBond, OpeningResponse


@bp.app_template_global("is_bidder_member")
def _is_bidder_member(user, bid):
    return is_bidder_member(user, bid)


@bp.app_template_global("opening_blocker")
def _opening_blocker(tender):
    """Why the evaluation cannot start (an unanswered objection, a failure), for pages."""
    return opening.evaluation_blocker(tender) if tender.is_opened else None


@bp.app_template_global("tender_date_warnings")
def _tender_date_warnings(tender):
    return tender_date_warnings(tender)


@bp.app_template_global("tender_failure_condition")
def _failure_condition(tender):
    return failure.failure_condition(tender)


# ── bid bonds: the bidder ───────────────────────────────────────────────────────────────────


@bp.route("/bids/<int:bid_id>/bond", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def bid_bond(bid_id):
    """投标保证金: record the transfer with its proof, or upload the guarantee letter."""
    bid = get_or_404(Bid, bid_id)
    deny_unless(is_bidder_member(current_user, bid), 404)
    tender = bid.tender
    form = BondRecordForm(
        formdata=None if request.method == "GET" else request.form,
        data={"amount": str(tender.bond_amount or "")},
    )
    done = form_action(
        form,
        lambda: bonds.record_bond(
            bid,
            form=form.form.data,
            amount=to_amount(form.amount.data),
            reference=form.reference.data,
            proof=request.files.get("proof"),
            actor=current_user,
        ),
        success=_("The bond is recorded; finance will confirm its receipt."),
        target=url_for("procurement.bid_bond", bid_id=bid.id),
        refused=(*REFUSALS, InvalidAmount),
    )
    return done or form_page(
        "procurement/bid_bond.html", bid=bid, tender=tender, bond=bid.bond, form=form
    )


@bp.route("/bids/<int:bid_id>/bond/proof")
@signed_in
def bond_proof(bid_id):
    """The bond's proof or guarantee letter: the bidder and finance."""
    bid = get_or_404(Bid, bid_id)
    deny_unless(is_bidder_member(current_user, bid) or bonds.can_handle_bonds(current_user), 404)
    deny_unless(bid.bond is not None, 404)
    return send_stored(bid.bond.proof)


@bp.route("/bids/<int:bid_id>/receipt.pdf")
@roles_required(Role.APPLICANT)
def bid_receipt(bid_id):
    """投标回执 of the sealed version: time to the second and digest, nothing of the content."""
    bid = get_or_404(Bid, bid_id)
    deny_unless(is_bidder_member(current_user, bid), 404)
    deny_unless(opening.receipt_refusal(bid) is None, 404)
    return send_download(
        opening.render_bid_receipt(bid),
        mimetype="application/pdf",
        filename=f"投标回执-{bid.tender.call.title}-v{bid.version}.pdf",
    )


# ── bid bonds: finance ──────────────────────────────────────────────────────────────────────


@bp.route("/finance/bonds")
@roles_required(Role.FINANCE)
def bonds_ledger():
    """保证金台账: bonds to confirm, bonds held and their refund days, refunds made."""
    page = paginate(
        select(BidBond)
        .options(selectinload(BidBond.bid).selectinload(Bid.tender))
        .order_by(BidBond.recorded_at.desc(), BidBond.id.desc())
    )
    dues = bonds.refund_dues(b for b in page.items if b.state == BondState.CONFIRMED)
    return render_template(
        "procurement/bonds_ledger.html",
        page=page,
        dues=dues,
        today=local_today(),
        reason_form=ReasonForm(formdata=None),
    )


@bp.route("/finance/bonds.xlsx")
@roles_required(Role.FINANCE)
def bonds_xlsx():
    return send_download(
        bonds.ledger_xlsx(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=f"保证金台账-{local_today():%Y%m%d}.xlsx",
    )


@bp.route("/finance/bids/<int:bid_id>/bond/<any(confirm, reject, refund):action>", methods=["POST"])
@roles_required(Role.FINANCE)
def bond_action(bid_id, action):
    bid = get_or_404(Bid, bid_id)
    bond = bid.bond

    def act():
        if bond is None:
            raise bonds.BondError(_("This bid has no bond."))
        if action == "confirm":
            return bonds.confirm_bond(bond, actor=current_user)
        if action == "reject":
            return bonds.reject_bond(bond, reason=request.form.get("reason"), actor=current_user)
        return bonds.refund_bond(bond, actor=current_user)

    return post_action(
        act,
        success={
            "confirm": _("The bond's receipt is confirmed."),
            "reject": _("The bond is marked not received; the bidder is shown the reason."),
            "refund": _("The refund is recorded."),
        }[action],
        target=url_for("procurement.bonds_ledger"),
        form=ConfirmForm(),
    )


HOME_OVERDUE_SHOWN = 5


@home_panel(Role.FINANCE, "procurement/panel_finance_bonds.html")
def _bonds_waiting(_user):
    from sqlalchemy import func

    to_confirm = db.session.scalar(
        select(func.count()).select_from(BidBond).where(BidBond.state == BondState.RECORDED)
    )
    overdue = bonds.overdue_refunds()
    return {
        "bonds_to_confirm": to_confirm,
        "overdue_count": len(overdue),
        "overdue_refunds": overdue[:HOME_OVERDUE_SHOWN],
    }


@bp.cli.command("remind-bonds")
def remind_bonds_command():
    """Report bid bonds whose refund is overdue and tell finance (run daily)."""
    from venture.notifications.operations import notify

    with current_app.test_request_context():
        late = bonds.overdue_refunds()
        for bond, due in late:
            click.echo(
                f"{bond.bid.tender.call.title}\t{bond.bid.organization.name}\t"
                f"{bond.amount}\t{due.isoformat()}"
            )
        if late:
            from venture.auth.models import User, UserRole

            finance = db.session.scalars(
                select(User)
                .join(UserRole)
                .where(UserRole.role == Role.FINANCE.value, User.active)
                .order_by(User.id)
            ).all()
            notify(
                finance,
                _("Bid bonds overdue for refund: %(n)d", n=len(late)),
                _(
                    "%(n)d bid bonds are past their refund day (five working days, 财政部令第87号 "
                    "第三十八条). Refund them and record it.",
                    n=len(late),
                ),
                url_for("procurement.bonds_ledger"),
            )
            db.session.commit()
    click.echo(f"{len(late)} bid bond refunds overdue.")


# ── the opening online ──────────────────────────────────────────────────────────────────────


@bp.route("/tenders/<int:tender_id>/opening/answer", methods=["POST"])
@roles_required(Role.APPLICANT)
def opening_answer(tender_id):
    """A bidder confirms the opening record or objects to it (唱标异议)."""
    tender = get_or_404(Tender, tender_id)
    deny_unless(opening.own_opened_bid(tender, current_user) is not None, 404)
    form = OpeningAnswerForm()
    return post_action(
        lambda: opening.respond_to_opening(
            tender, answer=form.answer.data, reason=form.reason.data, actor=current_user
        ),
        success=lambda response: (
            _("Your objection is recorded; staff answer it before the evaluation starts.")
            if response.reason
            else _("You confirmed the opening record.")
        ),
        target=url_for("procurement.opening", tender_id=tender.id),
        form=form,
        invalid=_("Choose whether you confirm the record or object to it."),
    )


@bp.route("/staff/tenders/<int:tender_id>/opening/reply", methods=["POST"])
@roles_required(Role.STAFF)
def opening_reply(tender_id):
    """Staff answer a bidder's objection to the opening record."""
    tender = get_or_404(Tender, tender_id)
    form = ObjectionReplyForm()
    response_id = request.form.get("response_id", "")
    response_id = optional_id(response_id)
    response = db.session.get(OpeningResponse, response_id) if response_id else None
    if response is None or response.tender_id != tender.id:
        flash(_("Choose the objection to answer."), "danger")
        return redirect(url_for("procurement.opening", tender_id=tender.id))
    return post_action(
        lambda: opening.answer_objection(response, reply=form.reply.data, actor=current_user),
        success=_("The objection is answered."),
        target=url_for("procurement.opening", tender_id=tender.id),
        form=form,
        invalid=_("Please write the answer."),
    )


def opening_context(tender, user):
    """What the opening page shows beyond the record: answers, and the forms allowed."""
    own = opening.own_opened_bid(tender, user)
    responses = opening.responses_of(tender) if tender.is_opened else []
    return {
        "responses": responses,
        "own_bid": own,
        "own_response": next((r for r in responses if own and r.bid_id == own.id), None),
        "window_refusal": opening.window_refusal(tender),
        "answer_form": OpeningAnswerForm(formdata=None),
        "reply_form": ObjectionReplyForm(formdata=None),
        "manage": can_manage_procurement(user),
    }


# ── failed tenders (废标) ────────────────────────────────────────────────────────────────────


@bp.route("/staff/tenders/<int:tender_id>/failure")
@roles_required(Role.STAFF)
def tender_failure(tender_id):
    """废标: the detected condition, the notice, and what follows."""
    tender = get_or_404(Tender, tender_id)
    return render_template(
        "procurement/tender_failure.html",
        tender=tender,
        call=tender.call,
        condition=failure.failure_condition(tender),
        failure=tender.failure,
        route_form=RouteChangeForm(formdata=None),
        confirm_form=ConfirmForm(),
    )


@bp.route("/staff/tenders/<int:tender_id>/failure/declare", methods=["POST"])
@roles_required(Role.STAFF)
def declare_failure(tender_id):
    tender = get_or_404(Tender, tender_id)
    return post_action(
        lambda: failure.declare_failure(tender, actor=current_user),
        success=_("The tender is marked failed (废标) and the notice is published."),
        target=url_for("procurement.tender_failure", tender_id=tender.id),
        form=ConfirmForm(),
    )


@bp.route("/staff/tenders/<int:tender_id>/failure/retender", methods=["POST"])
@roles_required(Role.STAFF)
def retender(tender_id):
    tender = get_or_404(Tender, tender_id)
    deny_unless(tender.failure is not None, 404)
    return post_action(
        lambda: failure.retender(tender.failure, actor=current_user),
        success=_("A new draft tender is made with the documents copied: set its dates."),
        target=lambda new: url_for("procurement.tender_edit", call_id=new.call_id),
        back=url_for("procurement.tender_failure", tender_id=tender.id),
        form=ConfirmForm(),
    )


@bp.route("/staff/tenders/<int:tender_id>/failure/change-route", methods=["POST"])
@roles_required(Role.STAFF)
def change_route(tender_id):
    tender = get_or_404(Tender, tender_id)
    deny_unless(tender.failure is not None, 404)
    form = RouteChangeForm()
    return post_action(
        lambda: failure.change_route(
            tender.failure,
            outcome=form.outcome.data,
            approval=request.files.get("approval"),
            reference=form.reference.data,
            actor=current_user,
        ),
        success=_("The route is changed with the approval: a new draft call is made."),
        target=lambda call: url_for("calls.edit", call_id=call.id),
        back=url_for("procurement.tender_failure", tender_id=tender.id),
        form=form,
        invalid=_("Give the approved route and the approval document's number."),
    )


@bp.route("/staff/tenders/<int:tender_id>/failure/approval")
@roles_required(Role.STAFF, Role.ADMIN)
def failure_approval(tender_id):
    tender = get_or_404(Tender, tender_id)
    deny_unless(can_oversee_procurement(current_user), 404)
    found = tender.failure
    deny_unless(found is not None and found.approval is not None, 404)
    return send_stored(found.approval)


# ── the panel member's declaration before a bid's sheet ─────────────────────────────────────


@bp.route("/review/tenders/bids/<int:bid_id>/no-conflict", methods=["POST"])
@roles_required(Role.REVIEWER)
def bid_no_conflict(bid_id):
    """回避声明: no tie to this bidder; the sheet opens."""
    from venture.review.operations import profile_for

    bid = get_or_404(Bid, bid_id)
    panel = operations.tender_panel(bid.tender)
    deny_unless(panel is not None and operations.is_member_of(panel, current_user), 404)
    return post_action(
        lambda: conflicts.declare_no_tie(
            bid, reviewer=profile_for(current_user), actor=current_user
        ),
        success=None,
        target=url_for("procurement.bid_sheet", bid_id=bid.id),
        back=url_for("procurement.evaluations"),
        form=ConfirmForm(),
    )
