"""Figures that cost a scan of many rows, kept in the database.

A dashboard count such as "reports overdue" is computed from every delivering project's
schedule; recomputing it on each request grows with the data. The value lives in a table, not
in a worker's memory, so every worker and every app server shows the same figure, computed
again when a stamp of the data it comes from changes: a fingerprint the reader computes
(stamped_figure, stamped_pages, stamped_json) or a token the writes themselves move
(written_figure, note_stamp). Never a figure kept for a fixed time: a page must not show a
figure a write has changed.
"""

import hashlib
import json
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.expression import FunctionElement

from venture.core.db import UTCDateTime
from venture.core.timeutil import now
from venture.extensions import db


class CachedFigure(db.Model):
    """缓存数值: a computed figure and when it was computed."""

    __tablename__ = "cached_figure"

    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    value: Mapped[dict | list | int | None] = mapped_column(sa.JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


UNREAD = object()  # a stored figure not read yet (stamped_figure's stored)


def stored_column(key):
    """The value stored under key as a column (a scalar subquery; None while none is stored):
    a page reads it with its other records in one statement (e.g. the staff home, with its
    下一步: core.panels.home_column), and gives it to stamped_figure or written_figure."""
    table = CachedFigure.__table__
    return sa.select(table.c.value).where(table.c.key == key).scalar_subquery()


def stored_figures(*keys):
    """{key: value} of those of keys that are stored, in one statement: what written_figure
    reads, for a page that keeps more than one figure under one stamp (stored=)."""
    table = CachedFigure.__table__
    statement = sa.select(table.c.key, table.c.value).where(table.c.key.in_(keys))
    return dict(db.session.execute(statement).all())


def stamped_figure(key, stamp, compute, *, stored=UNREAD):
    """compute()'s value (JSON-able), reused while the data it was computed from is unchanged.

    stamp is a cheap fingerprint of that data (counts, sums and latest updated_at of the rows
    compute reads); a different stamp recomputes. Stored in the shared table (CachedFigure).
    stored: the value stored under key, when the caller has read it already (stored_column).
    """
    table = CachedFigure.__table__
    if stored is UNREAD:
        stored = db.session.execute(sa.select(table.c.value).where(table.c.key == key)).scalar()
    if isinstance(stored, dict) and stored.get("stamp") == stamp:
        return stored["value"]
    value = compute()
    _store(key, {"stamp": stamp, "value": value})
    return value


def written_figure(key, stamp_key, compute, *, also=(), stored=None):
    """compute()'s value (JSON-able), reused while the stamp stored under stamp_key (moved by
    every write that changes what compute reads: note_stamp) and also (what else the value
    depends on, JSON-able, e.g. the day) are unchanged; the value and the stamp are read in one
    statement, or given as stored ({key: value, stamp_key: value}, read by the caller with
    stored_column). In a transaction that has written such a change and not committed it yet
    (the stamp moves at the commit), the value is computed afresh and not kept. stored: the
    stored rows when the caller has read them (stored_figures or stored_column)."""
    if stamp_key in db.session.info.get(_NOTED, ()):
        return compute()
    rows = stored_figures(key, stamp_key) if stored is None else stored
    stamp = [rows.get(stamp_key), *also]
    if _stamped(rows.get(key), stamp):
        return rows[key]["value"]
    value = compute()
    _store(key, {"stamp": stamp, "value": value})
    return value


# the stamps a session's transaction has noted (note_stamp), moved when it commits
_NOTED = "venture.noted_stamps"


def note_stamp(session, key):
    """Have the stamp stored under key move when session's transaction commits: a before_flush
    hook calls it when the flush changes what a written_figure is computed from.

    The stamps move at the commit, after its last flush, in the order of their keys: a stamp
    is one row that every writer of its data updates, so it is locked from its update to the
    commit. Updated at each flush, two transactions could take two stamps (or a stamp and the
    audit log's chain head) in opposite orders and deadlock on PostgreSQL; updated last and in
    one order, they cannot, and each is locked only for the moment of the commit."""
    session.info.setdefault(_NOTED, set()).add(key)


def stamp_on_flush(key, watched):
    """A before_flush hook, listening from now on, that notes the stamp key (note_stamp) at
    every flush that adds or removes a row of one of watched's models ({model: the columns
    whose change moves it, or None: any change of the row}), or changes such a column."""

    def keep_stamp(session, _context, _instances):
        if _flush_changes(session, watched):
            note_stamp(session, key)

    sa.event.listen(Session, "before_flush", keep_stamp)
    return keep_stamp


_UNWATCHED = object()


def _flush_changes(session, watched):
    def columns(record):
        return next((c for model, c in watched.items() if isinstance(record, model)), _UNWATCHED)

    if any(columns(record) is not _UNWATCHED for record in (*session.new, *session.deleted)):
        return True
    for record in session.dirty:
        names = columns(record)
        if names is None and session.is_modified(record):
            return True
        if names not in (None, _UNWATCHED):
            attrs = sa.inspect(record).attrs
            if any(attrs[name].history.has_changes() for name in names):
                return True
    return False


@sa.event.listens_for(Session, "before_commit")
def _move_noted_stamps(session):
    if not session.info.get(_NOTED) and not (session.new or session.dirty or session.deleted):
        return
    session.flush()  # the commit's own flush, done first: it may note stamps too
    keys = sorted(session.info.pop(_NOTED, ()))
    if keys:
        connection = session.connection()
        for key in keys:
            move_stamp(connection, key)


@sa.event.listens_for(Session, "after_transaction_end")
def _forget_noted_stamps(session, transaction):
    if transaction.parent is None:  # rolled back or closed: nothing of it was written
        session.info.pop(_NOTED, None)


def move_stamp(connection, key):
    """Give the stamp stored under key a new value (a random token), now, in connection's
    transaction (note_stamp moves it at the commit). A stamp never stored, or dropped, is
    written afresh."""
    table = CachedFigure.__table__
    insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert(table)
    statement = insert.values(key=key, value={"token": uuid.uuid4().hex}, computed_at=now())
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"value": statement.excluded.value, "computed_at": statement.excluded.computed_at},
        )
    )


