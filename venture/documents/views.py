"""Public verification (扫码验真): the page a QR code opens, and checking an uploaded PDF."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from venture.core.access import deny_unless, public
from venture.documents import verification
from venture.documents.forms import CodeForm, VerifyUploadForm
from venture.documents.models import IssuedDocument
from venture.documents.operations import display_code, normalise_code
from venture.documents.qr import qr_svg
from venture.extensions import db

bp = Blueprint("documents", __name__)
bp.add_app_template_filter(qr_svg, "qr_svg")
bp.add_app_template_filter(display_code, "display_code")


@bp.app_template_filter("iso_local_dt")
def iso_local_dt(text):
    """An ISO time kept in JSON (UTC) as Asia/Shanghai wall time."""
    from datetime import datetime

    from venture.core.formatting import local_datetime

    try:
        return local_datetime(datetime.fromisoformat(text))
    except (TypeError, ValueError):
        return ""


ROLE_LABELS = {"party_a": "甲方", "party_b": "乙方", "platform": "平台"}


@bp.route("/verify", methods=["GET", "POST"])
@public
def verify():
    """Type a code, or upload a PDF to have its signatures and origin checked."""
    code_form = CodeForm(request.args)
    verdict, error, status = None, None, 200
    if request.method == "GET" and code_form.code.data:
        code = normalise_code(code_form.code.data)
        if code is None:
            error, status = _("A verification code has 10 letters and digits."), 400
        else:
            return redirect(url_for("documents.show", code=code))
    form = VerifyUploadForm()
    if request.method == "POST":
        data = _read_upload(form)
        if isinstance(data, str):
            error, status = data, 400
        else:
            verdict = verification.verify_pdf(data)
    return render_template(
        "documents/verify.html",
        form=form,
        code_form=code_form,
        verdict=verdict,
        error=error,
        role_labels=ROLE_LABELS,
    ), status


def _read_upload(form):
    """The uploaded bytes, or a message for the person."""
    if not form.validate_on_submit():
        return _("The form expired; please reload the page and try again.")
    storage = form.pdf.data
    if not storage:
        return _("Choose a PDF file first.")
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = storage.read(limit + 1)
    if len(data) > limit:
        return _("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024))
    if not data.startswith(b"%PDF-"):
        return _("This file is not a PDF.")
    return data


@bp.route("/verify/<code>")
@public
def show(code):
    """What the document with this code is, its fingerprints and signatures, and its status."""
    normal = normalise_code(code)
    deny_unless(normal is not None, 404)
    if normal != code:
        return redirect(url_for("documents.show", code=normal))
    issued = db.session.scalar(db.select(IssuedDocument).where(IssuedDocument.code == normal))
    deny_unless(issued is not None, 404)
    return render_template("documents/show.html", issued=issued, role_labels=ROLE_LABELS)
