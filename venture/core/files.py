"""Uploaded files: checked by content, stored outside static/ under generated names."""

import hashlib
import uuid
from datetime import datetime
from pathlib import Path

import filetype
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from venture.core.db import UTCDateTime, utcnow
from venture.extensions import db

# what people may upload, by detected content type
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png"}
PDF_OR_IMAGE = {k: v for k, v in DOCUMENT_TYPES.items() if v in ("pdf", "jpg", "png")}


class UploadRefused(ValueError):
    """An upload that is not accepted; str() is a message for a person."""


class StoredFile(db.Model):
    """上传文件"""

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    original_name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    size: Mapped[int] = mapped_column(nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    # a plain id, not a foreign key: files are leaves that users and organizations point at
    uploaded_by_id: Mapped[int | None] = mapped_column()
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    @property
    def path(self):
        return Path(current_app.config["UPLOAD_FOLDER"]) / self.stored_name[:2] / self.stored_name


def _clean_name(name):
    name = Path((name or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return name[:200] or "file"


_MARKUP = (b"<html", b"<script", b"<!doctype", b"<body", b"<svg", b"<iframe", b"javascript:")


def looks_like_pdf(data):
    """A PDF's structure, not only its first bytes: objects, an end-of-file marker near the
    end, and no web page markup (a file that starts with %PDF and goes on as HTML is
    refused, so no browser or viewer ever treats it as a page)."""
    lowered = data.lower()
    return (
        data.startswith(b"%PDF-")
        and b" obj" in data
        and b"%%EOF" in data[-2048:]
        and not any(marker in lowered for marker in _MARKUP)
    )


def read_upload(storage, refused, too_large):
    """The uploaded bytes; raise refused(message) when the file is empty or larger than
    UPLOAD_MAX_BYTES, too_large(mb) saying the latter."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = storage.read(limit + 1)
    if not data:
        raise refused(_("The file is empty. Please choose the file again."))
    if len(data) > limit:
        raise refused(too_large(limit // (1024 * 1024)))
    return data


def _too_large(mb):
    return _(
        "The file is larger than %(mb)s MB. Please compress it or split it into "
        "smaller files, then upload again.",
        mb=mb,
    )


def store_upload(storage, *, allowed=DOCUMENT_TYPES, actor=None):
    """Check and keep an uploaded file; raise UploadRefused with a message when refused."""
    data = read_upload(storage, UploadRefused, _too_large)
    kind = filetype.guess(data)
    if kind is not None and kind.mime == "application/pdf" and not looks_like_pdf(data):
        kind = None  # "%PDF" followed by a web page is not a PDF
    if kind is None or kind.mime not in allowed:
        raise UploadRefused(
            _(
                "This file cannot be accepted: its content is not one of the allowed types "
                "(%(types)s). Save it in one of them, for example as PDF, and upload again.",
                types=", ".join(sorted(set(allowed.values()))),
            )
        )
    return _keep(data, storage.filename, f".{allowed[kind.mime]}", kind.mime, actor)


def store_required_upload(storage, refusal, field, missing, *, allowed=DOCUMENT_TYPES, actor=None):
    """store_upload of a file the form requires: none chosen (message missing) or a refused one
    raises refusal(message, field)."""
    if storage is None or not getattr(storage, "filename", None):
        raise refusal(missing, field)
    try:
        return store_upload(storage, allowed=allowed, actor=actor)
    except UploadRefused as refused:
        raise refusal(str(refused), field) from refused


def store_labelled_upload(label, storage, refusal, *, actor=None):
    """(label, stored file) of an upload a person named: the label trimmed to 200 characters; no
    label or a refused file raises refusal(message)."""
    label = (label or "").strip()[:200]
    if not label:
        raise refusal(_("Say what the file is."))
    try:
        return label, store_upload(storage, allowed=DOCUMENT_TYPES, actor=actor)
    except UploadRefused as refused:
        raise refusal(str(refused)) from refused


def add_attachment(owner, attachment, *, replaces):
    """Append attachment to owner.attachments; when replaces, the earlier file under its label
    (owner.attachment_for) goes."""
    if replaces:
        earlier = owner.attachment_for(attachment.label)
        if earlier is not None:
            owner.attachments.remove(earlier)
    owner.attachments.append(attachment)


def store_bytes(data, *, name, content_type, actor=None):
    """Keep bytes the platform made itself (rendered PDFs, exports)."""
    return _keep(data, name, Path(name).suffix or ".bin", content_type, actor)


def _keep(data, name, suffix, content_type, actor):
    """Write data under a random name with suffix, and record it as a StoredFile."""
    stored = StoredFile(
        original_name=_clean_name(name),
        stored_name=f"{uuid.uuid4().hex}{suffix}",
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=getattr(actor, "id", None),
    )
    stored.path.parent.mkdir(parents=True, exist_ok=True)
    stored.path.write_bytes(data)
    db.session.add(stored)
    return stored


def send_stored(stored, *, inline=False):
    """A download response for a stored file (the caller has checked access)."""
    from venture.core.downloads import send_download

    return send_download(
        stored.path, filename=stored.original_name, mimetype=stored.content_type, inline=inline
    )
