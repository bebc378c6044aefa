"""Social organizations (社会组织) and their invitations."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.db import TimestampMixin, UTCDateTime, enum_type
from venture.extensions import db
from venture.orgs.enums import BankChangeState, OrgStatus, OrgType


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
    # since when bank_name / bank_account_name / bank_account were checked by staff; None:
    # no verified account, so no payment can be recorded (a change waits in BankDetailsChange)
    bank_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    street = relationship("Street", lazy="joined")
    certificate = relationship("StoredFile")
    members = relationship(
        "User", primaryjoin="User.organization_id == Organization.id", viewonly=True
    )

    @property
    def is_verified(self):
        return self.status == OrgStatus.VERIFIED

    @property
    def has_verified_bank_account(self):
        return self.bank_verified_at is not None


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


class BankDetailsChange(TimestampMixin, db.Model):
    """银行账户变更: new bank details an organization asked for, with the proof (a bank letter
    or account licence); they take effect only when staff confirm them against the proof.
    Until then payments go to the verified account still on the organization."""

    __tablename__ = "bank_details_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id"), nullable=False, index=True
    )
    bank_name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    bank_account_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    bank_account: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    proof_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=False)
    state: Mapped[BankChangeState] = mapped_column(
        enum_type(BankChangeState, 20), default=BankChangeState.PENDING, nullable=False
    )
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(sa.Text)

    organization = relationship("Organization")
    proof = relationship("StoredFile", lazy="joined")
    requested_by = relationship("User", foreign_keys=[requested_by_id])

    __table_args__ = (
        # one change waits at a time; a new request replaces the pending one
        sa.Index(
            "uq_bank_details_change_one_pending",
            "organization_id",
            unique=True,
            sqlite_where=sa.text("state = 'pending'"),
            postgresql_where=sa.text("state = 'pending'"),
        ),
    )
