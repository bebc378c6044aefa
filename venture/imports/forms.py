"""Upload and claim forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from venture.auth.forms import AccountFields, PasswordFields
from venture.imports.enums import ImportKind


class UploadForm(FlaskForm):
    kind = SelectField(
        _l("What the file holds"),
        choices=[(k.value, k.label) for k in ImportKind],
        validators=[DataRequired()],
    )
    file = FileField(
        _l("Spreadsheet (XLSX or CSV)"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
    )


class ConfirmForm(FlaskForm):
    """A button with its CSRF token."""


class ClaimStartForm(FlaskForm):
    credit_code = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), Length(max=40)]
    )


class ClaimAccountForm(AccountFields, PasswordFields, FlaskForm):
    credit_code = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), Length(max=40)]
    )
    code = StringField(_l("Code from the e-mail"), validators=[DataRequired(), Length(max=10)])
