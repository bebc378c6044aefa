"""psycopg's cursor, describing its result only when the description is read.

psycopg builds `cursor.description` afresh on each read: a `Column` per result column, each
reading five fields of the result (~1.4 µs a column). SQLAlchemy reads it after every statement,
but for a statement it has compiled before it only asks whether there is one: the columns it
already knows. An application page's two statements return ~100 columns, so each request built
~100 `Column`s that nothing read (~0.15 ms).

`Description` is the same sequence of `Column`s, built on first use from the result it was
read for (the cursor may run another statement meanwhile)."""

from collections.abc import Sequence
from types import SimpleNamespace

import psycopg
from psycopg import pq

RETURNS_ROWS = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK)


class Description(Sequence):
    """cursor.description for one result: its `Column`s, made when first read."""

    __slots__ = ("_result", "_count", "_columns")

    def __init__(self, result, count):
        self._result = result  # what Column reads from a cursor, as it was for this result
        self._count = count
        self._columns = None

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        if self._columns is None:
            self._columns = [psycopg.Column(self._result, i) for i in range(self._count)]
        return self._columns[index]

    def __repr__(self):
        return repr(list(self))


class Cursor(psycopg.Cursor):
    """psycopg's cursor, whose description is built when it is read."""

    @property
    def description(self):
        result = self.pgresult
        # as psycopg: columns, or none but a statement that returns rows ("SELECT ;")
        if not result or not (result.nfields or result.status in RETURNS_ROWS):
            return None
        kept = SimpleNamespace(pgresult=result, _encoding=self._encoding, adapters=self.adapters)
        return Description(kept, result.nfields)
