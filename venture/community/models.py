"""Community needs (需求清单) and what ties them to calls and applications; the residents'
committee's checks of reported activities; residents' satisfaction answers."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.community.enums import NeedStatus, SurveyQuestion, Urgency, Verdict
from venture.core.columns import BlankText, FileId, Key, Text, Timestamp, UserId
from venture.core.db import TimestampMixin, enum_type
from venture.core.mixins import children, link_table, parent_key
from venture.extensions import db

# the needs a call answers (Call.needs writes it)
call_need = link_table(
    "call_need", ("call_id", "call.id"), ("need_id", "need.id"), other_ondelete="CASCADE"
)
# the needs an application says it answers, from its call's needs (Application.needs writes it)
application_need = link_table(
    "application_need",
    ("application_id", "application.id"),
    ("need_id", "need.id"),
    other_ondelete="CASCADE",
)


class Need(TimestampMixin, db.Model):
    """社区需求: what the residents of one community need, published by its residents' committee."""

    __tablename__ = "need"

    id: Mapped[Key]
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("service_category.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    target_group: Mapped[str] = mapped_column(sa.String(200))
    # estimated number of residents who need the service
    residents: Mapped[int]
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    urgency: Mapped[Urgency] = mapped_column(enum_type(Urgency, 20), index=True)
    description: Mapped[Text]
    status: Mapped[NeedStatus] = mapped_column(
        enum_type(NeedStatus, 20), default=NeedStatus.OPEN, index=True
    )
    # why it was closed or merged
    status_reason: Mapped[Text | None]
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("need.id"), index=True)
    created_by_id: Mapped[UserId]

    community = relationship("Community", lazy="joined")
    category = relationship("ServiceCategory", lazy="joined")
    merged_into = relationship("Need", remote_side="Need.id")
    created_by = relationship("User")
    photos = children("NeedPhoto", "need", order_by="NeedPhoto.id")
    calls = relationship("Call", secondary=call_need, viewonly=True, order_by="Call.id")
    applications = relationship(
        "Application", secondary=application_need, viewonly=True, order_by="Application.id"
    )

    __table_args__ = (
        sa.CheckConstraint("residents > 0", name="residents_positive"),
        sa.CheckConstraint(
            "status != 'merged' OR merged_into_id IS NOT NULL", name="merged_has_target"
        ),
        sa.CheckConstraint("merged_into_id IS NULL OR merged_into_id != id", name="not_self"),
    )

    @property
    def is_live(self):
        return self.status in (NeedStatus.OPEN, NeedStatus.ADDRESSED)

    @property
    def street(self):
        return self.community.street


MAX_PHOTOS = 6


class NeedPhoto(db.Model):
    """需求照片: an optional picture of the place or the problem."""

    __tablename__ = "need_photo"

    id: Mapped[Key]
    need_id: Mapped[int] = parent_key("need")
    file_id: Mapped[FileId]

    need = relationship("Need", back_populates="photos")
    file = relationship("StoredFile", lazy="joined")


class ActivityCheck(db.Model):
    """活动核实: the residents' committee confirms or disputes one reported activity.

    One row per activity (the committee's current verdict); a changed verdict is in the audit log.
    A progress report whose activities are rewritten (returned and edited) loses its checks with
    its old activity rows: the new rows are checked again.
    """

    __tablename__ = "activity_check"

    id: Mapped[Key]
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[UserId]
    verdict: Mapped[Verdict] = mapped_column(enum_type(Verdict, 20), index=True)
    comment: Mapped[BlankText]
    at: Mapped[Timestamp]

    activity = relationship("Activity", lazy="joined")
    user = relationship("User", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("verdict != 'disputed' OR comment != ''", name="dispute_has_comment"),
    )


class SurveyResponse(db.Model):
    """满意度答卷: one resident's anonymous answers about one project.

    No personal data: the device is known only by the hash of a random token kept in a signed
    cookie (one answer per device and project), the address only by a keyed hash (rate limits).
    """

    __tablename__ = "survey_response"

    id: Mapped[Key]
    project_id: Mapped[int] = parent_key("project")
    device_hash: Mapped[str] = mapped_column(sa.String(64))
    ip_hash: Mapped[str] = mapped_column(sa.String(64))
    comment: Mapped[BlankText]
    created_at: Mapped[Timestamp] = mapped_column(index=True)

    answers = children("SurveyAnswer", "response", lazy="selectin")

    __table_args__ = (
        sa.UniqueConstraint(
            "project_id", "device_hash", name="uq_survey_response_project_id_device_hash"
        ),
        sa.Index("ix_survey_response_project_ip_at", "project_id", "ip_hash", "created_at"),
    )


class SurveyAnswer(db.Model):
    """One question's score (1 to 5) in one response."""

    __tablename__ = "survey_answer"

    id: Mapped[Key]
    response_id: Mapped[int] = parent_key("survey_response")
    question: Mapped[SurveyQuestion] = mapped_column(enum_type(SurveyQuestion, 20))
    score: Mapped[int]

    response = relationship("SurveyResponse", back_populates="answers")

    __table_args__ = (
        sa.CheckConstraint("score >= 1 AND score <= 5", name="score_range"),
        sa.UniqueConstraint(
            "response_id", "question", name="uq_survey_answer_response_id_question"
        ),
    )
