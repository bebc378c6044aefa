"""Personal API tokens (API 令牌)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.db import TimestampMixin, UTCDateTime
from venture.core.timeutil import now
from venture.extensions import db


class ApiToken(TimestampMixin, db.Model):
    """API 令牌: a personal token that acts with exactly its owner's rights.

    Only the SHA-256 of the token is kept; the prefix (its first characters after `vnt_`) is
    stored in clear so a presented token is found by one indexed lookup.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    prefix: Mapped[str] = mapped_column(sa.String(16), unique=True, nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="joined")

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def is_expired(self, moment=None):
        return self.expires_at is not None and (moment or now()) >= self.expires_at

    @property
    def is_usable(self):
        return not self.is_revoked and not self.is_expired()
