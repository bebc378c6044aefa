"""Personal API tokens (API 令牌)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.columns import Key, Moment, UserId
from venture.core.db import TimestampMixin
from venture.core.timeutil import now
from venture.extensions import db


class ApiToken(TimestampMixin, db.Model):
    """API 令牌: a personal token that acts with exactly its owner's rights.

    Only the SHA-256 of the token is kept; the prefix (its first characters after `vnt_`) is
    stored in clear so a presented token is found by one indexed lookup.
    """

    __tablename__ = "api_token"

    id: Mapped[Key]
    user_id: Mapped[UserId] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    prefix: Mapped[str] = mapped_column(sa.String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    expires_at: Mapped[Moment | None]
    last_used_at: Mapped[Moment | None]
    revoked_at: Mapped[Moment | None]

    user = relationship("User", lazy="joined")

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def is_expired(self, moment=None):
        return self.expires_at is not None and (moment or now()) >= self.expires_at

    @property
    def is_usable(self):
        return not self.is_revoked and not self.is_expired()
