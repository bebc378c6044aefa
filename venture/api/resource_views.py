"""The API's first resources: the token's account, calls with their published review result,
and organizations. Lists are declarations (venture/api/listing.py): the reader's scoped query,
its filters, the rendering."""

import sqlalchemy as sa
from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from venture.announcements.enums import AnnouncementState
from venture.api import representations as rep
from venture.api.base import api, get_or_404, require
from venture.api.errors import ApiError
from venture.api.listing import condition, days, list_operation, one_of, scoped
from venture.api.permissions import (
    call_scope,
    can_read_organization,
    organization_scope,
)
from venture.api.registry import TOKEN, Param
from venture.calls.enums import CallStatus, Route
from venture.calls.models import Call
from venture.calls.permissions import can_view_call
from venture.core import timeutil
from venture.orgs.enums import OrgStatus
from venture.orgs.models import Organization

# ── me ────────────────────────────────────────────────────────────────────────────────────────


@api.operation(
    "/me", summary=_l("The account of the token"), tag="account", access=(TOKEN,), response="Me"
)
def me():
    user, token = current_user, g.api_token
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "roles": sorted(r.value for r in user.roles),
        "organization": rep.organization_summary(user.organization) if user.organization else None,
        "token": {
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": rep.moment(token.expires_at),
        },
    }


# ── calls ─────────────────────────────────────────────────────────────────────────────────────


def _call_status_condition(status):
    moment = timeutil.now()
    published = sa.and_(Call.published_at.is_not(None), Call.cancelled_at.is_(None))
    return {
        CallStatus.DRAFT: sa.and_(Call.published_at.is_(None), Call.cancelled_at.is_(None)),
        CallStatus.CANCELLED: Call.cancelled_at.is_not(None),
        CallStatus.UPCOMING: sa.and_(published, Call.opens_at > moment),
        CallStatus.OPEN: sa.and_(published, Call.opens_at <= moment, Call.closes_at > moment),
        CallStatus.CLOSED: sa.and_(published, Call.closes_at <= moment),
    }[CallStatus(status)]


list_operation(
    "/calls",
    "calls",
    query=scoped(Call, call_scope, Call.opens_at.desc(), Call.id.desc()),
    filters=(
        one_of("route", Route, Call.route, _l("Only calls of this route.")),
        condition(
            Param(
                "status",
                "string",
                _l("Only calls in this status."),
                enum=tuple(s.value for s in CallStatus),
            ),
            _call_status_condition,
        ),
        condition(
            Param("year", "integer", _l("Only calls of this year."), minimum=2000, maximum=2100),
            lambda year: Call.year == year,
        ),
        days("published", Call.published_at),
    ),
    render=rep.call,
    summary=_l("Calls for proposals"),
    description=_l("Published calls, newest first; staff also see drafts."),
    tag="calls",
    response="Call",
)


def _visible_call(call_id):
    call = get_or_404(Call, call_id)
    require(can_view_call(current_user, call))
    return call


@api.operation("/calls/<int:call_id>", summary=_l("One call"), tag="calls", response="Call")
def call(call_id):
    from venture.procurement.operations import tender_of

    record = _visible_call(call_id)
    return rep.call(record, tender_of(record.id) if record.route == Route.TENDER else None)


@api.operation(
    "/calls/<int:call_id>/review-results",
    summary=_l("The published review result of a call"),
    description=_l(
        "The projects proposed for funding after the expert review, as announced (公示); "
        "404 until the result is published."
    ),
    tag="review",
    response="ReviewResults",
)
def review_results(call_id):
    from venture.review.operations import panel_of, result_announcement
    from venture.review.results import ranking

    record = _visible_call(call_id)
    panel = panel_of(record.id)
    announcement = result_announcement(panel) if panel is not None else None
    if announcement is None or announcement.state == AnnouncementState.WITHDRAWN:
        raise ApiError(404, "not_published", _("The review result of this call is not published."))
    rows = [row for row in ranking(panel).rows if row.award is not None]
    return {
        "call": rep.reference(record),
        "announcement": {
            "id": announcement.id,
            "state": announcement.state.value,
            "state_label": str(announcement.state.label),
            "ends_on": rep.day(announcement.ends_on),
            "url": url_for("announcements.show", announcement_id=announcement.id, _external=True),
        },
        "items": [
            {
                "rank": row.rank,
                "organization": rep.organization_summary(row.application.organization),
                "application": {
                    "id": row.application.id,
                    "number": row.application.number,
                    "title": row.application.title,
                },
                "score": str(row.display_score) if row.display_score is not None else None,
                "amount": rep.money(row.award.amount),
                "award_state": row.award.state.value,
            }
            for row in rows
        ],
    }


# ── organizations ─────────────────────────────────────────────────────────────────────────────


list_operation(
    "/organizations",
    "organizations",
    query=scoped(Organization, organization_scope, Organization.id.desc()),
    filters=(
        one_of(
            "status",
            OrgStatus,
            Organization.status,
            _l("Only organizations in this verification status."),
        ),
    ),
    render=rep.organization,
    summary=_l("Organizations"),
    description=_l(
        "Your own organization; all of them for staff, finance and administrators. Reviewers "
        "see none (and never bank details)."
    ),
    tag="organizations",
    access=(TOKEN,),
    response="Organization",
)


@api.operation(
    "/organizations/<int:organization_id>",
    summary=_l("One organization"),
    tag="organizations",
    access=(TOKEN,),
    response="Organization",
)
def organization(organization_id):
    org = get_or_404(Organization, organization_id)
    require(can_read_organization(current_user, org))
    return rep.organization(org)
