"""Acceptance: each link of the README's "Try each step" table, on the demo as loaded, opens a
page whose step button is enabled, and pressing it succeeds, with no clock change."""

import re
from pathlib import Path

import pytest

from tests.browser import demo_site as demo
from tests.browser.demo_site import DESKTOP, save_screenshot
from venture.demo import DEMO_PASSWORD

demo_site = demo.demo_site
_app_context = demo._app_context

pytestmark = pytest.mark.browser

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(
    r"^\| (?P<step>[^|]+) \| (?P<login>\S+@venture\.example\.com) \| "
    r"http://127\.0\.0\.1:5000(?P<path>/try/\w+) \| (?P<button>[^|]+) \|$"
)


def _table():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Try each step") :]
    section = section[: section.index("\n## ", 3)]
    return [m.groupdict() for line in section.splitlines() if (m := ROW.match(line.strip()))]


ROWS = _table()


def test_readme_table_lists_every_step():
    assert [row["path"] for row in ROWS] == [
        "/try/open_bids",
        "/try/finalise_announcement",
        "/try/draft_contract",
        "/try/sign_contract",
        "/try/approve_installment",
        "/try/review_report",
        "/try/score_evaluation",
        "/try/close_project",
    ]


def _fill_scores(page):
    """What an evaluator types before submitting: a score per criterion and the visit."""
    for score in page.locator(".score-input").all():
        maximum = float(score.get_attribute("data-max"))
        score.fill(f"{round(maximum * 0.85 * 2) / 2:g}")
    page.fill("#site_visit_on", "2026-11-20")
    page.fill("#site_visit_place", "项目服务社区活动室")
    page.fill("#site_visit_notes", "查看服务档案，与服务对象座谈。")
    page.fill("#overall_comment", "项目执行规范。")


@pytest.mark.parametrize("row", ROWS, ids=[r["path"].rsplit("/", 1)[1] for r in ROWS])
def test_each_step_of_the_readme_can_be_taken(browser, live_server, demo_site, row):
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", row["login"])
        page.fill("#password", DEMO_PASSWORD)
        page.click("main form button[type=submit], main form button.btn-primary")
        page.wait_for_url("**/")
        response = page.goto(row["path"])
        assert response.status == 200
        landed = page.url
        assert "/guide" not in landed  # a record waits at the step
        button = page.locator("main button", has_text=row["button"].strip()).first
        assert button.is_visible()
        assert button.is_enabled()
        if row["path"] == "/try/sign_contract":
            page.fill("#sign-form #password", DEMO_PASSWORD)  # step-up: the password again
        if row["path"] == "/try/score_evaluation":
            _fill_scores(page)
        button.click()
        if page.locator("dialog.confirm-dialog[open]").count():
            page.click("dialog[open] [data-answer=yes]")
        page.wait_for_load_state()
        page.wait_for_selector("main .alert")
        alerts = page.eval_on_selector_all(
            "main > .alert", "alerts => alerts.map(a => [a.className, a.innerText])"
        )
        save_screenshot(page, f"try-{row['path'].rsplit('/', 1)[1]}")
        assert [text for cls, text in alerts if "alert-danger" in cls] == []
        assert [cls for cls, _text in alerts if "alert-success" in cls] != [], alerts
    finally:
        context.close()
