"""Organization pages: registration, profile, members, staff verification."""

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import or_, select

from venture.auth.enums import Role
from venture.core.access import deny_unless, public, roles_required, signed_in
from venture.core.actions import (
    button,
    flash_form_errors,
    form_action,
    form_page,
    post_action,
    show_refusal,
)
from venture.core.files import send_stored
from venture.core.pagination import paginate
from venture.extensions import db
from venture.orgs import operations
from venture.orgs.enums import OrgStatus
from venture.orgs.forms import (
    AcceptInvitationForm,
    DecisionForm,
    InviteForm,
    OrganizationForm,
    RegistrationForm,
)
from venture.orgs.lifecycle import BANK_CHANGE_WORKFLOW, ORG_WORKFLOW
from venture.orgs.models import Organization
from venture.orgs.permissions import (
    can_edit_org,
    can_verify_bank_details,
    can_view_bank_proof,
    can_view_org,
)
from venture.reference.models import Street

bp = Blueprint("orgs", __name__)


def _street_choices():
    streets = db.session.scalars(select(Street).where(Street.active).order_by(Street.id))
    return [(0, "—")] + [(s.id, s.name) for s in streets]


def _profile(form):
    return {
        "name": form.org_name.data.strip(),
        "legal_representative": form.legal_representative.data.strip(),
        "address": form.address.data.strip(),
        "street_id": form.street_id.data or None,
        "contact_name": form.contact_name.data.strip(),
        "contact_phone": form.contact_phone.data.strip(),
        "contact_email": form.contact_email.data.strip(),
        "bank_name": form.bank_name.data.strip(),
        "bank_account_name": form.bank_account_name.data.strip(),
        "bank_account": form.bank_account.data.replace(" ", ""),
    }


def _account(form):
    return {
        "email": form.email.data,
        "name": form.name.data,
        "phone": form.phone.data,
        "password": form.password.data,
    }


def get_org_or_404(org_id, may=None):
    """The organization, or 404 when there is none or ``may(user, org)`` says no."""
    org = db.session.get(Organization, org_id)
    deny_unless(org is not None and (may is None or may(current_user, org)), 404)
    return org


@bp.route("/orgs/register", methods=["GET", "POST"])
@public
def register():
    """Self-registration of an organization and its first member."""
    if current_user.is_authenticated and current_user.organization_id:
        return redirect(url_for("orgs.show", org_id=current_user.organization_id))
    form = RegistrationForm()
    form.street_id.choices = _street_choices()
    done = form_action(
        form,
        lambda: operations.register_organization(
            credit_code=form.credit_code.data,
            profile=_profile(form),
            account=_account(form),
            certificate=form.certificate.data or None,
        ),
        success=_(
            "Your organization is registered. Staff will verify it; until then you can "
            "prepare applications but not submit them."
        ),
        target=lambda made: url_for("orgs.show", org_id=made[0].id),
        refused=operations.OrganizationError,
        then=lambda made: login_user(made[1]),
    )
    return done or form_page("orgs/register.html", form=form)


@bp.route("/org")
@roles_required(Role.APPLICANT)
def mine():
    deny_unless(current_user.organization_id is not None, 404)
    return redirect(url_for("orgs.show", org_id=current_user.organization_id))


@bp.route("/orgs/<int:org_id>")
@signed_in
def show(org_id):
    org = get_org_or_404(org_id, may=can_view_org)
    return render_template(
        "orgs/show.html",
        org=org,
        can_edit=can_edit_org(current_user, org),
        invite_form=InviteForm(),
        decision_form=DecisionForm(),
        actions=ORG_WORKFLOW.available(org, current_user),
        bank_change=operations.pending_bank_change(org),
        bank_actions=BANK_CHANGE_WORKFLOW.transitions
        if can_verify_bank_details(current_user)
        else (),
    )


@bp.route("/orgs/<int:org_id>/bank-change/<any(confirm, reject):action>", methods=["POST"])
@roles_required(Role.STAFF)
def decide_bank_change(org_id, action):
    """Confirm the waiting bank account against its proof, or refuse it with a reason."""
    org = get_org_or_404(org_id)
    change = operations.pending_bank_change(org)
    deny_unless(change is not None, 404)
    form = DecisionForm()
    return post_action(
        lambda: operations.decide_bank_change(
            change, action, actor=current_user, reason=form.reason.data
        ),
        success=_("The new bank account is verified and in effect.")
        if action == "confirm"
        else _("The bank account change was refused; the organization was told."),
        target=url_for("orgs.show", org_id=org.id),
        form=form,
    )


