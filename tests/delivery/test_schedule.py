"""The reporting schedule: calendar periods clipped to the term, due dates, statuses."""

from datetime import date
from types import SimpleNamespace

from venture.delivery.enums import ReportFrequency, ReportState
from venture.delivery.schedule import Period, period_status, report_periods


def spans(periods):
    return [(p.start, p.end, p.due_on) for p in periods]


def test_monthly_periods_follow_the_calendar_and_clip_to_the_term():
    periods = report_periods(date(2026, 3, 15), date(2026, 5, 10), ReportFrequency.MONTHLY, 10)
    assert spans(periods) == [
        (date(2026, 3, 15), date(2026, 3, 31), date(2026, 4, 10)),
        (date(2026, 4, 1), date(2026, 4, 30), date(2026, 5, 10)),
        (date(2026, 5, 1), date(2026, 5, 10), date(2026, 5, 20)),
    ]


def test_quarterly_periods_cross_the_year_end():
    periods = report_periods(date(2026, 11, 1), date(2027, 4, 30), ReportFrequency.QUARTERLY, 15)
    assert spans(periods) == [
        (date(2026, 11, 1), date(2026, 12, 31), date(2027, 1, 15)),
        (date(2027, 1, 1), date(2027, 3, 31), date(2027, 4, 15)),
        (date(2027, 4, 1), date(2027, 4, 30), date(2027, 5, 15)),
    ]


def test_period_labels_name_the_month_or_quarter():
    monthly = Period(
        date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 10), ReportFrequency.MONTHLY
    )
    quarterly = Period(
        date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 10), ReportFrequency.QUARTERLY
    )
    assert (str(monthly.label), str(quarterly.label)) == ("2026年3月", "2026年第2季度")


def report(state, submitted=True):
    return SimpleNamespace(state=ReportState(state), submitted_at=object() if submitted else None)


def test_period_status_from_dates_and_report():
    period = Period(date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 10), ReportFrequency.MONTHLY)
    cases = [
        (date(2026, 2, 28), None, "upcoming"),
        (date(2026, 3, 15), None, "open"),
        (date(2026, 4, 5), None, "due"),
        (date(2026, 4, 10), None, "due"),
        (date(2026, 4, 11), None, "overdue"),
        (date(2026, 4, 5), report("draft", submitted=False), "draft"),
        (date(2026, 4, 11), report("draft", submitted=False), "overdue"),
        (date(2026, 4, 11), report("submitted"), "submitted"),
        (date(2026, 4, 11), report("returned"), "returned"),
        (date(2026, 5, 1), report("accepted"), "accepted"),
    ]
    assert [period_status(period, r, today) for today, r, _ in cases] == [c[2] for c in cases]
