"""In-app notifications (站内消息); each also goes out as an e-mail."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.columns import BlankText, Key, Moment, Timestamp
from venture.extensions import db


class Notification(db.Model):
    """站内消息: one message for one person, read or not."""

    __tablename__ = "notification"

    id: Mapped[Key]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[BlankText]
    link: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[Timestamp]
    read_at: Mapped[Moment | None]

    user = relationship("User")

    # the inbox and the unread badge both read by (user, read_at)
    __table_args__ = (sa.Index("ix_notification_user_id_read_at", "user_id", "read_at"),)

    @property
    def is_read(self):
        return self.read_at is not None
