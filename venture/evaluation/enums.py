"""Evaluation kinds, states and grades (项目评估)."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class EvaluationKind(LabelledEnum):
    """评估类型; the value is what payments.operations.evaluation_passed expects."""

    MIDTERM = "midterm", _l("Mid-term evaluation")  # 中期评估
    FINAL = "final", _l("Final evaluation")  # 结项评估


class EvaluationState(LabelledEnum):
    """评估状态; transitions in evaluation/lifecycle.py."""

    ASSIGNED = "assigned", _l("Evaluator assigned"), "secondary"  # 已指派
    SELF_ASSESSED = "self_assessed", _l("Self-assessment submitted"), "primary"  # 已提交自评
    SCORED = "scored", _l("Scored"), "info"  # 已评分
    ANNOUNCED = "announced", _l("Result being announced"), "warning"  # 结果公示中
    FINAL = "final", _l("Result final"), "dark"  # 结果已生效


OPEN_STATES = (
    EvaluationState.ASSIGNED,
    EvaluationState.SELF_ASSESSED,
    EvaluationState.SCORED,
    EvaluationState.ANNOUNCED,
)


class Grade(LabelledEnum):
    """评估等级: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 < 60."""

    EXCELLENT = "excellent", _l("Excellent (优秀)"), "success"  # 优秀
    GOOD = "good", _l("Good (良好)"), "primary"  # 良好
    PASS = "pass", _l("Pass (合格)"), "info"  # 合格
    FAIL = "fail", _l("Fail (不合格)"), "danger"  # 不合格

    @property
    def passed(self):
        return self != Grade.FAIL
