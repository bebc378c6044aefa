"""Dates, times and money as people in China read them, and in English."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale

from venture.core import formatting
from venture.core.formatting import local_date, local_datetime, near_date, weekday_date, yuan

# 2026-11-25 10:05 UTC is 18:05 in Shanghai; 20:30 UTC is already the next day there
MOMENT = datetime(2026, 11, 25, 10, 5, tzinfo=UTC)
LATE = datetime(2026, 11, 25, 20, 30, tzinfo=UTC)


def test_local_date_in_chinese_is_year_month_day():
    assert local_date(date(2026, 11, 25)) == "2026年11月25日"


def test_local_date_of_a_late_utc_moment_is_the_shanghai_day():
    assert local_date(LATE) == "2026年11月26日"


def test_local_datetime_in_chinese_shows_shanghai_time():
    assert local_datetime(MOMENT) == "2026年11月25日 18:05"


def test_local_date_and_time_in_english_read_day_month_year():
    with force_locale("en"):
        assert local_date(date(2026, 11, 25)) == "25 Nov 2026"
        assert local_datetime(MOMENT) == "25 Nov 2026 18:05"


def test_weekday_date_names_the_day_of_the_week():
    assert weekday_date(date(2026, 11, 27)) == "11月27日（周五）"
    with force_locale("en"):
        assert weekday_date(date(2026, 11, 27)) == "Fri 27 Nov"


@pytest.mark.parametrize("value", [None])
def test_missing_values_show_nothing(value):
    assert (local_date(value), local_datetime(value), weekday_date(value), yuan(value)) == (
        ("", "", "", "")
    )


def test_yuan_groups_thousands_with_two_decimals():
    assert yuan(Decimal("1234567.89")) == "¥1,234,567.89"
    assert yuan(Decimal("5")) == "¥5.00"


def test_yuan_puts_the_minus_sign_before_the_currency():
    assert yuan(Decimal("-1200")) == "-¥1,200.00"


def test_near_date_shows_the_weekday_near_today_and_the_year_far_from_it(monkeypatch):
    monkeypatch.setattr(formatting, "local_today", lambda: date(2026, 11, 25))
    assert near_date(date(2026, 11, 27)) == "11月27日（周五）"
    assert near_date(date(2027, 3, 24)) == "3月24日（周三）"  # 119 days ahead
    assert near_date(date(2027, 3, 30)) == "2027年3月30日"
    assert near_date(date(2026, 4, 30)) == "2026年4月30日"
