"""Review states and choices (专家评审)."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class AffiliationKind(StrEnum):
    """关联关系: the kinds of tie to an organization that bar a reviewer from its applications."""

    EMPLOYMENT = "employment"  # 任职 (works or worked for it)
    GOVERNANCE = "governance"  # 理事 / 监事 (governs it)
    FAMILY = "family"  # 与法定代表人有亲属关系
    OTHER = "other"  # 其他利害关系

    @property
    def label(self):
        return {
            AffiliationKind.EMPLOYMENT: _l("Works or worked there"),
            AffiliationKind.GOVERNANCE: _l("Board or supervisory member"),
            AffiliationKind.FAMILY: _l("Family tie to the legal representative"),
            AffiliationKind.OTHER: _l("Other tie"),
        }[self]


class PanelMethod(StrEnum):
    """组建方式"""

    MANUAL = "manual"  # 指定
    DRAW = "draw"  # 随机抽取

    @property
    def label(self):
        return {PanelMethod.MANUAL: _l("Chosen by staff"), PanelMethod.DRAW: _l("Random draw")}[
            self
        ]


class AssignmentState(StrEnum):
    """评审分配状态"""

    ACTIVE = "active"  # 待评 / 已评
    CONFLICT = "conflict"  # 已回避

    @property
    def label(self):
        return {
            AssignmentState.ACTIVE: _l("Assigned"),
            AssignmentState.CONFLICT: _l("Conflict declared (回避)"),
        }[self]


class SheetState(StrEnum):
    """评分表状态; transitions in review/lifecycle.py."""

    DRAFT = "draft"  # 草稿
    SUBMITTED = "submitted"  # 已提交

    @property
    def label(self):
        return {SheetState.DRAFT: _l("Draft"), SheetState.SUBMITTED: _l("Submitted")}[self]


class Aggregation(StrEnum):
    """汇总方式: how reviewer totals become an application's score."""

    MEAN = "mean"  # 算术平均
    TRIMMED = "trimmed"  # 去掉一个最高分和一个最低分
    STANDARDISED = "standardised"  # 标准分

    @property
    def label(self):
        return {
            Aggregation.MEAN: _l("Mean of reviewer totals"),
            Aggregation.TRIMMED: _l("Trimmed mean (drop highest and lowest, 5 or more sheets)"),
            Aggregation.STANDARDISED: _l("Standardised scores (per-reviewer z-scores)"),
        }[self]
