"""The review blueprint, its template filters and the helpers its page modules share.

The pages are split by who uses them, as indico splits controllers: views.py (the reviewer),
pool_views.py (the expert pool), panel_views.py (rubric, panel, assignments, sheets) and
result_views.py (ranking, awards, publication, exports); views.py imports the others so the one
blueprint carries every route.
"""

from flask import Blueprint, flash
from markupsafe import Markup, escape
from sqlalchemy import select

from venture.extensions import db
from venture.reference.models import ServiceCategory
from venture.review.scoring import display_points, round2

bp = Blueprint("review", __name__)


@bp.app_template_filter("points")
def points_filter(value):
    """A score or maximum as people write it: 8 or 8.5."""
    return "" if value is None else display_points(value)


@bp.app_template_filter("score2")
def score2_filter(value):
    """An aggregate at two decimals, rounded half up: 86.18."""
    return "" if value is None else str(round2(value))


@bp.app_template_filter("nl2br")
def nl2br_filter(text):
    """Typed text with its line breaks kept, escaped."""
    return Markup("<br>").join(escape(line) for line in (text or "").splitlines())


def show_error(form, error):
    field = getattr(form, getattr(error, "field", None) or "", None)
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        flash(str(error), "danger")


def flash_form_errors(form):
    for errors in form.errors.values():
        for message in errors:
            flash(message if isinstance(message, str) else str(message), "danger")


def category_choices():
    rows = db.session.scalars(
        select(ServiceCategory).where(ServiceCategory.active).order_by(ServiceCategory.id)
    )
    return [(c.id, c.name) for c in rows]


def service_categories(ids):
    if not ids:
        return []
    return db.session.scalars(select(ServiceCategory).where(ServiceCategory.id.in_(ids))).all()
