"""Tender scores: pure functions on Decimals (综合评分法 and 最低评标价法).

Price score (价格分) = (lowest compliant price / this price) × price weight, two decimals,
rounded half up. A bid's technical score is the mean of the panel members' sheet totals, also at
two decimals; its total is technical + price score of the rounded values, so the figures shown
add up. Ranking: higher total first; equal totals by the lower price, then the higher technical
score, then the earlier submission (cf. 政府采购货物和服务招标投标管理办法 第六十五条).
Lowest evaluated price: the compliant bids by price, lowest first, then the earlier submission.
"""

from decimal import ROUND_HALF_UP, Decimal, localcontext

TWO_PLACES = Decimal("0.01")
MIN_PRICE_SHARE = Decimal("0.10")  # the price weight is at least 10% of the total points


def round2(value):
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def price_score(lowest, price, weight):
    """(lowest / price) × weight at two decimals: 90,000 / 100,000 × 30 = 27.00."""
    if price <= 0:
        raise ValueError("a price is positive")
    with localcontext() as context:
        context.prec = 34
        return round2(Decimal(lowest) / Decimal(price) * Decimal(weight))


def price_scores(prices, weight):
    """{key: price score} for {key: price} of the compliant bids."""
    if not prices:
        return {}
    lowest = min(prices.values())
    return {key: price_score(lowest, price, weight) for key, price in prices.items()}


def technical_score(totals):
    """The mean of the panel's sheet totals at two decimals (None with no sheet)."""
    totals = list(totals)
    if not totals:
        return None
    with localcontext() as context:
        context.prec = 34
        return round2(sum(totals, Decimal("0")) / len(totals))


def rank_comprehensive(bids):
    """Bids (with total_score, price, technical_score, submitted_at) best first."""
    return sorted(
        bids,
        key=lambda b: (-b.total_score, b.price, -(b.technical_score or 0), b.submitted_at, b.id),
    )


def rank_lowest_price(bids):
    return sorted(bids, key=lambda b: (b.price, b.submitted_at, b.id))


def price_weight_refusal_share(technical_total, weight):
    """Whether the price weight is under 10% of technical + price points."""
    total = Decimal(technical_total) + Decimal(weight)
    return total > 0 and Decimal(weight) < total * MIN_PRICE_SHARE
