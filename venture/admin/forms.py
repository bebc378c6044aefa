"""Administration forms: users and reference data."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from venture.auth.enums import ROLE_LABELS
from venture.auth.forms import AccountFields, PasswordFields
from venture.core.integers import choice_id


class RoleChoices(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def role_field():
    return RoleChoices(
        _l("Roles"), choices=[(role.value, label) for role, label in ROLE_LABELS.items()]
    )


class UserCreateForm(AccountFields, PasswordFields, FlaskForm):
    roles = role_field()
    organization_id = SelectField(_l("Organization"), coerce=choice_id, validators=[Optional()])
    community_id = SelectField(_l("Community"), coerce=choice_id, validators=[Optional()])


class UserRolesForm(FlaskForm):
    roles = role_field()
    community_id = SelectField(_l("Community"), coerce=choice_id, validators=[Optional()])


class StreetForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=60)])
    kind = SelectField(_l("Kind"), choices=[("street", _l("Street")), ("town", _l("Town"))])


class CommunityForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=60)])
    street_id = SelectField(_l("Street / town"), coerce=choice_id)


class CategoryForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=30)])
    name_zh = StringField(_l("Chinese name"), validators=[DataRequired(), Length(max=40)])
    name_en = StringField(_l("English name"), validators=[DataRequired(), Length(max=60)])
