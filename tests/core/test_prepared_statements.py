"""core.db.keep_prepared_statements: on PostgreSQL a transaction that only read is ended with
COMMIT, so psycopg keeps the statements it prepared (it forgets them at each ROLLBACK); a
transaction that wrote, or failed, is rolled back as before."""

import os

import pytest
import sqlalchemy as sa

from venture.core.cache import CachedFigure
from venture.core.timeutil import now
from venture.extensions import db

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="psycopg's prepared statements (PostgreSQL)",
)

TABLE = CachedFigure.__table__
# a text of its own (the label), not one an earlier test on the connection prepared too
READ = sa.select(TABLE.c.value.label("probe_value")).where(TABLE.c.key == sa.bindparam("key"))


def _prepared(connection):
    return connection.execute(
        sa.text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE :text"),
        {"text": "%probe_value%"},
    ).scalar()


def _read_six_times(connection):
    for _ in range(6):  # psycopg prepares a statement at its fifth run
        connection.execute(READ, {"key": "nothing"}).all()


def test_a_transaction_that_only_read_keeps_the_prepared_statements():
    with db.engine.connect() as connection:
        _read_six_times(connection)
        connection.rollback()
        assert _prepared(connection) == 1
        connection.rollback()  # this one ran text: a real rollback
        assert _prepared(connection) == 0


def test_a_transaction_that_wrote_is_rolled_back():
    with db.engine.connect() as connection:
        _read_six_times(connection)
        connection.execute(TABLE.insert().values(key="written", value={"n": 1}, computed_at=now()))
        connection.execute(READ, {"key": "written"}).all()
        connection.rollback()
        assert connection.execute(READ, {"key": "written"}).all() == []
    with db.engine.connect() as connection:
        assert connection.execute(READ, {"key": "written"}).all() == []


def test_a_failed_transaction_is_rolled_back():
    with db.engine.connect() as connection:
        with pytest.raises(sa.exc.DBAPIError):
            connection.execute(sa.select(sa.literal(1) / sa.literal(0)))
        connection.rollback()
        assert connection.execute(READ, {"key": "nothing"}).all() == []
