"""The contracts ZIP in a real browser: asked from the ledger, progress polled, left and found
again from the ledger, downloaded."""

import zipfile

import pytest

from tests.payments.test_jobs import _call_with_contracts
from venture.auth.enums import Role

pytestmark = pytest.mark.browser


def test_finance_exports_a_call_and_comes_back_to_the_download(page, browser_login, make):
    call, contracts, _staff = _call_with_contracts(make, issued=1, drafts=2)
    browser_login(make.user(Role.FINANCE, name="刘会计"))
    page.click("nav a:has-text('财务台账')")
    page.select_option("#call_id", str(call.id))
    page.click("button:has-text('导出合同（ZIP）')")
    page.wait_for_url("**/finance/exports/*")
    job_url = page.url
    # the page's script polls the job until the ZIP is stored
    page.wait_for_selector("#export-download:visible", timeout=120000)
    assert page.inner_text("#export-state") == "已完成"
    assert page.inner_text("#export-count") == "3 / 3"

    page.click("a:has-text('返回财务台账')")
    page.click(f"#recent-exports a:has-text('{call.title}')")
    assert page.url == job_url
    assert page.inner_text("#export-count") == "3 / 3"
    with page.expect_download() as download:
        page.click("#export-download")
    archive = zipfile.ZipFile(download.value.path())
    assert sorted(archive.namelist()) == sorted(
        [f"{contracts[0].number}.pdf"] + [f"{c.number}-draft.pdf" for c in contracts[1:]]
    )
