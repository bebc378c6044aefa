"""Figures kept in the database under a stamp (core/cache.py)."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

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


# ── stamps noted by a flush move at the commit (note_stamp) ─────────────────────────────────


def _stamp(key):
    db.session.expire_all()
    with db.engine.connect() as connection:  # what other transactions see
        return connection.execute(
            sa.select(CachedFigure.value).where(CachedFigure.key == key)
        ).scalar()


def test_a_noted_stamp_moves_when_the_transaction_commits_not_before():
    from venture.core.cache import note_stamp

    move(db.session.connection(), "test.stamp")
    before = _stamp("test.stamp")
    note_stamp(db.session, "test.stamp")
    db.session.flush()
    assert _stamp("test.stamp") == before
    db.session.commit()
    moved = _stamp("test.stamp")
    assert moved != before and set(moved) == {"token"}


def test_a_noted_stamp_is_forgotten_when_the_transaction_rolls_back():
    from venture.core.cache import note_stamp

    move(db.session.connection(), "test.stamp")
    before = _stamp("test.stamp")
    db.session.connection()  # in a transaction, as a flush is
    note_stamp(db.session, "test.stamp")
    db.session.rollback()
    db.session.commit()
    assert _stamp("test.stamp") == before


def test_stamps_move_in_the_order_of_their_keys():
    from venture.core.cache import note_stamp

    moved = []

    def seen(_conn, _cursor, statement, parameters, *_args):
        if "cached_figure" in statement and "ON CONFLICT" in statement:
            moved.append(next(v for v in _values(parameters) if str(v).startswith("test.")))

    note_stamp(db.session, "test.b")
    note_stamp(db.session, "test.a")
    note_stamp(db.session, "test.c")
    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        db.session.commit()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert moved == ["test.a", "test.b", "test.c"]


def _values(parameters):
    return parameters.values() if isinstance(parameters, dict) else parameters


def test_a_written_figure_read_after_an_uncommitted_change_is_computed_afresh_and_not_kept():
    from venture.core.cache import note_stamp

    values = iter(range(1, 10))

    def read():
        return written_figure("test.count", "test.stamp", lambda: next(values))

    assert (read(), read()) == (1, 1)
    note_stamp(db.session, "test.stamp")  # a flush changed what it counts; not committed yet
    assert (read(), read()) == (2, 3)
    db.session.commit()
    assert (read(), read()) == (4, 4)


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="row locks between two connections (PostgreSQL)",
)
def test_two_writers_noting_stamps_in_opposite_orders_both_commit():
    """Moved at each flush, these would deadlock (the second writer's B, then the first's
    wait for B while the second waits for A); moved at the commit in key order, the second
    writer waits for the first and both stamps move twice."""
    from venture.core.cache import note_stamp

    for key in ("test.a", "test.b"):
        move(db.session.connection(), key)
    before = {key: _stamp(key) for key in ("test.a", "test.b")}
    first, second = Session(db.engine), Session(db.engine)
    try:
        for session in (first, second):
            session.execute(sa.text("SET lock_timeout = '5s'"))  # a wait fails, never hangs
        note_stamp(first, "test.a")
        note_stamp(second, "test.b")
        note_stamp(first, "test.b")
        note_stamp(second, "test.a")
        with ThreadPoolExecutor(2) as pool:
            for done in [pool.submit(session.commit) for session in (first, second)]:
                done.result(timeout=30)
    finally:
        first.close()
        second.close()
    assert all(_stamp(key) != before[key] for key in before)


def test_a_stamp_on_flush_moves_for_its_models_rows_and_watched_columns_only():
    from tests import factories
    from venture.auth.enums import Role
    from venture.auth.models import User, UserSession
    from venture.core.cache import stamp_on_flush
    from venture.core.timeutil import now

    hooks = [
        stamp_on_flush("test.names#stamp", {User: ("name",)}),
        stamp_on_flush("test.rows#stamp", {User: None}),
    ]
    try:
        user = factories.user(Role.STAFF)
        db.session.commit()  # a row added: both move
        stamps = (_stamp("test.names#stamp"), _stamp("test.rows#stamp"))
        assert None not in stamps

        def moved(change):
            before = (_stamp("test.names#stamp"), _stamp("test.rows#stamp"))
            change()
            db.session.commit()
            after = (_stamp("test.names#stamp"), _stamp("test.rows#stamp"))
            return tuple(a != b for a, b in zip(before, after, strict=True))

        assert moved(lambda: setattr(user, "phone", "13800000000")) == (False, True)
        assert moved(lambda: setattr(user, "name", "改名")) == (True, True)
        # set to itself, once loaded (_stamp expires every object)
        assert moved(lambda: (user.name, setattr(user, "name", "改名"))) == (False, False)
        row = UserSession(user_id=user.id, key_hash="x" * 64, started_at=now())
        assert moved(lambda: db.session.add(row)) == (False, False)  # another model
        assert moved(lambda: db.session.delete(row)) == (False, False)
        assert moved(lambda: db.session.delete(db.session.get(User, user.id))) == (True, True)
    finally:
        for hook in hooks:
            sa.event.remove(Session, "before_flush", hook)
