"""Forms of tender practice: the bid bond, answers to the opening record, failed tenders."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from venture.calls.forms import positive_amount
from venture.procurement.practice_enums import BondForm, FailureOutcome, OpeningAnswer


class BondRecordForm(FlaskForm):
    form = RadioField(
        _l("The bond is given as"),
        choices=[(f.value, f.label) for f in BondForm],
        default=BondForm.TRANSFER.value,
    )
    amount = StringField(_l("Amount (¥)"), validators=[DataRequired(), positive_amount])
    reference = StringField(
        _l("Transfer serial number or guarantee letter number"),
        validators=[DataRequired(), Length(max=100)],
    )
    proof = FileField(_l("Bank receipt or guarantee letter (PDF or image)"))


class OpeningAnswerForm(FlaskForm):
    answer = RadioField(
        _l("Your answer"), choices=[(a.value, a.label) for a in OpeningAnswer], default="confirmed"
    )
    reason = TextAreaField(
        _l("What is wrong in the record"), validators=[Optional(), Length(max=2000)]
    )


class ObjectionReplyForm(FlaskForm):
    reply = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=2000)])


class RouteChangeForm(FlaskForm):
    outcome = SelectField(
        _l("Approved route"),
        choices=[(o.value, o.label) for o in FailureOutcome if o != FailureOutcome.RETENDER],
    )
    reference = StringField(
        _l("Approval document number"), validators=[DataRequired(), Length(max=200)]
    )
    approval = FileField(_l("Approval of the change of route (PDF)"))
