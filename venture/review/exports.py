"""Exports of a panel's work: score sheets and the ranking, as signed-sheet PDFs and XLSX."""

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from venture.core.downloads import send_download
from venture.core.formatting import xlsx_datetime_format
from venture.core.pdf import render_pdf
from venture.core.spreadsheet import append_row
from venture.core.timeutil import now, to_local
from venture.review import operations, results
from venture.review.scoring import TIE_BREAK_RULE, display_points, round2

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POINTS_FORMAT = "0.0"
SCORE_FORMAT = "0.00"
YUAN_FORMAT = "#,##0.00"


def response(panel, what, fmt, aggregation):
    """The download of the sheets or the ranking of panel in fmt (pdf or xlsx)."""
    call = panel.call
    stamp = to_local(now()).strftime("%Y%m%d")
    names = {"sheets": _("score sheets"), "ranking": _("ranking")}
    filename = f"{call.year}-{call.id}-{names[what]}-{stamp}.{fmt}"
    if fmt == "pdf":
        body = sheets_pdf(panel) if what == "sheets" else ranking_pdf(panel, aggregation)
        mimetype = "application/pdf"
    else:
        body = sheets_xlsx(panel) if what == "sheets" else ranking_xlsx(panel, aggregation)
        mimetype = XLSX
    return send_download(body, filename=filename, mimetype=mimetype)


def _sheet_context(panel):
    return {
        "panel": panel,
        "call": panel.call,
        "criteria": operations.criteria_of(panel.call_id),
        "printed_at": now(),
    }


def sheets_pdf(panel):
    """One signed page per submitted sheet (评审打分表)."""
    return render_pdf(
        "pdf/review_sheets.html", sheets=results.submitted_sheets(panel), **_sheet_context(panel)
    )


def ranking_pdf(panel, aggregation):
    """The ranking with the funding line and the panel's signatures (评审结果汇总表)."""
    ranked = results.ranking(panel, aggregation)
    return render_pdf(
        "pdf/review_ranking.html",
        ranked=ranked,
        aggregation=aggregation,
        members=panel.regular_members,
        tie_rule=TIE_BREAK_RULE,
        **_sheet_context(panel),
    )


def _sheet(title, titles):
    """A workbook whose one sheet is called title, with a bold, frozen header row."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    _header(sheet, titles)
    return book, sheet


def _header(sheet, titles):
    append_row(sheet, [str(t) for t in titles])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _widths(sheet, widths):
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _save(book):
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheets_xlsx(panel):
    """Every submitted sheet: one row per reviewer and application, one column per criterion;
    scores are numbers."""
    criteria = operations.criteria_of(panel.call_id)
    datetime_format = xlsx_datetime_format()  # Beijing time, in the export's language
    book, sheet = _sheet(
        _("Score sheets"),
        [
            _("Application number"),
            _("Organization"),
            _("Project"),
            _("Reviewer"),
            *[f"{c.name} ({display_points(c.max_score)})" for c in criteria],
            _("Total"),
            _("Time submitted"),
            _("Overall comment"),
        ],
    )
    for a in results.submitted_sheets(panel):
        app, item = a.application, a.sheet
        row = [app.number, app.organization.name, app.title, a.reviewer.name]
        for c in criteria:
            score = item.score_for(c.id)
            row.append(score.score if score is not None else None)
        row += [item.total, to_local(item.submitted_at).replace(tzinfo=None), item.overall_comment]
        append_row(sheet, row)
        last = sheet.max_row
        for column in range(5, 6 + len(criteria)):
            sheet.cell(last, column).number_format = POINTS_FORMAT
        sheet.cell(last, 6 + len(criteria)).number_format = datetime_format
    _widths(sheet, [16, 28, 32, 12, *[12] * len(criteria), 10, 18, 40])
    return _save(book)


def ranking_xlsx(panel, aggregation):
    """The ranking: scores at two decimals and amounts in yuan, as numbers."""
    ranked = results.ranking(panel, aggregation)
    book, sheet = _sheet(
        _("Ranking"),
        [
            _("Rank"),
            _("Application number"),
            _("Organization"),
            _("Project"),
            _("Sheets"),
            _("Mean"),
            _("Trimmed mean"),
            _("Standardised"),
            _("Score used"),
            _("Requested (yuan)"),
            _("Running sum (yuan)"),
            _("Within budget"),
            _("Proposed award (yuan)"),
        ],
    )
    for row in ranked.rows:
        score = row.score
        append_row(
            sheet,
            [
                row.rank,
                row.application.number,
                row.application.organization.name,
                row.application.title,
                len(score.totals) if score else 0,
                round2(score.mean) if score else None,
                round2(score.trimmed) if score else None,
                round2(score.standardised) if score else None,
                row.display_score,
                row.application.requested_amount,
                row.running_sum,
                _("yes") if row.within_budget else _("no"),
                row.award.amount if row.award else None,
            ],
        )
        last = sheet.max_row
        for column in (6, 7, 8, 9):
            sheet.cell(last, column).number_format = SCORE_FORMAT
        for column in (10, 11, 13):
            sheet.cell(last, column).number_format = YUAN_FORMAT
    append_row(sheet, [])
    append_row(sheet, [_("Aggregation"), str(aggregation.label)])
    append_row(sheet, [_("Call budget (yuan)"), ranked.budget])
    sheet.cell(sheet.max_row, 2).number_format = YUAN_FORMAT
    _widths(sheet, [6, 16, 28, 32, 8, 10, 10, 12, 10, 16, 16, 10, 18])
    return _save(book)
