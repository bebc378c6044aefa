"""Import batches and what they wrote, past funded projects, account claim codes."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.columns import Amount, FileId, Key, Moment
from venture.core.db import TimestampMixin, enum_type
from venture.core.mixins import children, parent_key
from venture.extensions import db
from venture.imports.enums import BatchState, ImportKind, PastOutcome, RowAction


class ImportBatch(TimestampMixin, db.Model):
    """导入批次: one uploaded file, previewed, then confirmed (written) or left; undone later."""

    __tablename__ = "import_batch"

    id: Mapped[Key]
    kind: Mapped[ImportKind] = mapped_column(enum_type(ImportKind, 20))
    state: Mapped[BatchState] = mapped_column(
        enum_type(BatchState, 20), default=BatchState.PREVIEWED, index=True
    )
    file_id: Mapped[FileId]
    # None: an operator's command line
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    confirmed_at: Mapped[Moment | None]
    undone_at: Mapped[Moment | None]
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    rows_total: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    refused: Mapped[int] = mapped_column(default=0)

    file = relationship("StoredFile", lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="joined")
    undone_by = relationship("User", foreign_keys=[undone_by_id])
    records = children("ImportRecord", "batch", order_by="ImportRecord.id")


class ImportRecord(db.Model):
    """One record a confirmed batch created or changed, with the values before and after."""

    __tablename__ = "import_record"

    id: Mapped[Key]
    batch_id: Mapped[int] = parent_key("import_batch")
    row_number: Mapped[int]
    action: Mapped[RowAction] = mapped_column(enum_type(RowAction, 20))
    object_type: Mapped[str] = mapped_column(sa.String(60))
    object_id: Mapped[int]
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

    id: Mapped[Key]
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    year: Mapped[int]
    call_name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(200))
    amount: Mapped[Amount]
    outcome: Mapped[PastOutcome] = mapped_column(
        enum_type(PastOutcome, 20), default=PastOutcome.UNKNOWN
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

    id: Mapped[Key]
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    sent_to: Mapped[str] = mapped_column(sa.String(254))
    sent_at: Mapped[Moment]
    expires_at: Mapped[Moment]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[Moment | None]

    organization = relationship("Organization")
