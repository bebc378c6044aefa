"""Issued documents (签发文件) and their stored versions, found by verification code (验真码)."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.columns import Amount, FileId, Key, Moment, Timestamp, UserId
from venture.core.db import enum_type
from venture.core.mixins import children
from venture.documents.enums import DocumentKind
from venture.extensions import db


class IssuedDocument(db.Model):
    """签发文件: a PDF the platform issued, with the short code printed on it beside a QR code.

    What the public verification page shows is copied here at issue (title, parties, amount,
    date): nothing beyond what the document itself says.
    """

    __tablename__ = "issued_document"

    id: Mapped[Key]
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind))
    # the record the document is about, e.g. ("Contract", 7)
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int]
    reference: Mapped[str] = mapped_column(sa.String(60), default="")
    title: Mapped[str] = mapped_column(sa.String(300))
    parties: Mapped[list] = mapped_column(sa.JSON)
    amount: Mapped[Amount | None]
    dated: Mapped[date]
    issued_at: Mapped[Timestamp]
    issued_by_id: Mapped[UserId | None]
    # replaced by a corrected version (a recalled contract) or ended (a terminated contract)
    superseded_at: Mapped[Moment | None]
    terminated_at: Mapped[Moment | None]

    versions = children("DocumentVersion", "document", order_by="DocumentVersion.id")

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

    id: Mapped[Key]
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("issued_document.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(20))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    file_id: Mapped[FileId]
    # [{"role": "party_a", "organization": …, "signer": …, "at": iso}] as signed
    signatures: Mapped[list] = mapped_column(sa.JSON)
    created_at: Mapped[Timestamp]

    document = relationship("IssuedDocument", back_populates="versions")
    file = relationship("StoredFile")
