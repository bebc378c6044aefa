"""Finance desk: ledger page and filters, XLSX and CSV exports, the ZIP of a call's contracts."""

import io
import threading
import zipfile
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from openpyxl import load_workbook

from venture.auth.enums import Role
from venture.extensions import db
from venture.payments import exports, ledger_query, operations
from venture.payments.enums import InstallmentState, JobState
from venture.payments.models import ExportJob


def paid_contract(make, amount, staff, finance, paid_on=None, **kwargs):
    """A signed contract whose first installment is approved and paid in full."""
    contract = make.contract(amount, state="signed", staff=staff, **kwargs)
    first = contract.installments[0]
    operations.approve_release(first, actor=staff)
    operations.record_payment(
        first,
        amount=first.amount,
        paid_on=paid_on or date.today(),
        voucher_no=f"记-{contract.sequence:03d}",
        bank_reference=f"BR{contract.sequence:05d}",
        actor=finance,
    )
    db.session.commit()
    return contract


@contextmanager
def count_queries():
    statements = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)


def test_xlsx_has_numeric_cells_dates_and_exact_totals(client, login, make):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    paid_contract(make, "100000.01", staff, finance)
    paid_contract(make, "107000.53", staff, finance)
    make.contract("5000.00", staff=staff)  # a draft: not in the ledger
    login(finance)
    response = client.get("/finance/ledger.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("合同编号", "组织", "统一社会信用代码")
    assert len(rows) == 1 + 6 + 1
    body, totals = rows[1:-1], rows[-1]
    assert all(isinstance(row[9], int | float) for row in body)
    assert [Decimal(str(row[9])) for row in body] == [
        Decimal(x) for x in ("50000.00", "30000.00", "20000.01", "53500.26", "32100.15", "21400.12")
    ]
    assert sheet.cell(row=2, column=14).is_date
    assert sheet.cell(row=2, column=14).value.date() == date.today()
    assert sheet.cell(row=3, column=14).value is None
    assert totals[0] == "合计"
    assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in totals[9:12]] == [
        Decimal("207000.54"),
        Decimal("103500.26"),
        Decimal("103500.28"),
    ]
    assert sheet.cell(row=2, column=10).number_format == "#,##0.00"


def test_csv_starts_with_bom_and_keeps_chinese(client, login, make):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    contract = paid_contract(make, "1409.50", staff, finance)
    login(finance)
    response = client.get("/finance/ledger.csv")
    assert response.data[:3] == b"\xef\xbb\xbf"
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("合同编号,组织,统一社会信用代码")
    assert lines[1].split(",")[:2] == [contract.number, contract.organization.name]
    assert lines[1].split(",")[9:12] == ["704.75", "704.75", "0.00"]
    assert lines[-1].split(",")[9:12] == ["1409.50", "704.75", "704.75"]


def test_ledger_filters_and_totals(client, login, make):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    january = paid_contract(make, "1000.00", staff, finance, paid_on=date(2026, 1, 15))
    march = paid_contract(make, "3000.00", staff, finance, paid_on=date(2026, 3, 15))
    tender = paid_contract(make, "7000.00", staff, finance, route="tender", with_application=False)

    def numbers(**args):
        rows = exports.ledger_rows(ledger_query.LedgerFilters.from_args(args))
        return sorted({row[0] for row in rows})

    assert numbers(route="tender") == [tender.number]
    assert numbers(call=str(march.call_id)) == [march.number]
    assert numbers(org=str(january.organization_id)) == [january.number]
    assert numbers(**{"from": "2026-01-01", "to": "2026-01-31"}) == [january.number]
    assert numbers(state="paid") == sorted([january.number, march.number, tender.number])
    assert numbers(state="nonsense", route="x", org="y", to="2026-13-01") == sorted(
        [january.number, march.number, tender.number]
    )
    login(finance)
    page = client.get("/finance/ledger?route=venture_grant").get_data(as_text=True)
    assert '<div class="fs-5 num text-start" id="total-due">¥4,000.00</div>' in page
    assert '<div class="fs-5 num text-start" id="total-paid">¥2,000.00</div>' in page
    assert tender.number not in page