def stamped_pages(key, stamp, number, compute):
    """(head, page, number): page `number` of a long list computed once per stamp (as in
    stamped_figure) and kept a page a row, so a request decodes its own page only.

    compute() gives (head, [page, …]) with at least one page; the head says how many pages
    there are. The head and the page are read in one statement; a page past the end is the last
    one (a second statement). A stale or missing row computes the whole list again and stores
    every page in one transaction.
    """
    table = CachedFigure.__table__
    head_key, page_key = f"{key}#head", f"{key}#{number}"
    rows = dict(
        db.session.execute(
            sa.select(table.c.key, table.c.value).where(table.c.key.in_((head_key, page_key)))
        ).all()
    )
    head = rows.get(head_key)
    if _stamped(head, stamp):
        if number > head["pages"]:
            number = head["pages"]
            page = db.session.execute(
                sa.select(table.c.value).where(table.c.key == f"{key}#{number}")
            ).scalar()
        else:
            page = rows.get(page_key)
        if _stamped(page, stamp):
            return head["value"], page["value"], number
    head_value, pages = compute()
    number = min(number, len(pages))
    stored = {head_key: {"stamp": stamp, "pages": len(pages), "value": head_value}}
    for n, value in enumerate(pages, start=1):
        stored[f"{key}#{n}"] = {"stamp": stamp, "value": value}
    moment = now()
    with db.engine.begin() as connection:
        connection.execute(table.delete().where(table.c.key.in_(list(stored))))
        try:
            with connection.begin_nested():
                connection.execute(
                    table.insert(),
                    [{"key": k, "value": v, "computed_at": moment} for k, v in stored.items()],
                )
        except IntegrityError:
            pass  # another worker stored them a moment ago
    return head_value, pages[number - 1], number


def _stamped(row, stamp):
    return isinstance(row, dict) and row.get("stamp") == stamp


