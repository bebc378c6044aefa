"""Service pricing (有偿 / 低偿 / 无偿) of an application: reading the form's rows, the rules at
submission, and the rows printed in the contract."""

from decimal import Decimal

from flask_babel import gettext as _

from venture.applications.enums import Pricing
from venture.applications.values import parse_amount

PRICING_VALUES = {p.value for p in Pricing}
UNIT_MAX = 40


def read_service_prices(rows, read, short):
    """The non-blank rows of the application form as values for save_draft.

    read(key, text, parser) and short(key, text) are the application form's readers: a price
    that cannot be read is kept as typed, under a key such as service_prices-0-price.
    """
    values = []
    for index, row in enumerate(entry.form for entry in rows if not entry.form.is_blank()):
        key = f"service_prices-{index}-"
        pricing = row.pricing.data if row.pricing.data in PRICING_VALUES else None
        values.append(
            {
                "service": short(key + "service", row.service.data),
                "pricing": Pricing(pricing) if pricing else None,
                "price": read(key + "price", row.price.data, parse_amount),
                "unit": (row.unit.data or "").strip()[:UNIT_MAX],
            }
        )
    return values


def form_rows(application):
    """The form's initial rows from a saved application."""
    return [
        {
            "service": row.service,
            "pricing": row.pricing.value if row.pricing else "",
            "price": "" if row.price is None else str(row.price),
            "unit": row.unit,
        }
        for row in application.service_prices
    ]


def service_price_problems(application):
    """Each stated service complete: named, priced as free, low-cost or paid, with a price
    above zero unless free."""
    problems = []
    for number, row in enumerate(application.service_prices, start=1):
        typed = f"service_prices-{number - 1}-price" in application.typed_input
        if not row.service.strip() or row.pricing is None:
            problems.append(
                _(
                    "Service %(n)d needs a name and whether it is free, low-cost or paid.",
                    n=number,
                )
            )
        elif row.pricing == Pricing.FREE:
            if row.price:
                problems.append(
                    _(
                        "Service %(n)d (%(service)s) is free: leave its price empty.",
                        n=number,
                        service=row.service,
                    )
                )
        elif not typed and (row.price is None or row.price <= 0):
            problems.append(
                _(
                    "Service %(n)d (%(service)s) is %(pricing)s: give the price residents pay.",
                    n=number,
                    service=row.service,
                    pricing=row.pricing.label,
                )
            )
    return problems


def contract_service_prices(application):
    """The rows the contract prints, as JSON-plain values (issued contracts freeze them)."""
    if application is None:
        return []
    rows = []
    for row in application.service_prices:
        if not row.service.strip() or row.pricing is None:
            continue
        price = row.price if row.pricing != Pricing.FREE else None
        rows.append(
            {
                "service": row.service,
                "pricing": row.pricing.value,
                "pricing_text": row.pricing.contract_text,
                "price": f"{Decimal(price):,.2f}" if price else "",
                "unit": row.unit,
            }
        )
    return rows
