"""Budget against awarded against paid, per call: the staff dashboard's money picture.

Three queries whatever the number of calls, awards and payments (sums grouped by call).
"""

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.calls.models import Call
from venture.contracts.models import Contract
from venture.core.money import format_yuan
from venture.extensions import db
from venture.payments.models import Installment, Payment
from venture.procurement.enums import AwardState
from venture.procurement.models import Award
from venture.reports.charts import bar_chart

CENT = Decimal("0.01")
CALLS_SHOWN = 10  # the most recent published calls; older ones are in each call's summary


@dataclass(frozen=True)
class CallMoney:
    """One call's budget (预算), final awards (已授予) and payments (已支付)."""

    call_id: int
    title: str
    budget: Decimal
    awarded: Decimal
    paid: Decimal


def _sums(query):
    return {call_id: Decimal(total).quantize(CENT) for call_id, total in db.session.execute(query)}


def money_by_call(limit=CALLS_SHOWN):
    """The most recent published, not cancelled calls, newest first, with their money."""
    calls = db.session.execute(
        sa.select(Call.id, Call.title, Call.total_budget)
        .where(Call.published_at.is_not(None), Call.cancelled_at.is_(None))
        .order_by(Call.published_at.desc(), Call.id.desc())
        .limit(limit)
    ).all()
    ids = [row.id for row in calls]
    awarded = _sums(
        sa.select(Award.call_id, sa.func.sum(Award.amount))
        .where(Award.call_id.in_(ids), Award.state == AwardState.FINAL)
        .group_by(Award.call_id)
    )
    paid = _sums(
        sa.select(Contract.call_id, sa.func.sum(Payment.amount))
        .join(Installment, Payment.installment_id == Installment.id)
        .join(Contract, Installment.contract_id == Contract.id)
        .where(Contract.call_id.in_(ids))
        .group_by(Contract.call_id)
    )
    zero = Decimal("0.00")
    return [
        CallMoney(
            call_id=row.id,
            title=row.title,
            budget=Decimal(row.total_budget).quantize(CENT),
            awarded=awarded.get(row.id, zero),
            paid=paid.get(row.id, zero),
        )
        for row in calls
    ]


def call_money_chart(rows):
    """Three bars per call (budget, awarded, paid) as SVG, described in words for readers."""
    return bar_chart(
        "",
        [(row.title, (row.budget, row.awarded, row.paid)) for row in rows],
        series=[_("Budget"), _("Awarded amount"), _("Paid")],
        formatter=format_yuan,
        chart_id="chart-call-money",
        responsive=True,
        label=_("Budget, awarded and paid by call"),
        description=call_money_description(rows),
    )


def call_money_description(rows):
    """The chart in words: one sentence per call."""
    if not rows:
        return _("No published call yet.")
    return " ".join(
        _(
            "%(call)s: budget %(budget)s, awarded %(awarded)s, paid %(paid)s.",
            call=row.title,
            budget=format_yuan(row.budget),
            awarded=format_yuan(row.awarded),
            paid=format_yuan(row.paid),
        )
        for row in rows
    )
