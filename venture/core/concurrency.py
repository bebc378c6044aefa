"""Edits two people can make at once (a rubric, a contract draft, a progress report).

The edit form carries, in a hidden `version` field, a signed digest of each field as the page
showed it. On save the view compares it with the record as it is now: when a field changed
meanwhile, nothing is saved, the page keeps what this person typed and names what changed.

Two saves at the same instant both pass that check (both read the same record), so the save
itself is conditional: `claim_edit` moves the record's version counter with
UPDATE … WHERE version = N, and the second of the two finds no row and stops (EditConflict).
"""

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from venture.extensions import db


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _digest(value):
    text = json.dumps(_plain(value), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt="edit-version")


def version_token(snapshot):
    """The hidden field's value for snapshot {field: value} of the record as shown."""
    return _serializer().dumps({name: _digest(value) for name, value in snapshot.items()})


def changed_since(token, snapshot):
    """Names of the fields of snapshot that differ from what token saw, in snapshot order;
    every field when the token is forged. A post without a token (a script, not the edit
    page) is not checked: the page always sends one."""
    if token is None or token == "":
        return []
    if not isinstance(token, str):
        return list(snapshot)
    try:
        seen = _serializer().loads(token)
    except BadSignature:
        return list(snapshot)
    if not isinstance(seen, dict):
        return list(snapshot)
    return [name for name, value in snapshot.items() if seen.get(name) != _digest(value)]


def _shown(value, limit=60):
    text = str(_plain(value)) if not isinstance(value, list | tuple) else ""
    return text if len(text) <= limit else text[:limit] + "…"


def stale_message(changed, labels, snapshot):
    """What a person reads when the record changed after they opened it: the fields that
    changed, with their values now (lists only by name)."""
    parts = []
    for name in changed:
        now_value = _shown(snapshot[name])
        label = str(labels.get(name, name))
        parts.append(
            _("%(field)s (now “%(value)s”)", field=label, value=now_value) if now_value else label
        )
    return _(
        "Someone else saved this after you opened it, so nothing was saved. Changed meanwhile: "
        "%(fields)s. What you typed is kept below: check it against the saved version and save "
        "again to apply it.",
        fields="; ".join(parts),
    )


class EditConflict(StaleDataError):
    """Another save of the record committed between this request's read and its write."""


def claim_edit(record, column="version"):
    """Move record's version counter on, only if the row still holds the value this request
    read (UPDATE … WHERE version = N); of two saves that both read N the second changes no row
    and raises EditConflict. Call it before anything else of the save is written, so on
    PostgreSQL the second save waits here for the first and on SQLite it starts afresh."""
    mapper = sa.inspect(record).mapper
    table = mapper.local_table
    (key,) = mapper.primary_key
    seen = getattr(record, column)
    changed = db.session.execute(
        sa.update(table)
        .where(key == getattr(record, mapper.get_property_by_column(key).key))
        .where(table.c[column] == seen)
        .values({column: seen + 1})
    ).rowcount
    if changed != 1:
        raise EditConflict(f"{table.name} changed by someone else")
    set_committed_value(record, column, seen + 1)
