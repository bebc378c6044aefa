"""An applicant fills in and submits an application; staff screen it (real Chromium)."""

import pytest
from sqlalchemy import select

from tests.pdf_bytes import MINIMAL_PDF
from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.auth.enums import Role
from venture.extensions import db

pytestmark = pytest.mark.browser


def sign_in(page, user):
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", "Secret12345")
    page.click("button:has-text('登录')")
    page.wait_for_url("**/")


def test_applicant_submits_and_staff_mark_it_eligible(page, browser, live_server, make, tmp_path):
    call = make.call(title="2026年香坊区公益创投项目", required_attachments="登记证书副本")
    applicant = make.member(make.org(name="香坊区童心成长服务社"), name="赵磊")
    staff = make.user(Role.STAFF, name="李明")
    certificate = tmp_path / "登记证书.pdf"
    certificate.write_bytes(MINIMAL_PDF)
    start, end = call.project_start.isoformat(), call.project_end.isoformat()

    sign_in(page, applicant)
    page.goto(f"/calls/{call.id}")
    page.click("button:has-text('申报')")
    page.wait_for_url("**/edit")
    page.fill("#title", "四点半课堂——双职工家庭儿童课后托管")
    page.select_option("#category_id", label="养老")
    page.check(f"#community-{call.communities[0].id}")
    page.fill("#beneficiaries", "60")
    page.fill("#project_start", start)
    page.fill("#project_end", end)
    page.fill("#target_group", "辖区6至12岁双职工家庭儿童")
    page.fill("#needs_analysis", "双职工家庭放学后无人照看。")
    page.fill("#objectives", "提供安全的课后托管和作业辅导。")
    page.fill("#activity_plan", "每周一至周五开展托管活动。")
    page.fill("#team", "社工2名，志愿者10名。")
    page.select_option("#budget_lines-0-category", "personnel")
    page.fill("#budget_lines-0-item", "社工补贴")
    page.fill("#budget_lines-0-unit_price", "3000")
    page.fill("#budget_lines-0-quantity", "12")
    page.fill("#budget_lines-0-requested", "30000")
    page.fill("#budget_lines-0-own_funds", "6000")
    # the page offers two empty rows; "add a budget line" makes a third
    page.click("button:has-text('增加一行预算')")
    assert page.locator("#budget-rows tr").count() == 3
    page.select_option("#budget_lines-2-category", "materials")
    page.fill("#budget_lines-2-item", "学习用品")
    page.fill("#budget_lines-2-unit_price", "25.50")
    page.fill("#budget_lines-2-quantity", "60")
    page.fill("#budget_lines-2-requested", "1530")
    page.fill("#budget_lines-2-own_funds", "0")
    page.fill("#milestones-0-title", "招募儿童并建档")
    page.fill("#milestones-0-due_date", start)
    page.set_input_files("#file-0", str(certificate))
    page.check("#declaration")
    page.click("button:has-text('提交申报书')")
    page.click("dialog[open] [data-answer=yes]")  # the confirmation
    page.wait_for_selector("#application-number")

    db.session.expire_all()
    application = db.session.scalars(select(Application)).one()
    assert page.locator(".state-badge").inner_text() == "已提交"
    assert page.locator("#application-number").inner_text() == application.number
    assert page.locator("#requested-amount").inner_text() == "¥31,530.00"
    assert [line.item for line in application.budget_lines] == ["社工补贴", "学习用品"]

    staff_context = browser.new_context(base_url=live_server, locale="zh-CN")
    staff_page = staff_context.new_page()
    staff_page.set_default_timeout(15000)
    try:
        sign_in(staff_page, staff)
        staff_page.goto(f"/staff/calls/{call.id}/applications")
        staff_page.click(f"a:has-text('{application.number}')")
        assert staff_page.locator("#system-checks").inner_text() == (
            "完整：预算平衡、未超上限、里程碑在执行期内、附件齐全。"
        )
        staff_page.check("#check-0")
        staff_page.check("#check-1")
        staff_page.click("button:has-text('资格审查通过')")
        staff_page.wait_for_selector(".alert-success")
        assert staff_page.locator(".state-badge").inner_text() == "资格审查通过"
    finally:
        staff_context.close()
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == ApplicationState.ELIGIBLE

    page.goto("/inbox")
    # "新" is the unread badge before the subject
    assert page.locator(".notification-subject").first.inner_text() == (
        f"新申报书 {application.number} 资格审查已通过"
    )
