"""Personal API tokens: create (shown once), revoke, and find the account a token acts for."""

import hashlib
import hmac
import secrets
import string
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.api.models import ApiToken
from venture.core import audit, timeutil
from venture.extensions import db

TOKEN_START = "vnt_"
PREFIX_LENGTH = 12  # "vnt_" and 8 random letters or digits: the lookup key, shown in lists
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often, so reading the API does not write on every call
USE_RESOLUTION = timedelta(minutes=1)
_ALPHABET = string.ascii_letters + string.digits


class TokenError(ValueError):
    """A refused token change; str() is a message for a person."""


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def active_tokens(user):
    return db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def create_token(user, *, name, expires_in_days, actor):
    """A new token for user: (ApiToken, the token text, which is never stored or shown again)."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("Give the token a name, e.g. the system that will use it."))
    usable = [t for t in active_tokens(user) if not t.is_expired()]
    if len(usable) >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            _(
                "You have %(n)d active tokens, the most allowed. Revoke one you no longer use.",
                n=MAX_ACTIVE_TOKENS,
            )
        )
    prefix = TOKEN_START + "".join(
        secrets.choice(_ALPHABET) for _ in range(PREFIX_LENGTH - len(TOKEN_START))
    )
    text = f"{prefix}_{secrets.token_urlsafe(32)}"
    expires_at = timeutil.now() + timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken(
        user_id=user.id,
        name=name[:100],
        prefix=prefix,
        expires_at=expires_at,
        token_hash=_digest(text),
    )
    db.session.add(token)
    audit.record(
        "api_token.create",
        token,
        actor=actor,
        after={"name": token.name, "prefix": prefix, "expires_at": expires_at},
    )
    return token, text


def revoke_token(token, *, actor):
    if token.revoked_at is not None:
        raise TokenError(_("This token was revoked already."))
    token.revoked_at = timeutil.now()
    audit.record("api_token.revoke", token, actor=actor, after={"prefix": token.prefix})


def authenticate(text):
    """The token row of a presented token text if it is usable and its owner active, else None.

    Marks the token as used (at most once a minute); the caller commits.
    """
    text = (text or "").strip()
    if not text.startswith(TOKEN_START) or len(text) < PREFIX_LENGTH + 2 or len(text) > 200:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.prefix == text[:PREFIX_LENGTH]))
    if token is None or not hmac.compare_digest(token.token_hash, _digest(text)):
        return None
    if not token.is_usable or not token.user.active:
        return None
    moment = timeutil.now()
    if token.last_used_at is None or moment - token.last_used_at >= USE_RESOLUTION:
        token.last_used_at = moment
    return token
