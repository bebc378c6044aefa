"""Roadshow forms: the session's details and running order, and reasons."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from venture.core.dates import BoundedDateField
from venture.core.fields import CheckboxList
from venture.core.integers import WholeNumberField, choice_id
from venture.roadshow.operations import MAX_MINUTES


class DetailsForm(FlaskForm):
    held_on = BoundedDateField(
        _l("Date"), validators=[InputRequired(message=_l("Enter the date and time."))]
    )
    start_time = TimeField(
        _l("Start time"), validators=[InputRequired(message=_l("Enter the date and time."))]
    )
    place = StringField(
        _l("Place"),
        validators=[DataRequired(message=_l("Enter the place.")), Length(max=200)],
    )
    minutes_per_item = WholeNumberField(
        _l("Minutes per presentation"),
        default=8,
        validators=[
            InputRequired(message=_l("Enter the minutes per presentation.")),
            NumberRange(
                min=1,
                max=MAX_MINUTES,
                message=_l("Minutes per presentation: from 1 to %(most)d.", most=MAX_MINUTES),
            ),
        ],
    )


class NewRoadshowForm(DetailsForm):
    application_ids = CheckboxList(
        _l("Applications presenting, in running order"),
        coerce=choice_id,
        validators=[DataRequired(message=_l("Choose at least one application to present."))],
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Please give a reason.")), Length(max=2000)],
    )
