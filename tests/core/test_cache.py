"""Figures kept in the database under a stamp (core/cache.py)."""

import sqlalchemy as sa

from venture.core.cache import CachedFigure, move_stamp, written_figure
from venture.extensions import db


def move(connection, key):
    move_stamp(connection, key)
    db.session.commit()  # as the writer's transaction does


def test_written_figure_is_computed_again_when_its_stamp_moves_or_what_else_it_depends_on():
    values = iter(range(1, 10))

    def read(*also):
        return written_figure("test.count", "test.stamp", lambda: next(values), also=also)

    assert (read("monday"), read("monday")) == (1, 1)  # no stamp written yet: kept too
    move(db.session.connection(), "test.stamp")
    assert (read("monday"), read("monday")) == (2, 2)
    move(db.session.connection(), "test.stamp")  # a token each time, never reused
    assert (read("monday"), read("tuesday"), read("tuesday")) == (3, 4, 4)
    db.session.execute(sa.delete(CachedFigure).where(CachedFigure.key == "test.stamp"))
    db.session.commit()
    assert read("tuesday") == 5


def _pages_of(letters, calls):
    def compute():
        calls.append(letters)
        pages = [letters[i : i + 2] for i in range(0, len(letters), 2)]
        return {"total": len(letters)}, pages

    return compute


def test_stamped_pages_are_computed_once_per_stamp_and_read_a_page_at_a_time():
    from venture.core.cache import stamped_pages

    calls = []
    assert stamped_pages("test.list", "v1", 2, _pages_of("abcde", calls)) == (
        {"total": 5},
        "cd",
        2,
    )
    # every page was stored at once: the others are read, not computed
    assert stamped_pages("test.list", "v1", 3, _pages_of("abcde", calls)) == ({"total": 5}, "e", 3)
    assert stamped_pages("test.list", "v1", 1, _pages_of("abcde", calls)) == ({"total": 5}, "ab", 1)
    # a page past the end is the last one
    assert stamped_pages("test.list", "v1", 9, _pages_of("abcde", calls)) == ({"total": 5}, "e", 3)
    assert calls == ["abcde"]
    # another stamp computes the list again; its pages replace the old ones
    assert stamped_pages("test.list", "v2", 9, _pages_of("xyz", calls)) == ({"total": 3}, "z", 2)
    assert stamped_pages("test.list", "v2", 1, _pages_of("xyz", calls)) == ({"total": 3}, "xy", 1)
    assert calls == ["abcde", "xyz"]
