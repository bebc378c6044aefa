"""A live roadshow in real browsers: staff run it, three phones score, the hall's display
follows without reloading; a phone that drops off keeps its draft."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.roadshow import helpers

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def _context(browser, live_server, *, phone=False):
    options = {"base_url": live_server, "locale": "zh-CN"}
    if phone:
        options.update(viewport=PHONE, is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    context.set_default_timeout(15000)
    return context


def _sign_in(page, user):
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", factories.PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url("**/")


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _score(page, criteria, scores):
    for criterion, value in zip(criteria, scores, strict=True):
        page.fill(f"#score-{criterion.id}", value)


def test_roadshow_with_three_phones_and_a_display(browser, live_server):
    s = helpers.scene(reviewers=3, applications=2)
    contexts = []
    try:
        staff_context = _context(browser, live_server)
        contexts.append(staff_context)
        staff = staff_context.new_page()
        _sign_in(staff, s.staff)
        staff.goto(f"/staff/roadshows/{s.roadshow.id}")
        link = staff.input_value("#display-link")

        hall_context = _context(browser, live_server)  # the projector: no login
        contexts.append(hall_context)
        hall = hall_context.new_page()
        hall.goto(link)
        expect(hall.locator('[data-when="scheduled"]')).to_be_visible()
        hall.evaluate("window.__roadshowMarker = 'same page'")

        staff.click("#start-roadshow")
        expect(staff.get_by_text("路演已开始。")).to_be_visible()
        expect(hall.locator("[data-item-title]")).to_have_text("路演项目1")
        expect(hall.locator("[data-submitted-count]")).to_have_text("已提交 0 / 3")

        sheets = ([36, 25.5, 24], [30, 28, 20.5], [33, 27, 30])  # 85.5, 78.5, 90
        for seat, (expert, scores) in enumerate(zip(s.experts, sheets, strict=True), start=1):
            context = _context(browser, live_server, phone=True)
            contexts.append(context)
            phone = context.new_page()
            _sign_in(phone, expert.user)
            phone.goto(f"/roadshows/{s.roadshow.id}")
            expect(phone.locator("#item-title")).to_have_text("路演项目1")
            phone.click("#declare-no-conflict")
            _score(phone, s.criteria, [str(v) for v in scores])
            expect(phone.locator("#live-total")).to_have_text(str(sum(scores)))
            assert _no_sideways_scroll(phone)
            phone.click("#submit-sheet")
            phone.click("dialog[open] [data-answer=yes]")  # the confirmation
            expect(phone.locator("#my-sheet-submitted")).to_be_visible()
            assert _no_sideways_scroll(phone)
            seat_box = hall.locator(f'[data-seats] li[data-seat="{seat}"]')
            expect(seat_box.locator(".seat-status")).to_have_text("已提交")
            expect(seat_box.locator(".seat-label")).to_have_text(f"{seat}号评委")
            expect(hall.locator("[data-aggregate]")).to_be_hidden()

        expect(hall.locator("[data-submitted-count]")).to_have_text("已提交 3 / 3")
        assert hall.evaluate("window.__roadshowMarker") == "same page"

        staff.click("#close-item")
        # (85.5 + 78.5 + 90) / 3 = 84.666… shown at two decimals, half up
        expect(hall.locator("[data-aggregate] [data-mean]")).to_have_text("84.67")
        expect(hall.locator("[data-aggregate]")).to_contain_text("3 份评分表的平均分")
        assert hall.evaluate("window.__roadshowMarker") == "same page"

        staff.click("#next-item")
        expect(hall.locator("[data-item-title]")).to_have_text("路演项目2")
        expect(hall.locator("[data-aggregate]")).to_be_hidden()
        assert hall.evaluate("window.__roadshowMarker") == "same page"
        assert re.fullmatch(r"\+?\d+:\d\d", hall.locator("[data-timer]").inner_text())
    finally:
        for context in contexts:
            context.close()


def test_phone_that_drops_off_finds_its_draft(browser, live_server):
    s = helpers.scene(reviewers=3, applications=1, start=True)
    expert = s.experts[0]
    first, second, third = s.criteria
    context = _context(browser, live_server, phone=True)
    phone = context.new_page()
    _sign_in(phone, expert.user)
    phone.goto(f"/roadshows/{s.roadshow.id}")
    phone.click("#declare-no-conflict")
    phone.fill(f"#score-{first.id}", "32.5")
    phone.fill(f"#score-{second.id}", "45")
    phone.fill("#overall_comment", "陈述清楚，预算偏高")
    expect(phone.locator("#draft-status")).to_contain_text("草稿已保存")
    expect(phone.locator(f"#score-{second.id}-feedback")).to_have_text("分数应在 0 到 30 之间。")
    context.close()  # the phone drops off

    context = _context(browser, live_server, phone=True)
    try:
        phone = context.new_page()
        _sign_in(phone, expert.user)
        phone.goto(f"/roadshows/{s.roadshow.id}")
        assert phone.input_value(f"#score-{first.id}") == "32.5"
        assert phone.input_value(f"#score-{second.id}") == "45"
        assert phone.input_value(f"#score-{third.id}") == ""
        assert phone.input_value("#overall_comment") == "陈述清楚，预算偏高"
        expect(phone.locator("#live-total")).to_have_text("32.5")
    finally:
        context.close()
