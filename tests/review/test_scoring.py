"""Aggregation formulas against values computed by hand."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal as D

from venture.review.enums import Aggregation
from venture.review.scoring import (
    SheetTotal,
    aggregate,
    display_points,
    mean,
    parse_max_score,
    parse_score,
    rank,
    round2,
    standardised_totals,
    trimmed_mean,
)


def test_parse_score_accepts_whole_and_half_points():
    assert parse_score("8", D(10)) == (D("8.0"), None)
    assert parse_score(" 7.5 ", D(10)) == (D("7.5"), None)
    assert parse_score("０", D(10)) == (D("0.0"), None)
    assert parse_score("８．５", D(10)) == (D("8.5"), None)
    assert parse_score("", D(10)) == (None, None)


def test_parse_score_above_maximum_is_refused_with_the_bounds():
    value, message = parse_score("16", D(15))
    assert value is None
    assert str(message) == "分数应在 0 到 15 之间。"


def test_parse_score_refuses_quarter_points_negative_and_text():
    assert str(parse_score("7.25", D(10))[1]) == "请使用整数分或半分，例如 7 或 7.5。"
    assert str(parse_score("-1", D(10))[1]) == "分数应在 0 到 10 之间。"
    assert str(parse_score("八", D(10))[1]) == "请输入数字，例如 8 或 8.5。"
    assert str(parse_score("nan", D(10))[1]) == "请输入数字，例如 8 或 8.5。"


def test_parse_max_score_needs_a_positive_value():
    assert parse_max_score("12.5") == (D("12.5"), None)
    assert str(parse_max_score("0")[1]) == "最高分必须大于 0。"
    assert str(parse_max_score("")[1]) == "请输入最高分。"


def test_display_points_drops_a_zero_tenth():
    assert (display_points(D("8.0")), display_points(D("8.5")), display_points(D(100))) == (
        "8",
        "8.5",
        "100",
    )


def test_mean_of_three_totals():
    assert round2(mean([D("80.5"), D("77"), D("90")])) == D("82.50")


def test_trimmed_mean_of_five_drops_highest_and_lowest():
    # sorted 60, 72, 78, 85, 90 → (72 + 78 + 85) / 3 = 235 / 3 = 78.333…
    totals = [D(72), D(85), D(78), D(90), D(60)]
    assert round2(trimmed_mean(totals)) == D("78.33")
    assert round2(mean(totals)) == D("77.00")


def test_trimmed_mean_under_five_is_the_plain_mean():
    assert trimmed_mean([D(60), D(70), D(80), D(95)]) == D("76.25")


def test_round2_rounds_half_up():
    assert round2(D("78.335")) == D("78.34")
    assert round2(D("78.3349")) == D("78.33")


# A harsh reviewer H, a lenient L and a middle one N; each application has two sheets:
#   P: L 90, N 75   mean 82.5
#   Q: H 72, N 80   mean 76
#   R: L 84, H 60   mean 72
# L: μ 87, σ 3 → P +1, R −1.  H: μ 66, σ 6 → Q +1, R −1.  N: μ 77.5, σ 2.5 → P −1, Q +1.
# All six totals: M = 461/6 = 76.8333…, S = √(3269)/6 = 9.52919…
# Standardised: P = M (z +1, −1) = 76.83; Q = M + S = 86.36; R = M − S = 67.30.
HARSH = [
    SheetTotal("L", "P", D(90)),
    SheetTotal("N", "P", D(75)),
    SheetTotal("H", "Q", D(72)),
    SheetTotal("N", "Q", D(80)),
    SheetTotal("L", "R", D(84)),
    SheetTotal("H", "R", D(60)),
]


def test_standardised_scores_match_hand_computation_with_a_harsh_reviewer():
    scores = aggregate(HARSH)
    overall = D(461) / 6
    spread = D(3269).sqrt() / 6
    assert round2(scores["P"].standardised) == round2(overall) == D("76.83")
    assert round2(scores["Q"].standardised) == round2(overall + spread) == D("86.36")
    assert round2(scores["R"].standardised) == round2(overall - spread) == D("67.30")
    assert [round2(scores[a].mean) for a in "PQR"] == [D("82.50"), D("76.00"), D("72.00")]


def test_harsh_and_lenient_reviewer_weigh_the_same_when_they_agree_on_the_order():
    # lenient 90 / 80, harsh 70 / 60: both z = +1 / −1; M = 75, S = √125 = 11.1803…
    sheets = [
        SheetTotal("lenient", "X", D(90)),
        SheetTotal("lenient", "Y", D(80)),
        SheetTotal("harsh", "X", D(70)),
        SheetTotal("harsh", "Y", D(60)),
    ]
    standard = standardised_totals(sheets)
    assert standard[("lenient", "X")] == standard[("harsh", "X")]
    assert round2(standard[("harsh", "X")]) == D("86.18")
    assert round2(standard[("lenient", "Y")]) == D("63.82")


def test_a_reviewer_with_one_sheet_contributes_the_panel_mean():
    sheets = [
        SheetTotal("a", "X", D(90)),
        SheetTotal("a", "Y", D(70)),
        SheetTotal("b", "X", D(50)),
    ]
    # M = 70, S = √(800/3) = 16.3299…; b has one sheet, z = 0 → 70
    assert standardised_totals(sheets)[("b", "X")] == D(70)
    assert round2(aggregate(sheets)["X"].standardised) == D("78.16")


def test_aggregate_with_five_sheets_applies_trimming():
    sheets = [SheetTotal(r, "A", D(t)) for r, t in zip("abcde", [72, 85, 78, 90, 60], strict=True)]
    score = aggregate(sheets)["A"]
    assert (score.trimmed_applies, round2(score.trimmed), score.spread) == (True, D("78.33"), 30)


@dataclass
class Entry:
    number: str
    score: object
    first_criterion: D | None
    submitted_at: datetime | None


def _score(value):
    return aggregate([SheetTotal("r", "x", D(value))])["x"]


def test_rank_breaks_ties_by_first_criterion_then_earlier_submission():
    early = datetime(2026, 3, 1, tzinfo=UTC)
    late = datetime(2026, 3, 2, tzinfo=UTC)
    entries = [
        Entry("late-same", _score("80.001"), D(30), late),
        Entry("best", _score(90), D(20), late),
        Entry("lower-first", _score(80), D(28), early),
        Entry("early-same", _score(80), D(30), early),
        Entry("unscored", None, None, early),
    ]
    ordered = [e.number for e in rank(entries, Aggregation.MEAN)]
    assert ordered == ["best", "early-same", "late-same", "lower-first", "unscored"]
