"""Payment forms: payments, the contracts export (the condition and approval forms are
contracts.forms', the contract page shows them)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

# the contract page shows these two, so they live with contracts; payments' views use them too
from venture.contracts.forms import ApproveForm as ApproveForm
from venture.contracts.forms import ConditionForm as ConditionForm
from venture.core.dates import BoundedDateField
from venture.core.integers import choice_id
from venture.core.money import InvalidAmount, to_amount


def _amount(_form, field):
    try:
        field.amount = to_amount(field.data)
    except (InvalidAmount, TypeError):
        raise ValidationError(_l("Enter an amount in yuan such as 50000.00.")) from None
    if field.amount <= 0:
        raise ValidationError(_l("The amount must be more than zero."))


class PaymentForm(FlaskForm):
    paid_on = BoundedDateField(
        _l("Payment date"),
        validators=[DataRequired(message=_l("Enter a date such as 2026-03-01."))],
    )
    amount = StringField(_l("Amount (yuan)"), validators=[DataRequired(), _amount])
    voucher_no = StringField(_l("Voucher number"), validators=[DataRequired(), Length(max=40)])
    bank_reference = StringField(
        _l("Bank transaction reference"), validators=[DataRequired(), Length(max=60)]
    )


class ContractsExportForm(FlaskForm):
    call_id = SelectField(_l("Call"), coerce=choice_id)
