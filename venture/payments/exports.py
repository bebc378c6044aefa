"""Finance exports: the installment ledger (page, XLSX, CSV) and the ZIP of a call's contracts.

Large exports are ExportJob rows run by a background worker (venture/payments/jobs.py); their
progress lives in the row and the result in a StoredFile, so any app server can show and
serve them. Both are written to disk as they are made: the ledger streams its rows from one
SELECT into a write-only workbook (or CSV), the ZIP adds one contract at a time. The ZIP
renders draft contracts in worker processes (ProcessPoolExecutor, each worker builds its own
app) while issued ones are taken as stored, the documents of record.
"""

import functools
import hashlib
import multiprocessing
import os
import tempfile
import uuid
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, selectinload

from venture.auth.models import User
from venture.calls.enums import Route
from venture.calls.models import Call
from venture.contracts.enums import ACTIVE_STATES, ContractState
from venture.contracts.models import Contract
from venture.core.audit import record
from venture.core.db import not_indexed
from venture.core.files import StoredFile
from venture.core.formatting import OptionList, local_date, xlsx_date_format
from venture.core.integers import optional_id
from venture.core.spreadsheet import CsvWriter, XlsxSheet
from venture.core.timeutil import local_today
from venture.extensions import db
from venture.orgs.models import Organization
from venture.payments import jobs
from venture.payments.enums import ExportKind, InstallmentState
from venture.payments.models import ExportJob, Installment, Payment

ZIP_KIND = ExportKind.CONTRACTS_ZIP
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# what a worker process needs to build the same app (database, files, party A)
WORKER_CONFIG_KEYS = (
    "SQLALCHEMY_DATABASE_URI",
    "SQLALCHEMY_ENGINE_OPTIONS",
    "UPLOAD_FOLDER",
    "MAIL_FOLDER",
    "SECRET_KEY",
    "TESTING",
    "CONTRACT_PARTY_A",
)


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


def _where(query, filters, *, by_contract=False, walked=False):
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
    """_where on a query of installments alone, joined to their contracts only when a filter
    reads the contract (call, organization)."""
    query = query.select_from(Installment)
    if filters.reads_contract:
        query = query.join(Installment.contract)
    return _where(query, filters, walked=walked)


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


def _labels():
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
    label = _labels()
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


def override_text(reason, confirmed_at, asked_by, confirmed_by):
    """The two-person exception of an installment's condition, as the ledger shows it."""
    if confirmed_at is None:
        return ""
    return _(
        "%(reason)s (asked by %(asked)s, confirmed by %(confirmed)s)",
        reason=reason,
        asked=asked_by,
        confirmed=confirmed_by,
    )


def ledger_columns():
    return [
        _("Contract number"),
        _("Organization"),
        _("Unified social credit code"),
        _("Project"),
        _("Call"),
        _("Route"),
        _("Installment"),
        _("Percentage"),
        _("Condition"),
        _("Amount due"),
        _("Amount paid"),
        _("Remaining"),
        _("Status"),
        _("Last payment date"),
        _("Voucher numbers"),
        _("Bank references"),
        _("Condition exception"),
    ]


AMOUNT_COLUMNS = (9, 10, 11)  # zero-based positions of the money columns
DATE_COLUMN = 13
COLUMN_WIDTHS = (20, 28, 22, 30, 30, 16)
MONEY_FORMAT = "#,##0.00"
FETCH_ROWS = 1000  # rows a cursor hands over at a time: memory stays flat at any size
DEFAULT_IMMEDIATE_ROWS = 400  # up to this many rows a ledger export is sent at once (~150 ms)


def ledger_count(filters, connection=None):
    """How many rows (installments) the filters select: an export's total. With a call or an
    organization, their contracts' installments are counted off ix_installment_contract_id
    alone (count(*), route and draft tested on the contract): PostgreSQL then loops over the
    call's contracts rather than hashing a scan of every installment (1.3 ms, not 10 ms, for
    the largest call)."""
    query = sa.select(sa.func.count()).select_from(Installment)
    if filters.reads_contract:
        query = _where(query.join(Installment.contract), filters, by_contract=True)
    else:
        query = _where(query, filters)
    return (connection or db.session).scalar(query)


