"""Time: stored in UTC, shown and entered in Asia/Shanghai."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def now():
    return datetime.now(UTC)


def to_local(value):
    return value.astimezone(LOCAL_TZ) if value else None


def from_local(naive):
    """A naive datetime typed in Asia/Shanghai, as aware UTC."""
    if naive is None:
        return None
    return naive.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def local_today():
    return datetime.now(LOCAL_TZ).date()
