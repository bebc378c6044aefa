"""Database base: naming convention, UTC datetimes, money columns, timestamps."""

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import TypeDecorator

from venture.core import timeutil

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Model(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow():
    return timeutil.now()


class UTCDateTime(TypeDecorator):
    """Stores naive UTC on every backend and always gives back an aware UTC datetime."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def Money(**kwargs):  # noqa: N802 - reads like a type in model definitions
    """A yuan amount with two decimals: NUMERIC(14, 2), Decimal in Python."""
    return sa.Numeric(14, 2, asdecimal=True, **kwargs)


CENT = Decimal("0.01")


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


def enum_type(enum_cls, length=30):
    """A portable enum column: stored as its string value, checked by a named constraint."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        create_constraint=True,
        name=enum_cls.__name__.lower(),
    )


class not_indexed(FunctionElement):  # noqa: N801 - reads like the function it stands for
    """A column whose test no index may serve: `+column` on SQLite (its way of saying so),
    the column itself elsewhere. For a query that must walk one index in its ORDER BY's order
    (a page of a list) where SQLite's estimates would pick an index on a filtered column and
    sort all it selects; PostgreSQL's costs choose the walk by themselves."""

    inherit_cache = True

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type


@compiles(not_indexed)
def _not_indexed(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(not_indexed, "sqlite")
def _not_indexed_sqlite(element, compiler, **kw):
    return f"+{compiler.process(element.clauses, **kw)}"


def describe_results_when_read(engine):
    """On PostgreSQL, cursors that describe a result's columns only when the description is
    read (venture.core.pgcursor): SQLAlchemy reads none for a statement it has run before."""
    from venture.core.pgcursor import Cursor

    @sa.event.listens_for(engine, "connect")
    def _connected(dbapi_connection, _record):
        dbapi_connection.cursor_factory = Cursor


def keep_prepared_statements(engine):
    """On PostgreSQL, end a transaction that only read with COMMIT rather than ROLLBACK.

    psycopg prepares a statement after its fifth run on a connection (PostgreSQL then keeps
    its plan), but forgets every prepared statement of the connection at each ROLLBACK (a
    rolled-back DDL statement could have changed what they read). A request that wrote nothing
    is ended by the session's rollback, so no statement ever stayed prepared from one request
    to the next: each was parsed and planned afresh (the home page's 下一步 statement: ~2 ms of
    planning). A transaction that ran nothing but SELECTs compiled by SQLAlchemy is committed
    instead, which ends it the same way (nothing to keep, its locks released), and the rollback
    that follows finds no transaction to end. Any other statement (DML, DDL, a savepoint, text
    run as it is), a failed transaction or a failed commit leaves the rollback as it was."""
    from psycopg.pq import TransactionStatus

    @sa.event.listens_for(engine, "begin")
    def _begun(connection):
        connection.info["venture.read_only"] = True

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _statement(connection, _cursor, _statement, _parameters, context, _executemany):
        compiled = context.compiled if context is not None else None
        if compiled is None or not getattr(compiled.statement, "is_select", False):
            connection.info["venture.read_only"] = False

    @sa.event.listens_for(engine, "rollback")
    def _rollback(connection):
        if connection.invalidated or not connection.info.pop("venture.read_only", False):
            return
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.info.transaction_status != TransactionStatus.INTRANS:
            return
        try:
            dbapi_connection.commit()
        except Exception:  # noqa: BLE001 - the rollback that follows ends it
            return
