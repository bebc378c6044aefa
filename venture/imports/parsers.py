"""Reading spreadsheets as people have them, and the cell parsers of the import.

A file becomes a header row and data rows of plain values whatever its format: XLSX (openpyxl
in read-only mode) or CSV in UTF-8 (with or without BOM), GB18030/GBK (what Chinese Excel
writes) or UTF-16 (Excel's "Unicode text"). The header is the first row, among the first
few, whose cells name at least two known columns, so merged title rows above it are skipped.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

HEADER_SEARCH_ROWS = 15
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


class UnreadableFile(ValueError):
    """A file that cannot be read as a table; str() tells a person what to do."""


class CellError(ValueError):
    """A cell whose value cannot be used; str() is the reason."""


@dataclass
class Table:
    header_row: int  # the header's row number in the file (1 = first row)
    headers: list  # the header cells as written
    rows: list  # [(row number, [cell values])], blank rows left out
    file_format: str  # "xlsx" or the CSV's encoding


def read_table(data, recognise):
    """The table in data; recognise(header text) is true for a known column name."""
    if data.startswith(OLE_MAGIC):
        raise UnreadableFile(
            _(
                "This is an old Excel file (.xls). Open it in Excel or WPS, save it as .xlsx, "
                "and upload that."
            )
        )
    if data.startswith(XLSX_MAGIC):
        raw_rows, file_format = _xlsx_rows(data), "xlsx"
    else:
        text, file_format = decode_text(data)
        raw_rows = _csv_rows(text)
    return _find_header(raw_rows, recognise, file_format)


def _xlsx_rows(data):
    """(row number, values) of the first sheet: python-calamine (Rust, ~10× faster) when
    installed, else openpyxl in read-only mode."""
    try:
        import python_calamine
    except ImportError:  # pragma: no cover - calamine is a dependency; openpyxl stays as fallback
        return _openpyxl_rows(data)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises its own error types, and ValueError
        raise UnreadableFile(_not_xlsx()) from error
    return enumerate(rows, start=1)


def _not_xlsx():
    return _(
        "This file is not a readable XLSX workbook. Save it again from Excel or WPS as "
        ".xlsx or as CSV."
    )


def _openpyxl_rows(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFile(_not_xlsx()) from error
    try:
        sheet = workbook.worksheets[0]
        return list(enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()


def decode_text(data):
    """(text, encoding name) of a CSV: BOMs first, then UTF-8, then GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        _("The file's text encoding was not recognised. Save it as XLSX, or as CSV in UTF-8.")
    )


def _csv_rows(text):
    if "\x00" in text:
        raise UnreadableFile(
            _("This file is neither an XLSX workbook nor a CSV text file. Save it as XLSX or CSV.")
        )
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise UnreadableFile(
            _("The CSV text could not be read: %(error)s", error=str(error))
        ) from error


def is_blank(values):
    return all(clean_text(v) == "" for v in values)


def _find_header(raw_rows, recognise, file_format):
    header_row, headers, rows = None, None, []
    for number, values in raw_rows:
        if headers is None:
            if number > HEADER_SEARCH_ROWS:
                break
            known = sum(1 for v in values if recognise(header_key(v)))
            if known >= 2:
                header_row, headers = number, [clean_text(v) for v in values]
            continue
        if not is_blank(values):
            rows.append((number, list(values)))
    if headers is None:
        raise UnreadableFile(
            _(
                "No header row was found in the first %(n)d rows: the header names the columns, "
                "for example 统一社会信用代码 and 组织名称. Download the template to see them.",
                n=HEADER_SEARCH_ROWS,
            )
        )
    return Table(header_row=header_row, headers=headers, rows=rows, file_format=file_format)


# --- cell values --------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def header_key(value):
    """A header cell reduced for matching: full-width to half-width, no spaces, no marks."""
    text = unicodedata.normalize("NFKC", clean_text(value)).lower()
    return re.sub(r"[\s*＊:：]", "", text)


def clean_text(value):
    """A cell as text: numbers without a trailing .0, ideographic and other spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    text = str(value).replace("\u3000", " ").replace("\xa0", " ")
    return _SPACES.sub(" ", text).strip()


def word_of(value, words, refusal):
    """What words gives for the cell's word (in lower case); CellError(refusal) for another."""
    word = clean_text(value).lower()
    if word not in words:
        raise CellError(refusal)
    return words[word]


def half_width(value):
    """Codes, phones and e-mails: full-width letters, digits and signs made half-width."""
    return unicodedata.normalize("NFKC", clean_text(value))


def parse_phone(value):
    """A phone as written (half-width): digits with the separators people use."""
    text = half_width(value)
    if text and not re.fullmatch(r"\+?\d{5,20}", re.sub(r"[\s\-()]", "", text)):
        raise CellError(_("A phone number has digits only, for example 13800000000."))
    return text


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def parse_email(value):
    text = half_width(value).replace(" ", "").lower()
    if text and not _EMAIL.fullmatch(text):
        raise CellError(_("This is not an e-mail address."))
    return text


def parse_amount(value, scale=1):
    """A yuan amount with two decimals; scale 10000 for a column in 万元."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        text = half_width(value)
    text = re.sub(r"[\s,，¥￥]|人民币|元$", "", text)
    if text.endswith("万"):
        text, scale = text[:-1], 10000
    try:
        amount = Decimal(text) * scale
    except InvalidOperation as error:
        raise CellError(_("Not an amount: write digits, for example 50000 or 50000.00.")) from error
    if not amount.is_finite() or amount < 0:
        raise CellError(_("Not an amount: write digits, for example 50000 or 50000.00."))
    if amount >= Decimal("1e12"):
        raise CellError(_("This amount is too large."))
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(_("An amount has at most two decimals (fen)."))
    return amount.quantize(Decimal("0.01"))


def parse_year(value):
    if isinstance(value, datetime | date):
        return value.year
    text = half_width(value).removesuffix("年度").removesuffix("年")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not re.fullmatch(r"\d{4}", text) or not 1990 <= int(text) <= 2100:
        raise CellError(_("Not a year: write four digits, for example 2024."))
    return int(text)


def split_list(value):
    """The items of a list cell separated by 、 , ; / or new lines."""
    return [p.strip() for p in re.split(r"[、,，;；/\n]+", clean_text(value)) if p.strip()]
