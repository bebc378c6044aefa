"""Ledger exports: small ones at once, large ones as background jobs on the export queue,
both written row by row (write-only workbook, CSV) from one streamed SELECT."""

import csv
import io
import re
import threading
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.payments.test_exports import paid_contract
from venture.auth.enums import Role
from venture.extensions import db
from venture.payments import jobs
from venture.payments.enums import InstallmentState, JobState
from venture.payments.models import ExportJob

FILTERED = "route=venture_grant&state=paid&from=2026-01-01&to=2026-03-31"


@pytest.fixture
def worker_runner(app):
    """Jobs wait in the queue for an explicit worker, as in production."""
    app.config["JOB_RUNNER"] = "worker"
    yield
    app.config["JOB_RUNNER"] = "thread"


@pytest.fixture
def ledger(make):
    """Two grants paid in January and March, one paid in May, a tender, a draft."""
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    january = paid_contract(make, "1000.02", staff, finance, paid_on=date(2026, 1, 15))
    march = paid_contract(make, "3000.00", staff, finance, paid_on=date(2026, 3, 31))
    may = paid_contract(make, "5000.00", staff, finance, paid_on=date(2026, 5, 4))
    tender = paid_contract(
        make,
        "7000.00",
        staff,
        finance,
        paid_on=date(2026, 2, 1),
        route="tender",
        with_application=False,
    )
    make.contract("9000.00", staff=staff)  # a draft: not in the ledger
    return {"january": january, "march": march, "may": may, "tender": tender, "finance": finance}


def _job(job_id):
    db.session.expire_all()
    return db.session.get(ExportJob, job_id)


def _start(client, url):
    """POST an export, return the queued job (it waits for a worker)."""
    response = client.post(url)
    job = db.session.scalars(sa.select(ExportJob).order_by(ExportJob.id.desc())).first()
    assert response.headers["Location"] == f"/finance/exports/{job.id}"
    return job


def test_filtered_ledger_job_gives_exactly_the_filtered_rows_and_totals(
    app, client, login, ledger, worker_runner
):
    login(ledger["finance"])
    job = _start(client, f"/finance/ledger.xlsx?{FILTERED}")
    assert (job.kind, job.state, job.total, job.call_id) == (
        "ledger_xlsx",
        JobState.QUEUED,
        2,
        None,
    )
    assert job.parameters == {
        "filters": {
            "route": "venture_grant",
            "state": "paid",
            "from": "2026-01-01",
            "to": "2026-03-31",
        },
        "locale": "zh_CN",
    }
    assert jobs.work(app, stop=threading.Event(), once=True, worker="w1") == 1
    db.session.expire_all()  # the test's session outlives requests; a real request starts empty
    status = client.get(f"/finance/exports/{job.id}/status").get_json()
    assert (status["state"], status["done"], status["total"]) == ("done", 2, 2)
    download = client.get(status["download"])
    assert download.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(download.data))
    sheet = book.active
    january, march = ledger["january"], ledger["march"]
    assert sheet.title == "台账"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "合同编号",
        "组织",
        "统一社会信用代码",
        "项目",
        "征集项目",
        "采购方式",
        "期次",
        "比例",
        "拨付条件",
        "应付金额",
        "已付金额",
        "未付金额",
        "状态",
        "最近支付日期",
        "凭证号",
        "银行流水号",
        "拨付条件例外",
    )
    assert rows[1:] == [
        (
            january.number,
            january.organization.name,
            january.organization.credit_code,
            january.title,
            january.call.title,
            "公益创投",
            1,
            50,
            "签约后",
            500.01,
            500.01,
            0,
            "已支付",
            rows[1][13],
            f"记-{january.sequence:03d}",
            f"BR{january.sequence:05d}",
            None,
        ),
        (
            march.number,
            march.organization.name,
            march.organization.credit_code,
            march.title,
            march.call.title,
            "公益创投",
            1,
            50,
            "签约后",
            1500,
            1500,
            0,
            "已支付",
            rows[2][13],
            f"记-{march.sequence:03d}",
            f"BR{march.sequence:05d}",
            None,
        ),
        (
            "合计",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            2000.01,
            2000.01,
            0,
            None,
            None,
            None,
            None,
            None,
        ),
    ]
    assert [sheet.cell(row=r, column=14).value.date() for r in (2, 3)] == [
        date(2026, 1, 15),
        date(2026, 3, 31),
    ]
    assert [sheet.cell(row=2, column=c).number_format for c in (10, 11, 12, 14)] == [
        "#,##0.00",
        "#,##0.00",
        "#,##0.00",
        'yyyy"年"m"月"d"日"',
    ]
    assert [sheet.cell(row=4, column=c).number_format for c in (10, 11, 12)] == ["#,##0.00"] * 3
    assert [sheet.cell(row=4, column=c).font.b for c in (1, 10, 11, 12)] == [True] * 4
    assert [sheet.cell(row=1, column=c).font.b for c in (1, 16)] == [True, True]
    assert sheet.cell(row=2, column=1).font.b is False
    assert sheet.freeze_panes == "A2"


