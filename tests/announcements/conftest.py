"""A settable clock: announcement periods are calendar dates in Asia/Shanghai."""

from datetime import UTC, datetime

import pytest

from venture.core import timeutil


class Clock:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def set(self, local):
        """Freeze now() and local_today() at local, an Asia/Shanghai 'YYYY-MM-DD HH:MM'."""
        moment = datetime.fromisoformat(local).replace(tzinfo=timeutil.LOCAL_TZ).astimezone(UTC)
        self.monkeypatch.setattr(timeutil, "now", lambda: moment)
        self.monkeypatch.setattr(
            timeutil, "local_today", lambda: moment.astimezone(timeutil.LOCAL_TZ).date()
        )
        return moment


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)