@bp.route("/orgs/<int:org_id>/bank-change/proof")
@signed_in
def bank_change_proof(org_id):
    """The proof attached to the bank account change waiting for staff."""
    org = get_org_or_404(org_id, may=can_view_bank_proof)
    change = operations.pending_bank_change(org)
    deny_unless(change is not None, 404)
    return send_stored(change.proof)


@bp.route("/orgs/<int:org_id>/edit", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def edit(org_id):
    org = get_org_or_404(org_id, may=can_edit_org)
    form = OrganizationForm(obj=org, org_name=org.name)
    form.street_id.choices = _street_choices()
    if request.method == "GET":
        form.org_name.data = org.name
        form.street_id.data = org.street_id or 0
    if form.validate_on_submit():
        try:
            operations.update_organization(
                org,
                profile=_profile(form),
                certificate=form.certificate.data or None,
                bank_proof=form.bank_proof.data or None,
                actor=current_user,
            )
        except operations.OrganizationError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The organization profile was saved."), "success")
            if operations.pending_bank_change(org) is not None:
                flash(
                    _(
                        "The new bank account takes effect after staff check it against the "
                        "proof; until then payments go to the verified account."
                    ),
                    "info",
                )
            return redirect(url_for("orgs.show", org_id=org.id))
    return render_template("orgs/edit.html", form=form, org=org)


@bp.route("/orgs/<int:org_id>/certificate")
@signed_in
def certificate(org_id):
    org = get_org_or_404(org_id, may=can_view_org)
    deny_unless(org.certificate is not None, 404)
    return send_stored(org.certificate)


@bp.route("/orgs/<int:org_id>/invite", methods=["POST"])
@roles_required(Role.APPLICANT)
def invite(org_id):
    org = get_org_or_404(org_id, may=can_edit_org)
    form = InviteForm()
    return post_action(
        lambda: operations.invite_member(org, form.email.data, actor=current_user),
        success=lambda _invitation: _(
            "An invitation was sent to %(email)s.", email=form.email.data
        ),
        target=url_for("orgs.show", org_id=org.id),
        form=form,
        invalid=flash_form_errors,
    )


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token):
    invitation = operations.find_invitation(token)
    if invitation is None:
        abort(404)
    form = AcceptInvitationForm(email=invitation.email)
    done = form_action(
        form,
        lambda: operations.accept_invitation(invitation, account=_account(form)),
        success=lambda _user: _("Welcome to %(org)s.", org=invitation.organization.name),
        target=url_for("orgs.show", org_id=invitation.organization_id),
        refused=operations.OrganizationError,
        then=login_user,
    )
    return done or render_template("orgs/accept.html", form=form, invitation=invitation)


@bp.route("/orgs/<int:org_id>/<any(verify, reject, resubmit):action>", methods=["POST"])
@roles_required(Role.STAFF, Role.APPLICANT)
@button(
    load=partial(get_org_or_404, may=can_view_org),
    target=lambda org: url_for("orgs.show", org_id=org.id),
    passes=("action",),
    success=lambda org, _result, action: _(
        "Saved: %(org)s is now %(status)s.", org=org.name, status=org.status.label
    ),
    form=DecisionForm,
)
def decide(org, form, action):
    return operations.decide_organization(org, action, actor=current_user, reason=form.reason.data)


@bp.route("/staff/orgs")
@roles_required(Role.STAFF, Role.ADMIN, Role.FINANCE)
def index():
    """All organizations, filtered by status and a search text."""
    status = request.args.get("status", "")
    text = request.args.get("q", "").strip()[:100]
    query = select(Organization).order_by(Organization.created_at.desc(), Organization.id.desc())
    if status in {s.value for s in OrgStatus}:
        query = query.where(Organization.status == OrgStatus(status))
    if text:
        like = f"%{text}%"
        query = query.where(
            or_(Organization.name.ilike(like), Organization.credit_code.ilike(like))
        )
    page = paginate(query)
    return render_template(
        "orgs/index.html", page=page, status=status, q=text, statuses=list(OrgStatus)
    )
