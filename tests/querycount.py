"""Counting SQL statements per request, and cloning rows in bulk to grow a page's data."""

import re
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app

from venture.extensions import db


@contextmanager
def count_statements():
    """Every SQL statement the app's engine runs inside the block, in order."""
    statements = []

    def listener(_connection, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)


def counted_get(client, url, status=200, headers=None):
    """(statements, response) of one GET through the test client in an app context of its
    own, so the request starts with an empty session as in production while the test's
    session keeps its rows."""
    db.session.commit()
    with current_app.app_context(), count_statements() as statements:
        response = client.get(url, headers=headers or {})
    assert response.status_code == status, (url, response.status_code)
    return statements, response


def clone(row, **changes):
    """A new row of row's model with its column values (not its id) and changes; added to the
    session, not committed, so thousands of them cost one flush."""
    mapper = sa.inspect(type(row))
    values = {
        attr.key: getattr(row, attr.key)
        for attr in mapper.column_attrs
        if not any(column.primary_key for column in attr.columns)
    }
    values.update(changes)
    made = type(row)(**{k: v for k, v in values.items() if k not in mapper.relationships})
    for key, value in changes.items():
        if key in mapper.relationships:
            setattr(made, key, value)
    db.session.add(made)
    return made


def marked(page, prefix):
    """Distinct row markers (prefix + digits) on a page: how many rows it shows. A marker
    inside a token (a form's random CSRF token may hold "QC" and a digit) is not a row."""
    return len(set(re.findall(rf"(?<![A-Za-z0-9_.-]){prefix}\d+", page)))
