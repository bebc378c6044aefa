"""Sign in and organization registration in a real browser."""

import pytest
from sqlalchemy import select

from tests.pdf_bytes import MINIMAL_PDF
from venture.auth.enums import Role
from venture.extensions import db
from venture.orgs.enums import OrgStatus
from venture.orgs.models import Organization

pytestmark = pytest.mark.browser


def test_staff_signs_in_and_sees_home(page, browser_login, make):
    browser_login(make.user(Role.STAFF, name="李明"))
    assert page.locator("h1").inner_text() == "欢迎，李明"
    assert page.locator("#panel-staff").inner_text() == "项目主管"


def test_organization_registers_in_browser(page, tmp_path):
    certificate = tmp_path / "登记证书.pdf"
    certificate.write_bytes(MINIMAL_PDF)
    page.goto("/orgs/register")
    page.fill("#credit_code", "91350100M000100Y44")
    page.fill("#org_name", "香坊区阳光助老服务中心")
    page.fill("#legal_representative", "王伟")
    page.fill("#address", "哈尔滨市香坊区中山路 1 号")
    page.fill("#contact_name", "李娜")
    page.fill("#contact_phone", "13800000001")
    page.fill("#contact_email", "contact@yangguang.example.com")
    page.fill("#bank_name", "中国工商银行香坊支行")
    page.fill("#bank_account_name", "香坊区阳光助老服务中心")
    page.fill("#bank_account", "6222000011112222")
    page.set_input_files("#certificate", str(certificate))
    page.fill("#name", "李娜")
    page.fill("#email", "lina@yangguang.example.com")
    page.fill("#password", "Sunshine2026")
    page.fill("#confirm", "Sunshine2026")
    page.click("button:has-text('注册')")
    feedback = page.locator("#credit_code-feedback").inner_text()
    assert feedback == "校验码（第 18 位）错误：填写的是 4，按前 17 位计算应为 3。"
    assert page.input_value("#org_name") == "香坊区阳光助老服务中心"
    # fix the code; the browser keeps the other fields but not passwords or the file
    page.fill("#credit_code", "91350100M000100Y43")
    page.set_input_files("#certificate", str(certificate))
    page.fill("#password", "Sunshine2026")
    page.fill("#confirm", "Sunshine2026")
    page.click("button:has-text('注册')")
    page.wait_for_selector("h1:has-text('香坊区阳光助老服务中心')")
    assert page.locator(".badge.state-badge").inner_text() == "待认证"
    db.session.expire_all()
    org = db.session.scalars(select(Organization)).one()
    assert (org.credit_code, org.status) == ("91350100M000100Y43", OrgStatus.PENDING)
