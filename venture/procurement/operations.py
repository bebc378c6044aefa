"""Procurement operations: targeted-purchase designations, tenders, clarifications, bids,
opening, compliance, the tender panel and its score sheets, results and awards.

Every function checks, changes and audits; the view commits once. Bids are sealed: nothing
written to the audit log before the opening carries a bid's price or content (only its
version and a digest, which the opening record repeats).
"""

import hashlib
import json
from decimal import Decimal

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from venture.announcements.enums import AnnouncementState
from venture.announcements.operations import (
    publish_announcement,
    register_finaliser,
    withdraw_announcement,
)
from venture.applications.enums import ApplicationState
from venture.applications.lifecycle import APPLICATION_WORKFLOW
from venture.applications.models import Application
from venture.auth.models import User
from venture.calls.enums import CallStage, Route
from venture.core import audit
from venture.core.files import DOCUMENT_TYPES, UploadRefused, store_bytes, store_upload
from venture.core.formatting import local_date, local_datetime
from venture.core.lifecycle import TransitionRefused, transition
from venture.core.money import format_yuan
from venture.core.pdf import render_pdf
from venture.core.timeutil import now
from venture.documents.enums import DocumentKind
from venture.documents.operations import issue_pdf
from venture.extensions import db
from venture.notifications.operations import notify, staff_users
from venture.procurement import bonds, rules, scoring
from venture.procurement.enums import (
    AwardState,
    BidState,
    DesignationState,
    EvaluationMethod,
)
from venture.procurement.lifecycle import AWARD_WORKFLOW, BID_WORKFLOW, DESIGNATION_WORKFLOW
from venture.procurement.models import (
    Award,
    Bid,
    BidAttachment,
    Clarification,
    Designation,
    Tender,
    TenderQuestion,
)
from venture.procurement.opening import opened_bids, render_opening_record
from venture.procurement.permissions import can_manage_procurement, is_bidder_member
from venture.procurement.routes import register_route, route_for
from venture.procurement.rules import tender_of
from venture.review import sheets as review_sheets
from venture.review.enums import SheetState

TEXT_MAX = 5000


