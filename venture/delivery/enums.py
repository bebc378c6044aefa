"""Funded projects (立项项目), progress reports, change requests: states and choices."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class ProjectState(StrEnum):
    """项目状态; the transitions between them are in delivery/lifecycle.py."""

    CONTRACTING = "contracting"  # 签约中
    IN_FORCE = "in_force"  # 执行中
    MIDTERM_EVALUATED = "midterm_evaluated"  # 中期评估合格
    RECTIFICATION = "rectification"  # 整改中
    FINAL_EVALUATED = "final_evaluated"  # 结项评估合格
    CLOSED = "closed"  # 已结项
    TERMINATED = "terminated"  # 已终止

    @property
    def label(self):
        return {
            ProjectState.CONTRACTING: _l("Contracting"),
            ProjectState.IN_FORCE: _l("Being delivered"),
            ProjectState.MIDTERM_EVALUATED: _l("Mid-term evaluation passed"),
            ProjectState.RECTIFICATION: _l("Under rectification"),
            ProjectState.FINAL_EVALUATED: _l("Final evaluation passed"),
            ProjectState.CLOSED: _l("Closed out"),
            ProjectState.TERMINATED: _l("Terminated"),
        }[self]

    @property
    def badge(self):
        return {
            ProjectState.CONTRACTING: "secondary",
            ProjectState.IN_FORCE: "primary",
            ProjectState.MIDTERM_EVALUATED: "info",
            ProjectState.RECTIFICATION: "warning",
            ProjectState.FINAL_EVALUATED: "success",
            ProjectState.CLOSED: "dark",
            ProjectState.TERMINATED: "danger",
        }[self]


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


class ReportFrequency(StrEnum):
    """报告周期, set per call."""

    MONTHLY = "monthly"  # 月报
    QUARTERLY = "quarterly"  # 季报

    @property
    def label(self):
        return {
            ReportFrequency.MONTHLY: _l("Monthly"),
            ReportFrequency.QUARTERLY: _l("Quarterly"),
        }[self]


class ReportKind(StrEnum):
    """报告类型"""

    SCHEDULED = "scheduled"  # 定期报告
    AD_HOC = "ad_hoc"  # 专项报告
    RECTIFICATION = "rectification"  # 整改报告

    @property
    def label(self):
        return {
            ReportKind.SCHEDULED: _l("Scheduled report"),
            ReportKind.AD_HOC: _l("Ad-hoc report"),
            ReportKind.RECTIFICATION: _l("Rectification report"),
        }[self]


class ReportState(StrEnum):
    """进度报告状态"""

    DRAFT = "draft"  # 草稿
    SUBMITTED = "submitted"  # 已提交
    ACCEPTED = "accepted"  # 已通过
    RETURNED = "returned"  # 退回修改

    @property
    def label(self):
        return {
            ReportState.DRAFT: _l("Draft"),
            ReportState.SUBMITTED: _l("Submitted"),
            ReportState.ACCEPTED: _l("Accepted"),
            ReportState.RETURNED: _l("Returned for changes"),
        }[self]

    @property
    def badge(self):
        return {
            ReportState.DRAFT: "secondary",
            ReportState.SUBMITTED: "primary",
            ReportState.ACCEPTED: "success",
            ReportState.RETURNED: "warning",
        }[self]


class BeneficiaryGroup(StrEnum):
    """受益群体"""

    ELDERLY = "elderly"  # 老年人
    CHILDREN = "children"  # 儿童青少年
    DISABLED = "disabled"  # 残障人士
    FAMILIES = "families"  # 困难家庭
    RESIDENTS = "residents"  # 社区居民
    OTHER = "other"  # 其他

    @property
    def label(self):
        return {
            BeneficiaryGroup.ELDERLY: _l("Older people"),
            BeneficiaryGroup.CHILDREN: _l("Children and young people"),
            BeneficiaryGroup.DISABLED: _l("People with disabilities"),
            BeneficiaryGroup.FAMILIES: _l("Families in hardship"),
            BeneficiaryGroup.RESIDENTS: _l("Community residents"),
            BeneficiaryGroup.OTHER: _l("Others"),
        }[self]


class MilestoneStatus(StrEnum):
    """里程碑进度"""

    NOT_STARTED = "not_started"  # 未开始
    IN_PROGRESS = "in_progress"  # 进行中
    DONE = "done"  # 已完成
    DELAYED = "delayed"  # 延误

    @property
    def label(self):
        return {
            MilestoneStatus.NOT_STARTED: _l("Not started"),
            MilestoneStatus.IN_PROGRESS: _l("In progress"),
            MilestoneStatus.DONE: _l("Done"),
            MilestoneStatus.DELAYED: _l("Delayed"),
        }[self]

    @property
    def badge(self):
        return {
            MilestoneStatus.NOT_STARTED: "secondary",
            MilestoneStatus.IN_PROGRESS: "primary",
            MilestoneStatus.DONE: "success",
            MilestoneStatus.DELAYED: "danger",
        }[self]


class ChangeKind(StrEnum):
    """变更类型"""

    BUDGET = "budget"  # 预算调整 (moving money between budget lines)
    EXTENSION = "extension"  # 延期
    ACTIVITIES = "activities"  # 活动内容变更
    STAFF = "staff"  # 项目人员变更

    @property
    def label(self):
        return {
            ChangeKind.BUDGET: _l("Move money between budget lines"),
            ChangeKind.EXTENSION: _l("Extend the term"),
            ChangeKind.ACTIVITIES: _l("Change the activities"),
            ChangeKind.STAFF: _l("Change the project staff"),
        }[self]


class ChangeState(StrEnum):
    """变更申请状态"""

    PENDING = "pending"  # 待审批
    APPROVED = "approved"  # 已批准
    REJECTED = "rejected"  # 未批准
    WITHDRAWN = "withdrawn"  # 已撤回

    @property
    def label(self):
        return {
            ChangeState.PENDING: _l("Awaiting a decision"),
            ChangeState.APPROVED: _l("Approved"),
            ChangeState.REJECTED: _l("Not approved"),
            ChangeState.WITHDRAWN: _l("Withdrawn"),
        }[self]

    @property
    def badge(self):
        return {
            ChangeState.PENDING: "primary",
            ChangeState.APPROVED: "success",
            ChangeState.REJECTED: "danger",
            ChangeState.WITHDRAWN: "secondary",
        }[self]
