"""公示 in a real browser: the public reads, a signed-in person objects, staff answer."""

import pytest
from sqlalchemy import select

from venture.announcements.enums import AnnouncementKind, ObjectionState
from venture.announcements.models import Objection
from venture.auth.enums import Role
from venture.extensions import db

pytestmark = pytest.mark.browser


def test_public_reads_user_objects_staff_answer(page, browser, live_server, make):
    staff = make.user(Role.STAFF, name="王主管")
    announcement = make.announcement(
        kind=AnnouncementKind.DESIGNATION,
        title="香坊区居家养老服务定向购买公示",
        body="拟定向委托阳光助老服务中心提供居家养老服务。",
        actor=staff,
    )
    objector = make.member(name="赵居民")

    # the public finds the announcement without an account
    page.goto("/")
    page.click("nav >> text=公示公告")
    page.click(f"text={announcement.title}")
    assert page.locator("h1").inner_text() == announcement.title
    assert page.locator(".announcement-body").inner_text() == (
        "拟定向委托阳光助老服务中心提供居家养老服务。"
    )

    # signing in from the objection channel comes back to the announcement
    page.click("#sign-in-to-object a")
    page.fill("#email", objector.email)
    page.fill("#password", "Secret12345")
    page.click("button:has-text('登录')")
    page.wait_for_url(f"**/announcements/{announcement.id}")
    page.fill("#text", "该中心去年的服务记录不完整，请核实其服务能力。")
    page.click("button:has-text('提交质疑')")
    assert page.locator(".alert-success").inner_text() == (
        "您的质疑已提交。工作人员将予以答复，答复后会通知您。"
    )
    db.session.expire_all()
    objection = db.session.scalars(select(Objection)).one()
    assert (objection.user_id, objection.state) == (objector.id, ObjectionState.PENDING)

    # staff answer in their own session
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    staff_page = context.new_page()
    staff_page.goto("/login")
    staff_page.fill("#email", staff.email)
    staff_page.fill("#password", "Secret12345")
    staff_page.click("button:has-text('登录')")
    staff_page.wait_for_url("**/")
    staff_page.click("#nav-group-calls")  # the menu groups staff entries by job: 征集与评审
    staff_page.click("nav >> text=公示管理")
    staff_page.click(f"text={announcement.title}")
    assert staff_page.locator("#finalise-refusal").inner_text().startswith("公示期至")
    staff_page.check("text=质疑不成立：结果维持不变")
    staff_page.fill(f"#objection-{objection.id}-answer", "经核查，该中心服务记录齐全，质疑不成立。")
    staff_page.click("button:has-text('保存答复')")
    assert staff_page.locator(".alert-success").inner_text() == "答复已保存，并随公示公开。"
    context.close()

    # the public page shows the answer, not who objected
    page.reload()
    assert page.locator(".objection-answered .objection-text").all_inner_texts() == [
        "该中心去年的服务记录不完整，请核实其服务能力。"
    ]
    assert page.locator(".objection-answered .answer-text").all_inner_texts() == [
        "经核查，该中心服务记录齐全，质疑不成立。"
    ]
    assert "赵居民" not in page.locator(".objection-answered").inner_text()
    db.session.expire_all()
    assert db.session.get(Objection, objection.id).state == ObjectionState.DISMISSED