class ProcurementError(TransitionRefused):
    """A refused procurement operation; field names the form field to show it on."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class FormErrors(ProcurementError):
    """Refused values: {form field: message}."""

    def __init__(self, errors):
        super().__init__("; ".join(str(m) for m in errors.values()))
        self.errors = errors


def _members(organization):
    return [u for u in organization.members if u.active]


def _notify(users, subject, body, endpoint, **values):
    notify(users, subject, body, url_for(endpoint, **values))


# ── targeted purchase (定向购买) ──────────────────────────────────────────────────────────────

DESIGNATION_FIELDS = (
    "organization_id",
    "service",
    "amount",
    "term_start",
    "term_end",
    "reason",
    "justification",
)


def _check_designation(call, values):
    from venture.orgs.models import Organization

    errors = {}
    organization = db.session.get(Organization, values["organization_id"] or 0)
    if organization is None or not organization.is_verified:
        errors["organization_id"] = _("Choose a verified organization.")
    amount = values["amount"]
    if amount <= 0:
        errors["amount"] = _("The amount must be more than 0.")
    elif amount > call.cap_per_project:
        errors["amount"] = _(
            "The amount is more than the call's cap of %(cap)s per project.",
            cap=format_yuan(call.cap_per_project),
        )
    if values["term_end"] <= values["term_start"]:
        errors["term_end"] = _("The term must end after it starts.")
    if len(values["justification"].strip()) < 20:
        errors["justification"] = _(
            "Write why this organization is designated, in at least 20 characters."
        )
    if errors:
        raise FormErrors(errors)
    return organization


def create_designation(call, values, *, actor):
    """定向委托 of one verified organization on a targeted call, with the organization's
    application created as a draft (its service plan and budget)."""
    if not can_manage_procurement(actor):
        raise ProcurementError(_("You are not allowed to do this."))
    if rules.active_designation(call.id) is not None:
        raise ProcurementError(_("This call has a designation already; cancel it first."))
    if call.cancelled_at is not None:
        raise ProcurementError(_("The call was cancelled."))
    organization = _check_designation(call, values)
    designation = Designation(call=call, created_by_id=actor.id)
    for name in DESIGNATION_FIELDS:
        setattr(designation, name, values[name])
    designation.service_content = values.get("service_content", "").strip()
    designation.justification = values["justification"].strip()
    application = Application(
        call=call,
        organization=organization,
        created_by_id=actor.id,
        typed_input={},
        title=values["service"][:200],
        project_start=values["term_start"],
        project_end=values["term_end"],
    )
    db.session.add_all([designation, application])
    designation.application = application
    audit.record("application.create", application, actor=actor, after={"call_id": call.id})
    audit.record(
        "designation.create",
        designation,
        actor=actor,
        after=audit.snapshot(designation, DESIGNATION_FIELDS),
    )
    return designation


def update_designation(designation, values, *, actor):
    """Change a designation before it is announced (a new organization gets the draft)."""
    if designation.state != DesignationState.DRAFTED:
        raise ProcurementError(_("An announced designation cannot be changed; cancel it instead."))
    organization = _check_designation(designation.call, values)
    before = audit.snapshot(designation, DESIGNATION_FIELDS)
    for name in DESIGNATION_FIELDS:
        setattr(designation, name, values[name])
    designation.service_content = values.get("service_content", "").strip()
    designation.justification = values["justification"].strip()
    application = designation.application
    if application is not None and application.state == ApplicationState.DRAFT:
        application.organization = organization
        application.project_start = designation.term_start
        application.project_end = designation.term_end
    audit.record_changes(
        "designation.update", designation, actor=actor, before=before, fields=DESIGNATION_FIELDS
    )


def render_designation_notice(designation):
    """The designation notice PDF (定向委托公示), in Chinese."""
    with force_locale("zh_CN"):
        return render_pdf("pdf/designation.html", designation=designation, call=designation.call)


def announce_designation(designation, *, title, period_days, actor):
    """Publish the designation (公示) for at least five working days, with its PDF."""
    least = route_for(designation.call).minimum_announcement_days
    if not isinstance(period_days, int) or period_days < least:
        raise ProcurementError(
            _(
                "A designation is announced for at least %(least)d working days.",
                least=least,
            ),
            "period_days",
        )
    transition(DESIGNATION_WORKFLOW, designation, "announce", actor=actor)
    with force_locale("zh_CN"):
        body = render_template("procurement/designation_announcement.html", designation=designation)
    notice = store_bytes(
        render_designation_notice(designation),
        name=f"定向委托公示-{designation.organization.name}.pdf",
        content_type="application/pdf",
        actor=actor,
    )
    announcement = publish_announcement(
        kind=route_for(designation.call).announcement_kind,
        title=title,
        body=body,
        actor=actor,
        period_days=period_days,
        call=designation.call,
        subject=designation,
        attachments=[notice],
    )
    designation.announcement = announcement
    _notify(
        _members(designation.organization),
        _l("Your organization is designated: %(service)s", service=designation.service),
        _l(
            "The district designates your organization for “%(service)s” (budget %(amount)s). "
            "The designation is announced until %(end)s. Please complete the service plan and "
            "budget in the application and submit it.",
            service=designation.service,
            amount=format_yuan(designation.amount),
            end=local_date(announcement.ends_on),
        ),
        "applications.edit",
        application_id=designation.application_id,
    )
    return announcement


def designation_award_problems(designation):
    """Why the designation's award cannot be proposed now (messages)."""
    application = designation.application
    if designation.state != DesignationState.ANNOUNCED:
        return [_("Announce the designation first.")]
    if application is None or application.state not in (
        ApplicationState.ELIGIBLE,
        ApplicationState.UNDER_REVIEW,
        ApplicationState.PROPOSED,
    ):
        return [
            _(
                "The designated organization's service plan must be submitted and screened "
                "eligible first."
            )
        ]
    if application.requested_amount > designation.amount:
        return [
            _(
                "The service plan requests %(requested)s, more than the designated %(amount)s: "
                "return it for correction.",
                requested=format_yuan(application.requested_amount),
                amount=format_yuan(designation.amount),
            )
        ]
    return []


