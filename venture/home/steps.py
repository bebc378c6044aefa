"""The engine of the home pages' 下一步 (venture/home/next_steps.py): a role's declaration is
the figures it counts in one SELECT and a table of `Line`s; `RoleSteps` evaluates it into
`Step`s, the lines whose count is above zero, each linking to the record's own page when
exactly one is waiting, else to the list.

The SELECT is built once per process, its moment, day and account as bound parameters (`B`),
and given their values at each request: building ~45 subqueries cost more than running them.
Every other value in it (states, kinds, OFFSET 0) is written into its text (`_constants`), so
that PostgreSQL's generic plan of the prepared statement knows them: it then keeps that plan
instead of planning the statement afresh at each request (~2 ms of planning, ~1.4 ms of work).
Figures over the same rows (a count and the earliest date of one condition) are aggregated in
one pass, a derived table per condition, the derived tables joined into one row.

The lists the role's panels show (core.panels.home_list: current calls, open review panels,
tenders…) are columns of the same SELECT, each a JSON array of rows (core.json_rows): the
home page reads its figures and lists in one round trip. Their rows are decoded into the
figures under the list's name."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from flask import url_for
from sqlalchemy import bindparam, func, literal_column, select, true
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter

from venture.core.formatting import near_date, yuan
from venture.core.json_rows import decoded
from venture.core.timeutil import from_local, local_today, now, to_local
from venture.extensions import db
from venture.integrity.waiting import ANNOUNCEMENT_ENDING_SOON

WEEK = timedelta(days=7)  # "in the last 7 days"

# the values a role's figures depend on, as bound parameters (their values: _values)
B = SimpleNamespace(
    **{
        name: bindparam(name)
        for name in (
            "at",  # now()
            "today",  # local_today()
            "week_ahead",  # today + 7 days
            "week_ago",  # at - 7 days
            "day_start",  # the local day's first moment, in UTC
            "day_end",  # the next local day's first moment, in UTC
            "user_id",
            "organization_id",
            "community_id",
        )
    }
)


def _values(user):
    at, today = now(), local_today()
    day_start = from_local(datetime.combine(today, time(0)))
    return {
        "at": at,
        "today": today,
        "week_ahead": today + ANNOUNCEMENT_ENDING_SOON,
        "week_ago": at - WEEK,
        "day_start": day_start,
        "day_end": day_start + timedelta(days=1),
        "user_id": user.id,
        "organization_id": user.organization_id,
        "community_id": user.community_id,
    }


@dataclass(frozen=True)
class Step:
    """One line: `count` things, `text` saying what to do (and by when), `url` to do it."""

    count: int
    text: str
    url: str
    late: bool = False


def when(value):
    """11月27日（周五） when near, 2027年3月1日 when far (formatting.near_date)."""
    return near_date(value)


def _is_past(value):
    day = to_local(value).date() if hasattr(value, "hour") else value
    return day < local_today()


@dataclass(frozen=True)
class F:
    """A figure of the role's row, named where a link or a flag reads it."""

    name: str


PAST = "the line's date is past"


@dataclass(frozen=True)
class Link:
    """url_for(endpoint, **values); a value given as F(name) is read from the figures."""

    endpoint: str
    values: tuple = ()

    def url(self, figures):
        return url_for(
            self.endpoint,
            **{k: figures[v.name] if isinstance(v, F) else v for k, v in self.values},
        )

    def ready(self, figures):
        """Every figure the link reads is known."""
        return all(figures[v.name] for _k, v in self.values if isinstance(v, F))


def link(endpoint, **values):
    return Link(endpoint, tuple(values.items()))


@dataclass(frozen=True)
class Line:
    """A line of a role's table.

    count: the figure counting what waits (the line shows when it is above zero);
    text: the message; %(date)s is figure `date` (near_date), %(amount)s figure `amount`
      (yuan), %(n)d figure `n`; while `date` is unknown the line reads `undated`;
    link: the list where the work is done; `one`: the record's own page, used when figure
      `one_when` (default: count) is 1;
    late: True, PAST (its date is before today) or F(name) (a figure)."""

    count: str
    text: object
    link: Link
    one: Link | None = None
    one_when: str | None = None
    date: str | None = None
    undated: object = ""
    amount: str | None = None
    n: str | None = None
    late: object = False

    def step(self, f):
        return Step(f[self.count], self._text(f), self._url(f), late=self._late(f))

    def _text(self, f):
        if self.date and not f[self.date]:
            return str(self.undated)
        values = {}
        if self.date:
            values["date"] = when(f[self.date])
        if self.amount:
            values["amount"] = yuan(f[self.amount])
        if self.n:
            values["n"] = f[self.n]
        return str(self.text) % values if values else str(self.text)

    def _url(self, f):
        single = f[self.one_when or self.count] == 1
        return self.one.url(f) if self.one and single and self.one.ready(f) else self.link.url(f)

    def _late(self, f):
        if self.late is PAST:
            return bool(f[self.date]) and _is_past(f[self.date])
        if isinstance(self.late, F):
            return bool(f[self.late.name])
        return self.late


