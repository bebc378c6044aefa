"""The procurement blueprint, its template globals and the helpers its page modules share.

The pages are split by concern, as indico splits controllers: designations.py (targeted
purchases), tenders.py (tender details, public page, clarifications), bids.py (bids of
organizations), evaluation.py (opening, evaluation, results), views.py (panel scoring and home
panels) and practice_views.py (bonds, receipts, the opening online); views.py imports the
others so the one blueprint carries every route.
"""

from flask import Blueprint, abort, flash

from venture.calls.models import Call
from venture.core.access import deny_unless
from venture.extensions import db
from venture.procurement import (
    operations,
    sealing,  # noqa: F401  (registers the audit seal)
)
from venture.procurement.routes import route_for

bp = Blueprint("procurement", __name__)


@bp.app_template_global("procurement_route")
def procurement_route(call):
    """The call's route object, for templates (calls/show.html includes its call_template)."""
    return route_for(call)


@bp.app_template_global("tender_bidders")
def tender_bidders(tender):
    """The names of the opened bids' organizations (nothing before the opening)."""
    return [b.organization.name for b in operations.opened_bids(tender)] if tender.is_opened else []


@bp.app_template_global("procurement_tender")
def procurement_tender(call):
    return operations.tender_of(call.id)


def get_or_404(model, record_id):
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    return record


def call_of_route(call_id, kind):
    call = get_or_404(Call, call_id)
    deny_unless(isinstance(route_for(call), kind), 404)
    return call


def show_errors(form, error):
    errors = getattr(error, "errors", None) or {getattr(error, "field", None): str(error)}
    shown = False
    for name, message in errors.items():
        field = getattr(form, name or "", None)
        if field is not None:
            field.errors = [*field.errors, str(message)]
            shown = True
    if not shown:
        flash(str(error), "danger")
