"""A large ledger exported in a real browser: the Excel button queues a job, the job page
shows its progress and offers the file, the ledger lists it under recent exports."""

import io

import pytest
from openpyxl import load_workbook

from tests.payments.test_exports import paid_contract
from venture.auth.enums import Role

pytestmark = pytest.mark.browser


def test_finance_exports_a_large_ledger_in_the_background(
    app,
    page,
    browser_login,
    make,
    monkeypatch,
):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE, name="刘会计")
    contracts = [paid_contract(make, f"{n}000.00", staff, finance) for n in (1, 2)]
    monkeypatch.setitem(app.config, "LEDGER_EXPORT_IMMEDIATE_ROWS", 4)
    browser_login(finance)
    page.click("nav a:has-text('财务台账')")
    assert page.inner_text("#export-note").startswith("共 6 行")
    page.click("button[form='export-xlsx']")
    page.wait_for_url("**/finance/exports/*")
    job_url = page.url
    page.wait_for_selector("#export-download:visible", timeout=60000)
    assert page.inner_text("h1") == "财务台账导出（Excel）"
    assert page.inner_text("#export-state") == "已完成"
    assert page.inner_text("#export-count") == "6 / 6"
    with page.expect_download() as download:
        page.click("#export-download")
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [c.number for c in contracts for _ in range(3)] + [
        "合计"
    ]
    assert rows[-1][9:12] == (3000, 1500, 1500)

    page.click("a:has-text('返回财务台账')")
    page.click("#recent-exports a:has-text('财务台账导出（Excel）')")
    assert page.url == job_url
