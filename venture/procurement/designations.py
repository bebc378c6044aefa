"""Procurement pages: targeted-purchase designations (定向购买), staff."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from venture.announcements.period_views import announce_page
from venture.auth.enums import Role
from venture.calls.models import Call
from venture.core.access import roles_required
from venture.core.actions import form_action, form_page, post_action
from venture.core.pagination import paginate
from venture.extensions import db
from venture.orgs.enums import OrgStatus
from venture.orgs.models import Organization
from venture.procurement import operations, rules
from venture.procurement.blueprint import bp, call_of_route, get_or_404
from venture.procurement.enums import DesignationState
from venture.procurement.forms import ConfirmForm, DesignationForm, ReasonForm
from venture.procurement.lifecycle import DESIGNATION_WORKFLOW
from venture.procurement.models import Award, Designation
from venture.procurement.routes import TargetedPurchaseRoute, route_for

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
    call = call_of_route(call_id, TargetedPurchaseRoute)
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
    call = call_of_route(call_id, TargetedPurchaseRoute)
    form = _designation_form(
        {
            "service": call.title,
            "amount": str(call.cap_per_project),
            "term_start": call.project_start,
            "term_end": call.project_end,
        }
    )
    done = form_action(
        form,
        lambda: operations.create_designation(call, form.values(), actor=current_user),
        success=_("The designation is saved. Announce it when the call is published."),
        target=lambda made: url_for("procurement.designation", designation_id=made.id),
    )
    return done or form_page(
        "procurement/designation_edit.html", form=form, call=call, designation=None
    )


def _designation_form(data):
    """The designation form: ``data`` on the first visit, what was typed on a POST."""
    form = (
        DesignationForm(formdata=None, data=data) if request.method == "GET" else DesignationForm()
    )
    form.organization_id.choices = _organization_choices()
    return form


@bp.route("/staff/designations/<int:designation_id>")
@roles_required(Role.STAFF)
def designation(designation_id):
    designation = get_or_404(Designation, designation_id)
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
    designation = get_or_404(Designation, designation_id)
    if designation.state != DesignationState.DRAFTED:
        flash(_("An announced designation cannot be changed; cancel it instead."), "warning")
        return redirect(url_for("procurement.designation", designation_id=designation.id))
    form = _designation_form(
        {
            "organization_id": designation.organization_id,
            "service": designation.service,
            "service_content": designation.service_content,
            "amount": str(designation.amount),
            "term_start": designation.term_start,
            "term_end": designation.term_end,
            "reason": designation.reason.value,
            "justification": designation.justification,
        }
    )
    done = form_action(
        form,
        lambda: operations.update_designation(designation, form.values(), actor=current_user),
        success=_("The designation is saved."),
        target=url_for("procurement.designation", designation_id=designation.id),
    )
    return done or form_page(
        "procurement/designation_edit.html",
        form=form,
        call=designation.call,
        designation=designation,
    )


@bp.route("/staff/designations/<int:designation_id>/announce", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def designation_announce(designation_id):
    """Publish the designation (公示) for at least five working days."""
    designation = get_or_404(Designation, designation_id)
    least = route_for(designation.call).minimum_announcement_days
    return announce_page(
        "procurement/designation_announce.html",
        lambda form: operations.announce_designation(
            designation,
            title=form.title.data.strip(),
            period_days=form.period_days.data,
            actor=current_user,
        ),
        title=_("Targeted purchase announcement: %(service)s", service=designation.service),
        success=_("The designation is announced."),
        least=least,
        target=url_for("procurement.designation", designation_id=designation.id),
        designation=designation,
    )


@bp.route("/staff/designations/<int:designation_id>/propose", methods=["POST"])
@roles_required(Role.STAFF)
def designation_propose(designation_id):
    designation = get_or_404(Designation, designation_id)
    return post_action(
        lambda: route_for(designation.call).make_awards(designation.call, actor=current_user),
        success=_("The award is proposed; it becomes final with the announcement."),
        target=url_for("procurement.designation", designation_id=designation.id),
    )


@bp.route("/staff/designations/<int:designation_id>/cancel", methods=["POST"])
@roles_required(Role.STAFF)
def designation_cancel(designation_id):
    designation = get_or_404(Designation, designation_id)
    form = ReasonForm()
    return post_action(
        lambda: operations.cancel_designation(
            designation, reason=form.reason.data, actor=current_user
        ),
        success=_("The designation is cancelled."),
        target=url_for("procurement.designation", designation_id=designation.id),
        form=form,
        invalid=_("Please give a reason."),
    )
