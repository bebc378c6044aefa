"""Reading typed values (amounts, quantities, counts, dates) and naming the field a value is in.

A value that cannot be read raises ValueProblem with a kind; the message for a kind is made when
shown, in the reader's language, so a problem can be kept with a draft and shown again later.
"""

import re
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from venture.core.money import InvalidAmount, to_amount

MESSAGES = {
    "number": _l("“%(value)s” is not a number."),
    "decimals": _l("Use at most two decimal places."),
    "negative": _l("This cannot be negative."),
    "too_large": _l("This number is too large."),
    "positive": _l("This must be more than zero."),
    "integer": _l("“%(value)s” is not a whole number."),
    "date": _l("“%(value)s” is not a date; use the form 2026-03-01."),
    "too_long": _l("This is too long (at most %(max)d characters)."),
}
FIELD_LABELS = {
    "title": _l("Project title"),
    "beneficiaries": _l("Number of beneficiaries"),
    "project_start": _l("Project start"),
    "project_end": _l("Project end"),
}
ROW_LABELS = {
    "item": _l("Item"),
    "unit_price": _l("Unit price"),
    "quantity": _l("Quantity"),
    "requested": _l("Requested amount"),
    "own_funds": _l("Own or matched funds"),
    "title": _l("Milestone"),
    "due_date": _l("Due date"),
    "service": _l("Service"),
    "price": _l("Service price"),
}
MAX_TEXT = 200  # the short text columns: titles and budget items
MAX_QUANTITY = Decimal("9999999999.99")  # what NUMERIC(12, 2) holds
MAX_COUNT = 10_000_000
DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


class ValueProblem(ValueError):
    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


def problem_message(kind, value=""):
    shown = value if len(value) <= 40 else value[:40] + "…"
    return str(MESSAGES[kind]) % {"value": shown, "max": MAX_TEXT}


def field_label(key):
    """A person's name for a form field key, e.g. budget_lines-1-unit_price → line 2, price."""
    parts = key.split("-")
    if len(parts) == 3 and re.fullmatch(r"[0-9]{1,4}", parts[1]):
        row = int(parts[1]) + 1
        field = str(ROW_LABELS.get(parts[2], parts[2]))
        if parts[0] == "budget_lines":
            return str(_l("Budget line %(n)d, %(field)s", n=row, field=field))
        if parts[0] == "service_prices":  # venture/community
            return str(_l("Service %(n)d, %(field)s", n=row, field=field))
        return str(_l("Milestone %(n)d, %(field)s", n=row, field=field))
    return str(FIELD_LABELS.get(key, key))


def _clean_number(text):
    return text.strip().replace("¥", "").replace("￥", "").replace("元", "").strip()


def parse_amount(text):
    """A yuan amount ≥ 0 with at most two decimals, or None for an empty field."""
    text = _clean_number(text or "")
    if not text:
        return None
    try:
        amount = to_amount(text)
    except InvalidAmount as error:
        kind = {"more than two decimal places": "decimals", "too large": "too_large"}
        raise ValueProblem(kind.get(str(error), "number")) from error
    if amount < 0:
        raise ValueProblem("negative")
    return amount


def parse_quantity(text):
    quantity = parse_amount(text)
    if quantity is None:
        return None
    if quantity == 0:
        raise ValueProblem("positive")
    if quantity > MAX_QUANTITY:
        raise ValueProblem("too_large")
    return quantity


def parse_count(text):
    """A whole number ≥ 0, or None."""
    text = (text or "").strip().replace(",", "").replace("，", "").replace("人", "").strip()
    if not text:
        return None
    try:
        # isdigit() alone lets "--5" and "²" through to int()
        value = int(text)
    except ValueError:
        raise ValueProblem("integer") from None
    if value < 0:
        raise ValueProblem("negative")
    if value > MAX_COUNT:
        raise ValueProblem("too_large")
    return value


def parse_date(text):
    """2026-03-01, 2026/3/1, 2026.3.1 or 2026年3月1日; None for an empty field."""
    text = (text or "").strip()
    if not text:
        return None
    match = DATE.match(text)
    if not match:
        raise ValueProblem("date")
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError as error:
        raise ValueProblem("date") from error