@dataclass(frozen=True)
class RoleSteps:
    """A role's 下一步: figures() gives its figures, counted (count_of, earliest, aggregate_of)
    or as scalar subqueries, over the bound parameters of `B`; needs names an attribute of the
    account without which it has nothing to wait for (e.g. "organization_id"); read(user) the
    figures that are read rather than counted; derived(figures) those worked out from the
    others; lists() the {name: core.panels.HomeList} its panels show, read in the same
    SELECT; lines the table. Calling it gives the user's steps."""

    figures: object
    lines: tuple
    needs: str | None = None
    read: object = None
    derived: object = None  # (figures) -> more figures worked out from the counted ones
    lists: object = dict  # () -> {name: HomeList}
    _statements: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def statement(self, dialect):
        """The one SELECT of the role's figures and lists, built on first use for the dialect
        (its JSON functions write the lists, its literals the constants)."""
        if dialect.name not in self._statements:
            self._statements[dialect.name] = _constants(self._built(dialect.name), dialect)
        return self._statements[dialect.name]

    def _built(self, dialect):
        groups, columns = {}, []
        for name, shown in self.lists().items():
            columns.append(shown.column(dialect, B).label(name))
        for name, figure in self.figures().items():
            if isinstance(figure, Figure):
                groups.setdefault(figure.rows, []).append((name, figure))
            else:
                columns.append(figure.label(name))
        tables = []
        for n, members in enumerate(groups.values()):
            _name, first = members[0]
            query = select(*(figure.value.label(name) for name, figure in members))
            query = _joined(query.select_from(first.model), first.joins).where(*first.where)
            tables.append(query.subquery(f"figures_{n}"))
        if not tables:
            return select(*columns)
        return select(*columns, *_one_row(tables).c)

    def counted(self, user):
        """{name: value} of the user's figures, None when the account has nothing to wait
        for (needs)."""
        if self.needs is not None and getattr(user, self.needs) is None:
            return None
        statement = self.statement(db.session.get_bind().dialect)
        f = db.session.execute(statement, _values(user)).one()._asdict()
        for name, shown in self.lists().items():
            if shown.row is not None:
                f[name] = [shown.row(values) for values in decoded(f[name])]
        if self.read is not None:
            f.update(self.read(user))
        if self.derived is not None:
            f.update(self.derived(f))
        return f

    def steps(self, f):
        """The steps of figures f (counted)."""
        return [] if f is None else [line.step(f) for line in self.lines if f[line.count]]

    def __call__(self, user):
        return self.steps(self.counted(user))


def _one_row(tables):
    """The one-row derived tables joined into one row, two at a time in a subquery of their
    own (OFFSET 0: PostgreSQL plans it apart), so that no planner searches the order of 16
    joins: PostgreSQL spent 3.4 ms planning the staff's statement joined in one chain, and runs
    it in 1.2 ms."""
    level, n = list(tables), 0
    while len(level) > 1:
        paired = []
        for first, second in zip(level[::2], level[1::2], strict=False):
            pair = select(*first.c, *second.c).select_from(first.join(second, true()))
            paired.append(pair.offset(0).subquery(f"figures_pair_{n}"))
            n += 1
        level = paired + level[len(paired) * 2 :]
        # an odd table out goes last, as it came: the pairs keep the figures' order
    return level[0]


def _constants(statement, dialect):
    """statement with its constants written into its text as the dialect's literals, the
    parameters of `B` alone bound. With the constants bound, PostgreSQL's generic plan of the
    prepared statement guessed at every state (a sequential scan of the contracts: 3.3 ms
    instead of 1.4) and it planned each run afresh (custom plans, ~2 ms of planning each); with
    them in the text it keeps the generic plan. The text is the same at every request (the
    same constants), so psycopg prepares it after five runs. Written once here rather than at
    each run (literal_execute: ~70 literals rendered into the text at every request)."""
    bound = set(vars(B))

    def constant(element):
        if isinstance(element, BindParameter) and element.key not in bound:
            literal = element.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
            return literal_column(str(literal), type_=element.type)
        return None

    return visitors.replacement_traverse(statement, {}, constant)


# ── figure helpers ────────────────────────────────────────────────────────────────────────────


def _joined(query, joins):
    for join in joins:
        query = query.join(*join) if isinstance(join, tuple) else query.join(join)
    return query


@dataclass(frozen=True, eq=False)
class Figure:
    """An aggregate (value) over the rows of model, joined to joins, that match where."""

    value: object
    model: object
    joins: tuple
    where: tuple

    @property
    def rows(self):
        """Which rows: figures given the same model, joins and conditions (the same objects)
        are aggregated in one pass."""
        return (id(self.model), tuple(map(id, self.joins)), tuple(map(id, self.where)))


def aggregate_of(value, model, *where, joins=()):
    """value (an aggregate such as func.count()) over the rows of model (joined to joins:
    models, or (model, onclause)) that match where."""
    return Figure(value, model, tuple(joins), where)


def count_of(model, *where, joins=()):
    """How many rows of model (joined to joins: models, or (model, onclause)) match where."""
    return aggregate_of(func.count(), model, *where, joins=joins)


def earliest(column, *where, model=None, joins=()):
    """The smallest value of column among the rows (of model, else of column's own) that
    match where."""
    return aggregate_of(func.min(column), model or column.class_, *where, joins=joins)
