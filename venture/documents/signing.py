"""PDF signatures (PAdES) with pyHanko: Party A certifies, Party B signs, the office approves.

A contract gets two signature fields when it is issued, laid over the signature block of the
rendered page (甲方 / 乙方). Party A's signature certifies the document (DocMDP level 2: form
filling and signing stay allowed, any other change breaks the certification); Party B's is a
later incremental update into the second field. Every other issued PDF carries one invisible
certification signature of the office that allows no change at all.

The visible appearance (organization, signer, time) is drawn with the embedded subset font,
so Chinese names render.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

from pyhanko import stamp
from pyhanko.pdf_utils import text as text_module
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from venture.core.timeutil import now, to_local
from venture.documents import pki
from venture.documents.stamp_font import stamp_font

PARTY_A_FIELD = "PartyA"
PARTY_B_FIELD = "PartyB"
# the ids of the contract template's two signature slots
SLOTS = ("sig-party-a", "sig-party-b")
# room for the CMS container (RSA-2048 signature, signer and CA certificates: ~2.5 KB); fixed
# so pyHanko does not sign twice to measure it
SIGNATURE_BYTES = 8192
APPEARANCE = "%(org)s\n签署人：%(signer)s\n时间：%(when)s"


def _stamp_style(params):
    """The appearance's style, its font holding just the characters it draws."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

    font = stamp_font(APPEARANCE % params)

    class StampFontFactory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer, obj_stream=None):
            return GlyphAccumulator(
                writer=writer, font_handle=BytesIO(font), font_size=self.font_size
            )

    return stamp.TextStampStyle(
        stamp_text=APPEARANCE,
        text_box_style=text_module.TextBoxStyle(
            font=StampFontFactory(font_file="", font_size=10), font_size=10
        ),
        border_width=1,
        border_color=(0.7, 0.1, 0.1),
    )


def outside_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous calls start an event loop: in a thread that already runs one
    (an async server, a test driving a browser) they run in a helper thread instead."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _when():
    return to_local(now()).strftime("%Y-%m-%d %H:%M:%S") + " (UTC+8)"


def _sign(pdf, signer, meta, *, field_spec=None, appearance=None):
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    pdf_signer = signers.PdfSigner(
        meta,
        signer,
        stamp_style=_stamp_style(appearance) if appearance else None,
        new_field_spec=field_spec,
    )
    return _signed(pdf_signer, writer, appearance)


def _signed(pdf_signer, writer, appearance):
    """The bytes of writer's PDF signed by pdf_signer, its stamp filled from appearance."""
    out = outside_event_loop(
        pdf_signer.sign_pdf,
        writer,
        appearance_text_params=appearance,
        bytes_reserved=SIGNATURE_BYTES,
    )
    return out.getvalue()


def certify_contract(pdf, boxes, *, party_a_name, signer_name):
    """Add the two signature fields and Party A's certification signature (at issue)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    page_b, box_b = boxes["sig-party-b"]
    fields.append_signature_field(
        writer, fields.SigFieldSpec(PARTY_B_FIELD, on_page=page_b, box=box_b)
    )
    page_a, box_a = boxes["sig-party-a"]
    meta = signers.PdfSignatureMetadata(
        field_name=PARTY_A_FIELD,
        certify=True,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        reason="甲方签署（合同签发）",
        name=signer_name,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    appearance = {"org": party_a_name, "signer": signer_name, "when": _when()}
    pdf_signer = signers.PdfSigner(
        meta,
        pki.office_signer(),
        stamp_style=_stamp_style(appearance),
        new_field_spec=fields.SigFieldSpec(PARTY_A_FIELD, on_page=page_a, box=box_a),
    )
    return _signed(pdf_signer, writer, appearance)


def sign_party_b(pdf, organization, *, signer_name):
    """Party B's signature with the organization's event certificate (incremental update)."""
    meta = signers.PdfSignatureMetadata(
        field_name=PARTY_B_FIELD,
        reason="乙方签署",
        name=signer_name,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    return _sign(
        pdf,
        pki.event_signer(organization),
        meta,
        appearance={"org": organization.name, "signer": signer_name, "when": _when()},
    )


def certify_document(pdf):
    """The office's invisible certification signature: the document may not change at all."""
    meta = signers.PdfSignatureMetadata(
        field_name="Platform",
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        reason="平台签发",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    return _sign(pdf, pki.office_signer(), meta)
