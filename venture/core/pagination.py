"""Pagination of SELECT statements: one COUNT and one page query, whatever the table size.

Deep pages: OFFSET makes the database produce and throw away every row before the page, so
page 500 of a list read whole (joins, eager loads, wide rows) costs far more than page 1. With
key= (a unique column of the listed rows, usually the id) the page is found in two steps: the
keys of the page's rows, the skipped rows read through the index only, then those rows read
whole in the list's order. Any page number still works as a link; page 500 costs about what
page 1 does (bench/README.md, deep pages).
"""

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


def requested_page():
    """The ?page= number, 1 for anything that is not a positive whole number."""
    return optional_id(request.args.get("page")) or 1


def paginate(select, *, per_page=None, scalars=True, key=None, total=None):
    """Run select for the requested page; a page past the end shows the last page. key: a
    unique column of the rows (see the module's docstring), for lists with deep pages. total:
    the number of rows select gives, when the page has counted them already."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    if total is None:
        total = db.session.scalar(
            sa.select(sa.func.count()).select_from(select.order_by(None).subquery())
        )
    page = min(requested_page(), max(1, ceil(total / per_page)))
    if key is None:
        query = select.limit(per_page).offset((page - 1) * per_page)
    else:
        keys = db.session.scalars(
            select.with_only_columns(key).limit(per_page).offset((page - 1) * per_page)
        ).all()
        query = select.where(key.in_(keys))
    result = db.session.execute(query)
    items = list(result.scalars() if scalars else result)
    return Page(items=items, page=page, per_page=per_page, total=total)
