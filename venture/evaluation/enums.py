"""Evaluation kinds, states and grades (项目评估)."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class EvaluationKind(StrEnum):
    """评估类型; the value is what payments.operations.evaluation_passed expects."""

    MIDTERM = "midterm"  # 中期评估
    FINAL = "final"  # 结项评估

    @property
    def label(self):
        return {
            EvaluationKind.MIDTERM: _l("Mid-term evaluation"),
            EvaluationKind.FINAL: _l("Final evaluation"),
        }[self]


class EvaluationState(StrEnum):
    """评估状态; transitions in evaluation/lifecycle.py."""

    ASSIGNED = "assigned"  # 已指派
    SELF_ASSESSED = "self_assessed"  # 已提交自评
    SCORED = "scored"  # 已评分
    ANNOUNCED = "announced"  # 结果公示中
    FINAL = "final"  # 结果已生效

    @property
    def label(self):
        return {
            EvaluationState.ASSIGNED: _l("Evaluator assigned"),
            EvaluationState.SELF_ASSESSED: _l("Self-assessment submitted"),
            EvaluationState.SCORED: _l("Scored"),
            EvaluationState.ANNOUNCED: _l("Result being announced"),
            EvaluationState.FINAL: _l("Result final"),
        }[self]

    @property
    def badge(self):
        return {
            EvaluationState.ASSIGNED: "secondary",
            EvaluationState.SELF_ASSESSED: "primary",
            EvaluationState.SCORED: "info",
            EvaluationState.ANNOUNCED: "warning",
            EvaluationState.FINAL: "dark",
        }[self]


OPEN_STATES = (
    EvaluationState.ASSIGNED,
    EvaluationState.SELF_ASSESSED,
    EvaluationState.SCORED,
    EvaluationState.ANNOUNCED,
)


class Grade(StrEnum):
    """评估等级: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 < 60."""

    EXCELLENT = "excellent"  # 优秀
    GOOD = "good"  # 良好
    PASS = "pass"  # 合格
    FAIL = "fail"  # 不合格

    @property
    def label(self):
        return {
            Grade.EXCELLENT: _l("Excellent (优秀)"),
            Grade.GOOD: _l("Good (良好)"),
            Grade.PASS: _l("Pass (合格)"),
            Grade.FAIL: _l("Fail (不合格)"),
        }[self]

    @property
    def passed(self):
        return self != Grade.FAIL

    @property
    def badge(self):
        return {
            Grade.EXCELLENT: "success",
            Grade.GOOD: "primary",
            Grade.PASS: "info",
            Grade.FAIL: "danger",
        }[self]
