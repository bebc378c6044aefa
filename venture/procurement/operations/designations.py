"""Targeted-purchase (定向购买) designations: drafted, announced, awarded or cancelled."""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from venture.announcements.enums import AnnouncementState
from venture.announcements.operations import (
    publish_announcement,
    register_finaliser,
    withdraw_announcement,
)
from venture.applications.enums import ApplicationState
from venture.applications.lifecycle import APPLICATION_WORKFLOW
from venture.applications.models import Application
from venture.core import audit
from venture.core.files import store_bytes
from venture.core.formatting import local_date
from venture.core.lifecycle import transition
from venture.core.money import format_yuan
from venture.core.pdf import render_pdf
from venture.core.timeutil import now
from venture.extensions import db
from venture.procurement import rules
from venture.procurement.awards import add_proposed_award
from venture.procurement.enums import AwardState, DesignationState
from venture.procurement.lifecycle import AWARD_WORKFLOW, DESIGNATION_WORKFLOW
from venture.procurement.models import Award, Designation
from venture.procurement.operations.common import (
    FormErrors,
    ProcurementError,
    active_members,
    notify_link,
)
from venture.procurement.permissions import can_manage_procurement
from venture.procurement.routes import route_for

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
    notify_link(
        active_members(designation.organization),
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
    return add_proposed_award(
        call,
        application,
        amount=application.requested_amount,
        rank=1,
        justification=f"{designation.reason.label}：{designation.justification}",
        actor=actor,
        after={"designation_id": designation.id},
    )


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
    notify_link(
        active_members(designation.organization),
        _l("Designation cancelled: %(service)s", service=designation.service),
        _l(
            "The designation of your organization for “%(service)s” was cancelled. Reason: "
            "%(reason)s",
            service=designation.service,
            reason=reason,
        ),
        "applications.mine",
    )