def _ledger_lines(filters):
    """One line per payment of each installment (one with empty payment columns when there is
    none), in ledger order: a single statement, columns only, so it can be streamed."""
    asked_by, confirmed_by = aliased(User), aliased(User)  # the condition exception's people
    query = (
        sa.select(
            Installment.id,
            Contract.number,
            Organization.name,
            Organization.credit_code,
            Contract.title,
            Call.title,
            Contract.route,
            Installment.position,
            Installment.percent,
            Installment.condition,
            Installment.amount,
            Installment.state,
            Payment.amount,
            Payment.paid_on,
            Payment.voucher_no,
            Payment.bank_reference,
            Installment.override_reason,
            Installment.override_confirmed_at,
            asked_by.name,
            confirmed_by.name,
        )
        .join(Installment.contract)
        .join(Contract.organization)
        .join(Contract.call)
        .outerjoin(Installment.payments)
        .outerjoin(asked_by, asked_by.id == Installment.override_requested_by_id)
        .outerjoin(confirmed_by, confirmed_by.id == Installment.override_confirmed_by_id)
        .order_by(Contract.number, Installment.position, Installment.id, Payment.id)
    )
    return _where(query, filters, by_contract=True)


def ledger_records(connection, filters):
    """The ledger's rows (the columns of ledger_columns) read in chunks of FETCH_ROWS from one
    streamed SELECT; amounts are Decimal, the last payment date a date or None."""
    result = connection.execution_options(yield_per=FETCH_ROWS).execute(_ledger_lines(filters))
    label = _labels()
    for _id, lines in groupby(result, key=itemgetter(0)):
        lines = list(lines)
        first = lines[0]
        payments = [line for line in lines if line[12] is not None]
        paid = sum((line[12] for line in payments), Decimal("0.00"))
        yield [
            first[1],
            first[2],
            first[3],
            first[4],
            first[5],
            label(first[6]),
            first[7],
            first[8],
            label(first[9]),
            first[10],
            paid,
            first[10] - paid,
            label(first[11]),
            max((line[13] for line in payments), default=None),
            " ".join(line[14] for line in payments),
            " ".join(line[15] for line in payments),
            override_text(first[16], first[17], first[18], first[19]),
        ]


def ledger_rows(filters):
    """Every row of the filtered ledger as a list (small ledgers, tests)."""
    with db.engine.connect() as connection:
        return list(ledger_records(connection, filters))


def _add_totals(totals, row):
    for index, col in enumerate(AMOUNT_COLUMNS):
        totals[index] += row[col]


def write_ledger_xlsx(records, out, *, streamed=True):
    """Write the ledger as a workbook to out: number and date formats, a bold header and
    totals row. Streamed (a job), rows go to disk as they come and memory does not grow; a
    small ledger written in the request is built in memory."""
    sheet = XlsxSheet(out, _("Ledger"), widths=COLUMN_WIDTHS, streamed=streamed)
    bold, money = sheet.style(bold=True), sheet.style(MONEY_FORMAT)
    # dates in the export's language, as its labels
    styles = dict.fromkeys(AMOUNT_COLUMNS, money) | {DATE_COLUMN: sheet.style(xlsx_date_format())}
    sheet.writerow(ledger_columns(), bold)
    totals = [Decimal("0.00")] * len(AMOUNT_COLUMNS)
    for row in records:
        _add_totals(totals, row)
        sheet.writerow(row, styles)
    last = [None] * len(ledger_columns())
    last[0] = _("Total")
    for col, value in zip(AMOUNT_COLUMNS, totals, strict=True):
        last[col] = value
    sheet.writerow(
        last, {0: bold} | dict.fromkeys(AMOUNT_COLUMNS, sheet.style(MONEY_FORMAT, bold=True))
    )
    sheet.close()


def write_ledger_csv(records, out, *, streamed=True):
    """Write the ledger as CSV to the binary file out, in UTF-8 with a BOM so that Excel opens
    the Chinese text correctly; a totals row at the end. Always streamed (streamed is for
    write_ledger_xlsx's sake)."""
    writer = CsvWriter(out)
    writer.writerow(ledger_columns())
    totals = [Decimal("0.00")] * len(AMOUNT_COLUMNS)
    for row in records:
        _add_totals(totals, row)
        row[DATE_COLUMN] = local_date(row[DATE_COLUMN])  # 2026年11月25日, as on the pages
        writer.writerow(row)
    last = [""] * len(ledger_columns())
    last[0] = _("Total")
    for col, value in zip(AMOUNT_COLUMNS, totals, strict=True):
        last[col] = value
    writer.writerow(last)
    writer.close()  # out stays open for the caller


