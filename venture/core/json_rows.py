"""A list of rows as one column: a scalar subquery that gives the rows it selects as a JSON
array of arrays, so one statement reads a record and its lists (a page's records read in one
round trip instead of one per list).

SQLite aggregates the ordered rows of a derived table (json_group_array keeps their order);
PostgreSQL orders inside json_agg. The column is text: `decoded` reads it back, numbers as
Decimal (a float never touches an amount)."""

import json
from decimal import Decimal

from sqlalchemy import Text, cast, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by


def json_rows(dialect, columns, *, select_from, where, order_by):
    """The rows of columns (a list) from select_from (a table or a join) where where (a list of
    conditions), in order_by's order, as a JSON array of arrays (a scalar subquery, text)."""
    if dialect == "postgresql":
        row = func.json_build_array(*columns)
        rows = func.json_agg(aggregate_order_by(row, *order_by))
        return select(cast(rows, Text)).select_from(select_from).where(*where).scalar_subquery()
    ordered = (
        select(func.json_array(*columns).label("row"))
        .select_from(select_from)
        .where(*where)
        .order_by(*order_by)
        .subquery()
    )
    return select(func.json_group_array(func.json(ordered.c.row))).scalar_subquery()


def decoded(text):
    """The rows of a json_rows column: a list of lists (none: an empty list)."""
    return json.loads(text, parse_float=Decimal) if text else []