def test_ledger_csv_job_starts_with_a_bom_and_holds_the_filtered_rows(
    app, client, login, ledger, worker_runner
):
    login(ledger["finance"])
    job = _start(client, f"/finance/ledger.csv?{FILTERED}")
    jobs.work(app, stop=threading.Event(), once=True, worker="w1")
    db.session.expire_all()
    download = client.get(f"/finance/exports/{job.id}/download")
    assert download.data[:3] == b"\xef\xbb\xbf"
    assert download.headers["Content-Disposition"] == (
        f"attachment; filename={_job(job.id).file.original_name}"
    )
    lines = download.data.decode("utf-8-sig").splitlines()
    january, march = ledger["january"], ledger["march"]
    assert [line.split(",")[:1] + line.split(",")[9:14] for line in lines] == [
        ["合同编号", "应付金额", "已付金额", "未付金额", "状态", "最近支付日期"],
        [january.number, "500.01", "500.01", "0.00", "已支付", "2026年1月15日"],
        [march.number, "1500.00", "1500.00", "0.00", "已支付", "2026年3月31日"],
        ["合计", "2000.01", "2000.01", "0.00", "", ""],
    ]


def test_english_ledger_csv_has_english_dates_and_states(client, login, ledger):
    finance = ledger["finance"]
    finance.locale = "en"
    db.session.commit()
    login(finance)
    lines = client.get(f"/finance/ledger.csv?{FILTERED}").data.decode("utf-8-sig").splitlines()
    january, march = ledger["january"], ledger["march"]
    assert [line.split(",")[:1] + line.split(",")[9:14] for line in lines] == [
        ["Contract number", "Amount due", "Amount paid", "Remaining", "Status"]
        + ["Last payment date"],
        [january.number, "500.01", "500.01", "0.00", "Paid", "15 Jan 2026"],
        [march.number, "1500.00", "1500.00", "0.00", "Paid", "31 Mar 2026"],
        ["Total", "2000.01", "2000.01", "0.00", "", ""],
    ]


