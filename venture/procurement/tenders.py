"""Procurement pages: tenders (招投标), their details, public page and clarifications."""

from datetime import datetime, time, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from venture.auth.enums import Role
from venture.calls.enums import CallStage
from venture.calls.models import Call
from venture.core.access import deny_unless, public, roles_required
from venture.core.actions import form_action, form_page, post_action
from venture.core.integers import ids_in
from venture.core.pagination import paginate
from venture.core.timeutil import from_local, local_today, now, to_local
from venture.extensions import db
from venture.procurement import operations, rules
from venture.procurement.blueprint import bp, call_of_route, get_or_404
from venture.procurement.dates import tender_date_warnings
from venture.procurement.enums import BidState, EvaluationMethod, TenderMethod
from venture.procurement.forms import ClarificationForm, ConfirmForm, QuestionForm, TenderForm
from venture.procurement.models import Bid, Tender
from venture.procurement.permissions import can_bid, can_manage_procurement, can_oversee_procurement
from venture.procurement.routes import TenderRoute, route_for

# ── tenders (招投标): details, public page, clarifications ─────────────────────────────────────


@bp.route("/staff/tenders")
@roles_required(Role.STAFF, Role.ADMIN)
def tenders():
    """Tender calls, newest first, with the number of sealed bids (never who or how much)."""
    query = (
        select(Call)
        .where(Call.route == TenderRoute.route)
        .order_by(Call.created_at.desc(), Call.id.desc())
    )
    page = paginate(query)
    ids = [c.id for c in page.items]
    found = {
        t.call_id: t for t in db.session.scalars(select(Tender).where(Tender.call_id.in_(ids)))
    }
    counts = dict(
        db.session.execute(
            select(Tender.call_id, func.count(Bid.id))
            .join(Bid, Bid.tender_id == Tender.id)
            .where(Tender.call_id.in_(ids), Bid.state != BidState.DRAFT)
            .group_by(Tender.call_id)
        ).all()
    )
    return render_template("procurement/tenders.html", page=page, tenders=found, counts=counts)


@bp.route("/staff/calls/<int:call_id>/tender")
@roles_required(Role.STAFF)
def tender_for_call(call_id):
    call = call_of_route(call_id, TenderRoute)
    tender = operations.tender_of(call.id)
    if tender is None:
        return redirect(url_for("procurement.tender_edit", call_id=call.id))
    return redirect(url_for("procurement.tender", tender_id=tender.id))


def _local_naive(value):
    return to_local(value).replace(tzinfo=None)


