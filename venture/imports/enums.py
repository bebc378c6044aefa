"""Import kinds, batch states and row outcomes (批量导入)."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class ImportKind(LabelledEnum):
    """导入类别"""

    ORGANIZATIONS = "organizations", _l("Organizations")  # 社会组织
    EXPERTS = "experts", _l("Experts")  # 评审专家
    COMMUNITIES = "communities", _l("Streets and communities")  # 街道和社区
    PROJECTS = "projects", _l("Past funded projects")  # 往年资助项目


class BatchState(LabelledEnum):
    """导入批次状态"""

    PREVIEWED = "previewed", _l("Awaiting confirmation")  # 待确认
    CONFIRMED = "confirmed", _l("Imported")  # 已导入
    UNDONE = "undone", _l("Undone")  # 已撤销


class RowAction(LabelledEnum):
    """每行的处理结果"""

    ADD = "add", _l("Add")  # 新增
    UPDATE = "update", _l("Update")  # 更新
    UNCHANGED = "unchanged", _l("Unchanged")  # 无变化
    REFUSED = "refused", _l("Refused")  # 拒绝


class PastOutcome(LabelledEnum):
    """往年项目的结项评估结果"""

    EXCELLENT = "excellent", _l("Excellent (优秀)")  # 优秀
    GOOD = "good", _l("Good (良好)")  # 良好
    PASSED = "passed", _l("Passed (合格)")  # 合格
    FAILED = "failed", _l("Failed (不合格)")  # 不合格
    TERMINATED = "terminated", _l("Terminated (终止)")  # 终止
    UNKNOWN = "unknown", _l("Not evaluated (未评估)")  # 未评估


# the words a spreadsheet uses for an outcome, first one written in templates and exports
OUTCOME_WORDS = {
    PastOutcome.EXCELLENT: ("优秀", "excellent"),
    PastOutcome.GOOD: ("良好", "good"),
    PastOutcome.PASSED: ("合格", "passed", "pass", "通过"),
    PastOutcome.FAILED: ("不合格", "failed", "fail", "未通过"),
    PastOutcome.TERMINATED: ("终止", "terminated"),
    PastOutcome.UNKNOWN: ("未评估", "unknown", "not evaluated"),
}