LEDGER_WRITERS = {
    ExportKind.LEDGER_XLSX: (write_ledger_xlsx, "xlsx", XLSX_TYPE),
    ExportKind.LEDGER_CSV: (write_ledger_csv, "csv", "text/csv; charset=utf-8"),
}


def ledger_file_name(kind):
    return f"ledger-{local_today().isoformat()}.{LEDGER_WRITERS[kind][1]}"


def immediate_rows():
    """Ledgers up to this many rows are written in the request; larger ones become jobs."""
    return current_app.config.get("LEDGER_EXPORT_IMMEDIATE_ROWS", DEFAULT_IMMEDIATE_ROWS)


def ledger_file(kind, filters):
    """A small ledger export written now: (an unnamed temporary file at its start, content
    type). The file is gone from disk already; closing it frees the space."""
    write, _suffix, content_type = LEDGER_WRITERS[kind]
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it once sent)
    try:
        with db.engine.connect() as connection:
            write(ledger_records(connection, filters), out, streamed=False)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, content_type


def start_ledger_export(kind, filters, *, actor, locale):
    """A queued job for a ledger export (the caller commits, then jobs.dispatch)."""
    call = db.session.get(Call, filters.call_id) if filters.call_id else None
    total = ledger_count(filters)
    job = ExportJob(
        kind=kind,
        call_id=call and call.id,
        parameters={"filters": filters.as_args(), "locale": locale},
        total=total,
        requested_by_id=actor.id,
    )
    db.session.add(job)
    record(
        "export.ledger",
        job,
        actor=actor,
        after={"kind": str(kind), "filters": filters.as_args(), "total": total},
    )
    return job


def job_filters(job):
    return LedgerFilters.from_args((job.parameters or {}).get("filters", {}))


def describe_filters(filters):
    """(label, value) of each filter in use, for the job page: the call's title and the
    organization's name read alone (not their records with their categories and places)."""
    parts = []
    if filters.call_id:
        title = db.session.scalar(sa.select(Call.title).where(Call.id == filters.call_id))
        parts.append((_("Call"), title or str(filters.call_id)))
    if filters.route:
        parts.append((_("Route"), str(filters.route.label)))
    if filters.organization_id:
        organization_id = filters.organization_id
        name = db.session.scalar(
            sa.select(Organization.name).where(Organization.id == organization_id)
        )
        parts.append((_("Organization"), name or str(organization_id)))
    if filters.organization_text:
        parts.append((_("Organization name or credit code"), filters.organization_text))
    if filters.state:
        parts.append((_("Status"), str(filters.state.label)))
    if filters.paid_from:
        parts.append((_("Paid from"), local_date(filters.paid_from)))
    if filters.paid_to:
        parts.append((_("Paid until"), local_date(filters.paid_to)))
    return parts


def build_ledger(job, progress):
    """Write a ledger job's file to disk row by row, counting rows as progress."""
    write, _suffix, content_type = LEDGER_WRITERS[ExportKind(job.kind)]
    filters = job_filters(job)
    locale = (job.parameters or {}).get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]

    def counted(records):
        for row in records:
            yield row
            # rows added since the count (payments go on) do not overrun the total
            if progress.done < progress.total:
                progress.advance()

    # its own connection: progress commits on the session's would end a streamed cursor
    with force_locale(locale), db.engine.connect() as connection:
        progress.start(ledger_count(filters, connection))
        stored = write_to_store(
            lambda out: write(counted(ledger_records(connection, filters)), out),
            name=ledger_file_name(ExportKind(job.kind)),
            content_type=content_type,
        )
    progress.finish(stored)


jobs.handler(ExportKind.LEDGER_XLSX)(build_ledger)
jobs.handler(ExportKind.LEDGER_CSV)(build_ledger)


def write_to_store(write, *, name, content_type):
    """Keep a file the platform writes itself straight to disk (large exports): write(out)
    fills a temporary file beside its final place, which is renamed into place once complete,
    so a half-written file is never served and memory holds none of it."""
    stored = StoredFile(
        original_name=name,
        stored_name=f"{uuid.uuid4().hex}{Path(name).suffix}",
        content_type=content_type,
        size=0,
        sha256="",
    )
    stored.path.parent.mkdir(parents=True, exist_ok=True)
    handle, part = tempfile.mkstemp(dir=stored.path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "w+b") as out:
            write(out)
            stored.size = out.seek(0, os.SEEK_END)
            out.seek(0)
            stored.sha256 = hashlib.file_digest(out, "sha256").hexdigest()
        os.replace(part, stored.path)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise
    db.session.add(stored)
    return stored


