"""The procurement route registry: one class per route (采购方式), one interface.

A call picks a route; the route says what the call collects (applications or bids), which
checks its publication needs, who may apply, which announcement (公示) carries its result and
for how many working days at least, how large a scoring panel must be, which records are the
candidates for its result, and how that result becomes Award rows. Views and lifecycles ask
`route_for(call)` instead of branching on call.route.

The registry imports no operations: what a route does with records (its result candidates, how
awards are made) is registered by the module that owns those records (`register_route`), as
announcements' finalisers are, so the registry stays a leaf every module may read.
"""

from flask_babel import gettext as _

from venture.calls.enums import Route
from venture.calls.hooks import PROCUREMENT_ROUTES

APPLICATIONS = "applications"
BIDS = "bids"


class ProcurementRoute:
    """The interface; subclasses set the attributes and override what differs."""

    route: Route
    collects: str
    announcement_kind: str
    minimum_announcement_days: int
    reviews_applications = False  # scored on the review module's pages (venture/review)
    call_template = None  # what the route adds to the call page (templates/procurement/…)

    @property
    def code(self):
        return self.route.code

    @property
    def label(self):
        return self.route.label

    def validate_call(self, call):
        """Route-specific reasons the call cannot be published (messages)."""
        return []

    def accepts_applications_from(self, user, call):
        """Whether the call's public page offers anyone an application (else the route
        creates the records itself, or collects bids)."""
        return self.collects == APPLICATIONS

    def application_problems(self, application):
        """Route-specific reasons an application cannot be submitted."""
        return []

    def panel_minimum(self, call):
        """The fewest members of the call's scoring panel (always odd)."""
        return 3

    def result_candidates(self, call):
        """The records the result is chosen from, best first."""
        return _registered(self.route, "result_candidates")(call)

    def make_awards(self, call, *, actor, **decision):
        """Proposed Award rows from the result; the route's finaliser makes them final."""
        return _registered(self.route, "make_awards")(call, actor=actor, **decision)


# (route, name) -> the function the owning module registered
_BEHAVIOUR = {}


def register_route(route, **functions):
    """The module owning a route's records says how its result is chosen and awarded:
    result_candidates(call) and make_awards(call, *, actor, **decision)."""
    for name, function in functions.items():
        _BEHAVIOUR[(Route(route), name)] = function


def _registered(route, name):
    try:
        return _BEHAVIOUR[(route, name)]
    except KeyError:
        raise NotImplementedError(f"{route}: {name} is not registered") from None


class VentureGrantRoute(ProcurementRoute):
    """公益创投: open competition, screened, scored by the review panel, funded down the
    ranking within the budget (venture/review)."""

    route = Route.VENTURE_GRANT
    collects = APPLICATIONS
    reviews_applications = True
    announcement_kind = "review_result"
    minimum_announcement_days = 5


class TargetedPurchaseRoute(ProcurementRoute):
    """定向购买: staff designate one verified organization with a justification; the
    designation is announced for at least five working days; the organization's application
    is its service plan and budget."""

    route = Route.TARGETED
    collects = APPLICATIONS
    announcement_kind = "designation"
    minimum_announcement_days = 5
    call_template = "procurement/_call_designation.html"

    def validate_call(self, call):
        from venture.procurement.rules import active_designation

        designation = active_designation(call.id)
        if designation is None:
            return [_("Designate the organization before publishing a targeted purchase.")]
        if designation.amount > call.cap_per_project:
            return [_("The designated amount is more than the call's cap per project.")]
        return []

    def accepts_applications_from(self, user, call):
        return False  # the designation creates the designated organization's application

    def application_problems(self, application):
        from venture.procurement.rules import active_designation

        designation = active_designation(application.call_id)
        if designation is None or designation.application_id != application.id:
            return [_("This targeted purchase is not designated to your organization.")]
        return []

    def panel_minimum(self, call):
        return 3  # no panel scores a designation; kept for the interface

    def result_candidates(self, call):
        from venture.procurement.rules import active_designation

        designation = active_designation(call.id)
        return [designation.application] if designation and designation.application else []


class TenderRoute(ProcurementRoute):
    """招投标: sealed bids, opening, compliance, panel scoring (综合评分法) or lowest price
    (最低评标价法); the top-ranked bid is awarded after the result announcement."""

    route = Route.TENDER
    collects = BIDS
    announcement_kind = "tender_result"
    minimum_announcement_days = 3  # 中标候选人公示 不少于 3 日 (counted here in working days)
    call_template = "procurement/_call_tender.html"

    def validate_call(self, call):
        from venture.procurement.rules import tender_of, tender_problems

        tender = tender_of(call.id)
        if tender is None:
            return [_("Enter the tender details before publishing the tender notice.")]
        return tender_problems(tender)

    def panel_minimum(self, call):
        from venture.procurement.rules import MIN_PANEL, tender_of

        tender = tender_of(call.id) if call is not None else None
        # without a method (no tender yet) the stricter rule of 公开招标 applies
        return MIN_PANEL[tender.method] if tender is not None else max(MIN_PANEL.values())


ROUTES = {r.route: r for r in (VentureGrantRoute(), TargetedPurchaseRoute(), TenderRoute())}


def route_for(call_or_route):
    """The route object of a call (or of a Route value)."""
    route = getattr(call_or_route, "route", call_or_route)
    return ROUTES[Route(route)]


def routes_reviewing_applications():
    """The Route values whose applications the review module scores, for queries."""
    return [r.route for r in ROUTES.values() if r.reviews_applications]


# calls, applications and review ask a call's route through their hook (calls/hooks.py)
PROCUREMENT_ROUTES.register(route_for, routes_reviewing_applications)
