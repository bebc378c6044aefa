"""Community needs (需求清单) and what ties them to calls and applications; the residents'
committee's checks of reported activities; the service prices of an application; residents'
satisfaction answers."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.community.enums import NeedStatus, Pricing, SurveyQuestion, Urgency, Verdict
from venture.core.db import Money, TimestampMixin, UTCDateTime, enum_type, utcnow
from venture.extensions import db

# the needs a call answers (Call.needs writes it)
call_need = sa.Table(
    "call_need",
    db.metadata,
    sa.Column("call_id", sa.ForeignKey("call.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("need_id", sa.ForeignKey("need.id", ondelete="CASCADE"), primary_key=True),
)
# the needs an application says it answers, from its call's needs (Application.needs writes it)
application_need = sa.Table(
    "application_need",
    db.metadata,
    sa.Column(
        "application_id", sa.ForeignKey("application.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("need_id", sa.ForeignKey("need.id", ondelete="CASCADE"), primary_key=True),
)


class Need(TimestampMixin, db.Model):
    """社区需求: what the residents of one community need, published by its residents' committee."""

    __tablename__ = "need"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        sa.ForeignKey("community.id"), nullable=False, index=True
    )
    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service_category.id"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    target_group: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # estimated number of residents who need the service
    residents: Mapped[int] = mapped_column(nullable=False)
    place: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    urgency: Mapped[Urgency] = mapped_column(enum_type(Urgency, 20), nullable=False, index=True)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    status: Mapped[NeedStatus] = mapped_column(
        enum_type(NeedStatus, 20), default=NeedStatus.OPEN, nullable=False, index=True
    )
    # why it was closed or merged
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("need.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), nullable=False)

    community = relationship("Community", lazy="joined")
    category = relationship("ServiceCategory", lazy="joined")
    merged_into = relationship("Need", remote_side=[id])
    created_by = relationship("User")
    photos = relationship(
        "NeedPhoto", cascade="all, delete-orphan", order_by="NeedPhoto.id", back_populates="need"
    )
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
    def street(self):
        return self.community.street

    @property
    def is_live(self):
        return self.status in (NeedStatus.OPEN, NeedStatus.ADDRESSED)


MAX_PHOTOS = 6


class NeedPhoto(db.Model):
    """需求照片: an optional picture of the place or the problem."""

    __tablename__ = "need_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(
        sa.ForeignKey("need.id", ondelete="CASCADE"), nullable=False, index=True
    )
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=False)

    need = relationship("Need", back_populates="photos")
    file = relationship("StoredFile", lazy="joined")


class ActivityCheck(db.Model):
    """活动核实: the residents' committee confirms or disputes one reported activity.

    One row per activity (the committee's current verdict); a changed verdict is in the audit log.
    A progress report whose activities are rewritten (returned and edited) loses its checks with
    its old activity rows: the new rows are checked again.
    """

    __tablename__ = "activity_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), nullable=False)
    verdict: Mapped[Verdict] = mapped_column(enum_type(Verdict, 20), nullable=False, index=True)
    comment: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    activity = relationship("Activity", lazy="joined")
    user = relationship("User", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("verdict != 'disputed' OR comment != ''", name="dispute_has_comment"),
    )


class ServicePrice(db.Model):
    """服务收费: a service of an application and what residents pay for it (无偿/低偿/有偿).

    A draft keeps what was typed, so pricing and price may be missing; the rules that need a
    complete row are checked at submission (community/pricing.py).
    """

    __tablename__ = "service_price"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False)
    service: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    pricing: Mapped[Pricing | None] = mapped_column(enum_type(Pricing, 20))
    price: Mapped[Decimal | None] = mapped_column(Money())
    unit: Mapped[str] = mapped_column(sa.String(40), default="", nullable=False)

    __table_args__ = (sa.CheckConstraint("price >= 0", name="price_not_negative"),)


class SurveyResponse(db.Model):
    """满意度答卷: one resident's anonymous answers about one project.

    No personal data: the device is known only by the hash of a random token kept in a signed
    cookie (one answer per device and project), the address only by a keyed hash (rate limits).
    """

    __tablename__ = "survey_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    device_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    ip_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    comment: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False, index=True
    )

    answers = relationship(
        "SurveyAnswer", cascade="all, delete-orphan", back_populates="response", lazy="selectin"
    )

    __table_args__ = (
        sa.UniqueConstraint(
            "project_id", "device_hash", name="uq_survey_response_project_id_device_hash"
        ),
        sa.Index("ix_survey_response_project_ip_at", "project_id", "ip_hash", "created_at"),
    )


class SurveyAnswer(db.Model):
    """One question's score (1 to 5) in one response."""

    __tablename__ = "survey_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_response.id", ondelete="CASCADE"), nullable=False, index=True
    )
    question: Mapped[SurveyQuestion] = mapped_column(enum_type(SurveyQuestion, 20), nullable=False)
    score: Mapped[int] = mapped_column(nullable=False)

    response = relationship("SurveyResponse", back_populates="answers")

    __table_args__ = (
        sa.UniqueConstraint(
            "response_id", "question", name="uq_survey_answer_response_id_question"
        ),
        sa.CheckConstraint("score >= 1 AND score <= 5", name="score_range"),
    )
