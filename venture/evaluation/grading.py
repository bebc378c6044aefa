"""Evaluation scoring: the default rubric (data) and the grade of a total (pure functions)."""

from decimal import Decimal

from flask_babel import gettext as _

from venture.evaluation.enums import Grade

RUBRIC_TOTAL = Decimal(100)
# lowest total of each grade, best first
GRADE_THRESHOLDS = (
    (Decimal(90), Grade.EXCELLENT),
    (Decimal(80), Grade.GOOD),
    (Decimal(60), Grade.PASS),
)


def grade_for(total):
    """优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 < 60; totals are never rounded up (89.5 is 良好)."""
    total = Decimal(total)
    for least, grade in GRADE_THRESHOLDS:
        if total >= least:
            return grade
    return Grade.FAIL


def default_rubric():
    """The usual evaluation rubric of funded community services, 100 points (in the
    language of the staff member who starts it: it becomes the call's data)."""
    return [
        {
            "name": _("Implementation"),
            "description": _(
                "Activities held as planned, milestones met on time, service quantities reached."
            ),
            "max_score": Decimal(30),
        },
        {
            "name": _("Inputs"),
            "description": _("Staff, volunteers, venues and materials in place as promised."),
            "max_score": Decimal(15),
        },
        {
            "name": _("Financial management"),
            "description": _(
                "Money spent according to the budget lines, receipts complete, funds kept apart."
            ),
            "max_score": Decimal(20),
        },
        {
            "name": _("Outcomes"),
            "description": _(
                "Objectives reached, quality of the service, effect in the community."
            ),
            "max_score": Decimal(20),
        },
        {
            "name": _("Beneficiary satisfaction"),
            "description": _("Satisfaction of the people served and of the residents' committee."),
            "max_score": Decimal(15),
        },
    ]
