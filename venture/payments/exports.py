"""Finance exports: the installment ledger (page, XLSX, CSV) and the ZIP of a call's contracts.

The ZIP renders draft contracts in worker processes (ProcessPoolExecutor, each worker builds
its own app) while issued ones are taken as stored, the documents of record. The job runs in a
background thread of the web process for now; its state and progress live in ExportJob rows
and the archive in a StoredFile, so a separate worker can take over the same function later.
"""

import csv
import io
import logging
import multiprocessing
import threading
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import contains_eager, selectinload

from venture.calls.enums import Route
from venture.calls.models import Call
from venture.contracts.enums import ContractState
from venture.contracts.models import Contract
from venture.core.audit import record
from venture.core.files import store_bytes
from venture.core.timeutil import now
from venture.extensions import db
from venture.orgs.models import Organization
from venture.payments.enums import InstallmentState, JobState
from venture.payments.models import ExportJob, Installment, Payment

log = logging.getLogger(__name__)
ZIP_KIND = "contracts_zip"
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
PROGRESS_EVERY = 0.5  # seconds between progress commits


@dataclass
class LedgerFilters:
    call_id: int | None = None
    route: Route | None = None
    state: InstallmentState | None = None
    organization_id: int | None = None
    paid_from: date | None = None
    paid_to: date | None = None

    @classmethod
    def from_args(cls, args):
        """Filters from a query string; values that do not parse are ignored."""

        def number(name):
            value = args.get(name, "")
            return int(value) if value.isdigit() else None

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
            paid_from=day("from"),
            paid_to=day("to"),
        )

    def as_args(self):
        values = {
            "call": self.call_id,
            "route": self.route and self.route.value,
            "state": self.state and self.state.value,
            "org": self.organization_id,
            "from": self.paid_from and self.paid_from.isoformat(),
            "to": self.paid_to and self.paid_to.isoformat(),
        }
        return {k: v for k, v in values.items() if v}


def _where(query, filters):
    # drafts are not obligations yet: the ledger starts when a contract is issued
    query = query.where(Contract.state != ContractState.DRAFT)
    if filters.call_id:
        query = query.where(Contract.call_id == filters.call_id)
    if filters.route:
        query = query.where(Contract.route == filters.route)
    if filters.state:
        query = query.where(Installment.state == filters.state)
    if filters.organization_id:
        query = query.where(Contract.organization_id == filters.organization_id)
    if filters.paid_from or filters.paid_to:
        paid = sa.select(Payment.id).where(Payment.installment_id == Installment.id)
        if filters.paid_from:
            paid = paid.where(Payment.paid_on >= filters.paid_from)
        if filters.paid_to:
            paid = paid.where(Payment.paid_on <= filters.paid_to)
        query = query.where(paid.exists())
    return query


def ledger_select(filters):
    """Installments with their contract, organization, call and payments: one page, bounded
    queries (the joins plus one SELECT for all payments of the page)."""
    query = (
        sa.select(Installment)
        .join(Installment.contract)
        .join(Contract.organization)
        .join(Contract.call)
        .options(
            contains_eager(Installment.contract).contains_eager(Contract.organization),
            contains_eager(Installment.contract).contains_eager(Contract.call),
            selectinload(Installment.payments),
        )
        .order_by(Contract.number, Installment.position)
    )
    return _where(query, filters)


def ledger_totals(filters):
    """(amount due, paid) over every installment the filters select."""
    ids = _where(sa.select(Installment.id).join(Installment.contract), filters).scalar_subquery()
    due = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Installment.amount), 0)).where(
            Installment.id.in_(ids)
        )
    )
    paid = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Payment.amount), 0)).where(
            Payment.installment_id.in_(ids)
        )
    )
    return Decimal(due).quantize(Decimal("0.01")), Decimal(paid).quantize(Decimal("0.01"))


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
    ]


AMOUNT_COLUMNS = (9, 10, 11)  # zero-based positions of the money columns
DATE_COLUMN = 13


def ledger_row(installment):
    contract = installment.contract
    return [
        contract.number,
        contract.organization.name,
        contract.organization.credit_code,
        contract.title,
        contract.call.title,
        str(contract.route.label),
        installment.position,
        installment.percent,
        str(installment.condition.label),
        installment.amount,
        installment.paid_amount,
        installment.remaining,
        str(installment.state.label),
        installment.last_paid_on,
        " ".join(p.voucher_no for p in installment.payments),
        " ".join(p.bank_reference for p in installment.payments),
    ]


def ledger_rows(filters):
    return [ledger_row(i) for i in db.session.scalars(ledger_select(filters)).unique()]


def _totals(rows):
    return [sum((row[col] for row in rows), Decimal("0.00")) for col in AMOUNT_COLUMNS]


