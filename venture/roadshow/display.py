"""Display links: the hall's projector follows a session without a staff login.

A link carries the session, the links' version (staff bump it to revoke every link) and an
expiry, signed with the app's secret. It shows only what the hall may see (live.HALL): seat
numbers and who has submitted, and an item's aggregate once its scoring is closed.
"""

from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from venture.core.timeutil import now
from venture.extensions import db
from venture.roadshow.models import Roadshow

LINK_HOURS = 24  # a link lasts a day: long enough for one session, short if it leaks


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="roadshow-display")


def link_expiry(at=None):
    return (at or now()) + timedelta(hours=LINK_HOURS)


def display_token(roadshow, *, expires_at=None):
    expires_at = expires_at or link_expiry()
    return _serializer().dumps(
        {"r": roadshow.id, "v": roadshow.display_version, "e": int(expires_at.timestamp())}
    )


def roadshow_for_token(token):
    """The session a display link is for, or None when forged, expired or revoked."""
    try:
        data = _serializer().loads(token)
    except BadData:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "rve"):
        return None
    if data["e"] <= now().timestamp():
        return None
    roadshow = db.session.get(Roadshow, data["r"])
    if roadshow is None or roadshow.display_version != data["v"]:
        return None
    return roadshow
