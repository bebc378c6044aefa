"""Route access declarations.

Every view declares who may use it with one of these decorators; the test suite walks the URL
map and fails on a view without a declaration. Roles are checked before any object is loaded,
so a refusal never tells whether a record exists; object rules (owner, assignment) are
predicates in each module's permissions.py, called once by the view.
"""

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from venture.extensions import login_manager


def _declare(view, access):
    view.access = access
    return view


def public(view):
    """Anyone, signed in or not."""
    return _declare(view, ("public",))


def signed_in(view):
    """Any active account."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return _declare(wrapper, ("signed_in",))


def roles_required(*roles):
    """Accounts holding at least one of roles; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_any_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return _declare(wrapper, tuple(roles))

    return decorator


def deny_unless(condition, status=403):
    """Abort with status unless condition holds (404 where existence itself is private)."""
    if not condition:
        abort(status)


def own_organization_rows(model):
    """The select of model's rows that belong to the signed-in member's organization (by its
    ``organization_id``); 404 for an account of no organization."""
    deny_unless(current_user.organization_id is not None, 404)
    return select(model).where(model.organization_id == current_user.organization_id)


def is_safe_next(target):
    """Only same-site relative redirect targets (see venture.core.redirects)."""
    from venture.core.redirects import is_same_origin_path

    return is_same_origin_path(target)
