"""The API's lists, declared once: a list is its scoped and ordered query, the filters its
query parameters apply, and how an item is rendered. `list_operation` registers it as a paged
operation (page and per_page are added, the OpenAPI document lists the filters' parameters),
and every list answers the same way: one COUNT and one page query, a page past the end empty."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from venture.api.base import api
from venture.api.registry import Param, page_count
from venture.core import timeutil
from venture.extensions import db


@dataclass(frozen=True)
class Filter:
    """Query parameters and how they narrow a list: apply(query, args) → query."""

    params: tuple
    apply: object


def scoped(model, scope, *order):
    """The query of a list of one model: the rows scope(reader) lets the reader see, in order."""
    return lambda: sa.select(model).where(scope(current_user)).order_by(*order)


def condition(param, make):
    """make(value) is the WHERE clause, when the parameter is given."""

    def apply(query, args):
        value = args[param.name]
        return query.where(make(value)) if value else query

    return Filter((param,), apply)


def equal(param, column, convert=None):
    """column = the parameter's value (converted, e.g. to its enum), when it is given."""
    return condition(param, lambda value: column == (convert(value) if convert else value))


def one_of(name, enum, column, description):
    """A string parameter taking the enum's values; column = the chosen member."""
    param = Param(name, "string", description, enum=tuple(member.value for member in enum))
    return equal(param, column, enum)


CALL_ID = Param("call_id", "integer", _l("Only those of this call."))


def of_call(column):
    """The call_id parameter on column."""
    return equal(CALL_ID, column)


def _day_start(day):
    return timeutil.from_local(datetime.combine(day, time.min))


def between(query, column, since, until, *, dates=False):
    """Filter column by local dates: from the start of since to the end of until."""
    if since is not None:
        query = query.where(column >= (since if dates else _day_start(since)))
    if until is not None:
        end = until + timedelta(days=1)
        query = query.where(column < (end if dates else _day_start(end)))
    return query


def days(prefix, column, *, dates=False):
    """The <prefix>_since / <prefix>_until pair (local days, both included) on column: a
    moment column, or a date column when dates is true."""
    params = (
        Param(f"{prefix}_since", "date", _l("On or after this day (Beijing time).")),
        Param(f"{prefix}_until", "date", _l("On or before this day (Beijing time).")),
    )

    def apply(query, args):
        since, until = (args[p.name] for p in params)
        return between(query, column, since, until, dates=dates)

    return Filter(params, apply)


def page_of(query, args, render):
    """One COUNT and one page query; a page past the end is empty."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    page, per_page = args["page"], args["per_page"]
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return {
        "items": [render(item) for item in items],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": page_count(total, per_page),
    }


def filtered(query, filters, args):
    for each in filters:
        query = each.apply(query, args)
    return query


def list_operation(rule, endpoint, *, query, render, filters=(), **declaration):
    """Declare the paged list at rule: query() gives the reader's scoped, ordered select, each
    filter narrows it, render(item) is an item of the answer. The rest of the declaration
    (summary, description, tag, access, response) is the operation's, as for api.operation."""

    def view(args):
        return page_of(filtered(query(), filters, args), args, render)

    view.__name__ = view.__qualname__ = endpoint
    params = tuple(param for each in filters for param in each.params)
    return api.operation(rule, query=params, paged=True, **declaration)(view)
