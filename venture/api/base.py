"""The /api/v1 blueprint and its route registry: token authentication (no session cookie is
read, so no CSRF to fear), JSON errors, headers, and the 404 that keeps private records
private. Every *_views module of the API declares its operations on `api`."""

from flask import Blueprint, g, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from venture.api import operations
from venture.api.errors import ApiError, api_error_response
from venture.api.registry import TOKEN, Api, not_found_message
from venture.auth.enums import Role
from venture.extensions import csrf, db, login_manager

v1 = Blueprint("v1", __name__)
api = Api(v1, "/api/v1")
# the API authenticates by token only and never reads the session cookie: no CSRF to fear
csrf.exempt(v1)

CONTRACT_READERS = (TOKEN, Role.STAFF, Role.FINANCE, Role.APPLICANT)


@v1.before_request
def _authenticate():
    """The account of the bearer token, or anonymous; a session cookie is ignored here."""
    # Flask-Login keeps the request's user in g._login_user: set, the session is never read
    g._login_user = login_manager.anonymous_user()
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _sep, text = header.strip().partition(" ")
    token = operations.authenticate(text) if scheme.lower() == "bearer" else None
    if token is None:
        raise ApiError(
            401, "invalid_token", _("The API token is not valid: it is wrong, expired or revoked.")
        )
    db.session.commit()  # the token's last use
    g.api_token = token
    g._login_user = token.user


@v1.after_request
def _headers(response):
    response.headers.add("Vary", "Authorization")
    if g.get("api_token") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


@v1.errorhandler(ApiError)
def _api_error(error):
    db.session.rollback()
    return api_error_response(error)


@v1.errorhandler(StaleDataError)
def _stale(_error):
    db.session.rollback()
    return api_error_response(stale_error())


def stale_error():
    return ApiError(
        409,
        "stale",
        _("Someone else changed this application at the same moment. Nothing was saved."),
    )


def not_found():
    return ApiError(404, "not_found", not_found_message())


def get_or_404(model, record_id):
    record = db.session.get(model, record_id)
    if record is None:
        raise not_found()
    return record


def require(condition):
    """404 unless condition holds: whether a private record exists is not told."""
    if not condition:
        raise not_found()
