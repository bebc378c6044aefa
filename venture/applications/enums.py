"""Application states (申报书状态)."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class ApplicationState(StrEnum):
    """申报书状态; the transitions between them are in applications/lifecycle.py."""

    DRAFT = "draft"  # 草稿
    SUBMITTED = "submitted"  # 已提交
    RETURNED = "returned"  # 退回补正
    ELIGIBLE = "eligible"  # 资格审查通过
    INELIGIBLE = "ineligible"  # 资格审查未通过
    UNDER_REVIEW = "under_review"  # 专家评审中
    PROPOSED = "proposed"  # 拟立项 (公示中)
    NOT_SELECTED = "not_selected"  # 未入选
    AWARDED = "awarded"  # 已立项
    NOT_AWARDED = "not_awarded"  # 未立项
    WITHDRAWN = "withdrawn"  # 已撤回

    @property
    def label(self):
        return STATE_LABELS[self]

    @property
    def next_step(self):
        """What the applicant does or waits for next."""
        return NEXT_STEPS[self]

    @property
    def badge(self):
        """Bootstrap colour of the state badge."""
        return STATE_BADGES.get(self, "secondary")


STATE_LABELS = {
    ApplicationState.DRAFT: _l("Draft"),
    ApplicationState.SUBMITTED: _l("Submitted"),
    ApplicationState.RETURNED: _l("Returned for correction"),
    ApplicationState.ELIGIBLE: _l("Eligible"),
    ApplicationState.INELIGIBLE: _l("Ineligible"),
    ApplicationState.UNDER_REVIEW: _l("Under review"),
    ApplicationState.PROPOSED: _l("Proposed for award"),
    ApplicationState.NOT_SELECTED: _l("Not selected"),
    ApplicationState.AWARDED: _l("Awarded"),
    ApplicationState.NOT_AWARDED: _l("Not awarded"),
    ApplicationState.WITHDRAWN: _l("Withdrawn"),
}


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

STATE_BADGES = {
    ApplicationState.DRAFT: "secondary",
    ApplicationState.SUBMITTED: "primary",
    ApplicationState.RETURNED: "warning",
    ApplicationState.ELIGIBLE: "success",
    ApplicationState.INELIGIBLE: "danger",
    ApplicationState.UNDER_REVIEW: "info",
    ApplicationState.PROPOSED: "info",
    ApplicationState.AWARDED: "success",
    ApplicationState.NOT_AWARDED: "dark",
    ApplicationState.NOT_SELECTED: "dark",
}


class BudgetCategory(StrEnum):
    """预算科目"""

    PERSONNEL = "personnel"  # 人员费
    ACTIVITIES = "activities"  # 活动费
    MATERIALS = "materials"  # 物资费
    PUBLICITY = "publicity"  # 宣传费
    ADMINISTRATION = "administration"  # 管理费
    OTHER = "other"  # 其他

    @property
    def label(self):
        return {
            BudgetCategory.PERSONNEL: _l("Personnel"),
            BudgetCategory.ACTIVITIES: _l("Activities"),
            BudgetCategory.MATERIALS: _l("Materials"),
            BudgetCategory.PUBLICITY: _l("Publicity"),
            BudgetCategory.ADMINISTRATION: _l("Administration"),
            BudgetCategory.OTHER: _l("Other"),
        }[self]