def test_chinese_ledger_csv_has_no_iso_date_or_state_code(client, login, ledger):
    login(ledger["finance"])
    text = client.get(f"/finance/ledger.csv?{FILTERED}").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows[1:] for cell in row]
    assert [c for c in cells if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", c)] == []
    assert [c for c in cells if c in {s.value for s in InstallmentState}] == []
    assert [row[12] for row in rows[1:]] == ["已支付", "已支付", ""]


def test_small_ledger_export_is_sent_at_once_without_a_job(client, login, ledger):
    login(ledger["finance"])
    response = client.get(f"/finance/ledger.csv?{FILTERED}")
    assert response.data[:3] == b"\xef\xbb\xbf"
    assert len(response.data.decode("utf-8-sig").splitlines()) == 1 + 2 + 1
    assert db.session.scalar(sa.select(sa.func.count(ExportJob.id))) == 0
    page = client.get(f"/finance/ledger?{FILTERED}").get_data(as_text=True)
    link = FILTERED.replace("&", "&amp;")
    assert f'href="/finance/ledger.xlsx?{link}">Excel</a>' in page
    assert 'form="export-xlsx"' not in page


def test_large_ledger_export_is_offered_as_a_background_job(
    app, client, login, ledger, monkeypatch
):
    monkeypatch.setitem(app.config, "LEDGER_EXPORT_IMMEDIATE_ROWS", 2)
    login(ledger["finance"])
    page = client.get("/finance/ledger").get_data(as_text=True)
    assert '<form method="post" id="export-xlsx" action="/finance/ledger.xlsx">' in page
    assert '<button class="btn btn-outline-secondary w-50" form="export-csv"' in page
    assert '/finance/ledger.xlsx">Excel</a>' not in page
    # a link followed to a large export asks before it starts anything
    response = client.get("/finance/ledger.xlsx?route=venture_grant")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "这些筛选条件共 9 行" in text
    assert '<form method="post" action="/finance/ledger.xlsx?route=venture_grant">' in text
    assert db.session.scalar(sa.select(sa.func.count(ExportJob.id))) == 0


def test_ledger_job_page_shows_filters_progress_and_is_found_again(
    app, client, login, ledger, worker_runner, monkeypatch
):
    login(ledger["finance"])
    call = ledger["march"].call
    job = _start(client, f"/finance/ledger.xlsx?call={call.id}&state=paid")
    assert job.call_id == call.id
    page = client.get(f"/finance/exports/{job.id}").get_data(as_text=True)
    assert '<h1 class="h3 mb-3">财务台账导出（Excel）</h1>' in page
    assert (
        f'<p class="small text-muted" id="export-filters">征集项目：{call.title} · 状态：已支付</p>'
        in page
    )
    assert '<span id="export-count">0 / 1</span>' in page
    ledger_page = client.get("/finance/ledger").get_data(as_text=True)
    assert (
        f'<li><a href="/finance/exports/{job.id}">财务台账导出（Excel）</a> · {call.title} · '
        in ledger_page
    )
    # every row is written as progress once the heartbeat interval is nil
    monkeypatch.setattr(jobs, "HEARTBEAT_EVERY", 0)
    seen = []
    update = jobs.Progress._update

    def recorded(self, **values):
        seen.append((self.job_id, values.get("done")))
        return update(self, **values)

    monkeypatch.setattr(jobs.Progress, "_update", recorded)
    whole = _start(client, "/finance/ledger.csv")
    assert jobs.work(app, stop=threading.Event(), once=True, worker="w1") == 2
    assert [done for job_id, done in seen if job_id == whole.id] == list(range(13)) + [12]
    job = whole
    assert (_job(job.id).state, _job(job.id).done, _job(job.id).total) == (JobState.DONE, 12, 12)


def test_a_stopped_ledger_job_leaves_no_half_written_file(
    app, client, login, ledger, worker_runner
):
    login(ledger["finance"])
    job = _start(client, "/finance/ledger.xlsx")
    stop = threading.Event()
    stop.set()
    assert jobs.claim("w1") == job.id
    jobs.run(job.id, "w1", stop)
    assert (_job(job.id).state, _job(job.id).file_id) == (JobState.QUEUED, None)
    from pathlib import Path

    assert sorted(p.name for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*.part")) == []


def test_ledger_exports_are_for_the_finance_desk_only(
    app, client, login, make, ledger, worker_runner
):
    job = _start(_signed_in(client, login, ledger["finance"]), "/finance/ledger.xlsx")
    jobs.work(app, stop=threading.Event(), once=True, worker="w1")
    db.session.expire_all()
    for outsider in (make.member(), make.user(Role.REVIEWER), make.user(Role.ADMIN)):
        client.post("/logout")
        login(outsider)
        assert client.get("/finance/ledger.xlsx").status_code == 403
        assert client.post("/finance/ledger.csv").status_code == 403
        assert client.get(f"/finance/exports/{job.id}").status_code == 403
        assert client.get(f"/finance/exports/{job.id}/download").status_code == 403
    # the finance desk shares its exports, as with the contracts ZIP; a made-up id is not found
    client.post("/logout")
    login(make.user(Role.STAFF))
    assert client.get(f"/finance/exports/{job.id}/download").status_code == 200
    assert client.get(f"/finance/exports/{job.id + 1}").status_code == 404
    staff_job = _start(client, "/finance/ledger.csv?route=tender")
    assert staff_job.total == 3


def _signed_in(client, login, user):
    login(user)
    return client
