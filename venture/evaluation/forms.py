"""Evaluation forms: assignment, self-assessment, site visit and comments, rubric."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from venture.core.dates import BoundedDateField
from venture.core.integers import choice_id
from venture.evaluation.enums import EvaluationKind


class AssignForm(FlaskForm):
    kind = SelectField(
        _l("Evaluation"),
        choices=[(k.value, k.label) for k in EvaluationKind],
        validate_choice=False,
    )
    evaluator_id = SelectField(_l("Evaluator"), coerce=choice_id, validate_choice=False)
    due = BoundedDateField(_l("Self-assessment due by"), validators=[InputRequired()])


class EvaluatorForm(FlaskForm):
    evaluator_id = SelectField(_l("Evaluator"), coerce=choice_id, validate_choice=False)


class SelfAssessmentForm(FlaskForm):
    text = TextAreaField(_l("Self-assessment"), validators=[Length(max=20000)])
    attachment = FileField(_l("Self-assessment document (optional)"))
    final_report = FileField(_l("Final report of the project (结项报告)"))


class SiteVisitForm(FlaskForm):
    """The parts of the score sheet that are not scores (scores are read by the view)."""

    site_visit_on = StringField(_l("Date of the site visit"))
    site_visit_place = StringField(_l("Where"), validators=[Length(max=200)])
    site_visit_people = TextAreaField(_l("People met"), validators=[Length(max=4000)])
    site_visit_notes = TextAreaField(_l("What was found"), validators=[Length(max=20000)])
    overall_comment = TextAreaField(_l("Overall comment"), validators=[Length(max=20000)])
    # the sheet's version as the page showed it: a save over a newer one is refused
    version = HiddenField()


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=4000)])


class CriterionRow(Form):
    name = StringField(_l("Criterion"))
    description = TextAreaField(_l("What the evaluator looks for"))
    max_score = StringField(_l("Maximum score"))


class RubricForm(FlaskForm):
    rows = FieldList(FormField(CriterionRow), min_entries=0, max_entries=30)

    def entries(self):
        return [
            (r.form.name.data, r.form.description.data, r.form.max_score.data) for r in self.rows
        ]
