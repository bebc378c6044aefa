"""Public announcements (公示公告) and the objections (质疑) lodged against them."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.announcements.enums import AnnouncementKind, AnnouncementState, ObjectionState
from venture.core import timeutil
from venture.core.columns import BlankText, Key, Moment, Text, Timestamp
from venture.core.db import TimestampMixin, enum_type
from venture.core.mixins import children, link_table
from venture.core.workdays import period_end
from venture.extensions import db

announcement_attachment = link_table(
    "announcement_attachment",
    ("announcement_id", "announcement.id"),
    ("stored_file_id", "stored_file.id"),
)


class Announcement(TimestampMixin, db.Model):
    """公示: a public notice with a period in working days and an objection channel.

    The period runs from the day after publication (starts_on is the publication date) through
    ends_on, the period_days-th Chinese working day; objections are taken through ends_on.
    """

    __tablename__ = "announcement"

    id: Mapped[Key]
    kind: Mapped[AnnouncementKind] = mapped_column(enum_type(AnnouncementKind), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[BlankText]  # sanitised HTML
    call_id: Mapped[int | None] = mapped_column(sa.ForeignKey("call.id"), index=True)
    # what it announces, e.g. ("Award", 12) or ("Evaluation", 3)
    subject_type: Mapped[str | None] = mapped_column(sa.String(60))
    subject_id: Mapped[int | None]
    published_at: Mapped[Timestamp]
    period_days: Mapped[int]
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date, index=True)
    state: Mapped[AnnouncementState] = mapped_column(
        enum_type(AnnouncementState, 20), default=AnnouncementState.PUBLISHED, index=True
    )
    published_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    finalised_at: Mapped[Moment | None]
    finalised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    withdrawn_at: Mapped[Moment | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    withdrawal_reason: Mapped[Text | None]

    call = relationship("Call")
    published_by = relationship("User", foreign_keys=[published_by_id])
    finalised_by = relationship("User", foreign_keys=[finalised_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])
    attachments = relationship(
        "StoredFile", secondary=announcement_attachment, order_by="StoredFile.id"
    )
    objections = children(
        "Objection", "announcement", order_by="Objection.submitted_at, Objection.id"
    )

    __table_args__ = (
        sa.CheckConstraint("period_days >= 1", name="period_positive"),
        sa.CheckConstraint("ends_on > starts_on", name="ends_after_start"),
        sa.CheckConstraint(
            "(subject_type IS NULL) = (subject_id IS NULL)", name="subject_complete"
        ),
        sa.Index("ix_announcement_subject", "subject_type", "subject_id"),
    )

    @property
    def objections_open(self):
        """Objections are taken while published, through ends_on (Asia/Shanghai)."""
        return self.state == AnnouncementState.PUBLISHED and timeutil.local_today() <= self.ends_on

    @property
    def period_warnings(self):
        """Why ends_on may still move (a year without a published arrangement); one query."""
        return period_end(self.starts_on, self.period_days).warnings

    @property
    def subject(self):
        """The record this announces (looked up by class name), or None."""
        if self.subject_type is None:
            return None
        for mapper in db.Model.registry.mappers:
            if mapper.class_.__name__ == self.subject_type:
                return db.session.get(mapper.class_, self.subject_id)
        return None


class Objection(db.Model):
    """质疑: an objection lodged by a signed-in person during the period, answered by staff."""

    __tablename__ = "objection"

    id: Mapped[Key]
    announcement_id: Mapped[int] = mapped_column(sa.ForeignKey("announcement.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    text: Mapped[Text]
    submitted_at: Mapped[Timestamp]
    state: Mapped[ObjectionState] = mapped_column(
        enum_type(ObjectionState, 20), default=ObjectionState.PENDING, index=True
    )
    answer: Mapped[Text | None]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    answered_at: Mapped[Moment | None]

    user = relationship("User", foreign_keys=[user_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])
    announcement = relationship("Announcement", back_populates="objections")

    __table_args__ = (
        sa.CheckConstraint(
            "state = 'pending' OR (answer IS NOT NULL AND answered_at IS NOT NULL)",
            name="answered_has_answer",
        ),
    )

    @property
    def is_answered(self):
        return self.state != ObjectionState.PENDING
