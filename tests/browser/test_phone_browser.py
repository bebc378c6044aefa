"""Every page a role reaches from its menu and home page fits a 375-px phone: no sideways
scrolling of the page, a collapsing menu, touch-sized controls; screenshots at phone and
desktop widths."""

from urllib.parse import urlparse

import pytest

from tests.browser import demo_site as demo
from tests.browser.demo_site import DESKTOP, PHONE, save_screenshot, sign_in

# the demo stays loaded for the whole module
demo_site = demo.demo_site
_app_context = demo._app_context

pytestmark = pytest.mark.browser

# pages a role uses that its menu and home page do not link to directly
EXTRA_PAGES = {
    "applicant": lambda ids: [
        f"/orgs/{ids['org']}",
        f"/applications/{ids['editable_application']}/edit",
        f"/applications/{ids['submitted_application']}",
    ],
    "reviewer": lambda ids: ["/review", f"/review/assignments/{ids['assignment']}"],
    "evaluator": lambda ids: ["/evaluation/tasks", f"/evaluations/{ids['evaluation']}"],
    "staff": lambda ids: [
        f"/staff/calls/{ids['screening_call']}/applications",
        f"/staff/review/calls/{ids['matrix_call']}",
        f"/contracts/{ids['contract']}",
    ],
    "finance": lambda ids: ["/finance/ledger"],
    "community": lambda ids: [],
    "admin": lambda ids: ["/admin/users"],
}
SKIPPED = ("/logout", "/static/", ".pdf", ".xlsx", ".csv", "/download", "/files/", "/certificate")

# controls people tap: at least 44 × 44 CSS pixels on a phone (WCAG 2.5.5)
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'main .btn, main .form-control, main .form-select, main .page-link, .navbar .btn'))
  .filter(e => e.offsetParent !== null && e.type !== 'hidden')
  .filter(e => e.getBoundingClientRect().height < 44 || e.getBoundingClientRect().width < 44)
  .map(e => (e.id ? '#' + e.id : e.tagName.toLowerCase() + '.' + e.className.split(' ').join('.'))
    + ' ' + Math.round(e.getBoundingClientRect().width)
    + '×' + Math.round(e.getBoundingClientRect().height))"""
PAGE_WIDTH = "[document.documentElement.scrollWidth, window.innerWidth]"


def _pages_of(page, role, ids):
    """The role's menu entries and home-page links, then its extra pages, each once."""
    page.goto("/")
    hrefs = page.eval_on_selector_all(
        "#nav a.nav-link, main a", "links => links.map(a => a.getAttribute('href'))"
    )
    seen = ["/"]
    for href in [*hrefs, *EXTRA_PAGES[role](ids)]:
        if not href or not href.startswith("/") or any(s in href for s in SKIPPED):
            continue
        href = href.split("#")[0]
        if href not in seen:
            seen.append(href)
    return seen


def _slug(path):
    parsed = urlparse(path)
    return (parsed.path.strip("/").replace("/", "-") or "home") + (
        "-" + parsed.query.replace("=", "-").replace("&", "-") if parsed.query else ""
    )


@pytest.mark.parametrize(
    "role", ["applicant", "reviewer", "evaluator", "staff", "finance", "community", "admin"]
)
def test_pages_of_role_fit_a_phone_without_sideways_scrolling(
    browser, live_server, demo_site, role
):
    phone = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE)
    desktop = browser.new_context(base_url=live_server, locale="zh-CN", viewport=DESKTOP)
    try:
        on_phone, on_desktop = phone.new_page(), desktop.new_page()
        sign_in(on_phone, demo_site, role)
        sign_in(on_desktop, demo_site, role)
        paths = _pages_of(on_desktop, role, demo_site.ids)
        overflowing, small = {}, {}
        for path in paths:
            response = on_phone.goto(path)
            assert response.status == 200, path
            scroll_width, window_width = on_phone.evaluate(PAGE_WIDTH)
            if scroll_width > window_width:
                overflowing[path] = scroll_width
            too_small = on_phone.evaluate(SMALL_TARGETS)
            if too_small:
                small[path] = too_small
            save_screenshot(on_phone, f"phone-{role}-{_slug(path)}")
            on_desktop.goto(path)
            save_screenshot(on_desktop, f"desktop-{role}-{_slug(path)}")
        assert overflowing == {}, f"pages wider than 375 px: {overflowing}"
        assert small == {}, f"controls smaller than 44 px: {small}"
        assert len(paths) >= 5
    finally:
        phone.close()
        desktop.close()


def test_menu_collapses_on_a_phone_and_opens_with_touch_sized_links(
    browser, live_server, demo_site
):
    phone = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE)
    try:
        page = phone.new_page()
        sign_in(page, demo_site, "reviewer")
        assert page.locator("#nav .nav-link").first.is_visible() is False
        page.click(".navbar-toggler")
        page.wait_for_selector("#nav.show")
        heights = page.eval_on_selector_all(
            "#nav .nav-link",
            "links => links.filter(a => a.offsetParent !== null)"
            "  .map(a => a.getBoundingClientRect().height)",
        )
        assert len(heights) == 9  # the reviewer's 7 entries under their jobs, inbox, profile
        assert [h for h in heights if h < 44] == []
        assert page.get_attribute(".navbar-toggler", "aria-expanded") == "true"
        page.click("#nav .nav-phone >> text=评审任务")
        page.wait_for_url("**/review")
        assert page.evaluate(PAGE_WIDTH)[0] == 375
    finally:
        phone.close()
