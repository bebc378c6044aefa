"""Procurement pages: targeted-purchase designations (staff), tenders with clarifications,
bids (organizations), opening, evaluation, panel scoring (reviewers) and results.

Bid content and prices are shown only where can_read_bid allows: before the opening, to the
bidding organization alone.
"""

from datetime import datetime, time, timedelta

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from venture.auth.enums import Role
from venture.calls.enums import CallStage
from venture.calls.models import Call
from venture.core.access import deny_unless, public, roles_required, signed_in
from venture.core.downloads import send_download
from venture.core.files import send_stored
from venture.core.integers import ids_in, optional_id
from venture.core.lifecycle import TransitionRefused
from venture.core.pagination import paginate
from venture.core.spreadsheet import csv_bytes
from venture.core.timeutil import from_local, local_today, now, to_local
from venture.extensions import db
from venture.home.views import home_panel
from venture.orgs.enums import OrgStatus
from venture.orgs.models import Organization
from venture.procurement import (
    operations,
    rules,
    sealing,  # noqa: F401  (registers the audit seal)
)
from venture.procurement.conflicts import has_declared
from venture.procurement.dates import tender_date_warnings
from venture.procurement.enums import (
    BidState,
    DesignationState,
    EvaluationMethod,
    TenderMethod,
)
from venture.procurement.forms import (
    AnnounceForm,
    BidForm,
    ClarificationForm,
    ConfirmForm,
    DesignationForm,
    DrawPanelForm,
    ManualPanelForm,
    QuestionForm,
    ReasonForm,
    ResultForm,
    TenderForm,
)
from venture.procurement.lifecycle import BID_WORKFLOW, DESIGNATION_WORKFLOW
from venture.procurement.models import Award, Bid, BidAttachment, Designation, Tender
from venture.procurement.permissions import (
    can_bid,
    can_edit_bid,
    can_manage_procurement,
    can_oversee_procurement,
    can_read_bid,
    can_view_opening_record,
    is_bidder_member,
    is_sealed,
)
from venture.procurement.routes import TargetedPurchaseRoute, TenderRoute, route_for
from venture.review.enums import SheetState

bp = Blueprint("procurement", __name__)


@bp.app_template_global("procurement_route")
def procurement_route(call):
    """The call's route object, for templates (calls/show.html includes its call_template)."""
    return route_for(call)


@bp.app_template_global("tender_bidders")
def tender_bidders(tender):
    """The names of the opened bids' organizations (nothing before the opening)."""
    return [b.organization.name for b in operations.opened_bids(tender)] if tender.is_opened else []


@bp.app_template_global("procurement_tender")
def procurement_tender(call):
    return operations.tender_of(call.id)


def _get(model, record_id):
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    return record


def _call_of_route(call_id, kind):
    call = _get(Call, call_id)
    deny_unless(isinstance(route_for(call), kind), 404)
    return call


def _show_errors(form, error):
    errors = getattr(error, "errors", None) or {getattr(error, "field", None): str(error)}
    shown = False
    for name, message in errors.items():
        field = getattr(form, name or "", None)
        if field is not None:
            field.errors = [*field.errors, str(message)]
            shown = True
    if not shown:
        flash(str(error), "danger")


# ── targeted purchase (定向购买), staff ──────────────────────────────────────────────────────


@bp.route("/staff/designations")
@roles_required(Role.STAFF)
def designations():
    """Targeted purchases: every designation, newest first, and targeted calls without one."""
    query = (
        select(Designation)
        .options(selectinload(Designation.application), selectinload(Designation.announcement))
        .order_by(Designation.created_at.desc(), Designation.id.desc())
    )
    designated = select(Designation.call_id).where(Designation.state != DesignationState.CANCELLED)
    waiting = db.session.scalars(
        select(Call)
        .where(
            Call.route == TargetedPurchaseRoute.route,
            Call.cancelled_at.is_(None),
            Call.id.not_in(designated),
        )
        .order_by(Call.created_at.desc())
        .limit(20)
    ).all()
    return render_template("procurement/designations.html", page=paginate(query), waiting=waiting)


@bp.route("/staff/calls/<int:call_id>/designation")
@roles_required(Role.STAFF)
def designation_for_call(call_id):
    call = _call_of_route(call_id, TargetedPurchaseRoute)
    designation = rules.active_designation(call.id)
    if designation is None:
        return redirect(url_for("procurement.designation_new", call_id=call.id))
    return redirect(url_for("procurement.designation", designation_id=designation.id))


