"""Forms: publishing, objections and answers, withdrawal, working-day corrections."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from venture.announcements.operations import PERIOD_MAX, TEXT_MAX, TITLE_MAX, preview_period
from venture.core.dates import BoundedDateField
from venture.core.integers import WholeNumberField, choice_id

WHOLE_DAYS = _l("Enter a whole number of working days.")
DATE_FORMAT = _l("Enter a date as YYYY-MM-DD.")


def _period_days(label):
    """A required period of 1 to PERIOD_MAX working days, five unless changed."""
    return WholeNumberField(
        label,
        default=5,
        validators=[
            InputRequired(message=WHOLE_DAYS),
            NumberRange(min=1, max=PERIOD_MAX, message=WHOLE_DAYS),
        ],
    )


class PublishForm(FlaskForm):
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=50000)])
    call_id = SelectField(_l("Call (optional)"), coerce=choice_id, validators=[Optional()])
    period_days = _period_days(_l("Period in working days"))
    attachments = MultipleFileField(_l("Attachments (PDF, Word, Excel or images; optional)"))
    accept_warnings = BooleanField(_l("I have read the warning; publish with this end date"))


class ObjectionForm(FlaskForm):
    text = TextAreaField(
        _l("Your objection and its reasons"),
        validators=[DataRequired(), Length(max=TEXT_MAX)],
    )


class AnswerForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            ("dismiss", _l("Not upheld: the result stands")),
            ("uphold", _l("Upheld: the result cannot stand as announced")),
        ],
        validators=[DataRequired(message=_l("Please choose whether the objection is upheld."))],
    )
    answer = TextAreaField(
        _l("Answer (published without the objector's name)"),
        validators=[DataRequired(), Length(max=TEXT_MAX)],
    )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (shown on the public page)"), validators=[DataRequired(), Length(max=2000)]
    )


class ConfirmForm(FlaskForm):
    """A button that changes data: only its CSRF token."""


class WorkdayOverrideForm(FlaskForm):
    day = BoundedDateField(
        _l("Date"),
        validators=[InputRequired(message=DATE_FORMAT)],
        invalid_value_message=DATE_FORMAT,
    )
    is_working_day = SelectField(
        _l("This day is"),
        choices=[("0", _l("a day off (holiday)")), ("1", _l("a working day (make-up day)"))],
        validators=[DataRequired()],
    )
    note = StringField(_l("Note, e.g. the State Council notice"), validators=[Length(max=200)])


class PeriodCheckForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only calculation sent by GET

    start = BoundedDateField(
        _l("Published on"), validators=[Optional()], invalid_value_message=DATE_FORMAT
    )
    days = WholeNumberField(
        _l("Working days"),
        default=5,
        validators=[Optional(), NumberRange(min=1, max=PERIOD_MAX, message=WHOLE_DAYS)],
    )


class PeriodForm(FlaskForm):
    """The one form that publishes a module's result as a 公示: a title, an optional
    introduction and the period in working days. Every kind of announcement uses it (the
    designation, the tender result, the review result, the evaluation result); a module that
    needs no title or introduction leaves them hidden. ``least`` is the fewest working days the
    form takes; ``titled`` makes the title required (a page that shows it)."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=TITLE_MAX)])
    introduction = TextAreaField(_l("Introduction"), validators=[Length(max=5000)])
    period_days = _period_days(_l("Period (working days)"))

    def __init__(self, *args, least=1, titled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.least = least
        if titled:
            self.title.validators = [DataRequired(), Length(max=TITLE_MAX)]
            self.title.flags.required = True

    def validate_period_days(self, field):
        if field.data is not None and field.data < self.least:
            raise ValidationError(_l("At least %(least)d working days.", least=self.least))

    def preview(self, fallback=None):
        """The period's end as the form now says (working days from tomorrow), for the page;
        ``fallback`` (else ``least``) stands in for a period that is not a whole number."""
        days = self.period_days.data
        if not isinstance(days, int):
            days = fallback or self.least
        return preview_period(max(1, min(days, PERIOD_MAX)))