@bp.route("/staff/calls/<int:call_id>/tender/edit", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def tender_edit(call_id):
    """The tender details of a draft call (the bid deadline is the call's closing time)."""
    call = call_of_route(call_id, TenderRoute)
    tender = operations.tender_of(call.id)
    if call.stage != CallStage.DRAFT:
        flash(_("A published tender cannot be changed; publish a clarification."), "warning")
        return redirect(url_for("procurement.tender", tender_id=tender.id) if tender else "/")
    if request.method == "GET":
        if tender is None:
            deadline = datetime.combine(local_today() + timedelta(days=21), time(9, 30))
            data = {
                "method": TenderMethod.OPEN.value,
                "evaluation": EvaluationMethod.COMPREHENSIVE.value,
                "budget_ceiling": str(call.total_budget),
                "price_weight": "30",
                "bid_deadline": deadline,
                "opening_at": deadline,
            }
        else:
            data = {
                "method": tender.method.value,
                "evaluation": tender.evaluation.value,
                "requirements": tender.requirements,
                "budget_ceiling": str(tender.budget_ceiling),
                "price_weight": str(tender.price_weight.normalize()),
                "required_documents": tender.required_documents,
                "bid_deadline": _local_naive(call.closes_at),
                "opening_at": _local_naive(tender.opening_at),
                "opening_place": tender.opening_place,
                "bond_amount": str(tender.bond_amount) if tender.bond_amount else "",
            }
        form = TenderForm(formdata=None, data=data)
    else:
        form = TenderForm()
    done = form_action(
        form,
        lambda: operations.save_tender(call, _tender_values(form), actor=current_user),
        success=_("The tender details are saved."),
        warnings=tender_date_warnings,
        target=lambda saved: url_for("procurement.tender", tender_id=saved.id),
    )
    return done or form_page(
        "procurement/tender_edit.html",
        form=form,
        call=call,
        tender=tender,
        minimum_days=rules.MIN_BID_DAYS,
    )


def _tender_values(form):
    """The operation's values of a valid TenderForm."""
    from decimal import Decimal

    from venture.core.money import to_amount

    return {
        "method": TenderMethod(form.method.data),
        "evaluation": EvaluationMethod(form.evaluation.data),
        "requirements": form.requirements.data.strip(),
        "budget_ceiling": to_amount(form.budget_ceiling.data),
        "price_weight": form.weight() or Decimal("0"),
        "required_documents": (form.required_documents.data or "").strip(),
        "bid_deadline": from_local(form.bid_deadline.data),
        "opening_at": from_local(form.opening_at.data),
        "opening_place": (form.opening_place.data or "").strip(),
        "bond_amount": to_amount(form.bond_amount.data) if form.bond_amount.data else None,
    }


@bp.route("/staff/tenders/<int:tender_id>/criteria", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def tender_criteria(tender_id):
    """The technical criteria of comprehensive scoring, fixed once the notice is published."""
    from venture.review.forms import RubricForm
    from venture.review.operations import criteria_of

    tender = get_or_404(Tender, tender_id)
    criteria = criteria_of(tender.call_id)
    form = RubricForm()
    if request.method == "GET":
        form.fill(criteria)
    done = form_action(
        form,
        lambda: operations.save_criteria(tender, form.criteria(), actor=current_user),
        success=_("The criteria are saved."),
        target=url_for("procurement.tender", tender_id=tender.id),
    )
    if done:
        return done
    return form_page(
        "procurement/tender_criteria.html",
        form=form,
        tender=tender,
        locked=tender.call.stage != CallStage.DRAFT,
    )


def visible_tender(tender):
    deny_unless(tender.call.is_public or can_oversee_procurement(current_user), 404)


@bp.route("/tenders/<int:tender_id>")
@public
def tender(tender_id):
    """The tender notice: details, criteria, clarifications; the organization's bid; staff's
    management (sealed bids counted, never shown)."""
    from venture.review.operations import criteria_of

    tender = get_or_404(Tender, tender_id)
    visible_tender(tender)
    call = tender.call
    my_bid = None
    if current_user.is_authenticated and current_user.organization_id is not None:
        my_bid = db.session.scalar(
            select(Bid).where(
                Bid.tender_id == tender.id, Bid.organization_id == current_user.organization_id
            )
        )
    manage = can_manage_procurement(current_user)
    questions = []
    if manage:
        from venture.procurement.models import TenderQuestion

        questions = db.session.scalars(
            select(TenderQuestion)
            .where(TenderQuestion.tender_id == tender.id)
            .order_by(TenderQuestion.asked_at)
        ).all()
    clarify_form = ClarificationForm(formdata=None)
    clarify_form.question_ids.choices = [
        (q.id, q.text[:80]) for q in questions if q.clarification_id is None
    ]
    return render_template(
        "procurement/tender.html",
        tender=tender,
        call=call,
        criteria=criteria_of(call.id),
        my_bid=my_bid,
        can_bid=can_bid(current_user, call) and my_bid is None,
        manage=manage,
        oversee=can_oversee_procurement(current_user),
        questions=questions,
        sealed_count=operations.submitted_count(tender) if manage else None,
        publish_problems=route_for(call).validate_call(call) if manage else [],
        question_form=QuestionForm(formdata=None),
        clarify_form=clarify_form,
        confirm_form=ConfirmForm(),
        opening_due=now() >= tender.opening_at,
        clarification_days=rules.CLARIFICATION_DAYS[tender.method],
        minimum_days=rules.MIN_BID_DAYS[tender.method],
    )


@bp.route("/tenders/<int:tender_id>/questions", methods=["POST"])
@roles_required(Role.APPLICANT)
def ask(tender_id):
    tender = get_or_404(Tender, tender_id)
    visible_tender(tender)
    form = QuestionForm()
    return post_action(
        lambda: operations.ask_question(tender, user=current_user, text=form.text.data),
        success=_("Your question is sent; the answer is published to every bidder."),
        target=url_for("procurement.tender", tender_id=tender.id),
        form=form,
        invalid=_("Please write the question."),
    )


@bp.route("/staff/tenders/<int:tender_id>/clarifications", methods=["POST"])
@roles_required(Role.STAFF)
def clarify(tender_id):
    tender = get_or_404(Tender, tender_id)
    form = ClarificationForm()
    form.question_ids.choices = [(v, str(v)) for v in ids_in(request.form.getlist("question_ids"))]
    return post_action(
        lambda: operations.publish_clarification(
            tender, text=form.text.data, question_ids=form.question_ids.data, actor=current_user
        ),
        success=lambda clarification: (
            None
            if clarification.moved_deadline
            else _("The clarification is published to every bidder.")
        ),
        warnings=lambda clarification: (
            [
                _(
                    "The clarification is published. It came less than %(days)d days before the "
                    "deadline, so the deadline moved to %(deadline)s; bidders are told.",
                    days=rules.CLARIFICATION_DAYS[tender.method],
                    deadline=_fmt(clarification.deadline_after),
                )
            ]
            if clarification.moved_deadline
            else []
        ),
        target=url_for("procurement.tender", tender_id=tender.id),
        form=form,
        invalid=_("Please write the clarification."),
    )


def _fmt(moment):
    from venture.core.formatting import local_datetime

    return local_datetime(moment)
