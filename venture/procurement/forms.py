"""Procurement forms: designation, tender details, clarifications, bids, panels, results."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from venture.calls.forms import positive_amount
from venture.core.dates import BoundedDateField, BoundedDateTimeLocalField
from venture.core.fields import CheckboxList
from venture.core.integers import choice_id
from venture.core.money import InvalidAmount, to_amount
from venture.procurement.enums import DesignationReason, EvaluationMethod, TenderMethod
from venture.review.forms import PanelDrawFields, PanelMemberFields
from venture.review.scoring import parse_score


class DesignationForm(FlaskForm):
    organization_id = SelectField(
        _l("Designated organization"), coerce=choice_id, validators=[DataRequired()]
    )
    service = StringField(_l("Service purchased"), validators=[DataRequired(), Length(max=200)])
    service_content = TextAreaField(
        _l("Service content and targets"), validators=[Length(max=5000)]
    )
    amount = StringField(_l("Budget (¥)"), validators=[DataRequired(), positive_amount])
    term_start = BoundedDateField(_l("Term starts"), validators=[DataRequired()])
    term_end = BoundedDateField(_l("Term ends"), validators=[DataRequired()])
    reason = SelectField(
        _l("Reason for designating"),
        choices=[(r.value, r.label) for r in DesignationReason],
        validators=[DataRequired()],
    )
    justification = TextAreaField(
        _l("Written justification"), validators=[DataRequired(), Length(max=5000)]
    )

    def values(self):
        return {
            "organization_id": self.organization_id.data,
            "service": self.service.data.strip(),
            "service_content": self.service_content.data or "",
            "amount": to_amount(self.amount.data),
            "term_start": self.term_start.data,
            "term_end": self.term_end.data,
            "reason": DesignationReason(self.reason.data),
            "justification": self.justification.data or "",
        }


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class ConfirmForm(FlaskForm):
    """A POST with its CSRF token and nothing else."""


def _points(_form, field):
    value, message = parse_score(field.data or "", 100)
    if message or value is None:
        raise ValidationError(_l("Enter a number of points, such as 30 or 30.5."))


class TenderForm(FlaskForm):
    method = SelectField(
        _l("Procurement method"), choices=[(m.value, m.label) for m in TenderMethod]
    )
    evaluation = SelectField(
        _l("Evaluation method"), choices=[(e.value, e.label) for e in EvaluationMethod]
    )
    requirements = TextAreaField(
        _l("Requirements (service specification)"), validators=[DataRequired(), Length(max=20000)]
    )
    budget_ceiling = StringField(
        _l("Ceiling price (¥)"), validators=[DataRequired(), positive_amount]
    )
    price_weight = StringField(_l("Price weight (points)"), default="30")
    required_documents = TextAreaField(
        _l("Required documents, one per line"), validators=[Length(max=2000)]
    )
    bid_deadline = BoundedDateTimeLocalField(
        _l("Bid deadline (Beijing time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    opening_at = BoundedDateTimeLocalField(
        _l("Opening time (Beijing time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    opening_place = StringField(_l("Opening place"), validators=[Length(max=200)])
    bond_amount = StringField(
        _l("Bid bond (¥, empty for none)"), validators=[Optional(), positive_amount]
    )

    def validate_price_weight(self, field):
        if self.evaluation.data == EvaluationMethod.COMPREHENSIVE.value:
            _points(self, field)

    def weight(self):
        if self.evaluation.data != EvaluationMethod.COMPREHENSIVE.value:
            return None
        return parse_score(self.price_weight.data, 100)[0]


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Your question"), validators=[DataRequired(), Length(max=5000)])


class ClarificationForm(FlaskForm):
    text = TextAreaField(
        _l("Clarification (published to every bidder)"),
        validators=[DataRequired(), Length(max=5000)],
    )
    question_ids = CheckboxList(_l("Answers these questions"), coerce=choice_id)


def _price(_form, field):
    text = (field.data or "").strip()
    if not text:
        return
    try:
        amount = to_amount(text)
    except (InvalidAmount, TypeError) as error:
        raise ValidationError(_l("Enter an amount in yuan, e.g. 95000 or 95000.00.")) from error
    if amount <= 0:
        raise ValidationError(_l("The amount must be more than zero."))


class BidForm(FlaskForm):
    price = StringField(_l("Price (¥)"), validators=[_price], render_kw={"inputmode": "decimal"})
    approach = TextAreaField(_l("Service approach"), validators=[Length(max=20000)])
    team = TextAreaField(_l("Team"), validators=[Length(max=10000)])
    schedule = TextAreaField(_l("Schedule"), validators=[Length(max=10000)])
    quality = TextAreaField(_l("Quality assurance"), validators=[Length(max=10000)])
    declaration = BooleanField(
        _l("We declare that this bid is true and complete, and that we accept the tender's terms.")
    )

    def values(self):
        text = (self.price.data or "").strip()
        return {
            "price": to_amount(text) if text else None,
            "approach": (self.approach.data or "").strip(),
            "team": (self.team.data or "").strip(),
            "schedule": (self.schedule.data or "").strip(),
            "quality": (self.quality.data or "").strip(),
            "declaration": bool(self.declaration.data),
        }


class ManualPanelForm(PanelMemberFields, FlaskForm):
    """A tender's evaluation panel chosen by hand (the review panel's fields, no settings)."""


class DrawPanelForm(PanelDrawFields, FlaskForm):
    """A tender's evaluation panel drawn at random."""
