"""Review forms: expert pool, affiliations, rubric, panels, conflicts, publication.

The score sheet and the award proposal have one row per criterion or application; their
inputs are read by the views (score-<id>, amount-<id>…) and checked by the operations.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import FieldList, FormField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from venture.auth.forms import AccountFields, PasswordFields
from venture.core.dates import BoundedDateField
from venture.core.fields import CheckboxList
from venture.core.integers import WholeNumberField, choice_id, optional_id
from venture.review.enums import AffiliationKind, Aggregation
from venture.review.scoring import parse_max_score, parse_score


class ExpertFields:
    title = StringField(_l("Professional title (职称)"), validators=[Length(max=60)])
    employer = StringField(_l("Employer"), validators=[Length(max=200)])
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=40)])
    expertise = CheckboxList(_l("Fields of expertise"), coerce=choice_id)
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])
    active = BooleanField(_l("In the pool (can be drawn)"), default=True)


class NewExpertForm(ExpertFields, AccountFields, PasswordFields, FlaskForm):
    pass


class ExistingExpertForm(ExpertFields, FlaskForm):
    user_id = SelectField(_l("Account"), coerce=choice_id, validators=[DataRequired()])


class ExpertForm(ExpertFields, FlaskForm):
    pass


class AffiliationForm(FlaskForm):
    organization_id = SelectField(_l("Organization"), coerce=choice_id, validators=[DataRequired()])
    kind = SelectField(
        _l("Tie"),
        choices=[(k.value, k.label) for k in AffiliationKind],
        validators=[DataRequired()],
    )
    role = StringField(_l("Position or relation"), validators=[Length(max=100)])
    started_on = BoundedDateField(_l("From"), validators=[Optional()])
    ended_on = BoundedDateField(_l("Until (empty if it still holds)"), validators=[Optional()])


def _points(_form, field):
    if (field.data or "").strip():
        _value, message = parse_max_score(field.data)
        if message:
            raise ValidationError(str(message))


class CriterionRow(Form):
    criterion_id = HiddenField()
    name = StringField(_l("Criterion"), validators=[Length(max=100)])
    description = TextAreaField(_l("What reviewers look for"), validators=[Length(max=1000)])
    max_score = StringField(_l("Maximum score"), validators=[_points])
    remove = BooleanField(_l("Remove"))

    def is_blank(self):
        return not any(
            (f.data or "").strip() for f in (self.name, self.description, self.max_score)
        )


class RubricForm(FlaskForm):
    rows = FieldList(FormField(CriterionRow), min_entries=0)

    def validate_rows(self, field):
        names = set()
        for row in field.entries:
            form = row.form
            if form.remove.data or form.is_blank():
                continue
            if not (form.name.data or "").strip():
                form.name.errors = [*form.name.errors, _l("Give the criterion a name.")]
            elif form.name.data.strip() in names:
                form.name.errors = [*form.name.errors, _l("Two criteria have this name.")]
            names.add((form.name.data or "").strip())
            if not (form.max_score.data or "").strip():
                form.max_score.errors = [*form.max_score.errors, _l("Enter the maximum score.")]
        if any(r.form.name.errors or r.form.max_score.errors for r in field.entries):
            raise ValidationError(_l("Please correct the marked criteria."))
        if not names:
            raise ValidationError(_l("The rubric needs at least one criterion."))

    def fill(self, criteria, blank_rows=3):
        """Rows for the saved criteria, then a few blank ones for new criteria."""
        from venture.review.scoring import display_points

        for c in criteria:
            self.rows.append_entry(
                {
                    "criterion_id": str(c.id),
                    "name": c.name,
                    "description": c.description,
                    "max_score": display_points(c.max_score),
                }
            )
        for _blank in range(blank_rows):
            self.rows.append_entry()

    def criteria(self):
        """[{id, name, description, max_score}] of the rows kept, in order."""
        result = []
        for row in self.rows.entries:
            form = row.form
            if form.remove.data or form.is_blank():
                continue
            criterion_id = (form.criterion_id.data or "").strip()
            result.append(
                {
                    "id": optional_id(criterion_id),
                    "name": form.name.data.strip(),
                    "description": (form.description.data or "").strip(),
                    "max_score": parse_max_score(form.max_score.data)[0],
                }
            )
        return result


class PanelSettingsFields:
    reviewers_per_application = WholeNumberField(
        _l("Reviewers per application"),
        validators=[DataRequired(), NumberRange(min=1, max=99)],
        default=5,
    )
    blind = BooleanField(_l("Blind review: hide the applicant from reviewers"))
    deadline = BoundedDateField(_l("Scoring deadline"), validators=[Optional()])
    spread_threshold = StringField(
        _l("Flag a spread of reviewer totals above (points)"), default="20"
    )

    def validate_spread_threshold(self, field):
        value, message = parse_score(field.data, 999)
        if message or value is None:
            raise ValidationError(_l("Enter a number of points, such as 20 or 15.5."))

    def settings(self):
        return {
            "reviewers_per_application": self.reviewers_per_application.data,
            "blind": bool(self.blind.data),
            "deadline": self.deadline.data,
            "spread_threshold": parse_score(self.spread_threshold.data, 999)[0],
        }


class PanelMemberFields:
    """The experts chosen by hand (a review panel, a tender's evaluation panel)."""

    member_ids = CheckboxList(_l("Members"), coerce=choice_id)
    reserve_ids = CheckboxList(_l("Reserves"), coerce=choice_id)

    def panel_values(self):
        """The arguments of the operation that forms the panel."""
        return {"member_ids": self.member_ids.data, "reserve_ids": self.reserve_ids.data}


class PanelDrawFields:
    """A random draw of experts (a review panel, a tender's evaluation panel)."""

    category_ids = CheckboxList(_l("Draw from experts in these fields"), coerce=choice_id)
    size = WholeNumberField(
        _l("Members"), validators=[DataRequired(), NumberRange(min=1, max=99)], default=5
    )
    reserves = WholeNumberField(
        _l("Reserves"), validators=[Optional(), NumberRange(min=0, max=20)], default=2
    )
    seed = StringField(
        _l("Seed (leave empty for a new random seed; type a recorded one to redo a draw)"),
        validators=[Length(max=64)],
    )

    def panel_values(self):
        """The arguments of the operation that draws the panel."""
        return {
            "category_ids": self.category_ids.data,
            "size": self.size.data,
            "reserves": self.reserves.data or 0,
            "seed": self.seed.data,
        }


class ManualPanelForm(PanelSettingsFields, PanelMemberFields, FlaskForm):
    """A review panel chosen by hand, with its settings."""


class DrawPanelForm(PanelSettingsFields, PanelDrawFields, FlaskForm):
    """A review panel drawn at random, with its settings."""


class SettingsForm(FlaskForm):
    deadline = BoundedDateField(_l("Scoring deadline"), validators=[Optional()])
    spread_threshold = StringField(_l("Flag a spread of reviewer totals above (points)"))

    def validate_spread_threshold(self, field):
        PanelSettingsFields.validate_spread_threshold(self, field)


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class ReplaceForm(FlaskForm):
    reviewer_id = SelectField(_l("Replacement"), coerce=choice_id, validators=[DataRequired()])


class AggregationForm(FlaskForm):
    aggregation = SelectField(_l("Aggregation"), choices=[(a.value, a.label) for a in Aggregation])
