"""Roles people hold on the platform."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    """角色"""

    APPLICANT = "applicant"  # 社会组织
    STAFF = "staff"  # 项目主管 / 民政局工作人员
    REVIEWER = "reviewer"  # 评审专家
    FINANCE = "finance"  # 财务人员
    EVALUATOR = "evaluator"  # 第三方评估机构
    COMMUNITY = "community"  # 社区居委会
    ADMIN = "admin"  # 系统管理员

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.APPLICANT: _l("Social organization"),
    Role.STAFF: _l("Programme staff"),
    Role.REVIEWER: _l("Reviewer"),
    Role.FINANCE: _l("Finance"),
    Role.EVALUATOR: _l("Evaluator"),
    Role.COMMUNITY: _l("Residents' committee"),
    Role.ADMIN: _l("Administrator"),
}
