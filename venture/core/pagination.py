"""Pagination of SELECT statements: one COUNT and one page query, whatever the table size.

Deep pages: OFFSET makes the database produce and throw away every row before the page, so
page 500 of a list read whole (joins, eager loads, wide rows) costs far more than page 1. With
key= (a unique column of the listed rows, usually the id) the page is found in two steps: the
keys of the page's rows, the skipped rows read through the index only, then those rows read
whole in the list's order. Any page number still works as a link; page 500 costs about what
page 1 does (bench/README.md, deep pages).

With numbered= (a column holding 1, 2, … the number of rows, without a gap, the list ordered
by it descending: the audit log's chain sequence) no row is skipped at all: page N is the range
of numbers it covers.

With order= (ascending columns that together are unique, and an index that walks them with
the filters' columns: the finance ledger) a page nearer the end than the start is read
backwards: the rows after it are skipped instead of those before, so the last pages cost what
the first do and the middle page is the deepest (half the rows, not all of them). With marks=
as well (Marks: the order's values at every `every`-th row, kept by the caller), a page deeper
than `every` rows from both ends is read from the mark before it: fewer than `every` rows are
skipped, however long the list.
"""

from collections.abc import Callable
from dataclasses import dataclass
from math import ceil

import sqlalchemy as sa
from flask import current_app, request

from venture.core.integers import optional_id
from venture.extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages


@dataclass(frozen=True)
class Marks:
    """Where a list paginated with order= can be entered: keys() gives the order columns'
    values at its rows 0, every, 2 × every, … (read only for a page that needs them)."""

    every: int
    keys: Callable[[], list]


def requested_page():
    """The ?page= number, 1 for anything that is not a positive whole number."""
    return optional_id(request.args.get("page")) or 1


def paginate(  # noqa: PLR0913 (each keyword is one way of finding a deep page)
    select,
    *,
    per_page=None,
    scalars=True,
    key=None,
    total=None,
    order=None,
    marks=None,
    numbered=None,
):
    """Run select for the requested page; a page past the end shows the last page. key: a
    unique column of the rows (see the module's docstring), for lists with deep pages. total:
    the number of rows select gives, when the page has counted them already. order: the
    columns (ascending, together unique) to order select by, reading a page in the second half
    from the end, or from the nearest of the Marks given as marks. numbered: the column
    numbering select's rows from total down to 1 in its order (see the module's docstring)."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    if total is None:
        total = db.session.scalar(
            sa.select(sa.func.count()).select_from(select.order_by(None).subquery())
        )
    page = min(requested_page(), max(1, ceil(total / per_page)))
    if order is not None:
        return Page(
            items=_page_by_order(select, order, marks, page, per_page, total, scalars),
            page=page,
            per_page=per_page,
            total=total,
        )
    if numbered is not None:
        last = total - (page - 1) * per_page
        query = select.where(numbered.between(last - per_page + 1, last))
    elif key is None:
        query = select.limit(per_page).offset((page - 1) * per_page)
    else:
        keys = db.session.scalars(
            select.with_only_columns(key).limit(per_page).offset((page - 1) * per_page)
        ).all()
        query = select.where(key.in_(keys))
    result = db.session.execute(query)
    items = list(result.scalars() if scalars else result)
    return Page(items=items, page=page, per_page=per_page, total=total)


def _page_by_order(select, order, marks, page, per_page, total, scalars):
    """The rows of page, ordered by the columns order; a page past the middle is read from the
    end, order reversed (NULLs too: SQLite and PostgreSQL put them at opposite ends of ASC and
    DESC), and turned back; a page deeper than marks.every from both ends, from its mark."""
    skip = (page - 1) * per_page
    rows = max(0, min(per_page, total - skip))
    after = total - skip - rows
    start = _mark_before(marks, skip) if marks and min(skip, after) >= marks.every else None
    backwards = start is None and after < skip
    if start is not None:
        mark, keys = start
        query = select.where(sa.tuple_(*order) >= keys).order_by(*order).offset(skip - mark)
    elif backwards:
        query = select.order_by(*(column.desc() for column in order)).offset(after)
    else:
        query = select.order_by(*order).offset(skip)
    result = db.session.execute(query.limit(rows or per_page))
    items = list(result.scalars() if scalars else result)
    return items[::-1] if backwards else items


def _mark_before(marks, skip):
    """(the row number, the order's values) of the last mark at or before row skip; None when
    the marks do not reach it or hold a NULL (no row compares with it)."""
    keys = marks.keys()
    index = skip // marks.every
    if index >= len(keys) or any(value is None for value in keys[index]):
        return None
    return index * marks.every, tuple(keys[index])
