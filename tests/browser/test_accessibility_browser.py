"""axe-core (bundled by the axe-playwright-python package, nothing fetched at run time) finds
no serious or critical WCAG 2.1 A/AA violation on the main pages, at desktop and phone widths."""

import pytest

from tests.browser import demo_site as demo
from tests.browser.demo_site import DESKTOP, PHONE, sign_in

# the demo stays loaded for the whole module
demo_site = demo.demo_site
_app_context = demo._app_context

pytestmark = pytest.mark.browser

# (name, role signed in, path from the demo's ids)
MAIN_PAGES = [
    ("login", "visitor", lambda ids: "/login"),
    ("landing", "visitor", lambda ids: "/"),
    ("calls", "visitor", lambda ids: "/calls"),
    ("call", "visitor", lambda ids: f"/calls/{ids['public_call']}"),
    ("announcements", "visitor", lambda ids: "/announcements"),
    ("guide", "visitor", lambda ids: "/guide/applicant"),
    ("applicant home", "applicant", lambda ids: "/"),
    ("organization", "applicant", lambda ids: f"/orgs/{ids['org']}"),
    (
        "application form",
        "applicant",
        lambda ids: f"/applications/{ids['editable_application']}/edit",
    ),
    ("application", "applicant", lambda ids: f"/applications/{ids['submitted_application']}"),
    ("inbox", "applicant", lambda ids: "/inbox"),
    ("reviewer queue", "reviewer", lambda ids: "/review"),
    ("scoring", "reviewer", lambda ids: f"/review/assignments/{ids['assignment']}"),
    ("staff home", "staff", lambda ids: "/"),
    ("screening", "staff", lambda ids: f"/staff/calls/{ids['screening_call']}/applications"),
    ("review matrix", "staff", lambda ids: f"/staff/review/calls/{ids['matrix_call']}"),
    ("contract", "staff", lambda ids: f"/contracts/{ids['contract']}"),
    ("staff reports", "staff", lambda ids: f"/staff/reports?call={ids['matrix_call']}"),
    ("finance ledger", "finance", lambda ids: "/finance/ledger"),
    ("evaluator home", "evaluator", lambda ids: "/"),
    ("evaluation", "evaluator", lambda ids: f"/evaluations/{ids['evaluation']}"),
    ("community home", "community", lambda ids: "/"),
    ("admin users", "admin", lambda ids: "/admin/users"),
]
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _serious(results):
    """'rule (impact): target — message' for each serious or critical violation."""
    return [
        f"{v['id']} ({v['impact']}): {' '.join(node['target'])} — {node['failureSummary']}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


@pytest.mark.parametrize(("name", "role", "path"), MAIN_PAGES, ids=[p[0] for p in MAIN_PAGES])
def test_main_page_has_no_serious_accessibility_violation(
    browser, live_server, demo_site, name, role, path
):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=DESKTOP)
    try:
        page = context.new_page()
        sign_in(page, demo_site, role)
        url = path(demo_site.ids)
        found = {}
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            response = page.goto(url)
            assert response.status == 200, url
            assert page.get_attribute("html", "lang") == "zh-CN"
            found[size["width"]] = _serious(Axe().run(page, options=RULES).response)
        for width, violations in found.items():
            print(f"{name} at {width} px:", *violations, sep="\n  ")
        assert found == {1280: [], 375: []}
    finally:
        context.close()


def test_english_pages_declare_their_language(browser, live_server, demo_site):
    context = browser.new_context(base_url=live_server, locale="en")
    try:
        page = context.new_page()
        page.goto("/login")
        page.click("button[name=locale][value=en]")
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == "en"
        assert page.inner_text("a.skip-link") == "Skip to content"
    finally:
        context.close()
