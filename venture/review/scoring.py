"""Scores and their aggregation: pure functions on Decimals, rounded only for display.

Aggregations (汇总方式), for one application with reviewer totals x₁…xₙ:

- mean: Σxᵢ / n.
- trimmed mean (去掉一个最高分和一个最低分): with n ≥ 5, drop one highest and one lowest total
  and take the mean of the other n − 2; with fewer sheets it is the plain mean.
- standardised (标准分): each reviewer r's totals over all their sheets in the call have mean μᵣ
  and population standard deviation σᵣ; a sheet's z-score is z = (x − μᵣ) / σᵣ, and its
  standardised total is M + S·z, where M and S are the mean and population standard deviation of
  every submitted total of the call's panel. A reviewer with one sheet, or who gave every
  application the same total (σᵣ = 0), tells nothing about the order: z = 0, so M. The
  application's standardised score is the mean of its sheets' standardised totals. A harsh and a
  lenient reviewer who order the applications alike then give the same standardised totals.
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from flask_babel import lazy_gettext as _l

from venture.review.enums import Aggregation

HALF = Decimal("0.5")
TWO_PLACES = Decimal("0.01")
TRIM_FROM = 5  # sheets needed before the highest and lowest are dropped
PRECISION = 34


def parse_score(raw, max_score):
    """(score, message): a Decimal in 0…max_score in whole or half points, else None and why.

    Empty text gives (None, None): not scored yet. Full-width digits (８．５) are accepted.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip().replace("。", ".")
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, _l("Enter a number, such as 8 or 8.5.")
    if not value.is_finite():
        return None, _l("Enter a number, such as 8 or 8.5.")
    if value < 0 or value > max_score:
        return None, _l("The score must be between 0 and %(max)s.", max=display_points(max_score))
    if value % HALF != 0:
        return None, _l("Use whole or half points, such as 7 or 7.5.")
    return value.quantize(Decimal("0.1")), None


def parse_max_score(raw):
    """A criterion's maximum: a positive number of whole or half points up to 999.5."""
    value, message = parse_score(raw, Decimal("999.5"))
    if message is None and value is None:
        return None, _l("Enter the maximum score.")
    if message is None and value == 0:
        return None, _l("The maximum must be more than 0.")
    return value, message


def display_points(value):
    """8 or 8.5, never 8.0."""
    value = Decimal(value)
    return str(value.quantize(Decimal(1))) if value == value.to_integral() else str(value)


def round2(value):
    """Two decimal places, half up: how every aggregate is shown."""
    if value is None:
        return None
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def sheet_total(scores):
    """A reviewer's total: the sum of the criterion scores."""
    return sum(scores, Decimal("0"))


def mean(values):
    values = list(values)
    if not values:
        return None
    with localcontext() as context:
        context.prec = PRECISION
        return sum(values, Decimal("0")) / len(values)


def trimmed_mean(values):
    """The mean without one highest and one lowest value once there are 5 or more."""
    values = sorted(values)
    if len(values) >= TRIM_FROM:
        values = values[1:-1]
    return mean(values)


def population_sd(values):
    values = list(values)
    centre = mean(values)
    if centre is None:
        return None
    with localcontext() as context:
        context.prec = PRECISION
        return mean([(v - centre) ** 2 for v in values]).sqrt()


def spread(values):
    """Highest minus lowest total: how far the reviewers disagree."""
    values = list(values)
    return max(values) - min(values) if values else None


@dataclass(frozen=True)
class SheetTotal:
    """One submitted sheet: who scored which application, and the total."""

    reviewer_id: int
    application_id: int
    total: Decimal


def standardised_totals(sheets):
    """{(reviewer_id, application_id): standardised total} for every sheet (formula above)."""
    sheets = list(sheets)
    if not sheets:
        return {}
    with localcontext() as context:
        context.prec = PRECISION
        overall_mean = mean(s.total for s in sheets)
        overall_sd = population_sd(s.total for s in sheets)
        by_reviewer = defaultdict(list)
        for s in sheets:
            by_reviewer[s.reviewer_id].append(s.total)
        stats = {r: (mean(t), population_sd(t)) for r, t in by_reviewer.items()}
        result = {}
        for s in sheets:
            reviewer_mean, reviewer_sd = stats[s.reviewer_id]
            z = (s.total - reviewer_mean) / reviewer_sd if reviewer_sd else Decimal(0)
            result[(s.reviewer_id, s.application_id)] = overall_mean + overall_sd * z
        return result


@dataclass
class ApplicationScore:
    """An application's aggregate under each method, from its submitted sheets."""

    application_id: int
    totals: list
    mean: Decimal | None
    trimmed: Decimal | None
    standardised: Decimal | None

    @property
    def trimmed_applies(self):
        return len(self.totals) >= TRIM_FROM

    @property
    def spread(self):
        return spread(self.totals)

    def value(self, aggregation):
        return {
            Aggregation.MEAN: self.mean,
            Aggregation.TRIMMED: self.trimmed,
            Aggregation.STANDARDISED: self.standardised,
        }[Aggregation(aggregation)]


def aggregate(sheets):
    """{application_id: ApplicationScore} from the panel's submitted SheetTotals."""
    sheets = list(sheets)
    standard = standardised_totals(sheets)
    by_application = defaultdict(list)
    for s in sheets:
        by_application[s.application_id].append(s)
    result = {}
    for application_id, items in by_application.items():
        totals = [s.total for s in items]
        result[application_id] = ApplicationScore(
            application_id=application_id,
            totals=totals,
            mean=mean(totals),
            trimmed=trimmed_mean(totals),
            standardised=mean(standard[(s.reviewer_id, application_id)] for s in items),
        )
    return result


def rank(entries, aggregation):
    """Entries sorted best first by the tie-break rule (see TIE_BREAK_RULE).

    entries: objects with .score (ApplicationScore or None), .first_criterion (Decimal or None),
    .submitted_at and .number. Scores are compared at two decimals, as shown, so a visible tie
    is always settled by the rule.
    """

    def key(entry):
        score = entry.score.value(aggregation) if entry.score else None
        first = entry.first_criterion
        return (
            score is None,
            -(round2(score) or 0),
            first is None,
            -(round2(first) or 0),
            entry.submitted_at is None,
            entry.submitted_at,
            entry.number or "",
        )

    return sorted(entries, key=key)


TIE_BREAK_RULE = _l(
    "Equal scores (at two decimals) are ordered by the higher mean score on the rubric's first "
    "criterion, then by the earlier submission of the application."
)
