"""Roadshow sessions and their running order (路演评审)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.columns import Key, Moment, UserId
from venture.core.db import TimestampMixin, enum_type
from venture.core.mixins import children, parent_key
from venture.extensions import db
from venture.roadshow.enums import ItemState, RoadshowState


class Roadshow(TimestampMixin, db.Model):
    """路演评审会: one live session of a call's panel, in a hall, on a day."""

    __tablename__ = "roadshow"

    id: Mapped[Key]
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("call.id"), index=True)
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("panel.id"), index=True)
    scheduled_at: Mapped[Moment] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(sa.String(200))
    minutes_per_item: Mapped[int]
    state: Mapped[RoadshowState] = mapped_column(
        enum_type(RoadshowState, 12), default=RoadshowState.SCHEDULED, index=True
    )
    # the item on stage or, between items, the one just closed (its aggregate is shown)
    current_position: Mapped[int | None]
    # bumped to revoke every display link handed out so far
    display_version: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[Moment | None]
    finished_at: Mapped[Moment | None]
    created_by_id: Mapped[UserId]

    call = relationship("Call", lazy="joined")
    panel = relationship("Panel", lazy="joined")
    created_by = relationship("User")
    items = children("RoadshowItem", "roadshow", order_by="RoadshowItem.position", lazy="selectin")

    __table_args__ = (
        sa.CheckConstraint(
            "minutes_per_item >= 1 AND minutes_per_item <= 120", name="minutes_in_range"
        ),
    )

    @property
    def current_item(self):
        for item in self.items:
            if item.position == self.current_position:
                return item
        return None

    @property
    def next_item(self):
        """The first item still waiting, in running order."""
        return next((i for i in self.items if i.state == ItemState.WAITING), None)

    @property
    def is_live(self):
        return self.state == RoadshowState.RUNNING


class RoadshowItem(db.Model):
    """路演项目: one application's turn in the running order, with its presentation timer."""

    __tablename__ = "roadshow_item"

    id: Mapped[Key]
    roadshow_id: Mapped[int] = parent_key("roadshow")
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id"), index=True)
    position: Mapped[int]
    state: Mapped[ItemState] = mapped_column(enum_type(ItemState, 12), default=ItemState.WAITING)
    # the timer: seconds run before the last pause, and since when it runs (None: stopped)
    timer_elapsed: Mapped[int] = mapped_column(default=0)
    timer_started_at: Mapped[Moment | None]
    opened_at: Mapped[Moment | None]
    closed_at: Mapped[Moment | None]

    roadshow = relationship("Roadshow", back_populates="items")
    application = relationship("Application", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint(
            "roadshow_id", "position", name="uq_roadshow_item_roadshow_id_position"
        ),
        sa.UniqueConstraint(
            "roadshow_id", "application_id", name="uq_roadshow_item_roadshow_id_application_id"
        ),
        sa.CheckConstraint("timer_elapsed >= 0", name="elapsed_not_negative"),
    )

    def elapsed(self, at):
        """Seconds the timer has run by the moment at."""
        running = (at - self.timer_started_at).total_seconds() if self.timer_started_at else 0
        return self.timer_elapsed + max(0, int(running))

    def remaining(self, at):
        """Seconds left of the presentation (negative: overtime)."""
        return self.roadshow.minutes_per_item * 60 - self.elapsed(at)

    @property
    def timer_running(self):
        return self.timer_started_at is not None
