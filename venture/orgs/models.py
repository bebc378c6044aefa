"""Social organizations (社会组织) and their invitations."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.db import TimestampMixin, UTCDateTime, enum_type
from venture.extensions import db
from venture.orgs.enums import OrgStatus, OrgType


class Organization(TimestampMixin, db.Model):
    """社会组织"""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True, nullable=False)
    org_type: Mapped[OrgType] = mapped_column(
        enum_type(OrgType),
        nullable=False,
    )
    legal_representative: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    address: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("street.id"), index=True)
    contact_name: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    contact_phone: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    contact_email: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    bank_name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    bank_account_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    bank_account: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    certificate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    status: Mapped[OrgStatus] = mapped_column(
        enum_type(OrgStatus, 20),
        default=OrgStatus.PENDING,
        nullable=False,
        index=True,
    )
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    street = relationship("Street", lazy="joined")
    certificate = relationship("StoredFile")
    members = relationship(
        "User", primaryjoin="User.organization_id == Organization.id", viewonly=True
    )

    @property
    def is_verified(self):
        return self.status == OrgStatus.VERIFIED


class Invitation(TimestampMixin, db.Model):
    """成员邀请: a one-time token an organization member sends to a new colleague."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id"), nullable=False, index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    invited_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization = relationship("Organization", lazy="joined")
