"""Chinese working days (工作日): weekends, statutory holidays and make-up working days (调休).

The calendar comes from the maintained `holidays` library (`holidays.China`, which carries each
year's State Council arrangement: the holidays and, in `weekend_workdays`, the make-up working
days). Admin can add or correct single days (`WorkdayOverride`); an override always wins.
Every date here is an Asia/Shanghai calendar date.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core import audit
from venture.core.db import UTCDateTime, utcnow
from venture.extensions import db


class WorkdayOverride(db.Model):
    """工作日调整: admin's correction of one day, which wins over the library."""

    __tablename__ = "workday_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True, nullable=False)
    is_working_day: Mapped[bool] = mapped_column(nullable=False)
    note: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    created_by = relationship("User", lazy="joined")


@dataclass(frozen=True)
class PeriodEnd:
    """The last day of a period and, when it is uncertain, why (messages for a person)."""

    end: date
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=64)
def _library_year(year, language="en_US"):
    """The library's calendar of one year, built once per process (it is read-only after)."""
    return holidays.China(years=year, language=language)


def _library_is_working_day(day):
    return _library_year(day.year).is_working_day(day)


def published_by_library(year):
    """Whether the library holds the State Council's arrangement for year.

    `holidays.China` fills any year by rule (fixed dates and lunar festivals, weekend holidays
    moved to Monday), so it never says when it is guessing. Every State Council notice it has
    transcribed is a per-year table of special days (`special_public_holidays`: the days off
    swapped with make-up Saturdays and Sundays), which also fills `weekend_workdays`. A year is
    taken as published when that table has an entry for it or the library knows a make-up
    working day in it; a library upgrade that adds a year's notice extends this by itself.
    """
    calendar = _library_year(year)
    if year in getattr(calendar, "special_public_holidays", {}):
        return True
    return any(day.year == year for day in calendar.weekend_workdays)


def _all_overrides():
    """{date: is_working_day} of admin's corrections (a few dozen rows a year: one query)."""
    rows = db.session.execute(sa.select(WorkdayOverride.day, WorkdayOverride.is_working_day))
    return {row.day: row.is_working_day for row in rows}


def override_years(overrides=None):
    """Years in which admin has entered days."""
    return {day.year for day in (_all_overrides() if overrides is None else overrides)}


def is_year_published(year, admin_years=None):
    """Whether the working days of year are known, so a period reaching it is not a guess.

    Known means: the library holds the State Council notice of that year (see
    `published_by_library`), or admin has entered days of that year on the working-days page.
    The second rule is how the platform keeps working when a notice comes out before the
    library's next release: admin enters the year's days off and make-up days, and the
    warning goes away. A fixed list of years in the code was the alternative; it would need a
    code change every December, where the library and the admin page need none.
    """
    if published_by_library(year):
        return True
    return year in (override_years() if admin_years is None else admin_years)


def is_working_day(day):
    """Whether day is a working day in mainland China (admin's override first)."""
    override = db.session.scalar(
        sa.select(WorkdayOverride.is_working_day).where(WorkdayOverride.day == day)
    )
    if override is not None:
        return override
    return _library_is_working_day(day)


def _nth_working_day(start, n, overrides):
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    remaining = n
    while remaining:
        day += timedelta(days=1)
        working = overrides.get(day)
        if working is None:
            working = _library_is_working_day(day)
        if working:
            remaining -= 1
    return day


def add_working_days(start: date, n: int) -> date:
    """The n-th working day counting from the day after start (start itself when n is 0)."""
    return _nth_working_day(start, n, _all_overrides())


def period_end(start: date, n: int) -> PeriodEnd:
    """The end of a period of n working days after start, with a warning for each year it
    reaches whose arrangement is not published (the end date is then provisional)."""
    overrides = _all_overrides()
    end = _nth_working_day(start, n, overrides)
    first = start + timedelta(days=1) if n else start
    admin_years = override_years(overrides)
    warnings = [
        _(
            "The State Council has not yet published the %(year)s holiday arrangement. "
            "Days in %(year)s were counted by weekends and the usual holiday dates only, so "
            "the end date may still move. Check it again when the arrangement is published, "
            "or ask an administrator to enter the %(year)s days.",
            year=year,
        )
        for year in range(first.year, end.year + 1)
        if not is_year_published(year, admin_years)
    ]
    return PeriodEnd(end=end, warnings=warnings)


def working_days_left(today: date, end: date) -> int:
    """Working days after today up to and including end (0 on the last day and after)."""
    overrides = _all_overrides()
    count = 0
    day = today + timedelta(days=1)
    while day <= end:
        working = overrides.get(day)
        if working is None:
            working = _library_is_working_day(day)
        count += bool(working)
        day += timedelta(days=1)
    return count


def library_holidays(year, language="zh_CN"):
    """{date: name} of the library's days off in year (weekdays and weekends alike)."""
    return dict(sorted(_library_year(year, language).items()))


def library_make_up_days(year):
    """The library's make-up working days (调休上班) in year, in order."""
    return sorted(day for day in _library_year(year).weekend_workdays if day.year == year)


OVERRIDE_FIELDS = ("day", "is_working_day", "note")


def set_workday_override(day, *, is_working_day, note, actor):
    """Add admin's correction of day, or change the one already entered."""
    override = db.session.scalar(sa.select(WorkdayOverride).where(WorkdayOverride.day == day))
    if override is None:
        override = WorkdayOverride(
            day=day, is_working_day=is_working_day, note=note.strip(), created_by_id=actor.id
        )
        audit.record_added(
            "workday_override.add",
            override,
            actor=actor,
            after=audit.snapshot(override, OVERRIDE_FIELDS),
        )
        return override
    before = audit.snapshot(override, OVERRIDE_FIELDS)
    override.is_working_day = is_working_day
    override.note = note.strip()
    audit.record_changes(
        "workday_override.update", override, actor=actor, before=before, fields=OVERRIDE_FIELDS
    )
    return override


def remove_workday_override(override, *, actor):
    """Remove admin's correction; the library's answer applies again."""
    audit.record(
        "workday_override.remove",
        override,
        actor=actor,
        before=audit.snapshot(override, OVERRIDE_FIELDS),
    )
    db.session.delete(override)
