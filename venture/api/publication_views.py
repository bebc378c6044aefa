"""What the API publishes for everyone: announcements (公示公告), the open data of every
published call as OCDS 1.1.5 releases, and this API's own OpenAPI document."""

import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from venture.announcements.enums import AnnouncementKind, AnnouncementState
from venture.announcements.models import Announcement
from venture.api import ocds, ocds_store
from venture.api import representations as rep
from venture.api.base import api, get_or_404, require
from venture.api.listing import days, filtered, list_operation, of_call, one_of
from venture.api.openapi import document
from venture.calls.models import Call
from venture.extensions import db

# ── announcements ─────────────────────────────────────────────────────────────────────────────


list_operation(
    "/announcements",
    "announcements",
    query=lambda: (
        sa.select(Announcement)
        .options(joinedload(Announcement.call), selectinload(Announcement.attachments))
        .order_by(Announcement.published_at.desc(), Announcement.id.desc())
    ),
    filters=(
        of_call(Announcement.call_id),
        one_of("kind", AnnouncementKind, Announcement.kind, _l("Only announcements of this kind.")),
        one_of(
            "state", AnnouncementState, Announcement.state, _l("Only announcements in this state.")
        ),
        days("published", Announcement.published_at),
    ),
    render=rep.announcement,
    summary=_l("Announcements (公示公告)"),
    tag="announcements",
    response="Announcement",
)


@api.operation(
    "/announcements/<int:announcement_id>",
    summary=_l("One announcement"),
    tag="announcements",
    response="Announcement",
)
def announcement(announcement_id):
    return rep.announcement(get_or_404(Announcement, announcement_id))


# ── open data (OCDS 1.1.5) ────────────────────────────────────────────────────────────────────


@api.operation(
    "/ocds/calls/<int:call_id>.json",
    summary=_l("The OCDS release package of a call"),
    description=_l(
        "Open Contracting Data Standard 1.1.5: the call's tender, parties, awards, contracts "
        "and payments as one release."
    ),
    tag="open data",
    response="OcdsReleasePackage",
)
def ocds_call(call_id):
    stored = ocds_store.call_package(call_id, request.base_url)
    require(stored is not None)  # no such call, or not published
    response = current_app.response_class(stored["data"], mimetype="application/json")
    response.set_etag(stored["etag"])
    return response.make_conditional(request)  # 304 to a matching If-None-Match


PUBLISHED = days("published", Call.published_at)


@api.operation(
    "/ocds/releases.json",
    summary=_l("OCDS releases of every published call"),
    description=_l("One release per published call, newest first, a page at a time."),
    tag="open data",
    query=PUBLISHED.params,
    paged=True,
    response="OcdsReleasePackage",
)
def ocds_releases(args):
    query = (
        sa.select(Call)
        .where(Call.published_at.is_not(None))
        .order_by(Call.published_at.desc(), Call.id.desc())
    )
    query = filtered(query, (PUBLISHED,), args)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page, per_page = args["page"], args["per_page"]
    found = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    body = ocds.package(ocds.releases(found), request.url)
    headers = {"X-Total-Count": str(total)}
    if page * per_page < total:
        following = url_for(request.endpoint, _external=True, **{**request.args, "page": page + 1})
        headers["Link"] = f'<{following}>; rel="next"'

    return body, 200, headers


@api.operation(
    "/openapi.json",
    summary=_l("This API's OpenAPI 3.1 document"),
    tag="documentation",
    response="OpenApi",
)
def openapi():
    return document(api)
