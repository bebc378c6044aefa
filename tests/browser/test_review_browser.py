"""A reviewer scores an application in a real browser; staff see the aggregate."""

import pytest

from tests.review import helpers
from venture.auth.enums import Role

pytestmark = pytest.mark.browser


def test_reviewer_scores_and_submits_then_staff_see_the_aggregate(page, browser_login, make):
    staff = make.user(Role.STAFF, name="赵主管")
    call = helpers.call(staff=staff, title="2026年香坊区公益创投")
    criteria = helpers.rubric(call, (40, 30, 30), staff=staff)
    applicant = make.org(name="香坊区阳光助老服务中心")
    helpers.application(call, organization=applicant, title="银龄守护")
    reviewer = helpers.expert(name="张伟")
    others = [helpers.expert(), helpers.expert()]
    panel = helpers.panel(call, [reviewer, *others], staff=staff)
    made, _ = helpers.assign(panel, staff)
    for a in made:
        if a.reviewer_id != reviewer.id:
            helpers.submit(a, [30, 20, 20], criteria)

    browser_login(reviewer.user)
    page.click("nav >> text=评审任务")
    page.click("text=声明并打开")
    assert page.locator("#applicant-name").inner_text() == "香坊区阳光助老服务中心"
    page.click("text=声明无利益冲突并打开申报书")
    page.wait_for_selector("#score-form")
    page.fill(f"#score-{criteria[0].id}", "45")
    page.fill(f"#score-{criteria[1].id}", "25.5")
    assert page.locator("#live-total").inner_text() == "25.5"
    page.click("button[value=save]")
    feedback = page.locator(f"#score-{criteria[0].id}-feedback").inner_text()
    assert feedback == "分数应在 0 到 40 之间。"
    assert page.input_value(f"#score-{criteria[0].id}") == "45"
    page.fill(f"#score-{criteria[0].id}", "36")
    page.fill(f"#score-{criteria[2].id}", "24")
    page.fill("#overall_comment", "需求调研扎实，预算略高。")
    assert page.locator("#live-total").inner_text() == "85.5"
    page.click("button[value=submit]")
    page.click("dialog[open] [data-answer=yes]")  # the confirmation
    page.wait_for_selector("text=评分表已提交，谢谢。")
    assert page.locator("#review-progress").inner_text().strip() == "已提交 1 / 1"

    page.click("button:has-text('退出')")
    browser_login(staff)
    page.goto(f"/staff/review/calls/{call.id}")
    row = page.locator("#score-matrix tbody tr").first
    cells = row.locator("td")
    # 85.5, 70, 70: mean 75.17, no trimming under five sheets, spread 15.5
    assert cells.nth(4).inner_text() == "3"
    assert cells.nth(5).inner_text() == "75.17"
    assert cells.nth(6).inner_text() == "不足 5 份"
    assert cells.nth(8).inner_text() == "15.5"
    assert page.locator("#panel-progress").inner_text() == "已提交 3 / 3 份评分表 (100%)"