class _JSONText(sa.types.TypeDecorator):
    """A JSON column written with text that already is JSON, stored as it is given."""

    impl = sa.JSON
    cache_ok = True

    def bind_processor(self, dialect):
        return None


class _UTF8(FunctionElement):
    """The UTF-8 bytes of a JSON column's stored text, handed over without decoding."""

    type = sa.LargeBinary()
    inherit_cache = True


@compiles(_UTF8)
def _utf8_sqlite(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS BLOB)"


@compiles(_UTF8, "postgresql")
def _utf8_postgresql(element, compiler, **kw):
    # a json value's text is kept as it was written
    return f"convert_to(CAST({compiler.process(element.clauses, **kw)} AS TEXT), 'UTF8')"


def stamped_json(key, stamp, compute, note=None):
    """{"data": the UTF-8 bytes, "etag": their sha256} of compute()'s JSON text, reused while
    stamp (as in stamped_figure) is unchanged.

    The text is stored as it is served, in a row of its own, and read back as its bytes: a
    document of megabytes costs no decoding or encoding per request. Its stamp and etag are a
    second, small row (key + "#stamp"); both rows are read in one statement and written in one
    transaction. note(), if given, is computed before the text and kept beside the stamp: what
    a check needs to tell later whether the stored text is still what compute() would give
    (stored_stamps).
    """
    table = CachedFigure.__table__
    stamp_key = f"{key}#stamp"
    rows = _stored_bytes((key, stamp_key))
    if key in rows and stamp_key in rows:
        stored = json.loads(rows[stamp_key])
        if stored.get("stamp") == stamp:
            return {"data": bytes(rows[key]), "etag": stored["etag"]}
    about = {"stamp": stamp} if note is None else {"stamp": stamp, "note": note()}
    text = compute()
    data = text.encode()
    etag = hashlib.sha256(data).hexdigest()
    with db.engine.begin() as connection:
        connection.execute(table.delete().where(table.c.key.in_((key, stamp_key))))
        try:
            with connection.begin_nested():
                moment = now()
                connection.execute(
                    table.insert().values(
                        key=key, value=sa.type_coerce(text, _JSONText()), computed_at=moment
                    )
                )
                connection.execute(
                    table.insert().values(
                        key=stamp_key, value={**about, "etag": etag}, computed_at=moment
                    )
                )
        except IntegrityError:
            pass  # another worker stored it a moment ago
    return {"data": data, "etag": etag}


def _stored_bytes(keys):
    """{key: the UTF-8 bytes of its stored value} of those of keys that are stored."""
    table = CachedFigure.__table__
    statement = sa.select(table.c.key, _UTF8(table.c.value)).where(table.c.key.in_(keys))
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return dict(connection.execute(statement).all())
    # psycopg's binary results hand bytea over as it is, where the text protocol sends it as
    # hex text of twice its length (a 1.2 MB package: 0.5 ms of CPU and 3 ms on the clock
    # instead of 3 and 13); SQLAlchemy's dialect has no option for them, so its cursor is used
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    with connection.connection.dbapi_connection.cursor(binary=True) as cursor:
        cursor.execute(str(compiled), compiled.params)
        return dict(cursor.fetchall())


def stored_stamps(prefix):
    """(key, {"stamp", "etag", "note"}) of each text stored by stamped_json under a key that
    starts with prefix."""
    table = CachedFigure.__table__
    rows = db.session.execute(
        sa.select(table.c.key, table.c.value)
        .where(table.c.key.startswith(prefix, autoescape=True), table.c.key.endswith("#stamp"))
        .order_by(table.c.key)
    )
    return [(key.removesuffix("#stamp"), value) for key, value in rows]


def _store(key, value):
    # the same statements whether the key is new or not, and a concurrent writer's row wins
    table = CachedFigure.__table__
    with db.engine.begin() as connection:
        connection.execute(table.delete().where(table.c.key == key))
        try:
            with connection.begin_nested():
                connection.execute(table.insert().values(key=key, value=value, computed_at=now()))
        except IntegrityError:
            pass  # another worker stored it a moment ago
