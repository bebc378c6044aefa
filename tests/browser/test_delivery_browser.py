"""Delivery in a real browser: the organization submits a progress report, the evaluator scores
a final evaluation, staff read the dashboard with its charts."""

from datetime import timedelta

import pytest

from tests.delivery.helpers import delivering, periods
from tests.evaluation.helpers import assign, evaluator, self_assess
from venture.delivery.enums import ReportState
from venture.evaluation.enums import EvaluationState, Grade
from venture.extensions import db

pytestmark = pytest.mark.browser


def sign_out(page):
    page.click("nav button:has-text('退出')")
    page.wait_for_url("**/")


def test_report_evaluation_and_dashboard(page, browser_login, make):
    project, member, staff = delivering(make)
    judge = evaluator(make, name="黑龙江社会工作评估中心")
    evaluation = assign(project, staff, judge, kind="final")
    self_assess(evaluation, member)
    first = periods(project)[0]

    # the organization writes and submits the report on the first period
    browser_login(member)
    page.click("nav a:has-text('我的项目')")
    page.click(f"a:has-text('{project.title}')")
    page.click(f"#period-{first.start.isoformat()} button:has-text('填写报告')")
    page.fill("#summary", "本月完成 40 户独居老人入户探访，开展健康讲座 1 次。")
    page.fill("#activities-0-held_on", (first.start + timedelta(days=2)).isoformat())
    page.select_option("#activities-0-community_id", index=1)
    page.fill("#activities-0-title", "健康讲座")
    page.fill("#activities-0-participants", "35")
    page.fill("#beneficiaries-0-count", "40")
    page.fill("#expenditures-0-amount", "1500.00")
    page.fill("#expenditures-0-note", "讲座资料和场地")
    page.click("button:has-text('提交报告')")
    page.wait_for_selector("#report-state:has-text('已提交')")
    assert page.locator("#report-spent").inner_text() == "¥1,500.00"
    sign_out(page)

    # the evaluator scores the final evaluation
    browser_login(judge)
    page.click("nav a:has-text('评估任务')")
    page.click(f"#evaluation-tasks a:has-text('{project.title}')")
    for n, points in enumerate(["27", "14", "18", "17", "13.5"]):
        page.locator(".score-input").nth(n).fill(points)
    assert page.locator("#live-total").inner_text() == "89.5"
    page.fill("#site_visit_on", project.start_date.isoformat())
    page.fill("#site_visit_place", "红旗社区服务站")
    page.fill("#site_visit_notes", "查阅服务台账，走访 5 位老人，满意度高。")
    page.fill("#overall_comment", "项目执行规范，成效明显。")
    page.click("button:has-text('提交评分')")
    page.click("dialog[open] [data-answer=yes]")  # the confirmation
    page.wait_for_selector("#evaluation-state:has-text('已评分')")
    assert page.locator("#evaluation-grade").inner_text() == "良好"
    sign_out(page)

    # staff read the dashboard with its charts
    browser_login(staff)
    page.click("#nav-group-system")  # the menu groups staff entries by job: 系统
    page.click("nav a:has-text('统计报表')")
    page.wait_for_selector("svg#chart-category")
    assert page.locator("#contract-total").inner_text() == "1 · ¥100,000.00"
    assert page.locator("svg#chart-street text").first.is_visible()

    db.session.expire_all()
    report = project.reports[0]
    assert (report.state, evaluation.state, evaluation.grade) == (
        ReportState.SUBMITTED,
        EvaluationState.SCORED,
        Grade.GOOD,
    )
