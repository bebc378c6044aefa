"""i17_shared_sheets moves the tender's bid sheets and scores into review's shared tables."""

import os
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from tests.test_migrations import empty_database_url, flask
from venture.extensions import db

AT = datetime(2026, 5, 4, 3, 2, 1)


def _value(column):
    """A value the column accepts, for the NOT NULL columns a test does not care about."""
    kind = column.type
    if isinstance(kind, sa.Enum):
        return kind.enums[0]
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Date):
        return date(2026, 5, 1)
    if isinstance(kind, sa.Numeric):
        return Decimal("1000")
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.JSON):
        return []
    if isinstance(kind, sa.String | sa.Text):
        return "x"
    return AT  # the UTC datetime columns


def _insert(connection, table_name, **given):
    """Insert one row into the table as the database has it, filling what is not given."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
    model = db.metadata.tables.get(table_name)
    values = dict(given)
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        if column.server_default is not None:
            continue
        source = model.columns[column.name] if model is not None else column
        values[column.name] = _value(source)
    return connection.execute(table.insert().values(**values)).inserted_primary_key[0]


def _rows(connection, sql):
    return [tuple(r) for r in connection.execute(sa.text(sql)).all()]


def test_bid_sheets_move_into_the_shared_tables_and_back(tmp_path):
    url, engine = empty_database_url(tmp_path)
    env = {**os.environ, "DATABASE_URL": url}
    upgrade = flask("upgrade", "i19_security", env=env)
    assert upgrade.returncode == 0, upgrade.stderr[-2000:]

    data = sa.create_engine(url)
    with data.begin() as c:
        user = _insert(c, "user", email="expert@example.org")
        org = _insert(c, "organization", name="甲社工")
        call = _insert(
            c,
            "call",
            route="tender",
            opens_at=datetime(2026, 4, 1),
            closes_at=datetime(2026, 4, 20),
            project_start=date(2026, 6, 1),
            project_end=date(2027, 5, 31),
            created_by_id=user,
        )
        tender = _insert(c, "tender", call_id=call, created_by_id=user, price_weight=30)
        bid = _insert(
            c,
            "bid",
            tender_id=tender,
            organization_id=org,
            state="compliant",
            price=Decimal("90000.00"),
            submitted_at=AT,
            created_by_id=user,
        )
        expert = _insert(c, "reviewer_profile", user_id=user)
        panel = _insert(
            c,
            "panel",
            call_id=call,
            size=3,
            reviewers_per_application=3,
            formed_by_id=user,
            deadline=date(2026, 5, 10),
            proposed_at=None,
        )
        first = _insert(c, "review_criterion", call_id=call, position=1, max_score=40)
        second = _insert(c, "review_criterion", call_id=call, position=2, max_score=30)
        sheet = _insert(
            c,
            "bid_sheet",
            bid_id=bid,
            reviewer_id=expert,
            state="submitted",
            overall_comment="方案完整",
            total=Decimal("58.5"),
            submitted_at=datetime(2026, 5, 5, 6, 7, 8),
            created_at=AT,
            updated_at=datetime(2026, 5, 5, 6, 7, 8),
        )
        _insert(
            c, "bid_score", sheet_id=sheet, criterion_id=first, raw="30", score=30, comment="好"
        )
        _insert(
            c,
            "bid_score",
            sheet_id=sheet,
            criterion_id=second,
            raw="28.5",
            score=Decimal("28.5"),
            comment="",
        )

    upgrade = flask("upgrade", env=env)
    assert upgrade.returncode == 0, upgrade.stderr[-2000:]
    with data.connect() as c:
        tables = sa.inspect(c).get_table_names()
        assert "bid_sheet" not in tables and "bid_score" not in tables
        ((*assignment, due),) = _rows(
            c,
            "SELECT panel_id, application_id, bid_id, reviewer_id, state, created_by_id,"
            " queue_group, queue_due FROM review_assignment",
        )
        assert assignment == [panel, None, bid, expert, "active", user, 2]
        assert str(due) == "2026-05-10"  # a date on PostgreSQL, its text on SQLite
        (row,) = c.execute(
            sa.text(
                "SELECT s.id, s.state, s.overall_comment, s.total, s.submitted_at,"
                " s.first_submitted_at, s.created_at, s.updated_at"
                " FROM review_sheet s JOIN review_assignment a ON a.id = s.assignment_id"
            )
        ).all()
        moved, *values = row
        assert values[:3] == ["submitted", "方案完整", Decimal("58.5")]
        assert _naive(values[3]) == datetime(2026, 5, 5, 6, 7, 8)
        assert values[4] is None
        assert _naive(values[5]) == AT
        assert _naive(values[6]) == datetime(2026, 5, 5, 6, 7, 8)
        assert sorted(
            _rows(c, "SELECT sheet_id, criterion_id, raw, score, comment FROM review_score")
        ) == [
            (moved, first, "30", Decimal("30.0"), "好"),
            (moved, second, "28.5", Decimal("28.5"), ""),
        ]

    downgrade = flask("downgrade", "i19_security", env=env)
    assert downgrade.returncode == 0, downgrade.stderr[-2000:]
    with data.connect() as c:
        assert _rows(c, "SELECT count(*) FROM review_assignment") == [(0,)]
        assert _rows(c, "SELECT count(*) FROM review_sheet") == [(0,)]
        assert _rows(
            c, "SELECT bid_id, reviewer_id, state, overall_comment, total FROM bid_sheet"
        ) == [(bid, expert, "submitted", "方案完整", Decimal("58.5"))]
        assert sorted(_rows(c, "SELECT criterion_id, raw, score, comment FROM bid_score")) == [
            (first, "30", Decimal("30.0"), "好"),
            (second, "28.5", Decimal("28.5"), ""),
        ]
    data.dispose()
    if engine is not None:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA migrate_check CASCADE"))
        engine.dispose()


def _naive(value):
    """A datetime as SQLite (text) or PostgreSQL (timestamp) hands it back, without zone."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=None)
