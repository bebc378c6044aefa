"""Whole numbers from the request: the one parser behind URL converters, query strings, form
fields and the API.

Python's int() takes Unicode digits ("٣" is 3), and str.isdigit() is true for "²", which int()
then refuses; a number of 2^63 or more overflows SQLite, and one of 2^31 or more an INTEGER
column on PostgreSQL. Here only ASCII digits pass, with at most one leading minus where the range
allows negatives, and the value must lie in the range asked for (by default a record id).
"""

import re

from werkzeug.routing import IntegerConverter, ValidationError
from wtforms import IntegerField

ID_MAX = 2**31 - 1  # the largest value an INTEGER column holds on PostgreSQL (and SQLite)

_WHOLE = re.compile(r"-?[0-9]{1,19}")


class InvalidInteger(ValueError):
    """A text that is not a whole number in range; str() is a message for a person."""


def parse_int(text, *, low=1, high=ID_MAX):
    """The whole number written in text (ASCII digits, surrounding spaces allowed) within
    [low, high]; raises InvalidInteger otherwise."""
    value = whole_number(text, low=low, high=high)
    if value is None:
        raise InvalidInteger(_message(low, high))
    return value


def whole_number(text, *, low=1, high=ID_MAX):
    """The whole number written in text within [low, high], or None (no message is made, so
    it works outside a request too, e.g. in an export job)."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        value = text
    else:
        text = str(text if text is not None else "").strip()
        if not _WHOLE.fullmatch(text):
            return None
        value = int(text)
    return value if low <= value <= high else None


def _message(low, high):
    from flask_babel import gettext as _

    return _("Give a whole number from %(low)d to %(high)d.", low=low, high=high)


def record_id(text):
    """A record id (1 … ID_MAX) or InvalidInteger: for `coerce=` and `request.args.get(type=)`."""
    return parse_int(text)


def optional_id(text):
    """A record id, or None for anything that is not one (filters that ignore bad values)."""
    return whole_number(text)


def ids_in(values):
    """The record ids among values, in order, the others dropped (checkbox lists)."""
    return [value for value in (optional_id(v) for v in values or ()) if value is not None]


class RecordIdConverter(IntegerConverter):
    """<int:name> in a URL: ASCII digits only, 0 … ID_MAX; anything else is a 404. A
    subclass of werkzeug's, so code that asks "is this an integer argument?" still knows."""

    regex = r"[0-9]{1,19}"

    def to_python(self, value):
        try:
            return parse_int(value, low=0)
        except InvalidInteger:
            raise ValidationError() from None


def choice_id(text):
    """A record id or 0 ("none" in a menu), else InvalidInteger: for WTForms' `coerce=`."""
    return parse_int(text, low=0)


class WholeNumberField(IntegerField):
    """A form's whole-number field read with parse_int (ASCII digits, within ±ID_MAX); a
    NumberRange validator on the field narrows the range further."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = parse_int(valuelist[0], low=-ID_MAX, high=ID_MAX)
        except InvalidInteger as error:
            self.data = None
            raise ValueError(str(error)) from None
