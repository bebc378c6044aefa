"""Import kinds, batch states and row outcomes (批量导入)."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class ImportKind(StrEnum):
    """导入类别"""

    ORGANIZATIONS = "organizations"  # 社会组织
    EXPERTS = "experts"  # 评审专家
    COMMUNITIES = "communities"  # 街道和社区
    PROJECTS = "projects"  # 往年资助项目

    @property
    def label(self):
        return {
            ImportKind.ORGANIZATIONS: _l("Organizations"),
            ImportKind.EXPERTS: _l("Experts"),
            ImportKind.COMMUNITIES: _l("Streets and communities"),
            ImportKind.PROJECTS: _l("Past funded projects"),
        }[self]


class BatchState(StrEnum):
    """导入批次状态"""

    PREVIEWED = "previewed"  # 待确认
    CONFIRMED = "confirmed"  # 已导入
    UNDONE = "undone"  # 已撤销

    @property
    def label(self):
        return {
            BatchState.PREVIEWED: _l("Awaiting confirmation"),
            BatchState.CONFIRMED: _l("Imported"),
            BatchState.UNDONE: _l("Undone"),
        }[self]


class RowAction(StrEnum):
    """每行的处理结果"""

    ADD = "add"  # 新增
    UPDATE = "update"  # 更新
    UNCHANGED = "unchanged"  # 无变化
    REFUSED = "refused"  # 拒绝

    @property
    def label(self):
        return {
            RowAction.ADD: _l("Add"),
            RowAction.UPDATE: _l("Update"),
            RowAction.UNCHANGED: _l("Unchanged"),
            RowAction.REFUSED: _l("Refused"),
        }[self]


class PastOutcome(StrEnum):
    """往年项目的结项评估结果"""

    EXCELLENT = "excellent"  # 优秀
    GOOD = "good"  # 良好
    PASSED = "passed"  # 合格
    FAILED = "failed"  # 不合格
    TERMINATED = "terminated"  # 终止
    UNKNOWN = "unknown"  # 未评估

    @property
    def label(self):
        return {
            PastOutcome.EXCELLENT: _l("Excellent (优秀)"),
            PastOutcome.GOOD: _l("Good (良好)"),
            PastOutcome.PASSED: _l("Passed (合格)"),
            PastOutcome.FAILED: _l("Failed (不合格)"),
            PastOutcome.TERMINATED: _l("Terminated (终止)"),
            PastOutcome.UNKNOWN: _l("Not evaluated (未评估)"),
        }[self]


# the words a spreadsheet uses for an outcome, first one written in templates and exports
OUTCOME_WORDS = {
    PastOutcome.EXCELLENT: ("优秀", "excellent"),
    PastOutcome.GOOD: ("良好", "good"),
    PastOutcome.PASSED: ("合格", "passed", "pass", "通过"),
    PastOutcome.FAILED: ("不合格", "failed", "fail", "未通过"),
    PastOutcome.TERMINATED: ("终止", "terminated"),
    PastOutcome.UNKNOWN: ("未评估", "unknown", "not evaluated"),
}
