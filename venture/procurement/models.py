"""Awards (立项 / 中标 / 定向委托): the one record every procurement route ends in."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.calls.enums import Route
from venture.core.db import Money, TimestampMixin, UTCDateTime, enum_type
from venture.extensions import db
from venture.procurement.enums import AwardState


class Award(TimestampMixin, db.Model):
    """授予: an amount for one organization in one call, whatever the route.

    Venture grants and targeted purchases award an application; a tender awards a bid (its
    service plan is the bid's technical proposal). Contracts are drafted from final awards.
    """

    __tablename__ = "award"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("call.id"), nullable=False, index=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id"), nullable=False, index=True
    )
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("application.id"), unique=True)
    route: Mapped[Route] = mapped_column(enum_type(Route), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    state: Mapped[AwardState] = mapped_column(
        enum_type(AwardState, 20), default=AwardState.PROPOSED, nullable=False, index=True
    )
    rank: Mapped[int | None] = mapped_column()
    justification: Mapped[str | None] = mapped_column(sa.Text)
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), nullable=False)

    call = relationship("Call", lazy="joined")
    organization = relationship("Organization", lazy="joined")
    application = relationship("Application")

    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)
