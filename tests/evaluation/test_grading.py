"""The grade of an evaluation total: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 < 60."""

from decimal import Decimal

import pytest

from venture.evaluation.enums import Grade
from venture.evaluation.grading import default_rubric, grade_for


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("0", Grade.FAIL),
        ("59.5", Grade.FAIL),
        ("60", Grade.PASS),
        ("79.5", Grade.PASS),
        ("80", Grade.GOOD),
        ("89.5", Grade.GOOD),
        ("90", Grade.EXCELLENT),
        ("100", Grade.EXCELLENT),
    ],
)
def test_totals_map_to_the_four_grades_at_the_boundaries(total, grade):
    assert grade_for(Decimal(total)) == grade


def test_grade_labels_and_outcomes():
    assert [(str(g.label), g.passed) for g in Grade] == [
        ("优秀", True),
        ("良好", True),
        ("合格", True),
        ("不合格", False),
    ]


def test_the_default_rubric_has_100_points():
    assert sum(c["max_score"] for c in default_rubric()) == 100
