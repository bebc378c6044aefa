"""The API: /api/v1 (JSON, personal tokens, CSRF-exempt since no cookie is read there), its
OpenAPI document, OCDS open data, the readable API page and the token page of the profile.

The /api/v1 blueprint and its registry are in base.py; the operations are declared by concern
in resource_views.py (account, calls, organizations), application_views.py, award_views.py
(awards, contracts, payments) and publication_views.py (announcements, OCDS, the OpenAPI
document), imported here; the API page and the OpenAPI document group them by tag."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.api import (  # noqa: F401  (importing them declares their operations)
    application_views,
    award_views,
    publication_views,
    resource_views,
)
from venture.api.base import api, v1
from venture.api.forms import RevokeForm, TokenForm
from venture.api.models import ApiToken
from venture.api.openapi import document
from venture.api.operations import TokenError, create_token, revoke_token
from venture.core import timeutil
from venture.core.access import public, signed_in
from venture.extensions import db

bp = Blueprint("api", __name__)

# ── pages: the readable API page and the profile's tokens ─────────────────────────────────────


@bp.route("/api")
@public
def docs():
    """The API documentation, rendered from the OpenAPI document."""
    return render_template("api/docs.html", spec=document(api))


def _render_tokens(form, new_token=None, status=200):
    tokens = db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        .limit(100)
    ).all()
    return (
        render_template(
            "api/tokens.html",
            form=form,
            tokens=tokens,
            new_token=new_token,
            revoke_form=RevokeForm(),
            now=timeutil.now(),
        ),
        status,
    )


@bp.route("/profile/api-tokens", methods=["GET", "POST"])
@signed_in
def tokens():
    """Personal API tokens: create (the token is shown once, on this answer only) and list."""
    form = TokenForm()
    if request.method == "GET":
        return _render_tokens(form)
    if not form.validate_on_submit():
        return _render_tokens(form, status=400)
    try:
        _token, text = create_token(
            current_user, name=form.name.data, expires_in_days=form.expires.data, actor=current_user
        )
    except TokenError as error:
        db.session.rollback()
        form.name.errors = [*form.name.errors, str(error)]
        return _render_tokens(form, status=400)
    db.session.commit()
    return _render_tokens(TokenForm(formdata=None), new_token=text)


@bp.route("/profile/api-tokens/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        revoke_token(token, actor=current_user)
    except TokenError as error:
        db.session.rollback()
        flash(str(error), "warning")
    else:
        db.session.commit()
        flash(_("The token “%(name)s” is revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for("api.tokens"))


bp.register_blueprint(v1, url_prefix="/api/v1")
