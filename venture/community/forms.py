"""Forms: a community need, need decisions and merging, activity checks, the residents'
satisfaction survey."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from venture.community.enums import SCALE, SurveyQuestion, Urgency
from venture.core.integers import choice_id, optional_id

MAX_RESIDENTS = 1_000_000


def _residents(_form, field):
    text = (field.data or "").strip().replace(",", "").replace("，", "").replace("人", "")
    if optional_id(text) is None or not 0 < int(text) <= MAX_RESIDENTS:
        raise ValidationError(_l("Enter a whole number of residents, e.g. 120."))


def required(message=None):
    return DataRequired(message=message or _l("Please fill this in."))


def _chosen(label, message):
    """A choice of ids (set by the view) that must be made; ``message`` when it is not."""
    return SelectField(label, coerce=choice_id, validators=[InputRequired(message=message)])


class NeedForm(FlaskForm):
    title = StringField(
        _l("What is needed"),
        validators=[required(), Length(max=120, message=_l("At most %(max)d characters."))],
    )
    category_id = _chosen(_l("Service category"), _l("Choose a service category."))
    target_group = StringField(
        _l("Who needs it"),
        validators=[required(), Length(max=200, message=_l("At most %(max)d characters."))],
    )
    residents = StringField(
        _l("Residents concerned (estimate)"),
        validators=[required(), _residents],
        render_kw={"inputmode": "numeric"},
    )
    place = StringField(
        _l("Where"), validators=[Length(max=200, message=_l("At most %(max)d characters."))]
    )
    urgency = SelectField(
        _l("Urgency"),
        choices=lambda: [(u.value, u.label) for u in Urgency],
        validators=[required(_l("Choose how urgent it is."))],
    )
    description = TextAreaField(
        _l("Need description"),
        validators=[required(), Length(max=5000, message=_l("At most %(max)d characters."))],
    )
    photos = MultipleFileField(_l("Photos (JPG or PNG, optional)"))

    def values(self):
        return {
            "title": self.title.data.strip(),
            "category_id": self.category_id.data,
            "target_group": self.target_group.data.strip(),
            "residents": int(
                self.residents.data.strip().replace(",", "").replace("，", "").replace("人", "")
            ),
            "place": (self.place.data or "").strip(),
            "urgency": Urgency(self.urgency.data),
            "description": self.description.data.strip(),
        }


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])


class MergeForm(FlaskForm):
    into = _chosen(_l("Duplicate of"), _l("Choose the need this one duplicates."))
    reason = TextAreaField(
        _l("Reason"),
        validators=[required(_l("Please give a reason.")), Length(max=2000)],
    )


class CheckForm(FlaskForm):
    # the pressed button gives the verdict
    comment = TextAreaField(_l("Comment"), validators=[Length(max=2000)])


def _question_field(question):
    return RadioField(
        question.label,
        choices=[(value, label) for value, label in SCALE],
        coerce=choice_id,
        validators=[InputRequired(message=_l("Please choose an answer."))],
    )


class SurveyForm(FlaskForm):
    overall = _question_field(SurveyQuestion.OVERALL)
    needs = _question_field(SurveyQuestion.NEEDS)
    staff = _question_field(SurveyQuestion.STAFF)
    schedule = _question_field(SurveyQuestion.SCHEDULE)
    comment = TextAreaField(
        _l("Anything else you want to tell us (optional)"),
        validators=[Length(max=500, message=_l("At most %(max)d characters."))],
    )

    def scores(self):
        return {q: getattr(self, q.value).data for q in SurveyQuestion}
