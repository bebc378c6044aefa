"""The ledger's selection: which installments its filters select, and the page's rows.

The page, its count and totals, and the exports' lines (payments/exports.py) all filter through
`apply_filters`, so a file holds exactly the rows the page shows. Drafts are not obligations
yet: the ledger starts when a contract is issued.
"""

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from venture.calls.enums import Route
from venture.calls.models import Call
from venture.contracts.enums import ACTIVE_STATES, ContractState
from venture.contracts.models import Contract
from venture.core.cache import stored_figures, written_figure
from venture.core.db import not_indexed
from venture.core.formatting import OptionList
from venture.core.integers import optional_id
from venture.core.pagination import Marks
from venture.extensions import db
from venture.orgs.models import Organization
from venture.payments.enums import InstallmentState
from venture.payments.models import LEDGER_STAMP, Installment, Payment


@dataclass
class LedgerFilters:
    call_id: int | None = None
    route: Route | None = None
    state: InstallmentState | None = None
    organization_id: int | None = None
    # a part of an organization's name or credit code (the ?organization= search text)
    organization_text: str | None = None
    paid_from: date | None = None
    paid_to: date | None = None

    @classmethod
    def from_args(cls, args):
        """Filters from a query string (or a job's stored as_args); values that do not parse
        are ignored."""

        def number(name):
            value = str(args.get(name, ""))
            return optional_id(value)

        def day(name):
            try:
                return date.fromisoformat(args.get(name, ""))
            except ValueError:
                return None

        route, state = args.get("route", ""), args.get("state", "")
        return cls(
            call_id=number("call"),
            route=Route(route) if route in {r.value for r in Route} else None,
            state=InstallmentState(state) if state in {s.value for s in InstallmentState} else None,
            organization_id=number("org"),
            organization_text=search_text(args.get("organization", "")),
            paid_from=day("from"),
            paid_to=day("to"),
        )

    def as_args(self):
        values = {
            "call": self.call_id,
            "route": self.route and self.route.value,
            "state": self.state and self.state.value,
            "org": self.organization_id,
            "organization": self.organization_text,
            "from": self.paid_from and self.paid_from.isoformat(),
            "to": self.paid_to and self.paid_to.isoformat(),
        }
        return {k: v for k, v in values.items() if v}

    @property
    def reads_contract(self):
        """Whether a filter tests the installment's contract (call, organization)."""
        return bool(self.call_id or self.organization_id or self.organization_text)


SEARCH_LENGTH = 100  # longer search texts are cut: no name or credit code is this long


def search_text(value):
    """The organization search text of a query string: its words, control characters (NUL,
    which PostgreSQL refuses) dropped, at most SEARCH_LENGTH characters; None when empty."""
    words = "".join(c for c in str(value) if c.isprintable() or c.isspace()).split()
    return " ".join(words)[:SEARCH_LENGTH] or None


def organizations_matching(text):
    """The ids of the organizations whose name or unified social credit code holds text
    (any case; % and _ match themselves), as a subquery."""
    return sa.select(Organization.id).where(
        sa.or_(
            Organization.name.icontains(text, autoescape=True),
            Organization.credit_code.icontains(text, autoescape=True),
        )
    )


def apply_filters(query, filters, *, by_contract=False, walked=False):
    """The filters on a query of installments. The count, totals and page's ids read the
    installment's own kept columns for route and draft (ledger_route) and the payment window
    (first_paid_on, last_paid_on): the count one range scan of ix_installment_ledger_window,
    the ids a walk of ix_installment_ledger_order, no join per row. The exports' lines and
    the export's count of a call or organization (by_contract=True) test route and draft on
    their joined contract instead, the same rows by keep_ledger_route: SQLite then walks the
    contracts in number order, and a count reads only the installments' contract_id. Call and
    organization are the contract's. walked=True (the page's ids): route and state are tested
    not_indexed, so that SQLite walks ix_installment_ledger_order rather than sorting what
    ix_installment_ledger_window selects."""
    route, state = Installment.ledger_route, Installment.state
    if walked:
        route, state = not_indexed(route), not_indexed(state)
    # drafts are not obligations yet: the ledger starts when a contract is issued
    if by_contract:
        query = query.where(Contract.state != ContractState.DRAFT)
        if filters.route:
            query = query.where(Contract.route == filters.route)
    elif filters.route:
        query = query.where(route == filters.route)
    else:
        query = query.where(route.is_not(None))
    if filters.state:
        query = query.where(state == filters.state)
    if filters.call_id:
        query = query.where(Contract.call_id == filters.call_id)
    if filters.organization_id:
        query = query.where(Contract.organization_id == filters.organization_id)
    if filters.organization_text:
        query = query.where(
            Contract.organization_id.in_(organizations_matching(filters.organization_text))
        )
    if filters.paid_from or filters.paid_to:
        query = query.where(paid_within(filters.paid_from, filters.paid_to))
    return query


