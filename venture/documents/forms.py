"""The public verification page's forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length


class VerifyUploadForm(FlaskForm):
    pdf = FileField(_l("PDF to check"))


class CodeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET lookup that changes nothing

    code = StringField(_l("Verification code"), validators=[Length(max=30)])
