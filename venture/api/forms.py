"""The profile's API token forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from venture.core.integers import choice_id

EXPIRY_CHOICES = [
    (30, _l("30 days")),
    (90, _l("90 days")),
    (365, _l("One year")),
    (0, _l("Never (until revoked)")),
]


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the token a name.")), Length(max=100)],
        render_kw={"placeholder": _l("e.g. city service portal")},
    )
    expires = SelectField(_l("Expires after"), choices=EXPIRY_CHOICES, coerce=choice_id, default=90)


class RevokeForm(FlaskForm):
    """CSRF only: the button names the token."""
