"""The role guides: their screenshots are taken here (VENTURE_GUIDE_SCREENSHOTS=1 writes them
to docs/guides/img), and each guide page renders with every picture it shows."""

import re
from pathlib import Path

import pytest

from tests.browser import demo_site as demo
from tests.browser.demo_site import DESKTOP, GUIDE_IMAGES, PHONE, save_screenshot, sign_in
from venture.guide.views import GUIDES

# the demo stays loaded for the whole module
demo_site = demo.demo_site
_app_context = demo._app_context

pytestmark = pytest.mark.browser

GUIDES_FOLDER = GUIDE_IMAGES.parent
# role -> [(picture name, path from the demo's ids, window)]
PICTURES = {
    "applicant": [
        ("applicant-home", lambda ids: "/", DESKTOP),
        (
            "applicant-application-form",
            lambda ids: f"/applications/{ids['editable_application']}/edit",
            DESKTOP,
        ),
        (
            "applicant-application",
            lambda ids: f"/applications/{ids['submitted_application']}",
            DESKTOP,
        ),
        ("applicant-organization-phone", lambda ids: f"/orgs/{ids['org']}", PHONE),
    ],
    "reviewer": [
        ("reviewer-home-phone", lambda ids: "/", PHONE),
        ("reviewer-queue-phone", lambda ids: "/review", PHONE),
        ("reviewer-scoring", lambda ids: f"/review/assignments/{ids['assignment']}", DESKTOP),
    ],
    "staff": [
        ("staff-home", lambda ids: "/", DESKTOP),
        (
            "staff-screening",
            lambda ids: f"/staff/calls/{ids['screening_call']}/applications",
            DESKTOP,
        ),
        ("staff-review-matrix", lambda ids: f"/staff/review/calls/{ids['matrix_call']}", DESKTOP),
        ("staff-contract", lambda ids: f"/contracts/{ids['contract']}", DESKTOP),
    ],
    "finance": [
        ("finance-home", lambda ids: "/", DESKTOP),
        ("finance-ledger", lambda ids: "/finance/ledger", DESKTOP),
    ],
    "evaluator": [
        ("evaluator-home", lambda ids: "/", DESKTOP),
        ("evaluator-evaluation", lambda ids: f"/evaluations/{ids['evaluation']}", DESKTOP),
    ],
    "community": [
        ("community-home", lambda ids: "/", DESKTOP),
        ("community-projects", lambda ids: "/community/projects", DESKTOP),
    ],
    "admin": [
        ("admin-home", lambda ids: "/", DESKTOP),
        ("admin-users", lambda ids: "/admin/users", DESKTOP),
    ],
}
IMAGE = re.compile(r"!\[[^\]]+\]\(img/([a-z0-9-]+\.png)\)")


@pytest.mark.parametrize("role", list(PICTURES))
def test_guide_screenshots_of_role_are_taken_and_used(browser, live_server, demo_site, role):
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=DESKTOP)
    try:
        page = context.new_page()
        sign_in(page, demo_site, role)
        for name, path, window in PICTURES[role]:
            page.set_viewport_size(window)
            assert page.goto(path(demo_site.ids)).status == 200
            save_screenshot(page, name, guide=True)
    finally:
        context.close()
    text = (GUIDES_FOLDER / f"{role}.md").read_text(encoding="utf-8")
    shown = IMAGE.findall(text)
    assert sorted(shown) == sorted(f"{name}.png" for name, _path, _window in PICTURES[role])
    assert [n for n in shown if not (GUIDE_IMAGES / n).is_file()] == []


@pytest.mark.parametrize("role", list(GUIDES))
def test_guide_page_of_role_shows_its_pictures(page, demo_site, role):
    page.goto(f"/guide/{role}")
    assert page.locator("#guide h1").count() == 1
    sources = page.eval_on_selector_all(
        "#guide img", "imgs => imgs.map(i => i.getAttribute('src'))"
    )
    assert len(sources) == len(PICTURES[role])
    page.wait_for_load_state("networkidle")
    loaded = page.eval_on_selector_all("#guide img", "imgs => imgs.map(i => i.naturalWidth > 0)")
    assert loaded == [True] * len(sources)
    assert all(Path(s).name.endswith(".png") for s in sources)
