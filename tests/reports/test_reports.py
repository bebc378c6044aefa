"""Reports: the final report's money equals the accepted reports, the call summary's equals its
contracts, charts are vector graphics with text labels, PDFs embed CJK fonts."""

import subprocess
from decimal import Decimal

from tests.delivery.helpers import accepted_report, delivering, write_report
from tests.evaluation.helpers import assign, evaluator, score, self_assess
from tests.pdf_checks import cjk_problems, pdf_text
from venture.applications.enums import ApplicationState
from venture.auth.enums import Role
from venture.contracts import operations as contracts
from venture.core.pdf import GlyphWatch
from venture.delivery import operations
from venture.evaluation.operations import criteria_of
from venture.extensions import db
from venture.procurement.enums import AwardState
from venture.procurement.models import Award
from venture.reports import documents, figures
from venture.reports.charts import bar_chart


def test_final_report_spending_is_the_sum_of_the_accepted_reports(make, tmp_path):
    project, member, staff = delivering(make)
    accepted_report(project, member, staff, {"活动费": "12000.50", "人员费": "8000.00"}, period=0)
    accepted_report(project, member, staff, {"活动费": "3210.25"}, period=1)
    write_report(project, member, {"活动费": "9999.99"}, period=2)  # submitted, not accepted
    returned = write_report(project, member, {"人员费": "5555.55"}, period=3)
    operations.decide_report(returned, "return", comment="票据不全。", actor=staff)
    db.session.commit()

    accepted = [r for r in project.reports if r.state.value == "accepted"]
    expected = sum((e.amount for r in accepted for e in r.expenditures), Decimal("0.00"))
    report = figures.project_report(project.id)
    assert report.progress.spent_total == expected == Decimal("23210.75")
    assert {t.line.item: t.cumulative for t in report.progress.lines} == {
        "活动费": Decimal("15210.75"),
        "人员费": Decimal("8000.00"),
    }
    text = pdf_text(documents.render_project_final_report(project.id), tmp_path / "final.pdf")
    # the total row: original and current budget, spent, left, used
    assert "¥100,000.00¥100,000.00¥23,210.75¥76,789.2523%合计" in text
    assert "支出按已通过的进度报告（2份）统计。" in text


def contract_in(call, staff, amount, communities, category):
    """An issued contract of call for a new awarded application serving communities."""
    from tests import factories

    application = factories.application(call, state=ApplicationState.AWARDED)
    application.communities = communities
    application.category = category
    application.beneficiaries = 100
    award = Award(
        call=call,
        organization=application.organization,
        application=application,
        route=call.route,
        amount=Decimal(amount),
        state=AwardState.FINAL,
        created_by_id=staff.id,
    )
    db.session.add(award)
    db.session.commit()
    contract = contracts.draft_contract(award, actor=staff)
    db.session.commit()
    return contract


def summary_call(make):
    staff = make.user(Role.STAFF)
    elderly = make.category(name_zh="养老")
    disability = make.category(name_zh="助残", name_en="Disability")
    north, south = make.street(name="新成街道"), make.street(name="香坊大街街道")
    red, green = make.community(north, name="红旗社区"), make.community(south, name="和平社区")
    call = make.call(
        "closed",
        categories=[elderly, disability],
        communities=[red, green],
        total_budget="2000000.00",
    )
    made = [
        contract_in(call, staff, "100000.01", [red, green], elderly),
        contract_in(call, staff, "50000.00", [red], disability),
        contract_in(call, staff, "70000.00", [green], elderly),
    ]
    make.application(call, state="ineligible")
    make.application(call, state="submitted")
    return call, made


def test_call_summary_totals_equal_the_sum_of_its_contracts(make):
    call, made = summary_call(make)
    summary = figures.call_summary(call)
    total = sum(c.amount for c in made)
    assert summary.contract_total == total == Decimal("220000.01")
    assert summary.by_category == [
        ("养老", Decimal("170000.01")),
        ("助残", Decimal("50000.00")),
    ]
    assert summary.by_street == [
        ("香坊大街街道", Decimal("120000.00")),
        ("新成街道", Decimal("100000.01")),
    ]
    assert sum(a for _n, a in summary.by_category) == sum(a for _n, a in summary.by_street) == total
    assert summary.awards_total == total
    assert (summary.applications_total, summary.screening[:2]) == (
        5,
        [("资格审查通过", 3), ("资格审查未通过", 1)],
    )
    assert summary.planned_beneficiaries == 300


def test_call_summary_pdf_draws_vector_charts_with_text_labels_and_cjk_fonts(make, tmp_path):
    call, _made = summary_call(make)
    with GlyphWatch() as watch:
        pdf = documents.render_call_summary(call)
    path = tmp_path / "summary.pdf"
    assert cjk_problems(pdf, watch, path) == []
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    assert images == []  # no raster image: the charts are drawn as vectors
    text = pdf_text(pdf, path)
    for title in ("资格审查结果", "各服务类别合同金额", "各街道合同金额", "各群体受益人数"):
        assert title in text, title
    # the street chart's bar labels are text too: each street is in the chart and the table
    assert (text.count("香坊大街街道"), text.count("新成街道")) == (2, 2)


def test_bar_chart_is_svg_with_escaped_text_labels():
    svg = str(bar_chart("金额 <按街道>", [("新成街道", Decimal("5.00")), ("A&B", 0)]))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox')
    assert "<title>金额 &lt;按街道&gt;</title>" in svg
    assert ">新成街道</text>" in svg and ">A&amp;B</text>" in svg
    assert svg.count("<rect ") == 2


def test_dashboard_shows_the_figures_with_inline_svg_charts(make, client, login):
    call, _made = summary_call(make)
    login(make.user(Role.STAFF))
    page = client.get(f"/staff/reports?call={call.id}").get_data(as_text=True)
    assert '<td class="num text-end" id="contract-total">3 · ¥220,000.01</td>' in page
    for chart in ("chart-screening", "chart-category", "chart-street", "chart-beneficiaries"):
        assert f'id="{chart}"' in page, chart
    assert "<script" not in page.split("<main", 1)[1].split("</main>")[0]


def test_evaluation_report_pdf_shows_scores_and_grade(make, tmp_path):
    project, member, staff = delivering(make)
    judge = evaluator(make)
    evaluation = assign(project, staff, judge)
    self_assess(evaluation, member)
    score(evaluation, judge, "85")
    criteria = criteria_of(project.call_id, "midterm")
    with GlyphWatch() as watch:
        pdf = documents.render_evaluation_report(evaluation, criteria)
    assert cjk_problems(pdf, watch, tmp_path / "e.pdf") == []
    text = pdf_text(pdf, tmp_path / "e.pdf")
    assert "合计10085" in text
    assert "等级：良好" in text


def test_final_report_pdf_is_for_the_organization_and_staff_only(make, client, login):
    project, member, staff = delivering(make)
    login(member)
    assert client.get(f"/reports/projects/{project.id}/final-report.pdf").status_code == 200
    client.post("/logout")
    login(make.member())
    assert client.get(f"/reports/projects/{project.id}/final-report.pdf").status_code == 404
    judge = evaluator(make)
    assign(project, staff, judge)
    client.post("/logout")
    login(judge)
    assert client.get(f"/reports/projects/{project.id}/final-report.pdf").status_code == 404


def test_bar_chart_without_visible_title_keeps_an_accessible_name():
    svg = str(bar_chart("", [("执行中", 3)], label="项目状态分布"))
    assert 'role="img" aria-label="项目状态分布"' in svg
    assert "<title>项目状态分布</title>" in svg
    assert 'font-weight="bold"' not in svg  # the page's heading shows the title
