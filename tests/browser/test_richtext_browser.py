"""The notice editor in a real browser: formatted text typed, kept on a refused save, saved,
shown formatted on the published page, with a typed <script> removed by the server."""

import pytest
from sqlalchemy import select

from venture.announcements.models import Announcement
from venture.auth.enums import Role
from venture.calls.models import Call
from venture.extensions import db

pytestmark = pytest.mark.browser

EDITOR = ".richtext-editor .ql-editor"


def _type_formatted(page, editor):
    """Type a paragraph with a bold word, a bulleted list and a script written as text."""
    page.click(editor)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("申报须知：")
    page.keyboard.press("Control+B")
    page.keyboard.type("截止日期不延长")
    page.keyboard.press("Control+B")
    page.keyboard.press("Enter")
    page.click(".richtext-editor button.ql-list[value='bullet']")
    page.keyboard.type("登记证书副本")
    page.keyboard.press("Enter")
    page.keyboard.type("项目预算明细表")


def test_announcement_body_is_formatted_kept_on_error_and_cleaned(page, browser_login, make):
    staff = browser_login(make.user(Role.STAFF, name="王主管"))
    page.goto("/staff/announcements/new")
    # the editor replaces the textarea, which stays in the form, hidden
    assert page.locator("#body").is_hidden()
    assert page.locator(EDITOR).get_attribute("aria-labelledby") == "body-label"
    assert page.locator(".richtext-editor button.ql-bold").get_attribute("aria-label") == "加粗"
    _type_formatted(page, EDITOR)

    # no title: the form comes back refused, the formatted text still in the editor
    page.click("button:has-text('发布')")
    assert page.locator("#title-feedback").inner_text() == "该字段是必填字段。"
    page.locator(f"{EDITOR} strong").wait_for()  # the editor reloads the text once its script runs
    assert page.locator(f"{EDITOR} strong").all_inner_texts() == ["截止日期不延长"]
    assert page.locator(f"{EDITOR} li").all_inner_texts() == ["登记证书副本", "项目预算明细表"]

    page.fill("#title", "香坊区公益创投项目申报须知")
    # a <script> typed as HTML (as a hostile browser would send it) reaches the server
    page.evaluate(
        "document.querySelector('#body').form.addEventListener('submit', function () {"
        " var t = document.querySelector('#body');"
        " t.value = t.value + '<script>alert(1)</' + 'script>'; });"
    )
    page.click("button:has-text('发布')")
    if page.locator("#accept_warnings").count():  # the period ends near a holiday
        page.check("#accept_warnings")
        page.click("button:has-text('发布')")
    page.wait_for_url("**/staff/announcements/*")

    db.session.expire_all()
    saved = db.session.scalars(select(Announcement)).one()
    assert saved.body == (
        "<p>申报须知：<strong>截止日期不延长</strong></p>"
        "<ul><li>登记证书副本</li><li>项目预算明细表</li></ul>"
    )
    assert saved.published_by_id == staff.id

    page.goto(f"/announcements/{saved.id}")
    body = page.locator(".announcement-body")
    assert body.locator("strong").all_inner_texts() == ["截止日期不延长"]
    assert body.locator("ul > li").all_inner_texts() == ["登记证书副本", "项目预算明细表"]
    assert body.locator("script").count() == 0
    assert "alert" not in body.inner_html()


def test_call_description_is_formatted_on_the_call_page(page, browser_login, make):
    browser_login(make.user(Role.STAFF))
    call = make.call("draft")
    page.goto(f"/staff/calls/{call.id}/edit")
    editor = "#call-form .richtext-editor .ql-editor"
    # the stored HTML is loaded into the editor
    assert page.locator(editor).inner_text() == "面向香坊区社区的养老、助残和为小服务。"
    _type_formatted(page, editor)
    page.click("#call-form button.btn-primary")
    page.wait_for_url(f"**/calls/{call.id}**")

    db.session.expire_all()
    assert db.session.get(Call, call.id).description == (
        "<p>申报须知：<strong>截止日期不延长</strong></p>"
        "<ul><li>登记证书副本</li><li>项目预算明细表</li></ul>"
    )
    page.goto(f"/calls/{call.id}")
    shown = page.locator("#call-description")
    assert shown.locator("strong").all_inner_texts() == ["截止日期不延长"]
    assert shown.locator("ul > li").all_inner_texts() == ["登记证书副本", "项目预算明细表"]


def test_without_javascript_the_textarea_is_there(browser, live_server, make):
    staff = make.user(Role.STAFF)
    context = browser.new_context(base_url=live_server, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", staff.email)
    page.fill("#password", "Secret12345")
    page.click("button:has-text('登录')")
    page.goto("/staff/announcements/new")
    assert page.locator("textarea#body").is_visible()
    assert page.locator(".richtext-editor").count() == 0
    context.close()


@pytest.mark.parametrize("which", ["announcement", "call"])
def test_editor_pages_have_no_serious_accessibility_violation(page, browser_login, make, which):
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.demo_site import DESKTOP, PHONE
    from tests.browser.test_accessibility_browser import RULES, _serious

    browser_login(make.user(Role.STAFF))
    if which == "announcement":
        url = "/staff/announcements/new"
    else:
        url = f"/staff/calls/{make.call('draft').id}/edit"
    found = {}
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(url)
        page.wait_for_selector(".richtext-editor .ql-editor")
        found[size["width"]] = _serious(Axe().run(page, options=RULES).response)
    assert found == {1280: [], 375: []}