def _proposed_award(call_id, **where):
    return db.session.scalar(
        select(Award).filter_by(call_id=call_id, state=AwardState.PROPOSED, **where)
    )


def propose_designation_award(call, *, actor):
    """The proposed award of a targeted call: the screened service plan's requested amount
    (at most the designated budget); the application becomes proposed for award."""
    designation = rules.active_designation(call.id)
    if designation is None:
        raise ProcurementError(_("This call has no designation."))
    application = designation.application
    existing = _proposed_award(call.id, application_id=application.id if application else None)
    if existing is not None:
        return existing
    problems = designation_award_problems(designation)
    if problems:
        raise ProcurementError(problems[0])
    if application.state == ApplicationState.ELIGIBLE:
        transition(APPLICATION_WORKFLOW, application, "start_review", actor=actor)
    if application.state == ApplicationState.UNDER_REVIEW:
        transition(APPLICATION_WORKFLOW, application, "propose_award", actor=actor)
    award = Award(
        call_id=call.id,
        organization_id=application.organization_id,
        application_id=application.id,
        route=call.route,
        amount=application.requested_amount,
        state=AwardState.PROPOSED,
        rank=1,
        justification=f"{designation.reason.label}：{designation.justification}",
        created_by_id=actor.id,
    )
    db.session.add(award)
    audit.record(
        "award.propose",
        award,
        actor=actor,
        after={
            "application_id": application.id,
            "amount": award.amount,
            "designation_id": designation.id,
        },
    )
    return award


def finalise_designation(announcement, actor):
    """Finaliser of "designation": the period ended with no objection upheld; the award
    becomes final and the application awarded."""
    designation = announcement.subject
    if not isinstance(designation, Designation):
        raise ProcurementError(_("This announcement is not a designation."))
    if designation.announcement_id != announcement.id:
        raise ProcurementError(_("This is not the designation's current announcement."))
    award = route_for(designation.call).make_awards(designation.call, actor=actor)[0]
    transition(AWARD_WORKFLOW, award, "confirm", actor=actor)
    award.final_at = now()
    transition(APPLICATION_WORKFLOW, designation.application, "confirm_award", actor=actor)
    transition(DESIGNATION_WORKFLOW, designation, "award", actor=actor)


register_finaliser("designation", finalise_designation)


