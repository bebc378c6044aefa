"""Date bounds: every date a person types is checked against a range that makes sense for it,
with a message, before it reaches an operation or the database (0001-01-01 was stored as a
payment date; a year of 20260 breaks exports and working-day sums).

The form fields here are the app's DateField and DateTimeLocalField: by default a day from
2000-01-01 to ten years ahead; a field whose day cannot be in the future (a payment, a
signature) says `latest=local_today`; an operation checks the tighter rules of its context
(a site visit not before its project started).
"""

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeLocalField

EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 10


def latest_default():
    """Ten years from today (Beijing time)."""
    from venture.core.timeutil import local_today

    today = local_today()
    return today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))


def today():
    from venture.core.timeutil import local_today

    return local_today()


def out_of_range(day, *, earliest=EARLIEST, latest=None):
    """A message when day lies outside [earliest, latest], else None."""
    latest = latest or latest_default()
    if day < earliest:
        return _l("Give a date from %(day)s on: check the year.", day=earliest.isoformat())
    if day > latest:
        return _l("Give a date up to %(day)s: check the year.", day=latest.isoformat())
    return None


class _Bounded:
    def __init__(self, *args, earliest=EARLIEST, latest=latest_default, **kwargs):
        super().__init__(*args, **kwargs)
        self.earliest, self.latest = earliest, latest

    def post_validate(self, form, validation_stopped):
        super().post_validate(form, validation_stopped)
        value = self.data
        if validation_stopped or value is None or self.errors:
            return
        day = value.date() if isinstance(value, datetime) else value
        earliest = self.earliest() if callable(self.earliest) else self.earliest
        latest = self.latest() if callable(self.latest) else self.latest
        message = out_of_range(day, earliest=earliest, latest=latest)
        if message:
            self.errors.append(str(message))


class BoundedDateField(_Bounded, DateField):
    """A DateField with a range (default 2000-01-01 to ten years ahead)."""


class BoundedDateTimeLocalField(_Bounded, DateTimeLocalField):
    """A DateTimeLocalField whose day has a range (default 2000-01-01 to ten years ahead)."""


def start_of(day):
    return datetime.combine(day, time())
