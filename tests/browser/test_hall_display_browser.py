"""The hall display is a full-screen page: no site menu, large type, at least 90% of a
1920×1080 projector used; the panel phones' bottom bar never wraps its labels."""

import pytest

from tests import factories
from tests.browser.demo_site import save_screenshot
from tests.roadshow import helpers

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1920, "height": 1080}
COVERAGE = """() => {
  const box = document.querySelector('#roadshow-display').getBoundingClientRect();
  const width = Math.min(box.right, innerWidth) - Math.max(box.left, 0);
  const height = Math.min(box.bottom, innerHeight) - Math.max(box.top, 0);
  return width * height / (innerWidth * innerHeight);
}"""


def _sign_in(page, user):
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", factories.PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url("**/")


def test_hall_display_fills_a_projector_without_the_site_menu(browser, live_server):
    scene = helpers.scene(reviewers=3, applications=2, start=True)
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PROJECTOR)
    try:
        page = context.new_page()
        _sign_in(page, scene.staff)
        response = page.goto(f"/staff/roadshows/{scene.roadshow.id}/display")
        assert response.status == 200
        page.wait_for_selector("[data-item-title]:has-text('路演项目1')")
        assert page.evaluate(COVERAGE) >= 0.9
        assert page.locator("header nav.navbar, footer, .navbar").count() == 0
        # no scrolling: everything on the one screen
        assert page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        ) == [1920, 1080]
        # readable from the back of a hall: the title and the clock are large
        title = page.eval_on_selector(
            "[data-item-title]", "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        clock = page.eval_on_selector(
            "[data-timer]", "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert (title >= 64, clock >= 200) == (True, True), (title, clock)
        save_screenshot(page, "experience-hall-display")
        from axe_playwright_python.sync_playwright import Axe

        from tests.browser.test_accessibility_browser import RULES, _serious

        assert _serious(Axe().run(page, options=RULES).response) == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 375])
def test_phone_bottom_bar_labels_never_wrap(browser, live_server, width):
    scene = helpers.scene(reviewers=3, applications=2, start=True)
    context = browser.new_context(
        base_url=live_server,
        locale="zh-CN",
        viewport={"width": width, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = context.new_page()
        _sign_in(page, scene.experts[0].user)
        page.goto(f"/roadshows/{scene.roadshow.id}")
        page.click("#declare-no-conflict")
        page.wait_for_selector("#submit-sheet")
        lines = page.eval_on_selector_all(
            ".sticky-actions .btn",
            """buttons => buttons.map(b => {
              const range = document.createRange();
              range.selectNodeContents(b);
              const tops = Array.from(range.getClientRects()).map(r => Math.round(r.top));
              return [b.innerText, new Set(tops).size];
            })""",
        )
        assert lines == [["保存草稿", 1], ["提交（提交后不可修改）", 1]]
        tops = page.eval_on_selector_all(
            ".sticky-actions .btn", "b => b.map(e => Math.round(e.getBoundingClientRect().top))"
        )
        assert len(set(tops)) == 1  # side by side
    finally:
        context.close()
