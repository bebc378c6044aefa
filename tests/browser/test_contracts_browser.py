"""Contract to payment in a real browser: issue, signed scan, confirmation, release, payment."""

import pytest

from tests.pdf_bytes import MINIMAL_PDF
from venture.auth.enums import Role
from venture.extensions import db
from venture.payments.enums import InstallmentState

pytestmark = pytest.mark.browser


def sign_out(page):
    page.click("nav button:has-text('退出')")
    page.wait_for_url("**/")


def test_contract_from_issue_to_first_payment(page, browser_login, make, tmp_path):
    staff = make.user(Role.STAFF, name="张主管")
    finance = make.user(Role.FINANCE, name="刘会计")
    contract = make.contract("100000.01", staff=staff)
    member = make.member(contract.organization, name="李娜")
    scan = tmp_path / "盖章合同.pdf"
    scan.write_bytes(MINIMAL_PDF)

    browser_login(staff)
    page.click("nav a:has-text('合同管理')")
    page.click(f"a:has-text('{contract.number}')")
    page.click("button:has-text('出具合同')")
    page.wait_for_selector("#contract-state:has-text('待签订')")
    sign_out(page)

    browser_login(member)
    page.click("nav a:has-text('我的合同')")
    page.click(f"a:has-text('{contract.number}')")
    assert page.locator("a:has-text('合同 PDF')").get_attribute("href") == (
        f"/contracts/{contract.id}/document.pdf"
    )
    # the scan is the exception to signing online: opened on purpose, with a reason
    page.click("#scan-exception summary")
    page.fill("#reason", "法定代表人出差，线下盖章")
    page.set_input_files("#scan", str(scan))
    page.click("button:has-text('上传签章合同')")
    page.click("dialog[open] [data-answer=yes]")  # the confirmation
    page.wait_for_selector(".alert-success:has-text('已上传')")
    sign_out(page)

    browser_login(staff)
    page.goto(f"/contracts/{contract.id}")
    page.click("button:has-text('确认合同已签订')")
    page.click("dialog[open] [data-answer=yes]")  # the confirmation
    page.wait_for_selector("#contract-state:has-text('已签订')")
    assert page.locator("#installment-1 .badge").inner_text() == "条件已满足"
    page.click("#installment-1 button:has-text('批准拨付')")
    page.wait_for_selector("#installment-1 .badge:has-text('已批准拨付')")
    sign_out(page)

    browser_login(finance)
    page.click("nav a:has-text('财务台账')")
    page.click("a:has-text('登记支付')")
    assert page.input_value("#amount") == "50000.00"
    page.fill("#voucher_no", "记-2026-0311")
    page.fill("#bank_reference", "HX20260311001")
    page.click("button:has-text('登记支付')")
    page.click("dialog[open] [data-answer=yes]")  # the confirmation
    page.wait_for_selector("#installment-1 .badge:has-text('已支付')")
    db.session.expire_all()
    first = contract.installments[0]
    assert (first.state, str(first.paid_amount), first.payments[0].recorded_by_id) == (
        InstallmentState.PAID,
        "50000.00",
        finance.id,
    )
