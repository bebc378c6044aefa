"""Funded projects (立项项目), progress reports, change requests: states and choices."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class ProjectState(LabelledEnum):
    """项目状态; the transitions between them are in delivery/lifecycle.py."""

    CONTRACTING = "contracting", _l("Contracting"), "secondary"  # 签约中
    IN_FORCE = "in_force", _l("Being delivered"), "primary"  # 执行中
    # 中期评估合格
    MIDTERM_EVALUATED = "midterm_evaluated", _l("Mid-term evaluation passed"), "info"
    RECTIFICATION = "rectification", _l("Under rectification"), "warning"  # 整改中
    FINAL_EVALUATED = "final_evaluated", _l("Final evaluation passed"), "success"  # 结项评估合格
    CLOSED = "closed", _l("Closed out"), "dark"  # 已结项
    TERMINATED = "terminated", _l("Terminated"), "danger"  # 已终止


# a project in these states can still change; closed and terminated projects are read-only
ACTIVE_STATES = (
    ProjectState.CONTRACTING,
    ProjectState.IN_FORCE,
    ProjectState.MIDTERM_EVALUATED,
    ProjectState.RECTIFICATION,
    ProjectState.FINAL_EVALUATED,
)
# the service is being delivered: reports are due and the plan can change
DELIVERING_STATES = (
    ProjectState.IN_FORCE,
    ProjectState.MIDTERM_EVALUATED,
    ProjectState.RECTIFICATION,
    ProjectState.FINAL_EVALUATED,
)


class ReportFrequency(LabelledEnum):
    """报告周期, set per call."""

    MONTHLY = "monthly", _l("Monthly")  # 月报
    QUARTERLY = "quarterly", _l("Quarterly")  # 季报


class ReportKind(LabelledEnum):
    """报告类型"""

    SCHEDULED = "scheduled", _l("Scheduled report")  # 定期报告
    AD_HOC = "ad_hoc", _l("Ad-hoc report")  # 专项报告
    RECTIFICATION = "rectification", _l("Rectification report")  # 整改报告


class ReportState(LabelledEnum):
    """进度报告状态"""

    DRAFT = "draft", _l("Draft"), "secondary"  # 草稿
    SUBMITTED = "submitted", _l("Submitted"), "primary"  # 已提交
    ACCEPTED = "accepted", _l("Accepted"), "success"  # 已通过
    RETURNED = "returned", _l("Returned for changes"), "warning"  # 退回修改


class BeneficiaryGroup(LabelledEnum):
    """受益群体"""

    ELDERLY = "elderly", _l("Older people")  # 老年人
    CHILDREN = "children", _l("Children and young people")  # 儿童青少年
    DISABLED = "disabled", _l("People with disabilities")  # 残障人士
    FAMILIES = "families", _l("Families in hardship")  # 困难家庭
    RESIDENTS = "residents", _l("Community residents")  # 社区居民
    OTHER = "other", _l("Others")  # 其他


class MilestoneStatus(LabelledEnum):
    """里程碑进度"""

    NOT_STARTED = "not_started", _l("Not started"), "secondary"  # 未开始
    IN_PROGRESS = "in_progress", _l("In progress"), "primary"  # 进行中
    DONE = "done", _l("Done"), "success"  # 已完成
    DELAYED = "delayed", _l("Delayed"), "danger"  # 延误


class ChangeKind(LabelledEnum):
    """变更类型"""

    # 预算调整 (moving money between budget lines)
    BUDGET = "budget", _l("Move money between budget lines")
    EXTENSION = "extension", _l("Extend the term")  # 延期
    ACTIVITIES = "activities", _l("Change the activities")  # 活动内容变更
    STAFF = "staff", _l("Change the project staff")  # 项目人员变更


class ChangeState(LabelledEnum):
    """变更申请状态"""

    PENDING = "pending", _l("Awaiting a decision"), "primary"  # 待审批
    APPROVED = "approved", _l("Approved"), "success"  # 已批准
    REJECTED = "rejected", _l("Not approved"), "danger"  # 未批准
    WITHDRAWN = "withdrawn", _l("Withdrawn"), "secondary"  # 已撤回