def paid_within(start, end):
    """An installment has a payment on a day from start to end (either may be None: open).

    Its first and last payment dates decide, except when the window lies strictly between
    them: only then is a payment in between looked up."""
    first, last = Installment.first_paid_on, Installment.last_paid_on
    tests = [last >= start] if start else [last.is_not(None)]
    if end:
        tests.append(first <= end)
    if start and end:
        window = _window_payment()
        between = sa.select(window.id).where(
            window.installment_id == Installment.id,
            window.paid_on >= start,
            window.paid_on <= end,
        )
        tests.append(sa.or_(first >= start, last <= end, between.exists()))
    return sa.and_(*tests)


@functools.cache
def _window_payment():
    """The payment that paid_within looks up between the first and last: an alias, as the
    export's own query joins payment too and must not correlate to it. Made once: an alias
    copies each column of the table (~0.4 ms a statement, twice a page)."""
    return aliased(Payment)


def _selection(query, filters, *, walked=False):
    """apply_filters on a query of installments alone, joined to their contracts only when a filter
    reads the contract (call, organization)."""
    query = query.select_from(Installment)
    if filters.reads_contract:
        query = query.join(Installment.contract)
    return apply_filters(query, filters, walked=walked)


LEDGER_ORDER = (Contract.number, Installment.position)
# the same order on the installment's own kept columns (ledger_number is its contract's number)
KEPT_ORDER = (Installment.ledger_number, Installment.position)


def ledger_ids(filters):
    """The ids of the installments the filters select, unordered: the page orders them by
    KEPT_ORDER (paginate's order=), a walk of ix_installment_ledger_order that stops at the
    page, from whichever end of the selection is nearer."""
    return _selection(sa.select(Installment.id), filters, walked=True)


@dataclass(frozen=True)
class LedgerRow:
    """One installment as the ledger page shows it (templates/payments/ledger.html)."""

    id: int
    contract_id: int
    number: str  # the contract's
    organization_name: str
    position: int
    percent: Decimal
    condition_label: str
    amount: Decimal
    paid_total: Decimal  # kept on the installment, as last_paid_on
    state: InstallmentState
    state_label: str
    last_paid_on: date | None
    contract_active: bool  # signed or in force: a payment can be recorded


def row_labels():
    """label(member): an enum member's label, translated once per page or export rather than
    once a row."""
    labels = {}

    def label(member):
        if member not in labels:
            labels[member] = str(member.label)
        return labels[member]

    return label


@functools.cache
def _page_rows_statement():
    """What a ledger row shows, of the given installment ids in the ledger's order: built
    once, run with ids. Columns only: the kept paid_total and last_paid_on, so neither the
    payments nor the rest of these wide rows (a contract's texts, an organization's address
    and bank) are read."""
    return (
        sa.select(
            Installment.id,
            Installment.contract_id,
            Contract.number,
            Organization.name,
            Installment.position,
            Installment.percent,
            Installment.condition,
            Installment.amount,
            Installment.paid_total,
            Installment.state,
            Installment.last_paid_on,
            Contract.state,
        )
        .join(Installment.contract)
        .join(Contract.organization)
        .where(Installment.id.in_(sa.bindparam("ids", expanding=True)))
        .order_by(*LEDGER_ORDER)
    )


def ledger_page_rows(ids):
    """The installments ids as LedgerRows, in the ledger's order: one page in one statement,
    each label translated once a page."""
    if not ids:
        return []
    label = row_labels()
    rows = db.session.execute(_page_rows_statement(), {"ids": list(ids)})
    return [
        LedgerRow(
            id=row[0],
            contract_id=row[1],
            number=row[2],
            organization_name=row[3],
            position=row[4],
            percent=row[5],
            condition_label=label(row[6]),
            amount=row[7],
            paid_total=row[8],
            state=row[9],
            state_label=label(row[9]),
            last_paid_on=row[10],
            contract_active=row[11] in ACTIVE_STATES,
        )
        for row in rows
    ]


def ledger_totals(filters):
    """(installments, amount due, paid) over every installment the filters select, in one
    statement off the installments' own kept columns (paid_total, the payment dates and the
    route): the page's count and its totals read one range of ix_installment_ledger_window."""
    query = sa.select(
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(Installment.amount), 0),
        sa.func.coalesce(sa.func.sum(Installment.paid_total), 0),
    )
    count, due, paid = db.session.execute(_selection(query, filters)).one()
    cent = Decimal("0.01")
    return count, Decimal(due).quantize(cent), Decimal(paid).quantize(cent)


