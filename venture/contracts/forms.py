"""Contract forms: terms, installment plan, signed scan, decisions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from venture.calls.enums import InstallmentCondition
from venture.core.dates import BoundedDateField

DATE_MESSAGE = _l("Enter a date such as 2026-03-01.")


class ContractTermsForm(FlaskForm):
    title = StringField(_l("Project name"), validators=[DataRequired(), Length(max=200)])
    legal_basis = TextAreaField(_l("Legal basis"), validators=[DataRequired(), Length(max=2000)])
    service_content = TextAreaField(
        _l("Service content"), validators=[DataRequired(), Length(max=20000)]
    )
    places = TextAreaField(_l("Places (streets and communities)"), validators=[Length(max=2000)])
    start_date = BoundedDateField(
        _l("Start of the term"), validators=[DataRequired(message=DATE_MESSAGE)]
    )
    end_date = BoundedDateField(
        _l("End of the term"), validators=[DataRequired(message=DATE_MESSAGE)]
    )
    quantity_targets = TextAreaField(
        _l("Quantity targets (one per line)"), validators=[Length(max=10000)]
    )
    quality_targets = TextAreaField(_l("Quality targets"), validators=[Length(max=10000)])
    # what the page showed (venture.core.concurrency): a stale save is refused
    version_token = HiddenField()


class InstallmentRowForm(Form):
    percent = StringField(_l("Percentage"), validators=[Optional(), Length(max=10)])
    condition = SelectField(
        _l("Condition"),
        choices=[(c.value, c.label) for c in InstallmentCondition],
        validate_choice=True,
    )


class InstallmentPlanForm(FlaskForm):
    # rows left without a percentage are dropped, so a row is removed by emptying it
    rows = FieldList(FormField(InstallmentRowForm), min_entries=1, max_entries=12)


class ScanForm(FlaskForm):
    scan = FileField(_l("Signed and sealed contract (PDF or image)"))
    reason = TextAreaField(
        _l("Why the organization cannot sign online"), validators=[Length(max=2000)]
    )


class SignForm(FlaskForm):
    """Step-up: the member re-enters their password to sign for the organization."""

    password = PasswordField(_l("Your password"), validators=[Length(max=200)])


class ConfirmSignatureForm(FlaskForm):
    signed_on = BoundedDateField(_l("Signed on"), validators=[DataRequired(message=DATE_MESSAGE)])


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])


class ConditionForm(FlaskForm):
    """An installment's condition met, with why (the contract page and payments' views)."""

    reason = TextAreaField(
        _l("Why the condition holds"),
        validators=[DataRequired(message=_l("Please give a reason.")), Length(max=2000)],
    )


class ApproveForm(FlaskForm):
    """No fields: the CSRF token of a release or budget approval."""
