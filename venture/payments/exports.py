"""Finance exports: the installment ledger's files (XLSX, CSV) and the ZIP of a call's contracts
(the ledger's selection and page: payments/ledger_query.py).

Large exports are ExportJob rows run by a background worker (venture/payments/jobs.py); their
progress lives in the row and the result in a StoredFile, so any app server can show and
serve them. Both are written to disk as they are made: the ledger streams its rows from one
SELECT into a write-only workbook (or CSV), the ZIP adds one contract at a time. The ZIP
renders draft contracts in worker processes (ProcessPoolExecutor, each worker builds its own
app) while issued ones are taken as stored, the documents of record.
"""

import hashlib
import multiprocessing
import os
import tempfile
import uuid
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
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
from venture.calls.models import Call
from venture.contracts.models import Contract
from venture.core.audit import record
from venture.core.files import StoredFile
from venture.core.formatting import local_date, xlsx_date_format
from venture.core.spreadsheet import CsvWriter, XlsxSheet
from venture.core.timeutil import local_today
from venture.extensions import db
from venture.orgs.models import Organization
from venture.payments import jobs
from venture.payments.enums import ExportKind
from venture.payments.ledger_query import LedgerFilters, apply_filters, ledger_count, row_labels
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
    return apply_filters(query, filters, by_contract=True)


def ledger_records(connection, filters):
    """The ledger's rows (the columns of ledger_columns) read in chunks of FETCH_ROWS from one
    streamed SELECT; amounts are Decimal, the last payment date a date or None."""
    result = connection.execution_options(yield_per=FETCH_ROWS).execute(_ledger_lines(filters))
    label = row_labels()
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
