"""Figures cached in the database for a few minutes."""

from datetime import timedelta

import sqlalchemy as sa

from venture.core.cache import CachedFigure, cached_figure, forget
from venture.extensions import db


def test_cached_figure_is_computed_once_while_fresh():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    first = cached_figure("test.count", timedelta(minutes=5), compute)
    again = cached_figure("test.count", timedelta(minutes=5), compute)
    assert (first, again, len(calls)) == (1, 1, 1)


def test_cached_figure_is_recomputed_when_stale():
    values = iter([10, 20])
    cached_figure("test.count", timedelta(minutes=5), lambda: next(values))
    assert cached_figure("test.count", timedelta(0), lambda: next(values)) == 20
    stored = db.session.scalar(
        sa.select(CachedFigure.value).where(CachedFigure.key == "test.count")
    )
    assert stored == 20


def test_forget_makes_the_next_reader_compute():
    cached_figure("test.count", timedelta(minutes=5), lambda: 1)
    forget("test.count")
    db.session.commit()
    assert cached_figure("test.count", timedelta(minutes=5), lambda: 2) == 2
