"""Issued documents: register one with a verification code, store its versions, supersede it."""

import secrets

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for

from venture.core import audit
from venture.core.files import store_bytes
from venture.core.timeutil import local_today, now
from venture.documents.models import DocumentVersion, IssuedDocument
from venture.extensions import db

# no 0/O, 1/I/L: a code read aloud or typed from paper is not mistaken
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31^10 ≈ 8×10^14: not guessable by walking the space


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text):
    """What a person typed (lower case, dashes, spaces) → the stored code, or None."""
    code = "".join(ch for ch in (text or "").upper() if ch not in " -")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def display_code(code):
    """XXXX-XXXX-XX as printed on the document."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def verify_url(code):
    """The public verification address printed in the QR code.

    VERIFY_BASE_URL fixes it for documents rendered outside a request (workers, CLI) and
    behind proxies; otherwise the address the request came to.
    """
    base = current_app.config.get("VERIFY_BASE_URL")
    if base:
        return f"{base.rstrip('/')}/verify/{code}"
    if has_request_context():
        return url_for("documents.show", code=code, _external=True)
    return f"http://localhost:5000/verify/{code}"


def verification_mark(issued):
    """What a PDF template prints: the code and the address (drawn as a QR code)."""
    return {"code": display_code(issued.code), "url": verify_url(issued.code)}


def register_document(
    kind, subject, *, reference, title, parties, amount=None, dated=None, actor=None
):
    """A new issued document with a fresh code; its file comes with record_version()."""
    issued = IssuedDocument(
        code=new_code(),
        kind=kind,
        subject_type=type(subject).__name__,
        subject_id=subject.id,
        reference=reference,
        title=title[:300],
        parties=list(parties),
        amount=amount,
        dated=dated or local_today(),
        issued_at=now(),
        issued_by_id=getattr(actor, "id", None),
    )
    db.session.add(issued)
    db.session.flush()
    return issued


def record_version(issued, pdf, *, label, signatures, name, actor=None):
    """Store the PDF as the document's newest version; returns the DocumentVersion."""
    stored = store_bytes(pdf, name=name, content_type="application/pdf", actor=actor)
    version = DocumentVersion(
        document=issued, label=label, sha256=stored.sha256, file=stored, signatures=signatures
    )
    db.session.add(version)
    db.session.flush()
    audit.record(
        "document.version",
        issued,
        actor=actor,
        after={"code": issued.code, "label": label, "sha256": stored.sha256},
    )
    return version


def issue_pdf(kind, subject, render, *, reference, title, parties, name, amount=None, actor=None):
    """Register a document, render it with its verification mark (render(mark) → PDF bytes),
    certify it with the office's signature and store it. Returns the DocumentVersion."""
    from venture.documents import pki, signing

    issued = register_document(
        kind,
        subject,
        reference=reference,
        title=title,
        parties=parties,
        amount=amount,
        actor=actor,
    )
    pdf = signing.certify_document(render(verification_mark(issued)))
    office = pki.office_signer().signing_cert.subject.native
    signatures = [
        {
            "role": "platform",
            "organization": office.get("organization_name", ""),
            "signer": office.get("common_name", ""),
            "at": now().isoformat(),
        }
    ]
    return record_version(
        issued, pdf, label="issued", signatures=signatures, name=name, actor=actor
    )


def documents_of(subject):
    return db.session.scalars(
        sa.select(IssuedDocument)
        .where(
            IssuedDocument.subject_type == type(subject).__name__,
            IssuedDocument.subject_id == subject.id,
        )
        .order_by(IssuedDocument.id)
    ).all()


def current_document(subject):
    """The subject's issued document not superseded, or None."""
    live = [d for d in documents_of(subject) if d.superseded_at is None]
    return live[-1] if live else None


def supersede_documents(subject, *, actor, reason):
    """The subject's documents are replaced (a recalled contract is corrected and reissued)."""
    _end_documents(subject, "superseded_at", "document.supersede", actor=actor, reason=reason)


def terminate_documents(subject, *, actor, reason):
    """The subject ended early (a terminated contract): its verification page says so."""
    _end_documents(subject, "terminated_at", "document.terminate", actor=actor, reason=reason)


def _end_documents(subject, moment, action, *, actor, reason):
    """Stamp moment (superseded_at or terminated_at) on the subject's live documents."""
    for issued in documents_of(subject):
        if issued.superseded_at is None and getattr(issued, moment) is None:
            setattr(issued, moment, now())
            audit.record(action, issued, actor=actor, after={"code": issued.code}, reason=reason)
