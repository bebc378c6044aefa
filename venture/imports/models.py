"""Import batches and what they wrote, past funded projects, account claim codes."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.db import Money, TimestampMixin, UTCDateTime, enum_type
from venture.extensions import db
from venture.imports.enums import BatchState, ImportKind, PastOutcome, RowAction


class ImportBatch(TimestampMixin, db.Model):
    """导入批次: one uploaded file, previewed, then confirmed (written) or left; undone later."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(enum_type(ImportKind, 20), nullable=False)
    state: Mapped[BatchState] = mapped_column(
        enum_type(BatchState, 20), default=BatchState.PREVIEWED, nullable=False, index=True
    )
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=False)
    # None: an operator's command line
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    rows_total: Mapped[int] = mapped_column(default=0, nullable=False)
    added: Mapped[int] = mapped_column(default=0, nullable=False)
    updated: Mapped[int] = mapped_column(default=0, nullable=False)
    unchanged: Mapped[int] = mapped_column(default=0, nullable=False)
    refused: Mapped[int] = mapped_column(default=0, nullable=False)

    file = relationship("StoredFile", lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="joined")
    undone_by = relationship("User", foreign_keys=[undone_by_id])
    records = relationship(
        "ImportRecord",
        back_populates="batch",
        order_by="ImportRecord.id",
        cascade="all, delete-orphan",
    )


class ImportRecord(db.Model):
    """One record a confirmed batch created or changed, with the values before and after."""

    __tablename__ = "import_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        sa.ForeignKey("import_batch.id", ondelete="CASCADE"), nullable=False, index=True
    )
    row_number: Mapped[int] = mapped_column(nullable=False)
    action: Mapped[RowAction] = mapped_column(enum_type(RowAction, 20), nullable=False)
    object_type: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    object_id: Mapped[int] = mapped_column(nullable=False)
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)

    batch = relationship("ImportBatch", back_populates="records")

    __table_args__ = (
        sa.Index("ix_import_record_object", "object_type", "object_id"),
        sa.CheckConstraint("action IN ('add', 'update')", name="written_action"),
    )


class PastProject(TimestampMixin, db.Model):
    """往年资助项目: a project an organization delivered before the platform, kept as history."""

    __tablename__ = "past_project"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id"), nullable=False, index=True
    )
    year: Mapped[int] = mapped_column(nullable=False)
    call_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    outcome: Mapped[PastOutcome] = mapped_column(
        enum_type(PastOutcome, 20), default=PastOutcome.UNKNOWN, nullable=False
    )
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_category.id"))
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("community.id"))

    organization = relationship("Organization")
    category = relationship("ServiceCategory", lazy="joined")
    community = relationship("Community", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint(
            "organization_id", "year", "title", name="uq_past_project_organization_id_year_title"
        ),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint("year BETWEEN 1990 AND 2100", name="year_range"),
    )


class ClaimCode(db.Model):
    """认领验证码: a one-time code sent to an imported organization's registered contact."""

    __tablename__ = "claim_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id"), nullable=False, index=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    sent_to: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(default=0, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization = relationship("Organization")
