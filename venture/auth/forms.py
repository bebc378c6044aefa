"""Sign-in, profile and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError


def strong_password(_form, field):
    """At least 10 characters with letters and digits."""
    value = field.data or ""
    if (
        len(value) < 10
        or not any(c.isalpha() for c in value)
        or not any(c.isdigit() for c in value)
    ):
        raise ValidationError(_l("Use at least 10 characters, with both letters and digits."))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordFields:
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=200), strong_password]
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class AccountFields:
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Length(max=254), Email(message=_l("Not a valid e-mail."))],
    )
    phone = StringField(_l("Phone"), validators=[Length(max=40)])


class ProfileForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    locale = SelectField(_l("Language"), choices=[("zh_CN", "中文"), ("en", "English")])


class ChangePasswordForm(PasswordFields, FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Length(max=254), Email(message=_l("Not a valid e-mail."))],
    )


class ResetPasswordForm(PasswordFields, FlaskForm):
    pass
