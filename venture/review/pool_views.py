"""Review pages: the expert pool (专家库), kept by staff."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from venture.auth.enums import Role
from venture.auth.models import User, UserRole
from venture.core.access import deny_unless, roles_required
from venture.core.actions import form_page, run_action
from venture.core.integers import record_id
from venture.core.pagination import paginate
from venture.extensions import db
from venture.orgs.models import Organization
from venture.review import operations
from venture.review.blueprint import bp, category_choices, service_categories
from venture.review.enums import AffiliationKind
from venture.review.forms import AffiliationForm, ExistingExpertForm, ExpertForm, NewExpertForm
from venture.review.models import ReviewerAffiliation, ReviewerProfile, reviewer_expertise


def affiliation_form():
    form = AffiliationForm(prefix="tie")
    rows = db.session.execute(
        select(Organization.id, Organization.name).order_by(Organization.name)
    )
    form.organization_id.choices = [(0, "—")] + [(r.id, r.name) for r in rows]
    return form


def add_affiliation(profile, form, target):
    """An affiliation form's POST: record the tie (withdrawing the assignments it now conflicts
    with) and redirect to ``target``; None while the form is to be shown again."""
    if not form.validate_on_submit():
        return None
    organization = db.session.get(Organization, form.organization_id.data)
    if organization is None:
        form.organization_id.errors = [_("Choose an organization.")]
        return None
    return run_action(
        lambda: operations.add_affiliation(
            profile,
            organization=organization,
            kind=AffiliationKind(form.kind.data),
            role=(form.role.data or "").strip(),
            started_on=form.started_on.data,
            ended_on=form.ended_on.data,
            actor=current_user,
        ),
        success=_("The tie to %(org)s was recorded.", org=organization.name),
        warnings=lambda added: (
            [
                _(
                    "%(n)d assignments on this organization's applications were withdrawn.",
                    n=len(added[1]),
                )
            ]
            if added[1]
            else []
        ),
        target=target,
        form=form,
    )


# ── the expert pool (staff) ─────────────────────────────────────────────────────────────────


@bp.route("/staff/experts")
@roles_required(Role.STAFF)
def experts():
    """专家库: the pool, searchable, filtered by field of expertise."""
    text = request.args.get("q", "").strip()[:100]
    category = request.args.get("category", type=record_id)
    status = request.args.get("status", "active")
    query = (
        select(ReviewerProfile)
        .join(User, User.id == ReviewerProfile.user_id)
        .order_by(User.name, ReviewerProfile.id)
    )
    if text:
        like = f"%{text}%"
        query = query.where(
            or_(User.name.ilike(like), User.email.ilike(like), ReviewerProfile.employer.ilike(like))
        )
    if category:
        query = query.where(
            ReviewerProfile.id.in_(
                select(reviewer_expertise.c.reviewer_id).where(
                    reviewer_expertise.c.category_id == category
                )
            )
        )
    if status == "active":
        query = query.where(ReviewerProfile.active)
    elif status == "inactive":
        query = query.where(ReviewerProfile.active.is_(False))
    return render_template(
        "review/experts.html",
        page=paginate(query),
        q=text,
        category=category,
        status=status,
        categories=category_choices(),
    )


def _expert_profile(form):
    return {
        "title": (form.title.data or "").strip(),
        "employer": (form.employer.data or "").strip(),
        "phone": (form.contact_phone.data or "").strip(),
        "notes": (form.notes.data or "").strip(),
        "active": bool(form.active.data),
    }


def _add_to_pool(form, add):
    """Run add(); on success go to the expert's page, else show the refusal on form."""
    return run_action(
        add,
        success=lambda expert: _("%(name)s was added to the expert pool.", name=expert.name),
        target=lambda expert: url_for("review.expert", expert_id=expert.id),
        form=form,
    )


def _add_existing_expert(form):
    user = db.session.get(User, form.user_id.data)
    if user is None:
        raise operations.ReviewError(_("Choose an account."), "user_id")
    return operations.add_expert(
        user,
        profile=_expert_profile(form),
        categories=service_categories(form.expertise.data),
        actor=current_user,
    )