# the kept count and totals (and marks) take one of this many rows, by their filters
# (ledger_slot): the ?organization= search texts are endless, the table is not
LEDGER_SLOTS = 64
LEDGER_TOTALS = "payments.ledger#totals:"
LEDGER_MARKS = "payments.ledger#marks:"
# a page deeper than this many rows from both ends of the selection is read from the mark
# before it (core.pagination.Marks): page 500 skips fewer than 500 rows, not 10,000
LEDGER_MARK_EVERY = 500


def ledger_slot(args, kind=LEDGER_TOTALS):
    """The key of the row that keeps the totals (or, kind=LEDGER_MARKS, the marks) of these
    filters (as_args): a stable hash of their canonical JSON, one of LEDGER_SLOTS."""
    text = json.dumps(args, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).digest()
    return f"{kind}{int.from_bytes(digest[:8], 'big') % LEDGER_SLOTS}"


def kept_ledger_figures(filters):
    """The page's kept count and totals (kept_ledger_totals) and Marks (kept_ledger_marks),
    both read with the ledger's stamp in one statement."""
    args = filters.as_args()
    stored = stored_figures(ledger_slot(args), ledger_slot(args, LEDGER_MARKS), LEDGER_STAMP)
    return kept_ledger_totals(filters, stored), kept_ledger_marks(filters, stored)


def kept_ledger_totals(filters, stored=None):
    """ledger_totals(filters), kept until a write moves the ledger's stamp
    (models.keep_ledger_stamp): one statement reads the stamp and the row. The row holds the
    filters it was computed for, so other filters in the same slot recompute and take it
    over. Amounts are kept as text and read back as Decimal, as ledger_totals gives them."""
    args = filters.as_args()

    def compute():
        count, due, paid = ledger_totals(filters)
        return [count, str(due), str(paid)]

    count, due, paid = written_figure(
        ledger_slot(args), LEDGER_STAMP, compute, also=(args,), stored=stored
    )
    return count, Decimal(due), Decimal(paid)


def ledger_marks(filters):
    """The KEPT_ORDER values [ledger_number, position] of the selection's rows 0,
    LEDGER_MARK_EVERY, 2 × LEDGER_MARK_EVERY, …: one walk of ix_installment_ledger_order."""
    number = sa.func.row_number().over(order_by=KEPT_ORDER).label("number")
    numbered = _selection(sa.select(*KEPT_ORDER, number), filters, walked=True).subquery()
    rows = db.session.execute(
        sa.select(numbered.c.ledger_number, numbered.c.position)
        .where((numbered.c.number - 1) % LEDGER_MARK_EVERY == 0)
        .order_by(numbered.c.number)
    )
    return [list(row) for row in rows]


def kept_ledger_marks(filters, stored=None):
    """The page's Marks: ledger_marks(filters), computed when a deep page first needs them and
    kept, as the totals are, until a write moves the ledger's stamp."""
    args = filters.as_args()

    def keys():
        key = ledger_slot(args, LEDGER_MARKS)
        compute = functools.partial(ledger_marks, filters)
        return written_figure(key, LEDGER_STAMP, compute, also=(args,), stored=stored)

    return Marks(LEDGER_MARK_EVERY, keys)


def ledger_count(filters, connection=None):
    """How many rows (installments) the filters select: an export's total. With a call or an
    organization, their contracts' installments are counted off ix_installment_contract_id
    alone (count(*), route and draft tested on the contract): PostgreSQL then loops over the
    call's contracts rather than hashing a scan of every installment (1.3 ms, not 10 ms, for
    the largest call)."""
    query = sa.select(sa.func.count()).select_from(Installment)
    if filters.reads_contract:
        query = apply_filters(query.join(Installment.contract), filters, by_contract=True)
    else:
        query = apply_filters(query, filters)
    return (connection or db.session).scalar(query)


def call_menu():
    """The OptionList of the ledger's call menu, built in one pass. Organizations (~2,000 at
    city scale) are searched by a text instead (LedgerFilters.organization_text)."""
    return OptionList(calls_with_contracts())


def chosen_organization(filters):
    """The organization of ?org= (links from other pages, stored export jobs), or None."""
    if not filters.organization_id:
        return None
    return db.session.get(Organization, filters.organization_id)


def calls_with_contracts():
    """(id, title) of the calls with a contract, newest first: a look-up of ix_contract_call_id
    per call, not a list of every contract's call."""
    return db.session.execute(
        sa.select(Call.id, Call.title)
        .where(sa.exists().where(Contract.call_id == Call.id))
        .order_by(Call.id.desc())
    ).all()
