"""Reference data: streets and towns, their communities, service categories."""

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.columns import Key
from venture.extensions import db


class Street(db.Model):
    """街道 / 镇"""

    __tablename__ = "street"

    id: Mapped[Key]
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10), default="street")
    active: Mapped[bool] = mapped_column(default=True)

    communities = relationship(
        "Community", back_populates="street", order_by="Community.name", lazy="selectin"
    )

    __table_args__ = (sa.CheckConstraint("kind IN ('street', 'town')", name="kind"),)


class Community(db.Model):
    """社区"""

    __tablename__ = "community"

    id: Mapped[Key]
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("street.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    active: Mapped[bool] = mapped_column(default=True)

    street = relationship("Street", back_populates="communities", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("street_id", "name", name="uq_community_street_id_name"),)

    @property
    def full_name(self):
        return f"{self.street.name} {self.name}"


class ServiceCategory(db.Model):
    """服务类别"""

    __tablename__ = "service_category"

    id: Mapped[Key]
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(40))
    name_en: Mapped[str] = mapped_column(sa.String(60))
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def name(self):
        locale = get_locale()
        return self.name_en if locale and locale.language == "en" else self.name_zh
