"""core.pgcursor: the cursor's description, built when read, is psycopg's own (names, type
codes, sizes), for the result it was read for; none for a statement without rows."""

import os

import psycopg
import pytest
import sqlalchemy as sa

from venture.core.pgcursor import Cursor, Description
from venture.extensions import db

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="psycopg's cursor (PostgreSQL)",
)

QUERY = "SELECT 1::int AS one, 'x'::varchar(7) AS text, 2.50::numeric(8, 2) AS money, now() AS at"


def _psycopgs(cursor):
    return psycopg.Cursor.description.fget(cursor)  # psycopg's own answer, for the same result


def test_the_apps_connections_use_the_cursor():
    with db.engine.connect() as connection:
        assert type(connection.connection.dbapi_connection.cursor()) is Cursor


def test_the_description_is_psycopgs():
    with db.engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute(QUERY)
        description = cursor.description
        assert isinstance(description, Description)
        assert [tuple(column) for column in description] == [
            tuple(column) for column in _psycopgs(cursor)
        ]
        assert [column.name for column in description] == ["one", "text", "money", "at"]
        assert description[2].type_code == 1700  # numeric
        assert (description[1].display_size, description[2].precision) == (7, 8)
        assert len(description) == 4


def test_the_description_stays_that_of_its_result():
    with db.engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute(QUERY)
        description = cursor.description
        cursor.execute("SELECT 1 AS other")
        assert [column.name for column in description] == ["one", "text", "money", "at"]
        assert [column.name for column in cursor.description] == ["other"]


def test_no_description_without_rows_and_one_for_an_empty_select():
    with db.engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute("CREATE TEMPORARY TABLE probe (n int)")
        assert cursor.description is None
        cursor.execute("INSERT INTO probe VALUES (1)")
        assert cursor.description is None
        cursor.execute("SELECT ")
        assert (len(cursor.description), _psycopgs(cursor)) == (0, [])


def test_sqlalchemy_reads_rows_and_names_through_it():
    with db.engine.connect() as connection:
        result = connection.execute(sa.text(QUERY))
        assert list(result.keys()) == ["one", "text", "money", "at"]
        row = result.one()
        assert (row.one, row.text, str(row.money)) == (1, "x", "2.50")
