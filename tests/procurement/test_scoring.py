"""Tender scores: price score formula, compliance, totals, ranking, lowest price."""

from decimal import Decimal

import pytest

from tests.procurement import helpers
from venture.procurement import scoring
from venture.procurement.enums import BidState, EvaluationMethod


@pytest.mark.parametrize(
    ("price", "expected"),
    [("90000", "30.00"), ("100000", "27.00"), ("120000", "22.50")],
)
def test_price_score_matches_hand_computed_value(price, expected):
    assert scoring.price_score(Decimal("90000"), Decimal(price), Decimal("30")) == Decimal(expected)


def test_price_score_rounds_half_up_to_two_places():
    # 90,000 / 110,000 × 30 = 24.5454… → 24.55
    assert scoring.price_score(Decimal("90000"), Decimal("110000"), Decimal("30")) == Decimal(
        "24.55"
    )


def test_price_scores_of_three_compliant_bids_with_weight_30():
    tender = helpers.published_tender(ceiling="150000.00")
    bids = [helpers.bid(tender, p) for p in ("90000.00", "100000.00", "120000.00")]
    helpers.evaluated(tender, {b: [30, 20] for b in bids})
    assert [b.price_score for b in bids] == [Decimal("30.00"), Decimal("27.00"), Decimal("22.50")]
    assert [b.technical_score for b in bids] == [Decimal("50.00")] * 3
    assert [b.total_score for b in bids] == [Decimal("80.00"), Decimal("77.00"), Decimal("72.50")]
    assert [b.rank for b in bids] == [1, 2, 3]
    assert [b.state for b in bids] == [BidState.SCORED] * 3


def test_bid_over_the_ceiling_is_non_compliant_and_gets_no_score():
    tender = helpers.published_tender(ceiling="110000.00")
    bids = [helpers.bid(tender, p) for p in ("90000.00", "100000.00", "120000.00")]
    helpers.evaluated(tender, {b: [30, 20] for b in bids})
    over = bids[2]
    assert over.state == BidState.NON_COMPLIANT
    assert over.compliance_reasons == ["报价 ¥120,000.00 高于最高限价 ¥110,000.00。"]
    assert (over.price_score, over.technical_score, over.total_score, over.rank) == (
        None,
        None,
        None,
        None,
    )
    # the lowest compliant price is still 90,000: the others keep their scores
    assert [b.price_score for b in bids[:2]] == [Decimal("30.00"), Decimal("27.00")]


def test_bid_missing_a_required_document_is_non_compliant_with_the_reason():
    tender = helpers.published_tender()
    complete = helpers.bid(tender, "95000.00")
    missing = helpers.bid(tender, "90000.00", documents=False)
    helpers.evaluated(tender, {complete: [30, 20], missing: [30, 20]})
    assert missing.state == BidState.NON_COMPLIANT
    assert missing.compliance_reasons == [
        "缺少必须提交的文件：营业执照或登记证书。",
        "缺少必须提交的文件：报价明细表。",
    ]
    assert complete.price_score == Decimal("30.00")


def test_technical_scores_decide_when_prices_are_close():
    tender = helpers.published_tender(ceiling="150000.00")
    cheap, strong = helpers.bid(tender, "90000.00"), helpers.bid(tender, "100000.00")
    helpers.evaluated(tender, {cheap: [20, 15], strong: [38, 28]})
    assert (cheap.total_score, strong.total_score) == (Decimal("65.00"), Decimal("93.00"))
    assert (strong.rank, cheap.rank) == (1, 2)


def test_lowest_price_evaluation_makes_the_lowest_compliant_bid_win():
    tender = helpers.published_tender(
        evaluation=EvaluationMethod.LOWEST_PRICE, weight="0", ceiling="110000.00"
    )
    bids = [helpers.bid(tender, p) for p in ("105000.00", "98000.00", "80000.00")]
    bids[2].attachments.clear()  # the cheapest lacks its documents: non-compliant
    helpers.evaluated(tender, {})
    assert [b.rank for b in bids] == [2, 1, None]
    assert bids[2].state == BidState.NON_COMPLIANT
