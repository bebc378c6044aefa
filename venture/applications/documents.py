"""The application as a PDF (申报书), in Chinese like every official document."""

from flask_babel import force_locale

from venture.applications.enums import ApplicationState
from venture.core.money import uppercase_yuan
from venture.core.pdf import render_pdf


def render_application_pdf(application):
    with force_locale("zh_CN"):
        return render_pdf(
            "pdf/application.html",
            application=application,
            call=application.call,
            draft=application.state == ApplicationState.DRAFT,
            uppercase_yuan=uppercase_yuan,
        )
