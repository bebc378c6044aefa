"""Social organizations (社会组织) and their invitations."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.columns import FileId, Key, Moment, Text, UserId
from venture.core.db import TimestampMixin, enum_type
from venture.extensions import db
from venture.orgs.enums import BankChangeState, OrgStatus, OrgType


class Organization(TimestampMixin, db.Model):
    """社会组织"""

    __tablename__ = "organization"

    id: Mapped[Key]
    name: Mapped[str] = mapped_column(sa.String(200))
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True)
    org_type: Mapped[OrgType] = mapped_column(enum_type(OrgType))
    legal_representative: Mapped[str] = mapped_column(sa.String(60))
    address: Mapped[str] = mapped_column(sa.String(300))
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("street.id"), index=True)
    contact_name: Mapped[str] = mapped_column(sa.String(60))
    contact_phone: Mapped[str] = mapped_column(sa.String(40))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    bank_name: Mapped[str] = mapped_column(sa.String(120))
    bank_account_name: Mapped[str] = mapped_column(sa.String(200))
    bank_account: Mapped[str] = mapped_column(sa.String(40))
    certificate_id: Mapped[FileId | None]
    status: Mapped[OrgStatus] = mapped_column(
        enum_type(OrgStatus, 20), default=OrgStatus.PENDING, index=True
    )
    status_reason: Mapped[Text | None]
    verified_at: Mapped[Moment | None]
    # since when bank_name / bank_account_name / bank_account were checked by staff; None:
    # no verified account, so no payment can be recorded (a change waits in BankDetailsChange)
    bank_verified_at: Mapped[Moment | None]

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

    id: Mapped[Key]
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[UserId]
    expires_at: Mapped[Moment]
    accepted_at: Mapped[Moment | None]

    organization = relationship("Organization", lazy="joined")


class BankDetailsChange(TimestampMixin, db.Model):
    """银行账户变更: new bank details an organization asked for, with the proof (a bank letter
    or account licence); they take effect only when staff confirm them against the proof.
    Until then payments go to the verified account still on the organization."""

    __tablename__ = "bank_details_change"

    id: Mapped[Key]
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    bank_name: Mapped[str] = mapped_column(sa.String(120))
    bank_account_name: Mapped[str] = mapped_column(sa.String(200))
    bank_account: Mapped[str] = mapped_column(sa.String(40))
    proof_id: Mapped[FileId]
    state: Mapped[BankChangeState] = mapped_column(
        enum_type(BankChangeState, 20), default=BankChangeState.PENDING
    )
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    decided_by_id: Mapped[UserId | None]
    decided_at: Mapped[Moment | None]
    reason: Mapped[Text | None]

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
