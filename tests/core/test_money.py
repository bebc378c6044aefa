from decimal import Decimal

import pytest

from venture.core.money import (
    InvalidAmount,
    format_yuan,
    split_by_percentages,
    to_amount,
    uppercase_yuan,
)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1409.50", "人民币壹仟肆佰零玖元伍角"),
        ("6007.14", "人民币陆仟零柒元壹角肆分"),
        ("107000.53", "人民币壹拾万柒仟元零伍角叁分"),
        ("10005", "人民币壹万零伍元整"),
        ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
        ("200000", "人民币贰拾万元整"),
        ("100000.01", "人民币壹拾万元零壹分"),
        ("0.05", "人民币伍分"),
        ("0", "人民币零元整"),
        ("100050000", "人民币壹亿零伍万元整"),
        ("100000005", "人民币壹亿零伍元整"),
        ("1400.50", "人民币壹仟肆佰元零伍角"),
    ],
)
def test_uppercase_yuan_follows_pboc_rules(amount, words):
    assert uppercase_yuan(amount) == words


def test_split_puts_rounding_remainder_on_last_share():
    shares = split_by_percentages("100000.01", [50, 30, 20])
    assert shares == [Decimal("50000.00"), Decimal("30000.00"), Decimal("20000.01")]
    assert sum(shares) == Decimal("100000.01")


def test_split_refuses_percentages_not_adding_to_100():
    with pytest.raises(InvalidAmount):
        split_by_percentages("100", [50, 30])


@pytest.mark.parametrize("text", ["abc", "1.001", "NaN", "Infinity", "1e20", ""])
def test_to_amount_refuses_bad_text(text):
    with pytest.raises(InvalidAmount):
        to_amount(text)


def test_to_amount_refuses_float():
    with pytest.raises(TypeError):
        to_amount(1.5)


def test_to_amount_accepts_grouping_commas():
    assert to_amount("1,234.5") == Decimal("1234.50")


def test_format_yuan_groups_thousands():
    assert format_yuan(Decimal("1234567.89")) == "¥1,234,567.89"
