"""The reporting schedule: which periods a project reports on and when each report is due.

Pure functions on dates. Periods follow the calendar (months or quarters) and are clipped to the
project's term: a project running 15 March to 14 September reports monthly on 15–31 March,
April, …, 1–14 September. Each report is due `grace_days` calendar days after its period ends.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from venture.delivery.enums import ReportFrequency

DEFAULT_FREQUENCY = ReportFrequency.QUARTERLY
DEFAULT_GRACE_DAYS = 10
DUE_SOON_DAYS = 7  # the organization is reminded this many days before a report is due


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    due_on: date
    frequency: ReportFrequency

    @property
    def label(self):
        if self.frequency == ReportFrequency.MONTHLY:
            return _l("%(month)d/%(year)d", year=self.start.year, month=self.start.month)
        return _l(
            "%(year)d Q%(quarter)d", year=self.start.year, quarter=(self.start.month - 1) // 3 + 1
        )


def _next_boundary(day, frequency):
    """The first day of the month or quarter after the one day is in."""
    months = 1 if frequency == ReportFrequency.MONTHLY else 3
    first_month = day.month if months == 1 else ((day.month - 1) // 3) * 3 + 1
    month = first_month + months
    year = day.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def report_periods(start, end, frequency, grace_days=DEFAULT_GRACE_DAYS):
    """The reporting periods of a project running from start to end (both included)."""
    frequency = ReportFrequency(frequency)
    periods = []
    day = start
    while day <= end:
        boundary = _next_boundary(day, frequency)
        last = min(boundary - timedelta(days=1), end)
        periods.append(Period(day, last, last + timedelta(days=grace_days), frequency))
        day = boundary
    return periods


def period_status(period, report, today):
    """Where a period stands: upcoming, open, due, overdue, draft, submitted, returned or
    accepted. A period with no report submitted by its due date is overdue (a draft too)."""
    if report is not None and report.submitted_at is not None:
        return report.state.value
    if today < period.start:
        return "upcoming"
    if today > period.due_on:
        return "overdue"
    if report is not None:
        return "draft"
    return "open" if today <= period.end else "due"


STATUS_LABELS = {
    "upcoming": _l("Not started yet"),
    "open": _l("Period running"),
    "due": _l("Due"),
    "overdue": _l("Overdue"),
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned for changes"),
    "accepted": _l("Accepted"),
}
STATUS_BADGES = {
    "upcoming": "light text-dark",
    "open": "secondary",
    "due": "info",
    "overdue": "danger",
    "draft": "secondary",
    "submitted": "primary",
    "returned": "warning",
    "accepted": "success",
}
