"""The application page's records in one statement: the application (with its call,
organization and category, for the permission rules and the workflow) and each list the page
shows as a column of narrow rows (core.json_rows), instead of a statement and ORM objects per
list. The statement is built once per process and dialect, the application's id a bound
parameter.

A module above applications adds the lists it owns with `register_shown_list` (community: the
needs answered; imports: the organization's past projects, for staff)."""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, lazyload

from venture.applications.enums import BudgetCategory, Pricing
from venture.applications.models import (
    Application,
    ApplicationAttachment,
    BudgetLine,
    Milestone,
    ServicePrice,
    application_community,
)
from venture.calls.models import Call
from venture.core.db import CENT
from venture.core.files import StoredFile
from venture.core.json_rows import day, decoded, json_rows
from venture.extensions import db
from venture.orgs.models import Organization
from venture.reference.models import Community, ServiceCategory, Street

APPLICATION_ID = bindparam("application_id")


@dataclass(frozen=True)
class ShownList:
    """A list of the page: column(dialect) gives its json_rows column (of the application
    APPLICATION_ID, or correlated to Application), row(values) one shown row of it; staff_only
    lists are read for staff alone."""

    column: Any
    row: Any
    staff_only: bool = False


SHOWN_LISTS = {}


@cache
def _statement(dialect, staff):
    lists = {name: shown for name, shown in SHOWN_LISTS.items() if staff or not shown.staff_only}
    columns = [shown.column(dialect).label(name) for name, shown in lists.items()]
    return (
        select(Application, *columns)
        .options(
            joinedload(Application.call).options(
                lazyload(Call.categories), lazyload(Call.communities)
            ),
            joinedload(Application.organization).lazyload(Organization.street),
            joinedload(Application.category),
            lazyload(Application.communities),
        )
        .where(Application.id == APPLICATION_ID)
    )


def register_shown_list(name, shown_list):
    SHOWN_LISTS[name] = shown_list
    _statement.cache_clear()


def money(value):
    """An amount read from JSON as the ORM reads it: a Decimal of two places."""
    return None if value is None else Decimal(value).quantize(CENT)


def community_name(street, name):
    """Community.full_name of a row's street and community names."""
    return SimpleNamespace(full_name=f"{street} {name}")


def category_named(name_zh, name_en):
    """A service category's name in the page's language (ServiceCategory.name)."""
    names = SimpleNamespace(name_zh=name_zh, name_en=name_en)
    return SimpleNamespace(name=ServiceCategory.name.fget(names))


def _enum(cls, value):
    return None if value is None else cls(value)


def _budget_line(values):
    category, item, unit_price, quantity, amount, requested, own_funds = values
    quantity = money(quantity)
    return SimpleNamespace(
        category=_enum(BudgetCategory, category),
        item=item,
        unit_price=money(unit_price),
        quantity_text=BudgetLine.quantity_text.fget(SimpleNamespace(quantity=quantity)),
        amount=money(amount),
        requested=money(requested),
        own_funds=money(own_funds),
    )


def _milestone(values):
    title, due_date, deliverable = values
    return SimpleNamespace(title=title, due_date=day(due_date), deliverable=deliverable)


def _attachment(values):
    attachment_id, label, original_name, size = values
    file = SimpleNamespace(original_name=original_name, size=size)
    return SimpleNamespace(id=attachment_id, label=label, file=file)


def _service_price(values):
    service, pricing, price, unit = values
    return SimpleNamespace(
        service=service, pricing=_enum(Pricing, pricing), price=money(price), unit=unit
    )


def _own_rows(model, dialect, columns, order_by, select_from=None):
    return json_rows(
        dialect,
        columns,
        select_from=model if select_from is None else select_from,
        where=[model.application_id == APPLICATION_ID],
        order_by=order_by,
    )


register_shown_list(
    "communities",
    ShownList(
        lambda dialect: json_rows(
            dialect,
            [Street.name, Community.name],
            select_from=application_community.join(
                Community, Community.id == application_community.c.community_id
            ).join(Street, Street.id == Community.street_id),
            where=[application_community.c.application_id == APPLICATION_ID],
            order_by=[Community.id],
        ),
        lambda values: community_name(*values),
    ),
)
register_shown_list(
    "budget_lines",
    ShownList(
        lambda dialect: _own_rows(
            BudgetLine,
            dialect,
            [
                BudgetLine.category,
                BudgetLine.item,
                BudgetLine.unit_price,
                BudgetLine.quantity,
                BudgetLine.amount,
                BudgetLine.requested,
                BudgetLine.own_funds,
            ],
            [BudgetLine.position],
        ),
        _budget_line,
    ),
)
register_shown_list(
    "milestones",
    ShownList(
        lambda dialect: _own_rows(
            Milestone,
            dialect,
            [Milestone.title, Milestone.due_date, Milestone.deliverable],
            [Milestone.position],
        ),
        _milestone,
    ),
)
register_shown_list(
    "attachments",
    ShownList(
        lambda dialect: _own_rows(
            ApplicationAttachment,
            dialect,
            [
                ApplicationAttachment.id,
                ApplicationAttachment.label,
                StoredFile.original_name,
                StoredFile.size,
            ],
            [ApplicationAttachment.id],
            select_from=ApplicationAttachment.__table__.join(
                StoredFile, StoredFile.id == ApplicationAttachment.file_id
            ),
        ),
        _attachment,
    ),
)
register_shown_list(
    "service_prices",
    ShownList(
        lambda dialect: _own_rows(
            ServicePrice,
            dialect,
            [ServicePrice.service, ServicePrice.pricing, ServicePrice.price, ServicePrice.unit],
            [ServicePrice.position],
        ),
        _service_price,
    ),
)


class ShownApplication:
    """The application as its page shows it: the ORM row's columns, call, organization and
    category, and its lists as the narrow rows read with it (the same attribute names, so a
    template reads either)."""

    def __init__(self, application, lists):
        self.record = application
        vars(self).update(lists)

    def __getattr__(self, name):  # what is not a shown list: the application's own
        return getattr(self.record, name)


def shown_application(application_id, *, staff):
    """The application application_id and its shown lists (staff: with the staff-only ones), in
    one statement; None when there is none."""
    statement = _statement(db.session.get_bind().dialect.name, staff)
    row = db.session.execute(statement, {"application_id": application_id}).first()
    if row is None:
        return None
    application, *texts = row
    names = [name for name, shown in SHOWN_LISTS.items() if staff or not shown.staff_only]
    lists = {
        name: [SHOWN_LISTS[name].row(values) for values in decoded(text)]
        for name, text in zip(names, texts, strict=True)
    }
    return ShownApplication(application, lists)