@bp.route("/staff/experts/new", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def new_expert():
    """A new reviewer account in the pool, or an existing account added to it."""
    form = NewExpertForm(prefix="new")
    existing = ExistingExpertForm(prefix="existing")
    for f in (form, existing):
        f.expertise.choices = category_choices()
    existing.user_id.choices = [(0, "—")] + [
        (u.id, f"{u.name} · {u.email}") for u in _accounts_outside_pool()
    ]
    chosen = request.form.get("which") if request.method == "POST" else None
    if chosen == "new" and form.validate_on_submit():
        added = _add_to_pool(
            form,
            lambda: operations.create_expert(
                account={
                    "email": form.email.data,
                    "name": form.name.data,
                    "phone": form.phone.data,
                    "password": form.password.data,
                },
                profile={**_expert_profile(form), "phone": (form.phone.data or "").strip()},
                categories=service_categories(form.expertise.data),
                actor=current_user,
            ),
        )
        if added:
            return added
    if chosen == "existing" and existing.validate_on_submit():
        added = _add_to_pool(existing, lambda: _add_existing_expert(existing))
        if added:
            return added
    return form_page("review/expert_new.html", form=form, existing=existing, chosen=chosen)


def _accounts_outside_pool():
    """Active accounts holding the reviewer role without a pool entry."""
    return db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role == Role.REVIEWER.value,
            User.active,
            User.id.not_in(select(ReviewerProfile.user_id)),
        )
        .order_by(User.name)
    ).all()


def _expert_or_404(expert_id):
    expert = db.session.get(ReviewerProfile, expert_id)
    deny_unless(expert is not None, 404)
    return expert


@bp.route("/staff/experts/<int:expert_id>", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def expert(expert_id):
    expert = _expert_or_404(expert_id)
    form = ExpertForm(
        obj=expert,
        contact_phone=expert.phone,
        expertise=[c.id for c in expert.expertise],
    )
    form.expertise.choices = category_choices()
    if form.validate_on_submit():
        operations.update_expert(
            expert,
            profile=_expert_profile(form),
            categories=service_categories(form.expertise.data),
            actor=current_user,
        )
        db.session.commit()
        flash(_("The expert's profile was saved."), "success")
        return redirect(url_for("review.expert", expert_id=expert.id))
    return render_template(
        "review/expert.html",
        expert=expert,
        form=form,
        tie_form=affiliation_form(),
        cutoff=operations.tie_cutoff(),
        counts=operations.affiliation_counts,
    ), (400 if form.errors else 200)


@bp.route("/staff/experts/<int:expert_id>/ties", methods=["POST"])
@roles_required(Role.STAFF)
def add_tie(expert_id):
    expert = _expert_or_404(expert_id)
    form = affiliation_form()
    done = add_affiliation(expert, form, url_for("review.expert", expert_id=expert.id))
    if done:
        return done
    profile_form = ExpertForm(
        obj=expert, contact_phone=expert.phone, expertise=[c.id for c in expert.expertise]
    )
    profile_form.expertise.choices = category_choices()
    return render_template(
        "review/expert.html",
        expert=expert,
        form=profile_form,
        tie_form=form,
        cutoff=operations.tie_cutoff(),
        counts=operations.affiliation_counts,
    ), 400


@bp.route("/staff/experts/<int:expert_id>/ties/<int:tie_id>/remove", methods=["POST"])
@roles_required(Role.STAFF)
def remove_tie(expert_id, tie_id):
    expert = _expert_or_404(expert_id)
    tie = db.session.get(ReviewerAffiliation, tie_id)
    deny_unless(tie is not None and tie.reviewer_id == expert.id, 404)
    operations.remove_affiliation(tie, actor=current_user)
    db.session.commit()
    flash(_("The tie was removed."), "success")
    return redirect(url_for("review.expert", expert_id=expert.id))
