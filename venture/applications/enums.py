"""Application states (申报书状态)."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class ApplicationState(LabelledEnum):
    """申报书状态; the transitions between them are in applications/lifecycle.py."""

    DRAFT = "draft", _l("Draft"), "secondary"  # 草稿
    SUBMITTED = "submitted", _l("Submitted"), "primary"  # 已提交
    RETURNED = "returned", _l("Returned for correction"), "warning"  # 退回补正
    ELIGIBLE = "eligible", _l("Eligible"), "success"  # 资格审查通过
    INELIGIBLE = "ineligible", _l("Ineligible"), "danger"  # 资格审查未通过
    UNDER_REVIEW = "under_review", _l("Under review"), "info"  # 专家评审中
    PROPOSED = "proposed", _l("Proposed for award"), "info"  # 拟立项 (公示中)
    NOT_SELECTED = "not_selected", _l("Not selected"), "dark"  # 未入选
    AWARDED = "awarded", _l("Awarded"), "success"  # 已立项
    NOT_AWARDED = "not_awarded", _l("Not awarded"), "dark"  # 未立项
    WITHDRAWN = "withdrawn", _l("Withdrawn"), "secondary"  # 已撤回

    @property
    def next_step(self):
        """What the applicant does or waits for next."""
        return NEXT_STEPS[self]


NEXT_STEPS = {
    ApplicationState.DRAFT: _l("Complete the application and submit it before the call closes."),
    ApplicationState.SUBMITTED: _l("Submitted: staff are checking eligibility (资格审查)."),
    ApplicationState.RETURNED: _l(
        "Returned for correction: make the requested changes and submit again before the "
        "correction deadline."
    ),
    ApplicationState.ELIGIBLE: _l("Passed screening: waiting for the expert review."),
    ApplicationState.INELIGIBLE: _l("Did not pass screening; the reason is on the application."),
    ApplicationState.UNDER_REVIEW: _l("Being scored by the expert panel."),
    ApplicationState.PROPOSED: _l("Proposed for award: the result is being announced (公示)."),
    ApplicationState.NOT_SELECTED: _l("Not selected in the review."),
    # what comes after the award is read from the contract and the project (integrity.waiting)
    ApplicationState.AWARDED: _l("Awarded: the contract and the project show what comes next."),
    ApplicationState.NOT_AWARDED: _l("Not awarded."),
    ApplicationState.WITHDRAWN: _l("Withdrawn by your organization."),
}


class BudgetCategory(LabelledEnum):
    """预算科目"""

    PERSONNEL = "personnel", _l("Personnel")  # 人员费
    ACTIVITIES = "activities", _l("Activities")  # 活动费
    MATERIALS = "materials", _l("Materials")  # 物资费
    PUBLICITY = "publicity", _l("Publicity")  # 宣传费
    ADMINISTRATION = "administration", _l("Administration")  # 管理费
    OTHER = "other", _l("Other")  # 其他


class Pricing(LabelledEnum):
    """收费方式 of a service to residents: 无偿 / 低偿 / 有偿."""

    FREE = "free", _l("Free (无偿)")  # 无偿
    LOW_COST = "low_cost", _l("Low-cost (低偿)")  # 低偿
    PAID = "paid", _l("Paid (有偿)")  # 有偿

    @property
    def contract_text(self):
        """The term printed in contracts, which are always in Chinese."""
        return {Pricing.FREE: "无偿", Pricing.LOW_COST: "低偿", Pricing.PAID: "有偿"}[self]