def cancel_designation(designation, *, reason, actor):
    """Cancel with a reason: the announcement is withdrawn, a submitted plan is closed."""
    reason = (reason or "").strip()
    transition(DESIGNATION_WORKFLOW, designation, "cancel", actor=actor, reason=reason)
    designation.cancel_reason = reason
    announcement = designation.announcement
    if announcement is not None and announcement.state == AnnouncementState.PUBLISHED:
        withdraw_announcement(announcement, actor=actor, reason=reason)
    award = (
        _proposed_award(designation.call_id, application_id=designation.application_id)
        if designation.application_id
        else None
    )
    if award is not None:
        transition(AWARD_WORKFLOW, award, "cancel", actor=actor, reason=reason)
    application = designation.application
    if application is not None:
        if application.state == ApplicationState.SUBMITTED:
            application.screening_reason = reason
            transition(
                APPLICATION_WORKFLOW, application, "mark_ineligible", actor=actor, reason=reason
            )
        elif application.state == ApplicationState.PROPOSED:
            transition(APPLICATION_WORKFLOW, application, "decline_award", actor=actor)
    _notify(
        _members(designation.organization),
        _l("Designation cancelled: %(service)s", service=designation.service),
        _l(
            "The designation of your organization for “%(service)s” was cancelled. Reason: "
            "%(reason)s",
            service=designation.service,
            reason=reason,
        ),
        "applications.mine",
    )


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
        changed = [k for k in after if str(before[k]) != str(after[k])]
        if changed:
            audit.record(
                "tender.update",
                tender,
                actor=actor,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
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
    _notify(
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
    _notify(
        bidder_users(tender),
        _l("Clarification of the tender “%(title)s”", title=call.title),
        body,
        "procurement.tender",
        tender_id=tender.id,
    )
    return clarification


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
    label = (label or "").strip()[:200]
    if not label:
        raise ProcurementError(_("Say what the file is."))
    try:
        stored = store_upload(storage, allowed=DOCUMENT_TYPES, actor=actor)
    except UploadRefused as refused:
        raise ProcurementError(str(refused)) from refused
    required = label in bid.tender.document_names
    if required:
        earlier = bid.attachment_for(label)
        if earlier is not None:
            bid.attachments.remove(earlier)
    bid.attachments.append(BidAttachment(label=label, file=stored))
    # the label of a required document is the tender's own; a typed label may be content
    audit.record("bid.attach", bid, actor=actor, after={"document": label if required else "extra"})


def remove_bid_file(bid, attachment, *, actor):
    _require_changeable(bid, actor)
    bid.attachments.remove(attachment)
    audit.record("bid.detach", bid, actor=actor, after={"attachments": len(bid.attachments)})


def submit_bid(bid, *, actor):
    """Seal the bid (draft → submitted); refused with the first problem."""
    _seal(bid, "submit", actor)
    _notify(
        _members(bid.organization),
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
    _notify(
        [u for bid in sealed for u in _members(bid.organization)],
        _l("Bids opened: %(title)s", title=tender.call.title),
        _l(
            "The bids were opened at %(time)s; the opening record is published to bidders.",
            time=local_datetime(tender.opened_at),
        ),
        "procurement.opening",
        tender_id=tender.id,
    )
    return sealed


# ── evaluation (评标) ────────────────────────────────────────────────────────────────────────


def _require_evaluating(tender):
    from venture.procurement.opening import evaluation_blocker

    if not tender.is_opened:
        raise ProcurementError(_("Open the bids first."))
    if tender.scored_at is not None:
        raise ProcurementError(_("The bids are scored; the evaluation is closed."))
    blocker = evaluation_blocker(tender)
    if blocker:
        raise ProcurementError(blocker)


def check_compliance(tender, *, actor):
    """符合性审查: price above the ceiling or a missing required document makes an opened bid
    non-compliant, with the reasons; the others are compliant."""
    _require_evaluating(tender)
    for bid in db.session.scalars(
        select(Bid).where(Bid.tender_id == tender.id, Bid.state == BidState.OPENED)
    ):
        reasons = [str(r) for r in rules.compliance_reasons(bid)]
        bid.compliance_reasons = reasons
        if reasons:
            transition(
                BID_WORKFLOW, bid, "find_non_compliant", actor=actor, reason="; ".join(reasons)
            )
        else:
            transition(BID_WORKFLOW, bid, "find_compliant", actor=actor)
    tender.compliance_checked_at = now()


def mark_non_compliant(bid, *, reason, actor):
    """The panel or staff find a compliant bid non-compliant for another reason."""
    _require_evaluating(bid.tender)
    reason = (reason or "").strip()
    transition(BID_WORKFLOW, bid, "find_non_compliant", actor=actor, reason=reason)
    bid.compliance_reasons = [*(bid.compliance_reasons or []), reason]


def bidder_org_ids(tender):
    return {bid.organization_id for bid in opened_bids(tender)}


def tied_experts(tender, reviewer_ids):
    """{reviewer_id} of experts tied to any opened bidder (ties within three years, or a
    member of the bidder): they may not sit on the panel (回避)."""
    from venture.review.operations import tied_organizations

    bidders = bidder_org_ids(tender)
    ties = tied_organizations(reviewer_ids)
    return {r for r in reviewer_ids if ties.get(r, set()) & bidders}


def _new_tender_panel(tender, *, method, size, actor):
    from venture.review.models import Panel
    from venture.review.operations import panel_of
    from venture.review.rules import panel_size_refusal

    _require_evaluating(tender)
    if panel_of(tender.call_id) is not None:
        raise ProcurementError(_("This tender has a panel already; dissolve it first."))
    refusal = panel_size_refusal(size, tender.call)
    if refusal:
        raise ProcurementError(str(refusal), "size")
    panel = Panel(
        call=tender.call,
        method=method,
        size=size,
        reviewers_per_application=size,
        formed_by_id=actor.id,
    )
    db.session.add(panel)
    return panel


def form_tender_panel(tender, *, member_ids, reserve_ids, actor):
    """评标委员会 chosen by staff from active experts with no tie to any bidder."""
    from venture.review.enums import PanelMethod
    from venture.review.operations import active_experts, add_members

    member_ids, reserve_ids = list(dict.fromkeys(member_ids)), list(dict.fromkeys(reserve_ids))
    if set(member_ids) & set(reserve_ids):
        raise ProcurementError(_("An expert cannot be both a member and a reserve."), "member_ids")
    experts = active_experts([*member_ids, *reserve_ids])
    if len(experts) != len(member_ids) + len(reserve_ids):
        raise ProcurementError(_("Only active experts of the pool can sit on a panel."))
    tied = tied_experts(tender, list(experts))
    if tied:
        raise ProcurementError(
            _(
                "Tied to a bidder, so they may not evaluate this tender (回避): %(names)s.",
                names="、".join(experts[i].name for i in sorted(tied)),
            ),
            "member_ids",
        )
    panel = _new_tender_panel(tender, method=PanelMethod.MANUAL, size=len(member_ids), actor=actor)
    add_members(panel, member_ids, reserve_ids)
    audit.record(
        "panel.form",
        panel,
        actor=actor,
        after={
            "call_id": tender.call_id,
            "members": ",".join(experts[i].name for i in member_ids),
            "reserves": ",".join(experts[i].name for i in reserve_ids),
        },
    )
    return panel


def draw_tender_panel(tender, *, category_ids, size, reserves, seed, actor):
    """A panel drawn at random (seed recorded) from experts with no tie to any bidder."""
    from venture.review import draw
    from venture.review.enums import PanelMethod
    from venture.review.operations import add_members, draw_candidates

    _require_evaluating(tender)
    seed = (seed or "").strip() or draw.new_seed()
    pool = draw_candidates(category_ids)
    excluded = tied_experts(tender, pool)
    candidates = [r for r in pool if r not in excluded]
    if size + reserves > len(candidates):
        raise ProcurementError(
            _(
                "Only %(n)d experts without a tie to a bidder match; %(needed)d are needed.",
                n=len(candidates),
                needed=size + reserves,
            ),
            "size",
        )
    panel = _new_tender_panel(tender, method=PanelMethod.DRAW, size=size, actor=actor)
    drawn = draw.draw_panel(candidates, size + reserves, seed)
    panel.seed, panel.draw_categories = seed, sorted(category_ids)
    panel.candidates, panel.drawn = candidates, drawn
    add_members(panel, drawn[:size], drawn[size:])
    audit.record(
        "panel.draw",
        panel,
        actor=actor,
        after={
            "call_id": tender.call_id,
            "seed": seed,
            "candidates": ",".join(map(str, candidates)),
            "excluded_for_ties": ",".join(map(str, sorted(excluded))),
            "drawn": ",".join(map(str, drawn)),
        },
    )
    return panel


def tender_panel(tender):
    from venture.review.operations import panel_of

    return panel_of(tender.call_id)


def dissolve_tender_panel(tender, *, actor):
    panel = tender_panel(tender)
    if panel is None:
        raise ProcurementError(_("The tender has no panel."))
    _require_evaluating(tender)
    sheets = review_sheets.bid_sheets(_bid_ids(tender))
    if any(sheet.state == SheetState.SUBMITTED for sheet in sheets):
        raise ProcurementError(_("Members have submitted sheets; the panel can no longer change."))
    review_sheets.discard_sheets(sheets)
    audit.record("panel.dissolve", panel, actor=actor, before={"call_id": tender.call_id})
    db.session.delete(panel)


def declare_tender_conflict(tender, *, reason, actor):
    """回避: a panel member tied to a bidder steps back before submitting any sheet; the first
    reserve takes the seat (without one, staff dissolve and form the panel again)."""
    panel = tender_panel(tender)
    member = next(
        (m for m in (panel.regular_members if panel else []) if m.reviewer.user_id == actor.id),
        None,
    )
    if member is None:
        raise ProcurementError(_("You are not allowed to do this."))
    _require_evaluating(tender)
    reason = (reason or "").strip()
    if not reason:
        raise ProcurementError(_("Please give a reason."), "reason")
    sheets = review_sheets.bid_sheets(_bid_ids(tender), reviewer_ids=[member.reviewer_id])
    if any(sheet.state == SheetState.SUBMITTED for sheet in sheets):
        raise ProcurementError(
            _("Your sheets are submitted; a conflict can no longer be declared.")
        )
    review_sheets.discard_sheets(sheets)
    reserve = next(iter(panel.reserve_members), None)
    panel.members.remove(member)
    if reserve is not None:
        reserve.reserve = False
    audit.record(
        "panel.conflict",
        panel,
        actor=actor,
        after={
            "stepped_back": member.reviewer.name,
            "replaced_by": reserve.reviewer.name if reserve else None,
        },
        reason=reason,
    )
    _notify(
        [panel.formed_by] + ([reserve.reviewer.user] if reserve else []),
        _l("A panel member stepped back (回避): %(title)s", title=tender.call.title),
        _l(
            "%(name)s stepped back from evaluating “%(title)s”: %(reason)s. %(next)s",
            name=member.reviewer.name,
            title=tender.call.title,
            reason=reason,
            next=_l("%(name)s, a reserve, takes the seat.", name=reserve.reviewer.name)
            if reserve
            else _l("No reserve is left: dissolve the panel and form it again."),
        ),
        "procurement.evaluation",
        tender_id=tender.id,
    )
    return reserve


def is_member_of(panel, user):
    return any(m.reviewer.user_id == user.id for m in panel.regular_members)


def compliant_bids(tender):
    return db.session.scalars(
        select(Bid)
        .where(Bid.tender_id == tender.id, Bid.state == BidState.COMPLIANT)
        .order_by(Bid.submitted_at, Bid.id)
    ).all()


def _bid_ids(tender):
    return select(Bid.id).where(Bid.tender_id == tender.id)


def existing_sheet(bid, reviewer):
    return review_sheets.bid_sheet(bid.id, reviewer.id)


def sheet_for(bid, reviewer):
    """The member's sheet on the bid (review's shared sheet), made on the first save."""
    return review_sheets.open_bid_sheet(tender_panel(bid.tender), bid=bid, reviewer=reviewer)


def sheet_states(reviewer, bids):
    """{bid_id: SheetState} of the member's sheets on the bids."""
    return review_sheets.bid_sheet_states(reviewer.id, [b.id for b in bids])


def _check_sheet(sheet, actor):
    bid, reviewer = sheet.assignment.bid, sheet.assignment.reviewer
    tender = bid.tender
    panel = tender_panel(tender)
    if panel is None or not is_member_of(panel, actor) or reviewer.user_id != actor.id:
        raise ProcurementError(_("You are not allowed to do this."))
    if tender.evaluation != EvaluationMethod.COMPREHENSIVE:
        raise ProcurementError(_("Lowest-price evaluation has no technical scores."))
    _require_evaluating(tender)
    if bid.state != BidState.COMPLIANT:
        raise ProcurementError(_("Only compliant bids are scored."))
    if sheet.state != SheetState.DRAFT:
        raise ProcurementError(_("This sheet is submitted and final."))
    from venture.procurement.conflicts import undeclared_refusal

    undeclared = undeclared_refusal(bid, reviewer)
    if undeclared:
        raise ProcurementError(undeclared)


def save_bid_sheet(sheet, *, entries, overall_comment, actor):
    """Keep what was typed; {criterion_id: message} for values that are not scores."""
    from venture.review.operations import criteria_of

    _check_sheet(sheet, actor)
    bid = sheet.assignment.bid
    errors = review_sheets.write_entries(
        sheet, criteria_of(bid.tender.call_id), entries, overall_comment
    )
    audit.record("bid_sheet.save", sheet, actor=actor, after={"bid_id": bid.id})
    return errors


class SheetIncomplete(ProcurementError):
    def __init__(self, errors):
        super().__init__(_("The sheet was saved as a draft but not submitted: see the marks."))
        self.errors = errors


def submit_bid_sheet(sheet, *, entries, overall_comment, actor):
    """Save, then submit when every criterion has a valid score (else SheetIncomplete, with
    the draft saved: the caller commits either way)."""
    from venture.review.operations import criteria_of

    errors = save_bid_sheet(sheet, entries=entries, overall_comment=overall_comment, actor=actor)
    bid = sheet.assignment.bid
    criteria = criteria_of(bid.tender.call_id)
    errors = review_sheets.unscored(sheet, criteria, errors)
    if errors:
        raise SheetIncomplete(errors)
    sheet.state = SheetState.SUBMITTED
    sheet.total = review_sheets.total_of(sheet, criteria)
    sheet.submitted_at = now()
    audit.record(
        "bid_sheet.submit", sheet, actor=actor, after={"bid_id": bid.id, "total": sheet.total}
    )


def submitted_sheets(tender):
    """{bid_id: [sheet]} of the regular members' submitted sheets."""
    panel = tender_panel(tender)
    members = [m.reviewer_id for m in panel.regular_members] if panel else []
    sheets = review_sheets.bid_sheets(_bid_ids(tender), reviewer_ids=members, submitted=True)
    result = {}
    for sheet in sheets:
        result.setdefault(sheet.assignment.bid_id, []).append(sheet)
    return result


def compute_scores(tender, *, actor):
    """Scores and ranking of the compliant bids; they become scored.

    Comprehensive: technical = mean of the members' sheet totals, price score by formula,
    total = technical + price score (scoring.py). Lowest price: ranked by price alone.
    """
    _require_evaluating(tender)
    if tender.compliance_checked_at is None:
        raise ProcurementError(_("Check the compliance of the bids first."))
    panel = tender_panel(tender)
    if panel is None:
        raise ProcurementError(_("Form the evaluation panel first."))
    if len(panel.regular_members) != panel.size:
        raise ProcurementError(
            _(
                "The panel has %(n)d of its %(size)d members after a member stepped back; "
                "dissolve it and form it again.",
                n=len(panel.regular_members),
                size=panel.size,
            )
        )
    bids = compliant_bids(tender)
    if not bids:
        raise ProcurementError(_("No bid is compliant: the tender fails (废标)."))
    if tender.evaluation == EvaluationMethod.COMPREHENSIVE:
        sheets = submitted_sheets(tender)
        expected = len(panel.regular_members)
        missing = sum(max(0, expected - len(sheets.get(b.id, []))) for b in bids)
        if missing:
            raise ProcurementError(_("%(n)d score sheets are not submitted yet.", n=missing))
        prices = scoring.price_scores({b.id: b.price for b in bids}, tender.price_weight)
        for bid in bids:
            bid.technical_score = scoring.technical_score(s.total for s in sheets[bid.id])
            bid.price_score = prices[bid.id]
            bid.total_score = bid.technical_score + bid.price_score
        ordered = scoring.rank_comprehensive(bids)
    else:
        ordered = scoring.rank_lowest_price(bids)
    for position, bid in enumerate(ordered, start=1):
        bid.rank = position
        transition(BID_WORKFLOW, bid, "score", actor=actor)
        audit.record(
            "bid.score",
            bid,
            actor=actor,
            after={
                "rank": position,
                "technical": bid.technical_score,
                "price_score": bid.price_score,
                "total": bid.total_score,
            },
        )
    tender.scored_at = now()
    return ordered


def ranked_bids(tender):
    """The scored (and then won or lost) bids by rank."""
    return db.session.scalars(
        select(Bid)
        .where(
            Bid.tender_id == tender.id,
            Bid.state.in_((BidState.SCORED, BidState.WON, BidState.LOST)),
        )
        .order_by(Bid.rank)
    ).all()


def propose_tender_award(tender, *, actor):
    """The proposed award of the top-ranked bid at its price (中标候选人)."""
    existing = db.session.scalar(
        select(Award).where(Award.call_id == tender.call_id, Award.state == AwardState.PROPOSED)
    )
    if existing is not None:
        return existing
    ranked = ranked_bids(tender)
    if tender.scored_at is None or not ranked:
        raise ProcurementError(_("Score and rank the bids first."))
    winner = ranked[0]
    award = Award(
        call_id=tender.call_id,
        organization_id=winner.organization_id,
        bid_id=winner.id,
        route=tender.call.route,
        amount=winner.price,
        state=AwardState.PROPOSED,
        rank=1,
        created_by_id=actor.id,
    )
    db.session.add(award)
    tender.proposed_at = now()
    audit.record(
        "award.propose",
        award,
        actor=actor,
        after={"bid_id": winner.id, "amount": winner.price, "rank": 1},
    )
    return award


def publish_tender_result(tender, *, title, introduction, period_days, actor):
    """中标候选人公示: the winner, price, ranking and panel, for at least three working days."""
    route = route_for(tender.call)
    if not isinstance(period_days, int) or period_days < route.minimum_announcement_days:
        raise ProcurementError(
            _(
                "The result is announced for at least %(least)d working days.",
                least=route.minimum_announcement_days,
            ),
            "period_days",
        )
    current = tender.announcement
    if current is not None and current.state != AnnouncementState.WITHDRAWN:
        raise ProcurementError(_("The result is published already."))
    award = route.make_awards(tender.call, actor=actor)[0]
    panel = tender_panel(tender)
    with force_locale("zh_CN"):
        body = render_template(
            "procurement/tender_result_announcement.html",
            tender=tender,
            call=tender.call,
            award=award,
            bids=ranked_bids(tender),
            panel=panel,
            introduction=(introduction or "").strip(),
        )
    announcement = publish_announcement(
        kind=route.announcement_kind,
        title=title,
        body=body,
        actor=actor,
        period_days=period_days,
        call=tender.call,
        subject=tender,
    )
    tender.announcement = announcement
    audit.record(
        "tender.publish_result",
        tender,
        actor=actor,
        after={"announcement_id": announcement.id, "award_id": award.id},
    )
    return announcement


def render_award_notice(tender, award, verify=None):
    with force_locale("zh_CN"):
        return render_pdf(
            "pdf/tender_award_notice.html",
            tender=tender,
            call=tender.call,
            award=award,
            verify=verify,
        )


def finalise_tender_result(announcement, actor):
    """Finaliser of "tender_result": the award becomes final, the winner won and the other
    scored bids lost; the award notice (中标通知书) is issued."""
    tender = announcement.subject
    if not isinstance(tender, Tender):
        raise ProcurementError(_("This announcement is not a tender result."))
    award = db.session.scalar(
        select(Award).where(Award.call_id == tender.call_id, Award.state == AwardState.PROPOSED)
    )
    if award is None:
        raise ProcurementError(_("The tender has no proposed award."))
    transition(AWARD_WORKFLOW, award, "confirm", actor=actor)
    award.final_at = now()
    for bid in ranked_bids(tender):
        if bid.state == BidState.SCORED:
            transition(BID_WORKFLOW, bid, "win" if bid.id == award.bid_id else "lose", actor=actor)
    db.session.flush()
    # issued with a verification code and the office's signature (venture/documents)
    tender.award_notice = issue_pdf(
        DocumentKind.AWARD_NOTICE,
        award,
        lambda mark: render_award_notice(tender, award, mark),
        reference=tender.call.title[:60],
        title=f"中标通知书：{tender.call.title}",
        parties=[award.organization.name],
        amount=award.amount,
        name=f"中标通知书-{award.organization.name}.pdf",
        actor=actor,
    ).file
    for bid in opened_bids(tender):
        won = bid.id == award.bid_id
        _notify(
            _members(bid.organization),
            _l("Tender result: %(title)s", title=tender.call.title),
            _l(
                "Your bid won. The award notice (中标通知书) can be downloaded; staff will "
                "prepare the contract."
            )
            if won
            else _l(
                "Your bid did not win. The winner is %(org)s at %(price)s.",
                org=award.organization.name,
                price=format_yuan(award.amount),
            ),
            "procurement.tender",
            tender_id=tender.id,
        )


register_finaliser("tender_result", finalise_tender_result)


# ── what the targeted and tender routes do with their records (procurement/routes.py) ─────


def _designation_awards(call, *, actor, **_decision):
    return [propose_designation_award(call, actor=actor)]


def _tender_candidates(call):
    tender = tender_of(call.id)
    return ranked_bids(tender) if tender is not None else []


def _tender_awards(call, *, actor, **_decision):
    return [propose_tender_award(tender_of(call.id), actor=actor)]


register_route(Route.TARGETED, make_awards=_designation_awards)
register_route(Route.TENDER, result_candidates=_tender_candidates, make_awards=_tender_awards)