def test_ledger_page_uses_a_bounded_number_of_queries(client, login, make):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    paid_contract(make, "1000.00", staff, finance)
    login(finance)
    with count_queries() as few:
        client.get("/finance/ledger")
    for _ in range(4):
        paid_contract(make, "1000.00", staff, finance)
    with count_queries() as many:
        assert client.get("/finance/ledger").status_code == 200
    assert len(many) == len(few)


def test_org_member_and_reviewer_cannot_export(client, login, make):
    login(make.member())
    assert client.get("/finance/ledger.xlsx").status_code == 403
    assert client.post("/finance/contract-exports", data={"call_id": "1"}).status_code == 403


def test_zip_of_a_call_renders_drafts_in_processes(app, make):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    issued = make.contract("1000.00", state="signed", staff=staff)
    call = issued.call
    # three more awards in the same call, left as drafts
    drafts = []
    for amount in ("2000.00", "3000.00", "4000.00"):
        award = make.award(amount, staff=staff)
        award.call_id = call.id
        db.session.commit()
        from venture.contracts.operations import draft_contract

        drafts.append(draft_contract(award, actor=staff))
        db.session.commit()
    job = exports.start_contracts_zip(call, actor=finance)
    db.session.commit()
    exports.run_contracts_zip(app, job.id)
    db.session.expire_all()
    job = db.session.get(ExportJob, job.id)
    assert (job.state, job.done, job.total, job.error) == (JobState.DONE, 4, 4, None)
    archive = zipfile.ZipFile(job.file.path)
    assert sorted(archive.namelist()) == sorted(
        [f"{issued.number}.pdf", f"signed/{issued.number}-signed.pdf"]
        + [f"{d.number}-draft.pdf" for d in drafts]
    )
    assert archive.read(f"{issued.number}.pdf") == issued.document.path.read_bytes()
    assert all(archive.read(f"{d.number}-draft.pdf")[:5] == b"%PDF-" for d in drafts)


def test_zip_job_page_polls_status_until_download(client, login, make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="issued", staff=staff)
    login(make.user(Role.FINANCE))
    response = client.post("/finance/contract-exports", data={"call_id": str(contract.call_id)})
    job = db.session.scalars(sa.select(ExportJob)).one()
    assert response.headers["Location"] == f"/finance/exports/{job.id}"
    page = client.get(f"/finance/exports/{job.id}").get_data(as_text=True)
    assert "js/export_progress.js" in page
    for thread in threading.enumerate():
        if thread.name == f"export-job-{job.id}":
            thread.join()
    db.session.expire_all()
    status = client.get(f"/finance/exports/{job.id}/status").get_json()
    assert status == {
        "state": "done",
        "label": "已完成",
        "done": 1,
        "total": 1,
        "percent": 100,
        "download": f"/finance/exports/{job.id}/download",
        "error": None,
    }
    download = client.get(status["download"])
    assert zipfile.ZipFile(io.BytesIO(download.data)).namelist() == [f"{contract.number}.pdf"]


def test_failed_job_says_so(app, make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="issued", staff=staff)
    job = exports.start_contracts_zip(contract.call, actor=staff)
    db.session.commit()
    contract.document.path.unlink()  # the stored file went missing
    exports.run_contracts_zip(app, job.id)
    db.session.expire_all()
    job = db.session.get(ExportJob, job.id)
    assert job.state == JobState.FAILED
    assert job.error.startswith("[Errno 2] No such file or directory")


def test_finance_records_payment_through_the_page(client, login, make):
    staff = make.user(Role.STAFF)
    contract = make.contract("100000.01", state="signed", staff=staff)
    first = contract.installments[0]
    operations.approve_release(first, actor=staff)
    db.session.commit()
    login(make.user(Role.FINANCE))
    form = {
        "paid_on": date.today().isoformat(),
        "amount": "60000.00",
        "voucher_no": "记-2026-0311",
        "bank_reference": "HX0001",
    }
    refused = client.post(f"/installments/{first.id}/pay", data=form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "¥60,000.00 超过第 1 期尚未支付的金额：剩余 ¥50,000.00（应付 ¥50,000.00）。" in page
    assert 'value="记-2026-0311"' in page
    bad = client.post(f"/installments/{first.id}/pay", data={**form, "amount": "1.234"})
    assert "请输入以元为单位的金额，例如 50000.00。" in bad.get_data(as_text=True)
    ok = client.post(f"/installments/{first.id}/pay", data={**form, "amount": "50,000.00"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert first.state == InstallmentState.PAID
