"""The bulk writer: rows queued with ids given in Python and written as batched multi-row
INSERTs, and audit rows chained as `audit.record()` chains them (seq, previous hash, hash).

The record writers (`venture.seed.writers`) hand it their rows; `finish()` moves the chain head
and PostgreSQL's sequences past what was written.
"""

import time
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from venture.core.audit import GENESIS, AuditChainHead, AuditEntry, _dump, entry_hash
from venture.extensions import db

BATCH = 2000


class Writer:
    """Batched inserts with ids given here, and audit rows chained as audit.record() does."""

    def __init__(self, echo=print):
        self.echo = echo
        self.buffers = {}
        self.counts = {}
        self.next_ids = {}
        self.started = time.monotonic()
        head = db.session.get(AuditChainHead, 1)
        self.last_seq = head.last_seq if head else 0
        self.last_hash = head.last_hash if head else GENESIS
        self.had_head = head is not None
        self.audited = False

    def new_id(self, table):
        if table.name not in self.next_ids:
            biggest = db.session.scalar(sa.select(sa.func.max(table.c.id)))
            self.next_ids[table.name] = (biggest or 0) + 1
        value = self.next_ids[table.name]
        self.next_ids[table.name] += 1
        return value

    def add(self, model, **row):
        """Queue a row of model (or a Table); gives it an id when it has an id column."""
        table = getattr(model, "__table__", model)
        if "id" in table.c and "id" not in row:
            row["id"] = self.new_id(table)
        rows = self.buffers.setdefault(table.name, (table, []))[1]
        rows.append(row)
        if len(rows) >= BATCH:
            # every buffer, parents first (tables are first used in that order): a child row
            # never goes in before the row it points at
            self.flush()
        return row.get("id")

    def flush(self, name=None):
        for key in [name] if name else list(self.buffers):
            table, rows = self.buffers[key]
            if rows:
                db.session.execute(table.insert(), rows)
                self.counts[key] = self.counts.get(key, 0) + len(rows)
                rows.clear()

    def audit(self, action, object_type, object_id, *, actor, at, before=None, after=None):
        """An audit row as audit.record() writes it, next in the chain."""
        self.last_seq += 1
        self.audited = True
        # AuditRow's fields in order: the chain, who and when, what, the values, no reason
        entry = AuditRow(
            self.last_seq,
            self.last_hash,
            at,
            actor,
            action,
            object_type,
            object_id,
            _dump(before),
            _dump(after),
            None,
        )
        entry.hash = entry_hash(entry)
        self.last_hash = entry.hash
        self.add(AuditEntry, **entry.__dict__, ip=None)

    def transition(self, workflow, action, object_type, object_id, before, after, *, actor, at):
        self.audit(
            f"{workflow}.{action}",
            object_type,
            object_id,
            actor=actor,
            at=at,
            before={"state": before},
            after={"state": after},
        )

    def finish(self):
        """Flush everything, move the chain head (when rows were audited) and PostgreSQL's
        sequences past the ids given here."""
        self.flush()
        if self.audited:
            self._move_head()
        if db.engine.dialect.name == "postgresql":
            for name in self.next_ids:
                db.session.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                        f'(SELECT max(id) FROM "{name}"))'
                    )
                )

    def _move_head(self):
        head = AuditChainHead.__table__
        values = {"last_seq": self.last_seq, "last_hash": self.last_hash}
        if self.had_head:
            db.session.execute(head.update().where(head.c.id == 1).values(**values))
        else:
            db.session.execute(head.insert().values(id=1, **values))

    def progress(self, label):
        self.flush()
        elapsed = time.monotonic() - self.started
        self.echo(f"  {label:<40} {elapsed:7.1f} s")


def nulls(*columns):
    """Columns a new row leaves empty (NULL), for w.add(model, **nulls(...))."""
    return dict.fromkeys(columns)


def stamps(created, updated=None):
    """created_at and updated_at of a row: updated when it changed after it was created."""
    return {"created_at": created, "updated_at": created if updated is None else updated}


@dataclass
class AuditRow:
    seq: int
    prev_hash: str
    at: datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: int | None
    before: str | None
    after: str | None
    reason: str | None
    hash: str = ""
