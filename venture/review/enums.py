"""Review states and choices (专家评审)."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class AffiliationKind(LabelledEnum):
    """关联关系: the kinds of tie to an organization that bar a reviewer from its applications."""

    EMPLOYMENT = "employment", _l("Works or worked there")  # 任职 (works or worked for it)
    GOVERNANCE = "governance", _l("Board or supervisory member")  # 理事 / 监事 (governs it)
    FAMILY = "family", _l("Family tie to the legal representative")  # 与法定代表人有亲属关系
    OTHER = "other", _l("Other tie")  # 其他利害关系


class PanelMethod(LabelledEnum):
    """组建方式"""

    MANUAL = "manual", _l("Chosen by staff")  # 指定
    DRAW = "draw", _l("Random draw")  # 随机抽取


class AssignmentState(LabelledEnum):
    """评审分配状态"""

    ACTIVE = "active", _l("Assigned")  # 待评 / 已评
    CONFLICT = "conflict", _l("Conflict declared (回避)")  # 已回避


class SheetState(LabelledEnum):
    """评分表状态; transitions in review/lifecycle.py."""

    DRAFT = "draft", _l("Draft")  # 草稿
    SUBMITTED = "submitted", _l("Submitted")  # 已提交


class Aggregation(LabelledEnum):
    """汇总方式: how reviewer totals become an application's score."""

    MEAN = "mean", _l("Mean of reviewer totals")  # 算术平均
    # 去掉一个最高分和一个最低分
    TRIMMED = "trimmed", _l("Trimmed mean (drop highest and lowest, 5 or more sheets)")
    STANDARDISED = "standardised", _l("Standardised scores (per-reviewer z-scores)")  # 标准分
