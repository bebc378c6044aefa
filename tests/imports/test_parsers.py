"""Cell parsers and the reading of CSV text."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from venture.imports.parsers import (
    CellError,
    clean_text,
    decode_text,
    header_key,
    parse_amount,
    parse_email,
    parse_phone,
    parse_year,
    split_list,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("50000", Decimal("50000.00")),
        ("５０，０００．５", Decimal("50000.50")),
        ("¥1,234.56元", Decimal("1234.56")),
        ("3.5万", Decimal("35000.00")),
        (12000, Decimal("12000.00")),
        (1234.5, Decimal("1234.50")),
    ],
)
def test_amounts_as_people_write_them(raw, expected):
    assert parse_amount(raw) == expected


def test_amount_in_ten_thousands_column():
    assert parse_amount("5.5", 10000) == Decimal("55000.00")


@pytest.mark.parametrize("raw", ["三万", "-5", "1.234", "1e13"])
def test_amounts_that_do_not_parse_are_refused(raw):
    with pytest.raises(CellError):
        parse_amount(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024", 2024),
        ("２０２３年", 2023),
        ("2022年度", 2022),
        (2021.0, 2021),
        (datetime(2020, 5, 1), 2020),
        (date(2019, 1, 1), 2019),
    ],
)
def test_years(raw, expected):
    assert parse_year(raw) == expected


@pytest.mark.parametrize("raw", ["二〇二三", "24", "1800", "2024-05"])
def test_years_that_do_not_parse_are_refused(raw):
    with pytest.raises(CellError) as refused:
        parse_year(raw)
    assert str(refused.value) == "Not a year: write four digits, for example 2024."


def test_text_cells_lose_ideographic_spaces_and_trailing_zeros():
    assert clean_text("  新\u3000组织  ") == "新 组织"
    assert clean_text(13800000000.0) == "13800000000"
    assert clean_text(None) == ""
    assert header_key("＊统一社会信用代码：") == "统一社会信用代码"


def test_phones_and_emails():
    assert parse_phone("１３９ ０００ ００００") == "139 000 0000"
    assert parse_phone("0451-8888 6666") == "0451-8888 6666"
    assert parse_email(" Li.Na@Example.ORG ") == "li.na@example.org"
    with pytest.raises(CellError):
        parse_phone("138-abc")
    with pytest.raises(CellError):
        parse_email("li.na@")


def test_encodings_are_detected():
    text = "统一社会信用代码,组织名称\n"
    assert decode_text(text.encode("gbk")) == (text, "gb18030")
    assert decode_text(b"\xef\xbb\xbf" + text.encode()) == (text, "utf-8-sig")
    assert decode_text(text.encode()) == (text, "utf-8")
    assert decode_text(text.encode("utf-16")) == (text, "utf-16")


def test_list_cells():
    assert split_list("养老、助残，为小;自治") == ["养老", "助残", "为小", "自治"]
