"""Panel rules shared by every route that scores with an expert panel (venture grants, tenders)."""

from flask_babel import lazy_gettext as _l

from venture.calls.hooks import PROCUREMENT_ROUTES


def minimum_panel_size(call_or_route):
    """The fewest members the route allows (procurement/routes.py): 3; tenders 5 for 公开招标
    and 3 for 竞争性磋商 (5 when only the route is known)."""
    call = None if isinstance(call_or_route, str) else call_or_route
    return PROCUREMENT_ROUTES.route_for(call_or_route).panel_minimum(call)


def panel_size_refusal(size, call_or_route):
    """Why a panel of size members is not allowed for the call (or route), or None."""
    least = minimum_panel_size(call_or_route)
    if size < least:
        return _l(
            "A panel needs at least %(least)d members; this one has %(size)d.",
            least=least,
            size=size,
        )
    if size % 2 == 0:
        return _l("A panel has an odd number of members; this one has %(size)d.", size=size)
    return None
