"""Reference data: streets and towns, their communities, service categories."""

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.extensions import db


class Street(db.Model):
    """街道 / 镇"""

    __tablename__ = "street"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(10), default="street", nullable=False)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)

    communities = relationship(
        "Community", back_populates="street", order_by="Community.name", lazy="selectin"
    )

    __table_args__ = (sa.CheckConstraint("kind IN ('street', 'town')", name="kind"),)


class Community(db.Model):
    """社区"""

    __tablename__ = "community"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("street.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)

    street = relationship("Street", back_populates="communities", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("street_id", "name", name="uq_community_street_id_name"),)

    @property
    def full_name(self):
        return f"{self.street.name} {self.name}"


class ServiceCategory(db.Model):
    """服务类别"""

    __tablename__ = "service_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True, nullable=False)
    name_zh: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    name_en: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)

    @property
    def name(self):
        locale = get_locale()
        return self.name_en if locale and locale.language == "en" else self.name_zh
