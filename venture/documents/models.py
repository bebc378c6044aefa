"""Issued documents (签发文件) and their stored versions, found by verification code (验真码)."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.db import Money, UTCDateTime, enum_type, utcnow
from venture.documents.enums import DocumentKind
from venture.extensions import db


class IssuedDocument(db.Model):
    """签发文件: a PDF the platform issued, with the short code printed on it beside a QR code.

    What the public verification page shows is copied here at issue (title, parties, amount,
    date): nothing beyond what the document itself says.
    """

    __tablename__ = "issued_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True, nullable=False)
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind), nullable=False)
    # the record the document is about, e.g. ("Contract", 7)
    subject_type: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    subject_id: Mapped[int] = mapped_column(nullable=False)
    reference: Mapped[str] = mapped_column(sa.String(60), default="", nullable=False)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    parties: Mapped[list] = mapped_column(sa.JSON, nullable=False)
    amount: Mapped[Decimal | None] = mapped_column(Money())
    dated: Mapped[date] = mapped_column(nullable=False)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # replaced by a corrected version (a recalled contract) or ended (a terminated contract)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    terminated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    versions = relationship(
        "DocumentVersion",
        back_populates="document",
        order_by="DocumentVersion.id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.Index("ix_issued_document_subject", "subject_type", "subject_id"),
        sa.CheckConstraint("length(code) >= 8", name="code_long_enough"),
    )

    @property
    def current(self):
        return self.versions[-1] if self.versions else None


class DocumentVersion(db.Model):
    """One state of an issued document as the platform stored it (issued, then signed by
    Party B); an uploaded PDF matches a version by its SHA-256."""

    __tablename__ = "document_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("issued_document.id"), nullable=False, index=True
    )
    label: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=False)
    # [{"role": "party_a", "organization": …, "signer": …, "at": iso}] as signed
    signatures: Mapped[list] = mapped_column(sa.JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    document = relationship("IssuedDocument", back_populates="versions")
    file = relationship("StoredFile")