def ledger_xlsx(filters):
    """The ledger as an Excel workbook: real number and date cells and a totals row."""
    rows = ledger_rows(filters)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ledger")
    sheet.append(ledger_columns())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    totals = [None] * len(ledger_columns())
    totals[0] = _("Total")
    for col, value in zip(AMOUNT_COLUMNS, _totals(rows), strict=True):
        totals[col] = value
    sheet.append(totals)
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for index in range(2, sheet.max_row + 1):
        for col in AMOUNT_COLUMNS:
            sheet.cell(row=index, column=col + 1).number_format = "#,##0.00"
        sheet.cell(row=index, column=DATE_COLUMN + 1).number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGHIJKLMNOP", (20, 28, 22, 30, 30, 16), strict=False):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ledger_csv(filters):
    """The ledger as CSV in UTF-8 with a BOM, so Excel opens the Chinese text correctly."""
    rows = ledger_rows(filters)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ledger_columns())
    for row in rows:
        writer.writerow(
            ["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row]
        )
    totals = [""] * len(ledger_columns())
    totals[0] = _("Total")
    for col, value in zip(AMOUNT_COLUMNS, _totals(rows), strict=True):
        totals[col] = value
    writer.writerow(totals)
    return out.getvalue().encode("utf-8-sig")


# --- the ZIP of a call's contracts -------------------------------------------------------


def start_contracts_zip(call, *, actor):
    """A queued job for the ZIP of every contract of call (the caller commits, then launches)."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(Contract).where(Contract.call_id == call.id)
    )
    job = ExportJob(kind=ZIP_KIND, call_id=call.id, total=total, requested_by_id=actor.id)
    db.session.add(job)
    record("export.contracts_zip", job, actor=actor, after={"call_id": call.id, "total": total})
    return job


def launch(job_id):
    """Run the job in a background thread of this process (a later issue moves it to a worker)."""
    app = current_app._get_current_object()
    thread = threading.Thread(
        target=run_contracts_zip, args=(app, job_id), name=f"export-job-{job_id}", daemon=True
    )
    thread.start()
    return thread


_worker_app = None


def _init_worker(config):
    """Each worker process builds its own app once and keeps it (and its fonts) for the batch."""
    global _worker_app
    from venture import create_app

    _worker_app = create_app(config)


def _render_draft(contract_id):
    from venture.contracts import document

    with _worker_app.app_context():
        contract = db.session.get(Contract, contract_id)
        pdf = document.render_contract(document.document_data(contract), draft=True)
        name = document.file_name(contract, "-draft")
        db.session.remove()
    return name, pdf


def worker_context():
    """Workers fork from a clean single-threaded server process (not from this threaded web
    process, whose locks and connections a fork would copy) that has already imported the
    app and WeasyPrint, so a batch does not pay ~1.5 s of imports per worker."""
    from venture import BLUEPRINT_MODULES

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        ["venture.payments.exports", "venture.contracts.document", "weasyprint"]
        + [f"venture.{name}.views" for name in BLUEPRINT_MODULES]
    )
    return context


def start_worker_server():
    """Start the fork server now rather than on the first batch; it lives as long as this
    process, so only the first batch of a process would otherwise pay its start."""
    from multiprocessing import forkserver

    worker_context()
    forkserver.ensure_running()


def worker_config(app):
    return {key: app.config[key] for key in WORKER_CONFIG_KEYS if key in app.config}


def render_drafts(app, contract_ids, workers):
    """(file name, PDF bytes) of each draft as it is rendered, in worker processes."""
    if not contract_ids:
        return
    context = worker_context()
    with ProcessPoolExecutor(
        max_workers=max(1, min(workers, len(contract_ids))),
        mp_context=context,
        initializer=_init_worker,
        initargs=(worker_config(app),),
    ) as pool:
        futures = [pool.submit(_render_draft, contract_id) for contract_id in contract_ids]
        for future in as_completed(futures):
            yield future.result()


def run_contracts_zip(app, job_id, workers=None):
    """Build the ZIP of a job's call: stored documents as issued, drafts rendered in processes."""
    from venture.contracts.document import file_name

    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        workers = workers or app.config.get("EXPORT_WORKERS", 2)
        try:
            job.state, job.started_at, job.done = JobState.RUNNING, now(), 0
            contracts = db.session.scalars(
                sa.select(Contract).where(Contract.call_id == job.call_id).order_by(Contract.number)
            ).all()
            job.total = len(contracts)
            db.session.commit()
            buffer = io.BytesIO()
            last_commit = time.monotonic()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                drafts = []
                for contract in contracts:
                    if contract.document is not None and not contract.is_draft:
                        archive.writestr(file_name(contract), contract.document.path.read_bytes())
                        job.done += 1
                    else:
                        drafts.append(contract.id)
                    if contract.signed_scan is not None:
                        suffix = contract.signed_scan.stored_name.rsplit(".", 1)[-1]
                        archive.writestr(
                            f"signed/{contract.number}-signed.{suffix}",
                            contract.signed_scan.path.read_bytes(),
                        )
                db.session.commit()
                for name, pdf in render_drafts(app, drafts, workers):
                    archive.writestr(name, pdf)
                    job.done += 1
                    if time.monotonic() - last_commit > PROGRESS_EVERY:
                        db.session.commit()
                        last_commit = time.monotonic()
            call = db.session.get(Call, job.call_id)
            job.file = store_bytes(
                buffer.getvalue(),
                name=f"contracts-{call.year}-{call.id}.zip",
                content_type="application/zip",
            )
            job.state, job.finished_at = JobState.DONE, now()
            db.session.commit()
        except Exception as error:  # the job page must say it failed, whatever happened
            log.exception("export job %s failed", job_id)
            db.session.rollback()
            job = db.session.get(ExportJob, job_id)
            job.state, job.error, job.finished_at = JobState.FAILED, str(error)[:2000], now()
            db.session.commit()
        finally:
            db.session.remove()


def organizations_with_contracts():
    return db.session.scalars(
        sa.select(Organization)
        .where(Organization.id.in_(sa.select(Contract.organization_id)))
        .order_by(Organization.name)
    ).all()


def calls_with_contracts():
    return db.session.scalars(
        sa.select(Call).where(Call.id.in_(sa.select(Contract.call_id))).order_by(Call.id.desc())
    ).all()
