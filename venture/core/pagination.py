"""Pagination of SELECT statements: one COUNT and one page query, whatever the table size."""

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


def paginate(select, *, per_page=None, scalars=True, total=None):
    """Run select for the requested page; a page past the end shows the last page. total:
    the number of rows select gives, when the page has counted them already."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    if total is None:
        total = db.session.scalar(
            sa.select(sa.func.count()).select_from(select.order_by(None).subquery())
        )
    page = min(requested_page(), max(1, ceil(total / per_page)))
    query = select.limit(per_page).offset((page - 1) * per_page)
    result = db.session.execute(query)
    items = list(result.scalars() if scalars else result)
    return Page(items=items, page=page, per_page=per_page, total=total)
