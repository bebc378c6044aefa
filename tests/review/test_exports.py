"""Exports: score sheets and the ranking as CJK PDFs and as XLSX with numeric cells."""

from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from tests.pdf_checks import cjk_problems, pdf_text
from tests.review import helpers
from venture.auth.enums import Role
from venture.core.pdf import GlyphWatch
from venture.core.timeutil import to_local
from venture.review import exports, results
from venture.review.enums import Aggregation


def _reviewed(make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff, title="2026年香坊区公益创投")
    criteria = helpers.rubric(call, (40, 30, 30), staff=staff)
    org = make.org(name="香坊区阳光助老服务中心")
    helpers.application(call, organization=org, title="银龄守护", requested="90000.00")
    helpers.application(call, title="童心向阳", requested="60000.00")
    experts = [helpers.expert(name=n) for n in ("张伟", "李娜", "王芳")]
    panel = helpers.panel(call, experts, staff=staff)
    made, _ = helpers.assign(panel, staff)
    for i, a in enumerate(sorted(made, key=lambda a: (a.application_id, a.reviewer_id))):
        helpers.submit(a, [Decimal("35.5") - i, 25, 20], criteria, comment="思路清晰")
    return staff, call, panel


def test_score_sheets_pdf_has_one_signed_page_per_sheet(make, tmp_path):
    _staff, _call, panel = _reviewed(make)
    with GlyphWatch() as watch:
        pdf = exports.sheets_pdf(panel)
    assert cjk_problems(pdf, watch, tmp_path / "fonts.pdf") == []
    text = pdf_text(pdf, tmp_path / "sheets.pdf")
    assert text.count("评审打分表") == 6
    assert text.count("评审专家（签字）") == 6
    assert "香坊区阳光助老服务中心" in text
    assert "张伟" in text and "思路清晰" in text
    assert "第1页/共6页" in text


def test_ranking_pdf_lists_scores_and_panel_signatures(make, tmp_path):
    _staff, _call, panel = _reviewed(make)
    with GlyphWatch() as watch:
        pdf = exports.ranking_pdf(panel, Aggregation.MEAN)
    assert cjk_problems(pdf, watch, tmp_path / "fonts.pdf") == []
    text = pdf_text(pdf, tmp_path / "ranking.pdf")
    assert "评审结果汇总表" in text
    # 银龄守护: totals 80.5, 79.5, 78.5 → mean 79.50; 童心向阳: 77.5, 76.5, 75.5 → 76.50
    assert "银龄守护" in text and "79.50" in text and "76.50" in text
    assert "张伟：" in text and "王芳：" in text


def test_ranking_xlsx_has_numeric_cells(make):
    _staff, _call, panel = _reviewed(make)
    book = load_workbook(BytesIO(exports.ranking_xlsx(panel, Aggregation.MEAN)))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["排名", "申报编号", "组织", "项目", "评分表数", "平均分"]
    first = [c.value for c in sheet[2]]
    assert first[0] == 1 and first[3] == "银龄守护"
    assert (first[5], first[9], first[10]) == (79.5, 90000, 90000)
    assert isinstance(first[5], float) and sheet.cell(2, 6).number_format == "0.00"
    assert sheet.cell(2, 10).number_format == "#,##0.00"


def test_sheets_xlsx_has_one_row_per_sheet_with_numbers(make):
    _staff, _call, panel = _reviewed(make)
    sheet = load_workbook(BytesIO(exports.sheets_xlsx(panel))).active
    assert sheet.max_row == 7
    header = [c.value for c in sheet[1]]
    assert header[4:8] == ["标准1 (40)", "标准2 (30)", "标准3 (30)", "合计"]
    row = [c.value for c in sheet[2]]
    assert (row[4], row[7]) == (35.5, 80.5)


def test_export_routes_send_files_to_staff_only(client, login, make):
    staff, call, _panel = _reviewed(make)
    login(staff)
    response = client.get(f"/staff/review/calls/{call.id}/ranking.xlsx")
    assert response.status_code == 200
    assert response.mimetype == exports.XLSX
    assert response.headers["Content-Disposition"].startswith("attachment;")
    response = client.get(f"/staff/review/calls/{call.id}/sheets.pdf")
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    client.post("/logout")
    login(helpers.expert().user)
    assert client.get(f"/staff/review/calls/{call.id}/sheets.pdf").status_code == 403


def test_sheets_xlsx_submitted_time_is_beijing_time_in_chinese_format(make):
    _staff, _call, panel = _reviewed(make)
    sheet = load_workbook(BytesIO(exports.sheets_xlsx(panel))).active
    assert sheet.cell(1, 9).value == "提交时间"
    submitted = sorted(a.sheet.submitted_at for a in results.submitted_sheets(panel))
    shown = sorted(sheet.cell(r, 9).value for r in range(2, sheet.max_row + 1))
    # to the minute, as the cell shows it (the file keeps milliseconds)
    assert [moment.replace(second=0, microsecond=0) for moment in shown] == [
        to_local(moment).replace(tzinfo=None, second=0, microsecond=0) for moment in submitted
    ]
    assert {sheet.cell(r, 9).number_format for r in range(2, sheet.max_row + 1)} == {
        'yyyy"年"m"月"d"日" hh:mm'
    }


def test_ranking_xlsx_says_within_budget_in_chinese(make):
    _staff, _call, panel = _reviewed(make)
    sheet = load_workbook(BytesIO(exports.ranking_xlsx(panel, Aggregation.MEAN))).active
    assert sheet.cell(1, 12).value == "预算内"
    assert [sheet.cell(r, 12).value for r in (2, 3)] == ["是", "是"]
