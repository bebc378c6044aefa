"""Roles people hold on the platform."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class Role(LabelledEnum):
    """角色"""

    APPLICANT = "applicant", _l("Social organization")  # 社会组织
    STAFF = "staff", _l("Programme staff")  # 项目主管 / 民政局工作人员
    REVIEWER = "reviewer", _l("Reviewer")  # 评审专家
    FINANCE = "finance", _l("Finance")  # 财务人员
    EVALUATOR = "evaluator", _l("Evaluator")  # 第三方评估机构
    COMMUNITY = "community", _l("Residents' committee")  # 社区居委会
    ADMIN = "admin", _l("Administrator")  # 系统管理员


# the roles with their labels, in declaration order (the admin form offers them)
ROLE_LABELS = {role: role.label for role in Role}