def _organization_choices():
    rows = db.session.execute(
        select(Organization.id, Organization.name)
        .where(Organization.status == OrgStatus.VERIFIED)
        .order_by(Organization.name)
    )
    return [(0, "—")] + [(row.id, row.name) for row in rows]


@bp.route("/staff/calls/<int:call_id>/designation/new", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def designation_new(call_id):
    call = _call_of_route(call_id, TargetedPurchaseRoute)
    if request.method == "GET":
        form = DesignationForm(
            formdata=None,
            data={
                "service": call.title,
                "amount": str(call.cap_per_project),
                "term_start": call.project_start,
                "term_end": call.project_end,
            },
        )
    else:
        form = DesignationForm()
    form.organization_id.choices = _organization_choices()
    if form.validate_on_submit():
        try:
            designation = operations.create_designation(call, form.values(), actor=current_user)
        except operations.ProcurementError as error:
            db.session.rollback()
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(_("The designation is saved. Announce it when the call is published."), "success")
            return redirect(url_for("procurement.designation", designation_id=designation.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "procurement/designation_edit.html", form=form, call=call, designation=None
    ), status


@bp.route("/staff/designations/<int:designation_id>")
@roles_required(Role.STAFF)
def designation(designation_id):
    designation = _get(Designation, designation_id)
    award = db.session.scalar(
        select(Award).where(Award.application_id == designation.application_id)
    )
    return render_template(
        "procurement/designation.html",
        designation=designation,
        call=designation.call,
        application=designation.application,
        announcement=designation.announcement,
        award=award,
        actions=DESIGNATION_WORKFLOW.available(designation, current_user),
        award_problems=operations.designation_award_problems(designation),
        cancel_form=ReasonForm(formdata=None),
        confirm_form=ConfirmForm(),
    )


@bp.route("/staff/designations/<int:designation_id>/edit", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def designation_edit(designation_id):
    designation = _get(Designation, designation_id)
    if designation.state != DesignationState.DRAFTED:
        flash(_("An announced designation cannot be changed; cancel it instead."), "warning")
        return redirect(url_for("procurement.designation", designation_id=designation.id))
    if request.method == "GET":
        form = DesignationForm(
            formdata=None,
            data={
                "organization_id": designation.organization_id,
                "service": designation.service,
                "service_content": designation.service_content,
                "amount": str(designation.amount),
                "term_start": designation.term_start,
                "term_end": designation.term_end,
                "reason": designation.reason.value,
                "justification": designation.justification,
            },
        )
    else:
        form = DesignationForm()
    form.organization_id.choices = _organization_choices()
    if form.validate_on_submit():
        try:
            operations.update_designation(designation, form.values(), actor=current_user)
        except operations.ProcurementError as error:
            db.session.rollback()
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(_("The designation is saved."), "success")
            return redirect(url_for("procurement.designation", designation_id=designation.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "procurement/designation_edit.html",
        form=form,
        call=designation.call,
        designation=designation,
    ), status


@bp.route("/staff/designations/<int:designation_id>/announce", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def designation_announce(designation_id):
    """Publish the designation (公示) for at least five working days."""
    from venture.announcements.operations import preview_period

    designation = _get(Designation, designation_id)
    least = route_for(designation.call).minimum_announcement_days
    form = AnnounceForm()
    if request.method == "GET":
        form = AnnounceForm(
            formdata=None,
            data={
                "title": _(
                    "Targeted purchase announcement: %(service)s", service=designation.service
                ),
                "period_days": least,
            },
        )
    if form.validate_on_submit():
        try:
            operations.announce_designation(
                designation,
                title=form.title.data.strip(),
                period_days=form.period_days.data,
                actor=current_user,
            )
        except TransitionRefused as error:
            db.session.rollback()
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(_("The designation is announced."), "success")
            return redirect(url_for("procurement.designation", designation_id=designation.id))
    days = form.period_days.data if isinstance(form.period_days.data, int) else least
    status = 400 if request.method == "POST" else 200
    return render_template(
        "procurement/designation_announce.html",
        form=form,
        designation=designation,
        least=least,
        preview=preview_period(max(1, min(days, 60))),
    ), status


@bp.route("/staff/designations/<int:designation_id>/propose", methods=["POST"])
@roles_required(Role.STAFF)
def designation_propose(designation_id):
    designation = _get(Designation, designation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        route_for(designation.call).make_awards(designation.call, actor=current_user)
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        db.session.commit()
        flash(_("The award is proposed; it becomes final with the announcement."), "success")
    return redirect(url_for("procurement.designation", designation_id=designation.id))


@bp.route("/staff/designations/<int:designation_id>/cancel", methods=["POST"])
@roles_required(Role.STAFF)
def designation_cancel(designation_id):
    designation = _get(Designation, designation_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason."), "danger")
        return redirect(url_for("procurement.designation", designation_id=designation.id))
    try:
        operations.cancel_designation(designation, reason=form.reason.data, actor=current_user)
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        db.session.commit()
        flash(_("The designation is cancelled."), "success")
    return redirect(url_for("procurement.designation", designation_id=designation.id))


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
    call = _call_of_route(call_id, TenderRoute)
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
    call = _call_of_route(call_id, TenderRoute)
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
    if form.validate_on_submit():
        from decimal import Decimal

        from venture.core.money import to_amount

        values = {
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
        try:
            tender = operations.save_tender(call, values, actor=current_user)
        except operations.ProcurementError as error:
            db.session.rollback()
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(_("The tender details are saved."), "success")
            for warning in tender_date_warnings(tender):
                flash(warning, "warning")
            return redirect(url_for("procurement.tender", tender_id=tender.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "procurement/tender_edit.html",
        form=form,
        call=call,
        tender=tender,
        minimum_days=rules.MIN_BID_DAYS,
    ), status


@bp.route("/staff/tenders/<int:tender_id>/criteria", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def tender_criteria(tender_id):
    """The technical criteria of comprehensive scoring, fixed once the notice is published."""
    from venture.review.forms import RubricForm
    from venture.review.operations import criteria_of

    tender = _get(Tender, tender_id)
    criteria = criteria_of(tender.call_id)
    form = RubricForm()
    if request.method == "GET":
        form.fill(criteria)
    elif form.validate_on_submit():
        try:
            operations.save_criteria(tender, form.criteria(), actor=current_user)
        except TransitionRefused as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("The criteria are saved."), "success")
            return redirect(url_for("procurement.tender", tender_id=tender.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "procurement/tender_criteria.html",
        form=form,
        tender=tender,
        locked=tender.call.stage != CallStage.DRAFT,
    ), status


def _visible_tender(tender):
    deny_unless(tender.call.is_public or can_oversee_procurement(current_user), 404)


@bp.route("/tenders/<int:tender_id>")
@public
def tender(tender_id):
    """The tender notice: details, criteria, clarifications; the organization's bid; staff's
    management (sealed bids counted, never shown)."""
    from venture.review.operations import criteria_of

    tender = _get(Tender, tender_id)
    _visible_tender(tender)
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
    tender = _get(Tender, tender_id)
    _visible_tender(tender)
    form = QuestionForm()
    if not form.validate_on_submit():
        flash(_("Please write the question."), "danger")
        return redirect(url_for("procurement.tender", tender_id=tender.id))
    try:
        operations.ask_question(tender, user=current_user, text=form.text.data)
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        db.session.commit()
        flash(_("Your question is sent; the answer is published to every bidder."), "success")
    return redirect(url_for("procurement.tender", tender_id=tender.id))


@bp.route("/staff/tenders/<int:tender_id>/clarifications", methods=["POST"])
@roles_required(Role.STAFF)
def clarify(tender_id):
    tender = _get(Tender, tender_id)
    form = ClarificationForm()
    form.question_ids.choices = [(v, str(v)) for v in ids_in(request.form.getlist("question_ids"))]
    if not form.validate_on_submit():
        flash(_("Please write the clarification."), "danger")
        return redirect(url_for("procurement.tender", tender_id=tender.id))
    try:
        clarification = operations.publish_clarification(
            tender, text=form.text.data, question_ids=form.question_ids.data, actor=current_user
        )
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        db.session.commit()
        if clarification.moved_deadline:
            flash(
                _(
                    "The clarification is published. It came less than %(days)d days before the "
                    "deadline, so the deadline moved to %(deadline)s; bidders are told.",
                    days=rules.CLARIFICATION_DAYS[tender.method],
                    deadline=_fmt(clarification.deadline_after),
                ),
                "warning",
            )
        else:
            flash(_("The clarification is published to every bidder."), "success")
    return redirect(url_for("procurement.tender", tender_id=tender.id))


def _fmt(moment):
    from venture.core.formatting import local_datetime

    return local_datetime(moment)


# ── bids (投标), organizations ───────────────────────────────────────────────────────────────


@bp.route("/bids")
@roles_required(Role.APPLICANT)
def my_bids():
    """我的投标: the bids of the member's organization, and the tenders open for bids."""
    deny_unless(current_user.organization_id is not None, 404)
    query = (
        select(Bid)
        .where(Bid.organization_id == current_user.organization_id)
        .order_by(Bid.updated_at.desc(), Bid.id.desc())
    )
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
    tender = _get(Tender, tender_id)
    _visible_tender(tender)
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


def _store_bid_uploads(bid):
    errors = {}
    uploads = [
        (label, request.files.get(f"file-{index}"))
        for index, label in enumerate(bid.tender.document_names)
    ]
    extra_label = request.form.get("extra_label", "").strip() or _("Other attachment")
    uploads.append((extra_label, request.files.get("extra_file")))
    for label, storage in uploads:
        if storage is None or not storage.filename:
            continue
        try:
            operations.attach_bid_file(bid, label, storage, actor=current_user)
        except operations.ProcurementError as error:
            errors[label] = str(error)
    remove = request.form.get("remove_attachment", "")
    if optional_id(remove) is not None:
        attachment = db.session.get(BidAttachment, optional_id(remove))
        if attachment is not None and attachment.bid_id == bid.id:
            operations.remove_bid_file(bid, attachment, actor=current_user)
    return errors


@bp.route("/bids/<int:bid_id>/edit", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def bid_edit(bid_id):
    """Prepare, submit or replace the bid (a submitted bid is replaced as a whole)."""
    bid = _get(Bid, bid_id)
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
        upload_errors = _store_bid_uploads(bid)
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
    bid = _get(Bid, bid_id)
    deny_unless(is_bidder_member(current_user, bid), 404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        operations.recall_bid(bid, actor=current_user)
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        db.session.commit()
        flash(_("The bid is withdrawn to a draft. Submit it again before the deadline."), "warning")
    return redirect(url_for("procurement.bid_edit", bid_id=bid.id))


@bp.route("/bids/<int:bid_id>")
@signed_in
def bid(bid_id):
    """A bid's content and price: the bidder always, others only after the opening."""
    bid = _get(Bid, bid_id)
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
    bid = _get(Bid, bid_id)
    deny_unless(can_read_bid(current_user, bid), 404)
    item = db.session.get(BidAttachment, attachment_id)
    deny_unless(item is not None and item.bid_id == bid.id, 404)
    return send_stored(item.file)


# ── opening (开标) and evaluation (评标), staff ───────────────────────────────────────────────


@bp.route("/staff/tenders/<int:tender_id>/open", methods=["POST"])
@roles_required(Role.STAFF)
def open_bids(tender_id):
    tender = _get(Tender, tender_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        opened = operations.open_tender(tender, actor=current_user)
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
        return redirect(url_for("procurement.tender", tender_id=tender.id))
    db.session.commit()
    flash(_("%(n)d bids were opened.", n=len(opened)), "success")
    if len(opened) < 3:
        flash(
            _(
                "Fewer than three bids were opened: by law the tender fails (流标). Cancel the "
                "call and publish the tender again."
            ),
            "warning",
        )
    return redirect(url_for("procurement.opening", tender_id=tender.id))


@bp.route("/tenders/<int:tender_id>/opening")
@signed_in
def opening(tender_id):
    """开标记录: bidders, prices, submission and opening times, seal digests."""
    tender = _get(Tender, tender_id)
    deny_unless(can_view_opening_record(current_user, tender), 404)
    from venture.procurement.practice_views import opening_context

    bids = operations.opened_bids(tender)
    return render_template(
        "procurement/opening.html",
        tender=tender,
        call=tender.call,
        bids=bids,
        digests={b.id: operations.seal_digest(b) for b in bids},
        **opening_context(tender, current_user),
    )


@bp.route("/tenders/<int:tender_id>/opening.pdf")
@signed_in
def opening_pdf(tender_id):
    tender = _get(Tender, tender_id)
    deny_unless(can_view_opening_record(current_user, tender), 404)
    if tender.opening_record is not None:
        return send_stored(tender.opening_record)
    abort(404)


def _evaluation_context(tender):
    from venture.reference.models import ServiceCategory
    from venture.review.models import ReviewerProfile
    from venture.review.operations import criteria_of

    panel = operations.tender_panel(tender)
    bids = operations.opened_bids(tender) if tender.is_opened else []
    # ranked first, by rank; then the others by submission time
    bids = sorted(bids, key=lambda b: (b.rank is None, b.rank or 0))
    experts = db.session.scalars(
        select(ReviewerProfile).where(ReviewerProfile.active).order_by(ReviewerProfile.id)
    ).all()
    tied = operations.tied_experts(tender, [e.id for e in experts]) if tender.is_opened else set()
    categories = db.session.scalars(select(ServiceCategory).order_by(ServiceCategory.id)).all()
    manual = ManualPanelForm(formdata=None)
    choices = [(e.id, e.name) for e in experts if e.id not in tied]
    manual.member_ids.choices = manual.reserve_ids.choices = choices
    drawn = DrawPanelForm(formdata=None, data={"size": rules.MIN_PANEL[tender.method]})
    drawn.category_ids.choices = [(c.id, c.name) for c in categories]
    sheets = operations.submitted_sheets(tender) if panel else {}
    return {
        "tender": tender,
        "call": tender.call,
        "bids": bids,
        "panel": panel,
        "criteria": criteria_of(tender.call_id),
        "sheets": sheets,
        "tied": [e for e in experts if e.id in tied],
        "manual_form": manual,
        "draw_form": drawn,
        "confirm_form": ConfirmForm(),
        "reason_form": ReasonForm(formdata=None),
        "sealed_count": operations.submitted_count(tender),
        "minimum_panel": rules.MIN_PANEL[tender.method],
        "manage": can_manage_procurement(current_user),
        "award": db.session.scalar(
            select(Award).where(Award.call_id == tender.call_id).order_by(Award.id.desc())
        ),
    }


@bp.route("/staff/tenders/<int:tender_id>/evaluation")
@roles_required(Role.STAFF, Role.ADMIN)
def evaluation(tender_id):
    """评标: compliance, panel, scores and ranking (after the opening)."""
    tender = _get(Tender, tender_id)
    return render_template("procurement/evaluation.html", **_evaluation_context(tender))


def _evaluation_action(tender, action, success):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action()
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for("procurement.evaluation", tender_id=tender.id))


@bp.route("/staff/tenders/<int:tender_id>/compliance", methods=["POST"])
@roles_required(Role.STAFF)
def compliance(tender_id):
    tender = _get(Tender, tender_id)
    return _evaluation_action(
        tender,
        lambda: operations.check_compliance(tender, actor=current_user),
        _("The compliance check is done."),
    )


@bp.route("/staff/bids/<int:bid_id>/non-compliant", methods=["POST"])
@roles_required(Role.STAFF)
def non_compliant(bid_id):
    bid = _get(Bid, bid_id)
    deny_unless(not is_sealed(bid), 404)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason."), "danger")
    else:
        try:
            operations.mark_non_compliant(bid, reason=form.reason.data, actor=current_user)
        except TransitionRefused as refused:
            db.session.rollback()
            flash(refused.message, "danger")
        else:
            db.session.commit()
            flash(_("The bid is marked non-compliant."), "success")
    return redirect(url_for("procurement.evaluation", tender_id=bid.tender_id))


@bp.route("/staff/tenders/<int:tender_id>/panel/<any(draw, manual):method>", methods=["POST"])
@roles_required(Role.STAFF)
def panel_form(tender_id, method):
    tender = _get(Tender, tender_id)
    form = DrawPanelForm() if method == "draw" else ManualPanelForm()
    typed = request.form.getlist("member_ids") + request.form.getlist("reserve_ids")
    ids = ids_in(typed)
    if method == "draw":
        form.category_ids.choices = [
            (v, str(v)) for v in ids_in(request.form.getlist("category_ids"))
        ]
    else:
        form.member_ids.choices = form.reserve_ids.choices = [(i, str(i)) for i in ids]
    if not form.validate_on_submit():
        flash(_("Please correct the panel form."), "danger")
        return redirect(url_for("procurement.evaluation", tender_id=tender.id))
    try:
        if method == "draw":
            operations.draw_tender_panel(
                tender,
                category_ids=form.category_ids.data,
                size=form.size.data,
                reserves=form.reserves.data or 0,
                seed=form.seed.data,
                actor=current_user,
            )
        else:
            operations.form_tender_panel(
                tender,
                member_ids=form.member_ids.data,
                reserve_ids=form.reserve_ids.data,
                actor=current_user,
            )
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        db.session.commit()
        flash(_("The evaluation panel is formed."), "success")
    return redirect(url_for("procurement.evaluation", tender_id=tender.id))


@bp.route("/staff/tenders/<int:tender_id>/panel/dissolve", methods=["POST"])
@roles_required(Role.STAFF)
def panel_dissolve(tender_id):
    tender = _get(Tender, tender_id)
    return _evaluation_action(
        tender,
        lambda: operations.dissolve_tender_panel(tender, actor=current_user),
        _("The panel is dissolved."),
    )


@bp.route("/staff/tenders/<int:tender_id>/scores", methods=["POST"])
@roles_required(Role.STAFF)
def score_bids(tender_id):
    tender = _get(Tender, tender_id)
    return _evaluation_action(
        tender,
        lambda: operations.compute_scores(tender, actor=current_user),
        _("The bids are scored and ranked."),
    )


@bp.route("/staff/tenders/<int:tender_id>/result", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def result(tender_id):
    """Propose the top-ranked bid and publish the result (中标候选人公示)."""
    from venture.announcements.operations import preview_period

    tender = _get(Tender, tender_id)
    route = route_for(tender.call)
    least = route.minimum_announcement_days
    ranked = route.result_candidates(tender.call)
    if not ranked:
        flash(_("Score and rank the bids first."), "warning")
        return redirect(url_for("procurement.evaluation", tender_id=tender.id))
    form = ResultForm()
    if request.method == "GET":
        form = ResultForm(
            formdata=None,
            data={
                "title": _("Tender result announcement: %(title)s", title=tender.call.title),
                "period_days": least,
            },
        )
    if form.validate_on_submit():
        try:
            operations.publish_tender_result(
                tender,
                title=form.title.data.strip(),
                introduction=form.introduction.data,
                period_days=form.period_days.data,
                actor=current_user,
            )
        except TransitionRefused as error:
            db.session.rollback()
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(_("The result is published."), "success")
            return redirect(url_for("procurement.evaluation", tender_id=tender.id))
    days = form.period_days.data if isinstance(form.period_days.data, int) else least
    status = 400 if request.method == "POST" else 200
    return render_template(
        "procurement/result.html",
        form=form,
        tender=tender,
        call=tender.call,
        bids=ranked,
        panel=operations.tender_panel(tender),
        least=least,
        preview=preview_period(max(1, min(days, 60))),
    ), status


@bp.route("/tenders/<int:tender_id>/award-notice.pdf")
@signed_in
def award_notice(tender_id):
    """中标通知书: the winner's members, staff and admin."""
    tender = _get(Tender, tender_id)
    award = db.session.scalar(select(Award).where(Award.call_id == tender.call_id))
    deny_unless(tender.award_notice is not None and award is not None, 404)
    deny_unless(
        can_oversee_procurement(current_user)
        or current_user.organization_id == award.organization_id,
        404,
    )
    return send_stored(tender.award_notice)


EXPORT_COLUMNS = (
    "bidder",
    "credit_code",
    "price",
    "submitted_at",
    "state",
    "technical",
    "price_score",
    "total",
    "rank",
)


def _bid_rows(tender):
    """The opened bids as plain rows (nothing before the opening)."""
    if not tender.is_opened:
        return []
    return [
        {
            "id": b.id,
            "bidder": b.organization.name,
            "credit_code": b.organization.credit_code,
            "price": str(b.price),
            "submitted_at": b.submitted_at.isoformat(),
            "state": b.state.value,
            "technical": str(b.technical_score) if b.technical_score is not None else "",
            "price_score": str(b.price_score) if b.price_score is not None else "",
            "total": str(b.total_score) if b.total_score is not None else "",
            "rank": b.rank or "",
            "compliance_reasons": b.compliance_reasons or [],
            "digest": b.seal_digest,
        }
        for b in operations.opened_bids(tender)
    ]


def localised_bid_rows(tender):
    """The rows of the bid exports people read: Beijing times and the states in the page's
    language (the JSON API keeps ISO UTC times and the state codes)."""
    by_id = {b.id: b for b in operations.opened_bids(tender)}
    return [
        {
            **row,
            "submitted_at": to_local(by_id[row["id"]].submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
            "state": str(by_id[row["id"]].state.label),
        }
        for row in _bid_rows(tender)
    ]


@bp.route("/staff/tenders/<int:tender_id>/bids.csv")
@roles_required(Role.STAFF, Role.ADMIN)
def bids_export(tender_id):
    """The opened bids as CSV (UTF-8 with BOM, for Excel); refused while sealed."""
    tender = _get(Tender, tender_id)
    if not tender.is_opened:
        flash(_("The bids are sealed until the opening."), "warning")
        return redirect(url_for("procurement.tender", tender_id=tender.id))
    rows = [
        [
            _("Bidder"),
            _("Credit code"),
            _("Price"),
            _("Submitted at (Beijing time)"),
            _("State"),
            _("Technical score"),
            _("Price score"),
            _("Total"),
            _("Rank"),
        ]
    ]
    rows += [[row[c] for c in EXPORT_COLUMNS] for row in localised_bid_rows(tender)]
    return send_download(csv_bytes(rows), filename=f"bids-{tender.id}.csv", mimetype="text/csv")


@bp.route("/api/procurement/tenders/<int:tender_id>/bids")
@roles_required(Role.STAFF, Role.ADMIN)
def api_bids(tender_id):
    """JSON of the opened bids; while sealed, only the opening time and sealed: true."""
    tender = _get(Tender, tender_id)
    return {
        "tender": tender.id,
        "call": tender.call_id,
        "opening_at": tender.opening_at.isoformat(),
        "opened_at": tender.opened_at.isoformat() if tender.opened_at else None,
        "sealed": not tender.is_opened,
        "bids": _bid_rows(tender),
    }


# ── panel scoring (评标打分), reviewers ──────────────────────────────────────────────────────


SCORABLE = (BidState.COMPLIANT, BidState.SCORED, BidState.WON, BidState.LOST)


def _my_panels(user):
    from venture.review.models import Panel, PanelMember, ReviewerProfile

    return db.session.scalars(
        select(Tender)
        .join(Panel, Panel.call_id == Tender.call_id)
        .join(PanelMember, PanelMember.panel_id == Panel.id)
        .join(ReviewerProfile, ReviewerProfile.id == PanelMember.reviewer_id)
        .where(ReviewerProfile.user_id == user.id, PanelMember.reserve.is_(False))
        .order_by(Tender.opened_at.desc())
    ).all()


@bp.route("/review/tenders")
@roles_required(Role.REVIEWER)
def evaluations():
    """The tenders the reviewer evaluates, with the compliant bids to score."""
    from venture.review.operations import profile_for

    profile = profile_for(current_user)
    rows = []
    for tender in _my_panels(current_user):
        bids = operations.compliant_bids(tender) if tender.scored_at is None else []
        states = {}
        if profile is not None and bids:
            states = operations.sheet_states(profile, bids)
        rows.append((tender, bids, states))
    return render_template(
        "procurement/evaluations.html", rows=rows, reason_form=ReasonForm(formdata=None)
    )


@bp.route("/review/tenders/<int:tender_id>/conflict", methods=["POST"])
@roles_required(Role.REVIEWER)
def declare_conflict(tender_id):
    """回避: the member steps back from the tender's evaluation, with the reason."""
    tender = _get(Tender, tender_id)
    panel = operations.tender_panel(tender)
    deny_unless(panel is not None and operations.is_member_of(panel, current_user), 404)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason."), "danger")
        return redirect(url_for("procurement.evaluations"))
    try:
        operations.declare_tender_conflict(tender, reason=form.reason.data, actor=current_user)
    except TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        db.session.commit()
        flash(_("You stepped back from this evaluation; staff are told."), "success")
    return redirect(url_for("procurement.evaluations"))


@bp.route("/review/tenders/bids/<int:bid_id>", methods=["GET", "POST"])
@roles_required(Role.REVIEWER)
def bid_sheet(bid_id):
    """One member's technical scores for one compliant bid."""
    from venture.review.operations import criteria_of, profile_for

    bid = _get(Bid, bid_id)
    tender = bid.tender
    panel = operations.tender_panel(tender)
    deny_unless(panel is not None and operations.is_member_of(panel, current_user), 404)
    deny_unless(bid.state in SCORABLE, 404)
    profile = profile_for(current_user)
    if not has_declared(bid, profile):
        # 回避声明 first, as in venture-grant review: the sheet opens after it
        return render_template(
            "procurement/bid_declare.html",
            bid=bid,
            tender=tender,
            confirm_form=ConfirmForm(),
            reason_form=ReasonForm(formdata=None),
        ), (400 if request.method == "POST" else 200)
    sheet = operations.existing_sheet(bid, profile)
    criteria = criteria_of(tender.call_id)
    errors = {}
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        sheet = sheet or operations.sheet_for(bid, profile)
        entries = {
            c.id: (request.form.get(f"score-{c.id}", ""), request.form.get(f"comment-{c.id}", ""))
            for c in criteria
        }
        comment = request.form.get("overall_comment", "")
        try:
            if request.form.get("action") == "submit":
                operations.submit_bid_sheet(
                    sheet, entries=entries, overall_comment=comment, actor=current_user
                )
            else:
                errors = operations.save_bid_sheet(
                    sheet, entries=entries, overall_comment=comment, actor=current_user
                )
        except operations.SheetIncomplete as incomplete:
            db.session.commit()  # the draft is kept
            errors = incomplete.errors
            flash(incomplete.message, "danger")
        except TransitionRefused as refused:
            db.session.rollback()
            flash(refused.message, "danger")
            return redirect(url_for("procurement.evaluations"))
        else:
            db.session.commit()
            if sheet.state == SheetState.SUBMITTED:
                flash(_("The sheet is submitted."), "success")
                return redirect(url_for("procurement.evaluations"))
            flash(_("The draft is saved."), "success" if not errors else "warning")
    return render_template(
        "procurement/bid_sheet.html",
        bid=bid,
        tender=tender,
        sheet=sheet,
        criteria=criteria,
        errors=errors,
        confirm_form=ConfirmForm(),
    ), (400 if errors else 200)


# ── home panels ─────────────────────────────────────────────────────────────────────────────


@home_panel(Role.APPLICANT, "procurement/panel_applicant.html")
def _tenders_and_bids(user):
    bids = []
    if user.organization_id is not None:
        bids = db.session.scalars(
            select(Bid)
            .where(Bid.organization_id == user.organization_id)
            .order_by(Bid.updated_at.desc())
            .limit(5)
        ).all()
    return {"open_tenders": open_tenders(5), "bids": bids}


@home_panel(Role.STAFF, "procurement/panel_staff.html")
def _procurement_work(_user):
    opening_due = db.session.scalars(
        select(Tender)
        .join(Call, Call.id == Tender.call_id)
        .where(
            Tender.opened_at.is_(None),
            Tender.opening_at <= now(),
            Call.published_at.is_not(None),
            Call.cancelled_at.is_(None),
        )
        .order_by(Tender.opening_at)
        .limit(5)
    ).all()
    evaluating = db.session.scalars(
        select(Tender)
        .where(Tender.opened_at.is_not(None), Tender.award_notice_id.is_(None))
        .order_by(Tender.opened_at.desc())
        .limit(5)
    ).all()
    designations = db.session.scalars(
        select(Designation)
        .where(Designation.state.in_((DesignationState.DRAFTED, DesignationState.ANNOUNCED)))
        .order_by(Designation.created_at.desc())
        .limit(5)
    ).all()
    return {"opening_due": opening_due, "evaluating": evaluating, "designations": designations}


@home_panel(Role.REVIEWER, "procurement/panel_reviewer.html")
def _tenders_to_score(user):
    return {"tenders": [t for t in _my_panels(user) if t.is_opened and t.scored_at is None]}


# tender practice (bonds, receipts, the opening online, failed tenders) registers its pages here
from venture.procurement import practice_views  # noqa: E402, F401
