"""Administration: users and roles, reference data, the audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, lazyload, load_only

from venture.admin.forms import (
    CategoryForm,
    CommunityForm,
    StreetForm,
    UserCreateForm,
    UserRolesForm,
)
from venture.auth import operations as accounts
from venture.auth.enums import Role
from venture.auth.models import User, UserRole
from venture.core.access import roles_required
from venture.core.actions import flash_form_errors, post_action, run_action
from venture.core.audit import (
    AuditEntry,
    entry_count,
    recorded_types,
    sealed_condition,
    sealed_view,
)
from venture.core.integers import optional_id
from venture.core.pagination import paginate
from venture.extensions import db
from venture.orgs.models import Organization
from venture.reference import operations as reference
from venture.reference.models import Community, ServiceCategory, Street

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _organization_choices():
    rows = db.session.execute(
        select(Organization.id, Organization.name).order_by(Organization.name)
    )
    return [(0, "—")] + [(row.id, row.name) for row in rows]


def _community_choices():
    rows = db.session.execute(
        select(Community.id, Community.name, Street.name.label("street"))
        .join(Street)
        .order_by(Street.id, Community.name)
    )
    return [(0, "—")] + [(row.id, f"{row.street} {row.name}") for row in rows]


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    text = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    query = select(User).order_by(User.id)
    if text:
        like = f"%{text}%"
        query = query.where(or_(User.name.ilike(like), User.email.ilike(like)))
    if role in {r.value for r in Role}:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    return render_template("admin/users.html", page=paginate(query), q=text, role=role)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create_user():
    form = UserCreateForm()
    form.organization_id.choices = _organization_choices()
    form.community_id.choices = _community_choices()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                email=form.email.data,
                name=form.name.data,
                phone=form.phone.data,
                password=form.password.data,
                roles=form.roles.data,
                actor=current_user,
                organization=db.session.get(Organization, form.organization_id.data or 0),
                community=db.session.get(Community, form.community_id.data or 0),
            )
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The account %(email)s was created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id):
    user = db.session.get(User, user_id) or abort(404)
    form = UserRolesForm(roles=[r.value for r in user.roles], community_id=user.community_id or 0)
    form.community_id.choices = _community_choices()
    if form.validate_on_submit():
        accounts.set_user_roles(user, form.roles.data, actor=current_user)
        user.community_id = form.community_id.data or None
        db.session.commit()
        flash(_("The roles of %(name)s were saved.", name=user.name), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_edit.html", form=form, user=user)


@bp.route("/users/<int:user_id>/<any(activate, deactivate):action>", methods=["POST"])
@roles_required(Role.ADMIN)
def set_active(user_id, action):
    user = db.session.get(User, user_id) or abort(404)
    target = url_for("admin.edit_user", user_id=user.id)
    done = run_action(
        lambda: accounts.set_user_active(user, action == "activate", actor=current_user),
        success=_("Saved."),
        target=target,
    )
    return done or redirect(target)


@bp.route("/reference", methods=["GET"])
@roles_required(Role.ADMIN)
def reference_data():
    streets = db.session.scalars(select(Street).order_by(Street.kind, Street.id)).all()
    categories = db.session.scalars(select(ServiceCategory).order_by(ServiceCategory.id)).all()
    community_form = CommunityForm(prefix="community")
    community_form.street_id.choices = [(s.id, s.name) for s in streets]
    return render_template(
        "admin/reference.html",
        streets=streets,
        categories=categories,
        street_form=StreetForm(prefix="street"),
        community_form=community_form,
        category_form=CategoryForm(prefix="category"),
    )


@bp.route("/reference/<any(street, community, category):kind>", methods=["POST"])
@roles_required(Role.ADMIN)
def add_reference(kind):
    streets = db.session.scalars(select(Street).order_by(Street.id)).all()
    forms = {
        "street": StreetForm(prefix="street"),
        "community": CommunityForm(prefix="community"),
        "category": CategoryForm(prefix="category"),
    }
    form = forms[kind]
    if kind == "community":
        form.street_id.choices = [(s.id, s.name) for s in streets]

    def add():
        if kind == "street":
            return reference.add_street(
                name=form.name.data, kind=form.kind.data, actor=current_user
            )
        if kind == "community":
            street = db.session.get(Street, form.street_id.data) or abort(404)
            return reference.add_community(name=form.name.data, street=street, actor=current_user)
        return reference.add_category(
            code=form.code.data,
            name_zh=form.name_zh.data,
            name_en=form.name_en.data,
            actor=current_user,
        )

    return post_action(
        add,
        success=_("Saved."),
        target=url_for("admin.reference_data"),
        form=form,
        invalid=flash_form_errors,
    )


REFERENCE_MODELS = {"street": Street, "community": Community, "category": ServiceCategory}


@bp.route(
    "/reference/<any(street, community, category):kind>/<int:record_id>/toggle", methods=["POST"]
)
@roles_required(Role.ADMIN)
def toggle_reference(kind, record_id):
    record = db.session.get(REFERENCE_MODELS[kind], record_id) or abort(404)
    reference.set_active(record, not record.active, actor=current_user)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("admin.reference_data"))


@bp.route("/audit")
@roles_required(Role.ADMIN, Role.STAFF)
def audit_log():
    """The audit log, filtered by action, record type, record id and actor."""
    # of the actor, only the name the row shows (not their roles, organization, community)
    actor = joinedload(AuditEntry.actor).options(load_only(User.name), lazyload("*"))
    # newest first, in the order of the chain (seq: 1, 2, … without a gap)
    query = select(AuditEntry).options(actor).order_by(AuditEntry.seq.desc())
    action = request.args.get("action", "").strip()[:80]
    object_type = request.args.get("type", "").strip()[:60]
    object_id = optional_id(request.args.get("id"))
    actor = request.args.get("actor", "").strip()[:100]
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    if actor:
        # a sealed row never answers "did this person act?"
        query = query.where(~sealed_condition()).where(
            AuditEntry.actor_id.in_(
                select(User.id).where(func.lower(User.email).contains(actor.lower()))
            )
        )
    types = recorded_types()
    filtered = action or object_type or object_id is not None or actor
    if filtered:
        page = paginate(query, key=AuditEntry.seq)
    else:  # every entry: page N is a range of sequence numbers, however deep
        page = paginate(query, total=entry_count(), numbered=AuditEntry.seq)
    page.items = sealed_view(page.items)
    return render_template(
        "admin/audit.html",
        page=page,
        types=types,
        filters={"action": action, "type": object_type, "id": object_id, "actor": actor},
    )
