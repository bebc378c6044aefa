"""The call form (staff) and the cancel form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from venture.calls.enums import InstallmentCondition, Route
from venture.core.dates import BoundedDateField, BoundedDateTimeLocalField
from venture.core.integers import WholeNumberField, choice_id
from venture.core.money import InvalidAmount, to_amount

EXTRA_INSTALLMENT_ROWS = 1  # an empty row, so a row can be added without JavaScript


def positive_amount(_form, field):
    try:
        amount = to_amount(field.data or "")
    except (InvalidAmount, TypeError) as error:
        raise ValidationError(_l("Enter an amount in yuan, e.g. 200000 or 200000.00.")) from error
    if amount <= 0:
        raise ValidationError(_l("The amount must be more than zero."))


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InstallmentForm(Form):
    percent = WholeNumberField(
        _l("Percent"),
        validators=[Optional(), NumberRange(1, 100, message=_l("Between 1 and 100."))],
    )
    condition = SelectField(
        _l("Paid when"),
        choices=lambda: [("", "—")] + [(c.value, c.label) for c in InstallmentCondition],
        validate_choice=False,
    )

    def is_blank(self):
        return self.percent.data is None and not self.condition.data


class CallForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    year = WholeNumberField(
        _l("Year"), validators=[DataRequired(), NumberRange(2000, 2100, message=_l("A year."))]
    )
    route = SelectField(
        _l("Procurement route"), choices=lambda: [(r.value, r.label) for r in Route]
    )
    category_ids = Checkboxes(_l("Service categories"), coerce=choice_id)
    street_ids = Checkboxes(_l("Whole streets and towns (all their communities)"), coerce=choice_id)
    community_ids = SelectMultipleField(
        _l("Single communities"), coerce=choice_id, render_kw={"size": 12}
    )
    # community needs the call answers (venture/community; choices set by the view)
    need_ids = Checkboxes(
        _l("Community needs the call answers"), coerce=choice_id, validate_choice=False
    )
    total_budget = StringField(_l("Total budget (¥)"), validators=[DataRequired(), positive_amount])
    cap_per_project = StringField(
        _l("Cap per project (¥)"), validators=[DataRequired(), positive_amount]
    )
    max_applications_per_org = WholeNumberField(
        _l("Applications per organization, at most"),
        default=1,
        validators=[DataRequired(), NumberRange(1, 20, message=_l("Between 1 and 20."))],
    )
    project_start = BoundedDateField(
        _l("Projects start no earlier than"), validators=[DataRequired()]
    )
    project_end = BoundedDateField(_l("Projects end no later than"), validators=[DataRequired()])
    opens_at = BoundedDateTimeLocalField(
        _l("Opens at (Beijing time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    closes_at = BoundedDateTimeLocalField(
        _l("Closes at (Beijing time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    eligibility = TextAreaField(
        _l("Eligibility requirements (one per line)"), validators=[Length(max=5000)]
    )
    required_attachments = TextAreaField(
        _l("Required attachments (one per line)"), validators=[Length(max=2000)]
    )
    installments = FieldList(FormField(InstallmentForm), max_entries=10)
    description = TextAreaField(_l("Description"), validators=[Length(max=50000)])

    def validate_installments(self, field):
        for entry in field.entries:
            row = entry.form
            known = {c.value for c in InstallmentCondition}
            if not row.is_blank() and (row.percent.data is None or row.condition.data not in known):
                raise ValidationError(_l("Each installment needs a percentage and a condition."))
        if not [e for e in field.entries if not e.form.is_blank()]:
            raise ValidationError(_l("Add at least one installment."))

    def installment_plan(self):
        return [
            {"percent": e.form.percent.data, "condition": e.form.condition.data}
            for e in self.installments.entries
            if not e.form.is_blank()
        ]


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])
