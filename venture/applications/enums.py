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