# --- the ZIP of a call's contracts -------------------------------------------------------


def start_contracts_zip(call, *, actor):
    """A queued job for the ZIP of every contract of call (the caller commits, then
    jobs.dispatch starts it here or leaves it to a worker)."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(Contract).where(Contract.call_id == call.id)
    )
    job = ExportJob(kind=ZIP_KIND, call_id=call.id, total=total, requested_by_id=actor.id)
    db.session.add(job)
    record("export.contracts_zip", job, actor=actor, after={"call_id": call.id, "total": total})
    return job


_worker_app = None


def _init_worker(factory, config):
    """Each worker process builds its own app once and keeps it (and its fonts) for the batch.
    The factory is passed in (pickled by name) by the app that started the batch."""
    global _worker_app
    _worker_app = factory(config)


def _render_draft(contract_id):
    from venture.contracts import document

    with _worker_app.app_context():
        contract = db.session.get(Contract, contract_id)
        pdf = document.render_contract(document.document_data(contract), draft=True)
        name = document.file_name(contract, "-draft")
        db.session.remove()
    return name, pdf


def worker_context(app):
    """Workers fork from a clean single-threaded server process (not from this threaded web
    process, whose locks and connections a fork would copy) that has already imported the
    app's modules and WeasyPrint, so a batch does not pay ~1.5 s of imports per worker."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        ["venture.payments.exports", "venture.contracts.document", "weasyprint"]
        + sorted({blueprint.import_name for blueprint in app.blueprints.values()})
    )
    return context


def start_worker_server(app):
    """Start the fork server now rather than on the first batch; it lives as long as this
    process, so only the first batch of a process would otherwise pay its start."""
    from multiprocessing import forkserver

    worker_context(app)
    forkserver.ensure_running()


def worker_config(app):
    return {key: app.config[key] for key in WORKER_CONFIG_KEYS if key in app.config}


def render_drafts(app, contract_ids, workers):
    """(file name, PDF bytes) of each draft as it is rendered, in worker processes."""
    if not contract_ids:
        return
    context = worker_context(app)
    with ProcessPoolExecutor(
        max_workers=max(1, min(workers, len(contract_ids))),
        mp_context=context,
        initializer=_init_worker,
        initargs=(app.extensions["venture.factory"], worker_config(app)),
    ) as pool:
        futures = [pool.submit(_render_draft, contract_id) for contract_id in contract_ids]
        try:
            for future in as_completed(futures):
                yield future.result()
        except GeneratorExit:
            # the job stopped or failed: drop the renders not started instead of waiting
            pool.shutdown(cancel_futures=True)
            raise


@jobs.handler(ZIP_KIND)
def build_contracts_zip(job, progress):
    """Build the ZIP of a job's call: stored documents as issued, drafts rendered in processes."""
    from venture.contracts.document import file_name

    app = current_app._get_current_object()
    workers = app.config.get("EXPORT_WORKERS", 2)
    contracts = db.session.scalars(
        sa.select(Contract)
        .where(Contract.call_id == job.call_id)
        .options(selectinload(Contract.document), selectinload(Contract.signed_scan))
        .order_by(Contract.number)
    ).all()
    progress.start(len(contracts))

    def write(out):
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            drafts = []
            for contract in contracts:
                if contract.signed_scan is not None:
                    suffix = contract.signed_scan.stored_name.rsplit(".", 1)[-1]
                    archive.write(
                        contract.signed_scan.path, f"signed/{contract.number}-signed.{suffix}"
                    )
                if contract.document is not None and not contract.is_draft:
                    archive.write(contract.document.path, file_name(contract))
                    progress.advance()
                else:
                    drafts.append(contract.id)
            for name, pdf in render_drafts(app, drafts, workers):
                archive.writestr(name, pdf)
                progress.advance()

    call = db.session.get(Call, job.call_id)
    progress.finish(
        write_to_store(
            write, name=f"contracts-{call.year}-{call.id}.zip", content_type="application/zip"
        )
    )


def recent_jobs(limit=5):
    """The latest exports with their calls, so people who left a job page find it again."""
    return db.session.scalars(
        sa.select(ExportJob)
        .options(selectinload(ExportJob.call))
        .order_by(ExportJob.id.desc())
        .limit(limit)
    ).all()


def run_contracts_zip(app, job_id):
    """Claim and run a ZIP job in this process; False if another worker has it."""
    return jobs.run_now(app, job_id)


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
