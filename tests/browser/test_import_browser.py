"""The import in a real browser: staff download the template, upload a registry with a
merged title row, read the preview, confirm, and land on the result page."""

import pytest
from sqlalchemy import select

from tests.imports.helpers import xlsx
from venture.auth.enums import Role
from venture.extensions import db
from venture.orgs.models import Organization

pytestmark = pytest.mark.browser


def test_staff_upload_preview_confirm_and_see_the_result(page, browser_login, make, tmp_path):
    make.street("香坊街道")
    code = make.credit_code()
    bad = make.credit_code()[:-1] + "I"
    path = tmp_path / "社会组织名录.xlsx"
    path.write_bytes(
        xlsx(
            [
                ["信用代码", "社会组织名称", "街道"],
                [code, "香坊区阳光社工服务中心", "香坊街道"],
                [bad, "错误代码组织", ""],
            ],
            title="香坊区社会组织名录",
        )
    )
    browser_login(make.user(Role.STAFF))
    page.click("#nav-group-system")  # the menu groups staff entries by job: 系统
    page.click("nav a:has-text('批量导入')")
    with page.expect_download() as download:
        page.click("#template-organizations")
    assert download.value.suggested_filename == "导入模板 - 社会组织.xlsx"
    page.select_option("#kind", "organizations")
    page.set_input_files("#file", str(path))
    page.click("button:has-text('上传并预览')")
    page.wait_for_url("**/imports/*")
    assert page.inner_text("h1") == "导入预览：社会组织"
    assert page.inner_text("[data-count=add]") == "1"
    assert page.inner_text("[data-count=refused]") == "1"
    assert page.get_attribute("tr[data-row='3']", "data-action") == "add"
    assert page.get_attribute("tr[data-row='4']", "data-action") == "refused"
    page.click("#confirm-import")
    page.wait_for_selector("#records-table")
    assert page.inner_text("h1") == "导入结果：社会组织"
    assert (
        page.inner_text(".alert-success")
        == "已导入：新增 1 条，更新 0 条，无变化 0 条，拒绝 1 条。"
    )
    assert page.inner_text("#records-table tbody tr td:nth-child(3)") == "香坊区阳光社工服务中心"
    assert page.inner_text("#records-table tbody tr td:nth-child(5)").startswith("未认领")
    org = db.session.scalar(select(Organization).where(Organization.credit_code == code))
    assert org.name == "香坊区阳光社工服务中心"
