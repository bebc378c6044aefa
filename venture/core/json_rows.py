"""A list of rows as one column: a scalar subquery that gives the rows it selects as a JSON
array of arrays, so one statement reads a record and its lists (a page's records read in one
round trip instead of one per list).

SQLite aggregates the ordered rows of a derived table (json_group_array keeps their order);
PostgreSQL orders inside json_agg. The column is text: `decoded` reads it back, numbers as
Decimal (a float never touches an amount)."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Text, cast, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql import operators


def json_rows(dialect, columns, *, select_from, where, order_by, group_by=(), limit=None):
    """The rows of columns (a list) from select_from (a table or a join) where where (a list of
    conditions), grouped by group_by, in order_by's order, the first limit of them (all: None),
    as a JSON array of arrays (a scalar subquery, text)."""
    if dialect == "postgresql":
        if not group_by and limit is None:
            row = func.json_build_array(*columns)
            rows = func.json_agg(aggregate_order_by(row, *order_by))
            return select(cast(rows, Text)).select_from(select_from).where(*where).scalar_subquery()
        return _first_rows(columns, select_from, where, order_by, group_by, limit)
    query = select(func.json_array(*columns).label("row"))
    ordered = _rows(query, select_from, where, order_by, group_by, limit)
    return select(func.json_group_array(func.json(ordered.c.row))).scalar_subquery()


def _rows(query, select_from, where, order_by, group_by, limit):
    """query's rows from select_from where where, grouped, ordered and limited: a subquery."""
    query = query.select_from(select_from).where(*where).group_by(*group_by)
    return query.order_by(*order_by).limit(limit).subquery()


def _first_rows(columns, select_from, where, order_by, group_by, limit):
    """PostgreSQL: the rows grouped or limited in a derived table that also selects their
    order's keys, aggregated in that order (json_agg cannot take LIMIT, nor group rows it
    aggregates)."""
    keys = [_key(term) for term in order_by]
    query = select(
        *(column.label(f"c{n}") for n, column in enumerate(columns)),
        *(key.label(f"k{n}") for n, (key, _descending) in enumerate(keys)),
    )
    rows = _rows(query, select_from, where, order_by, group_by, limit)
    row = func.json_build_array(*(rows.c[f"c{n}"] for n in range(len(columns))))
    order = [
        rows.c[f"k{n}"].desc() if descending else rows.c[f"k{n}"]
        for n, (_key, descending) in enumerate(keys)
    ]
    return select(cast(func.json_agg(aggregate_order_by(row, *order)), Text)).scalar_subquery()


def _key(term):
    """(the expression an ORDER BY term orders by, whether descending)."""
    modifier = getattr(term, "modifier", None)
    if modifier in (operators.desc_op, operators.asc_op):
        return term.element, modifier is operators.desc_op
    return term, False


def decoded(text):
    """The rows of a json_rows column: a list of lists (none: an empty list)."""
    return json.loads(text, parse_float=Decimal) if text else []


def moment(value):
    """A UTC timestamp read from a json_rows column as the ORM reads it (UTCDateTime): aware,
    in UTC. PostgreSQL writes 2026-12-07T10:00:00, SQLite the stored 2026-12-07 10:00:00.000000."""
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def day(value):
    """A date read from a json_rows column (2026-12-07)."""
    return None if value is None else date.fromisoformat(value)
