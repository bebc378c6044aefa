"""Time writing the whole city's ledger: the old in-memory XLSX, the streamed XLSX and CSV
(write only), and the full background job (count, claim, write to disk, store).

    DATABASE_URL=sqlite:///city.sqlite .venv/bin/python bench/bench_ledger_export.py MODE
MODE: before | xlsx | csv | job-xlsx | job-csv. Prints seconds, rows, bytes and peak RSS.
"""

import io
import resource
import sys
import tempfile
import time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import subqueryload

from venture import create_app
from venture.extensions import db
from venture.payments import exports, jobs, ledger_query


def old_ledger_xlsx(filters):
    """The in-request XLSX as it was before (openpyxl in memory, ORM rows), verbatim."""
    from flask_babel import gettext as _

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

    import sqlalchemy as sa
    from sqlalchemy.orm import contains_eager

    from venture.contracts.models import Contract
    from venture.payments.models import Installment

    select = ledger_query.apply_filters(
        sa.select(Installment)
        .join(Installment.contract)
        .join(Contract.organization)
        .join(Contract.call)
        .options(
            contains_eager(Installment.contract).contains_eager(Contract.organization),
            contains_eager(Installment.contract).contains_eager(Contract.call),
            subqueryload(Installment.payments),
        )
        .order_by(Contract.number, Installment.position),
        filters,
    )
    rows = [ledger_row(i) for i in db.session.scalars(select).unique()]
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ledger")
    sheet.append(exports.ledger_columns())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    totals = [None] * len(exports.ledger_columns())
    totals[0] = _("Total")
    for col in exports.AMOUNT_COLUMNS:
        totals[col] = sum((row[col] for row in rows), Decimal("0.00"))
    sheet.append(totals)
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for index in range(2, sheet.max_row + 1):
        for col in exports.AMOUNT_COLUMNS:
            sheet.cell(row=index, column=col + 1).number_format = "#,##0.00"
        sheet.cell(row=index, column=exports.DATE_COLUMN + 1).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return len(rows), len(out.getvalue())


def main(mode):
    app = create_app()
    filters = ledger_query.LedgerFilters()
    with app.app_context(), app.test_request_context():
        started = time.perf_counter()
        if mode == "before":
            rows, size = old_ledger_xlsx(filters)
        elif mode in ("xlsx", "csv"):
            kind = exports.ExportKind(f"ledger_{mode}")
            write = exports.LEDGER_WRITERS[kind][0]
            with tempfile.TemporaryFile() as out, db.engine.connect() as connection:
                rows = 0

                def counted(records):
                    nonlocal rows
                    for row in records:
                        rows += 1
                        yield row

                write(counted(exports.ledger_records(connection, filters)), out)
                size = out.seek(0, 2)
        else:
            import sqlalchemy as sa

            from venture.auth.models import User

            kind = exports.ExportKind(f"ledger_{mode.split('-')[1]}")
            finance = db.session.scalars(sa.select(User).limit(1)).first()
            job = exports.start_ledger_export(kind, filters, actor=finance, locale="zh_CN")
            db.session.commit()
            job_id = job.id
            started = time.perf_counter()
            jobs.run_now(app, job_id, worker="bench")
            db.session.expire_all()
            job = db.session.get(exports.ExportJob, job_id)
            assert job.state.value == "done", job.error
            rows, size = job.done, job.file.size
        elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{mode}: {elapsed:.1f} s, {rows} rows, {size / 1e6:.1f} MB, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1])
