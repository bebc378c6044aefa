"""Checking a PDF: its signatures (pyHanko) and whether it is a document the platform issued.

One function, verify_pdf(), answers the upload page, the CLI and the tests, so they never
disagree. It reports only what the file itself carries (signers' names from their
certificates, times) plus, when the file is byte for byte a version the platform stored (or a
signed revision inside it is), that document's verification code: the code is printed on the
document anyway, so nothing leaks that the holder did not already have.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from io import BytesIO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from venture.core.timeutil import to_local
from venture.documents import pki
from venture.documents.models import DocumentVersion
from venture.documents.signing import outside_event_loop
from venture.extensions import db

log = logging.getLogger(__name__)

VALID = "valid"
ALTERED = "altered"
UNTRUSTED = "untrusted"
UNSIGNED = "unsigned"
UNREADABLE = "unreadable"

VERDICT_TEXT = {
    VALID: _l("Signatures valid: the document has not been changed since it was signed."),
    ALTERED: _l("Altered: the document was changed after it was signed."),
    UNTRUSTED: _l(
        "The signatures are intact but were not made with a certificate this platform trusts."
    ),
    UNSIGNED: _l("The document carries no signature."),
    UNREADABLE: _l("The file cannot be read as a PDF."),
}


@dataclass
class SignatureCheck:
    field: str
    signer: str
    organization: str
    signed_at: str
    intact: bool
    trusted: bool
    unchanged_after: bool  # nothing but permitted form filling/signing came after it

    @property
    def ok(self):
        return self.intact and self.trusted and self.unchanged_after


@dataclass
class Verdict:
    status: str
    sha256: str
    signatures: list = field(default_factory=list)
    version: DocumentVersion | None = None  # the platform's stored version it matches
    exact: bool = False  # the whole file is that version, not only a signed revision in it

    @property
    def text(self):
        return VERDICT_TEXT[self.status]

    @property
    def altered(self):
        return self.status == ALTERED


def _name(cert, key):
    try:
        return cert.subject.native.get(key, "") or ""
    except ValueError:
        return ""


def _check(embedded, context):
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature

    status = outside_event_loop(validate_pdf_signature, embedded, context)
    modification = getattr(status, "modification_level", None)
    unchanged = status.docmdp_ok is not False and (
        modification is None or modification <= ModificationLevel.FORM_FILLING
    )
    when = embedded.self_reported_timestamp
    return SignatureCheck(
        field=embedded.field_name or "",
        signer=_name(embedded.signer_cert, "common_name"),
        organization=_name(embedded.signer_cert, "organization_name"),
        signed_at=to_local(when).strftime("%Y-%m-%d %H:%M:%S") if when else "",
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        unchanged_after=unchanged,
    )


def verify_pdf(data):
    """The verdict on the bytes of a PDF (see the module docstring)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko_certvalidator import ValidationContext

    digest = hashlib.sha256(data).hexdigest()
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 - any parser failure means the same to the reader
        return Verdict(UNREADABLE, digest)
    roots = pki.trust_roots()
    checks, prefixes = [], {digest: True}
    for signature in embedded:
        try:
            # certificates are judged at the signing time the signature states (there is no
            # timestamp authority): a certificate that has expired or been rotated out since
            # leaves the documents it signed valid
            context = ValidationContext(
                trust_roots=roots,
                allow_fetching=False,
                moment=signature.self_reported_timestamp,
            )
            checks.append(_check(signature, context))
        except Exception:  # noqa: BLE001 - a broken signature dictionary is an altered file
            log.warning("signature %s could not be checked", signature.field_name, exc_info=True)
            checks.append(
                SignatureCheck(signature.field_name or "", "", "", "", False, False, False)
            )
        byte_range = signature.byte_range
        end = byte_range[2] + byte_range[3]
        prefixes.setdefault(hashlib.sha256(data[:end]).hexdigest(), False)
    version, exact = _match(prefixes)
    if not checks:
        status = UNSIGNED
    elif not all(c.intact and c.unchanged_after for c in checks):
        status = ALTERED
    elif not all(c.trusted for c in checks):
        status = UNTRUSTED
    else:
        status = VALID
    return Verdict(status, digest, checks, version, exact)


def _match(prefixes):
    """The stored version whose SHA-256 is the file's (exact) or a signed revision's in it."""
    rows = db.session.scalars(
        sa.select(DocumentVersion)
        .where(DocumentVersion.sha256.in_(list(prefixes)))
        .order_by(DocumentVersion.id.desc())
    ).all()
    for row in rows:
        if prefixes[row.sha256]:
            return row, True
    return (rows[0], False) if rows else (None, False)
