"""The audit log: one table, one row per create, update, state change or money change."""

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.db import UTCDateTime, utcnow
from venture.extensions import db


class AuditEntry(db.Model):
    """审计日志: who did what to which record, from what to what."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(80), nullable=False, index=True)
    object_type: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    object_id: Mapped[int | None] = mapped_column()
    before: Mapped[str | None] = mapped_column(sa.Text)
    after: Mapped[str | None] = mapped_column(sa.Text)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    ip: Mapped[str | None] = mapped_column(sa.String(45))

    actor = relationship("User", lazy="joined")

    __table_args__ = (sa.Index("ix_audit_entry_object", "object_type", "object_id"),)

    @property
    def before_data(self):
        return json.loads(self.before) if self.before else None

    @property
    def after_data(self):
        return json.loads(self.after) if self.after else None


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _dump(data):
    if data is None:
        return None
    return json.dumps({k: _plain(v) for k, v in data.items()}, ensure_ascii=False, sort_keys=True)


def record(action, obj, *, actor, before=None, after=None, reason=None):
    """Add an audit row for obj (flushed so the object has an id); the caller commits."""
    if obj.id is None:
        db.session.flush()
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=obj.id,
        before=_dump(before),
        after=_dump(after),
        reason=reason,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def snapshot(obj, fields):
    """The current values of fields, for before/after pairs."""
    return {name: getattr(obj, name) for name in fields}


def record_changes(action, obj, *, actor, before, fields):
    """Record an update with only the fields that changed; nothing if none did."""
    after = snapshot(obj, fields)
    changed = [k for k in fields if _plain(before[k]) != _plain(after[k])]
    if not changed:
        return None
    return record(
        action,
        obj,
        actor=actor,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
