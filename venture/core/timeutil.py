"""Time: stored in UTC, shown and entered in Asia/Shanghai.

Every "now" and "today" of the application comes from here, so that a command can run as of
another date (`flask demo-data --today 2027-04-06`) and a test can set the clock.
"""

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

_shift = timedelta(0)  # how far this process's clock runs ahead of the machine's


def now():
    return datetime.now(UTC) + _shift


def to_local(value):
    return value.astimezone(LOCAL_TZ) if value else None


def from_local(naive):
    """A naive datetime typed in Asia/Shanghai, as aware UTC."""
    if naive is None:
        return None
    return naive.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def local_today():
    return now().astimezone(LOCAL_TZ).date()


@contextmanager
def clock_on(day: date | None):
    """Run the block as if today, in Asia/Shanghai, were `day` (None: the real date).

    The clock keeps moving; only the date is shifted, by whole days."""
    global _shift
    previous = _shift
    if day is not None:
        _shift = timedelta(days=(day - datetime.now(LOCAL_TZ).date()).days)
    try:
        yield
    finally:
        _shift = previous
