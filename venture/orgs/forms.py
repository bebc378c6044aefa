"""Organization registration and profile forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from venture.auth.forms import AccountFields, PasswordFields
from venture.core.integers import choice_id

PHONE = Regexp(r"^[0-9+\-() ]{5,40}$", message=_l("Use digits, spaces, +, - and brackets only."))
BANK_ACCOUNT = Regexp(r"^[0-9 ]{8,40}$", message=_l("A bank account number has 8 to 40 digits."))


class OrganizationFields:
    org_name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    legal_representative = StringField(
        _l("Legal representative"), validators=[DataRequired(), Length(max=60)]
    )
    address = StringField(_l("Registered address"), validators=[DataRequired(), Length(max=300)])
    street_id = SelectField(_l("Street / town"), coerce=choice_id, validators=[Optional()])
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=60)])
    contact_phone = StringField(_l("Contact phone"), validators=[DataRequired(), PHONE])
    contact_email = EmailField(
        _l("Contact e-mail"),
        validators=[DataRequired(), Length(max=254), Email(message=_l("Not a valid e-mail."))],
    )
    bank_name = StringField(_l("Bank"), validators=[DataRequired(), Length(max=120)])
    bank_account_name = StringField(
        _l("Account holder"), validators=[DataRequired(), Length(max=200)]
    )
    bank_account = StringField(_l("Bank account number"), validators=[DataRequired(), BANK_ACCOUNT])


class RegistrationForm(OrganizationFields, AccountFields, PasswordFields, FlaskForm):
    credit_code = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), Length(max=40)]
    )
    certificate = FileField(_l("Registration certificate (PDF or image)"))


class OrganizationForm(OrganizationFields, FlaskForm):
    certificate = FileField(_l("Replace the registration certificate (PDF or image)"))
    bank_proof = FileField(
        _l("Proof of a new bank account (bank letter or account licence, PDF or image)")
    )


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Colleague's e-mail"),
        validators=[DataRequired(), Length(max=254), Email(message=_l("Not a valid e-mail."))],
    )


class AcceptInvitationForm(AccountFields, PasswordFields, FlaskForm):
    pass


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])
