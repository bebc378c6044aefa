"""Spreadsheets as people have them, built in memory for the import tests."""

import csv
import io

from openpyxl import Workbook


def xlsx(rows, *, title=None, merge_title=True):
    """An XLSX whose first sheet holds rows; with title, a merged title row above them."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        if merge_title:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="gbk"):
    """A CSV as Chinese Excel saves it (GBK, CRLF), or in another encoding."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def full_width(text):
    """Digits and letters as a full-width keyboard types them."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
