"""The navigation entries of every module, in one place so the order reads at a glance."""

from flask_babel import lazy_gettext as _l

from venture.auth.enums import Role
from venture.core.nav import nav_item

nav_item("home.index", _l("Home"), order=0)
nav_item("announcements.index", _l("Announcements"), order=5)
nav_item("orgs.mine", _l("My organization"), Role.APPLICANT, order=20)
nav_item("orgs.index", _l("Organizations"), Role.STAFF, Role.ADMIN, Role.FINANCE, order=60)
nav_item("admin.users", _l("Users"), Role.ADMIN, order=80)
nav_item("announcements.staff_index", _l("Manage announcements"), Role.STAFF, order=62)
nav_item("admin.reference_data", _l("Reference data"), Role.ADMIN, order=82)
nav_item("announcements.workdays_page", _l("Working days"), Role.ADMIN, order=83)
nav_item("review.queue", _l("Review tasks"), Role.REVIEWER, order=30)
nav_item("review.experts", _l("Expert pool"), Role.STAFF, order=64)
nav_item("admin.audit_log", _l("Audit log"), Role.ADMIN, Role.STAFF, order=84)
nav_item("contracts.mine", _l("My contracts"), Role.APPLICANT, order=24)
nav_item("contracts.index", _l("Contracts"), Role.STAFF, order=66)
nav_item("payments.ledger", _l("Finance ledger"), Role.FINANCE, order=40)
nav_item("calls.index", _l("Calls"), order=10)
nav_item("applications.mine", _l("My applications"), Role.APPLICANT, order=22)
nav_item("calls.manage", _l("Manage calls"), Role.STAFF, order=28)
nav_item("procurement.tenders", _l("Tenders"), Role.STAFF, Role.ADMIN, order=29)
nav_item("procurement.designations", _l("Targeted purchases"), Role.STAFF, order=29)
nav_item("procurement.my_bids", _l("My bids"), Role.APPLICANT, order=23)
nav_item("procurement.evaluations", _l("Bid evaluation"), Role.REVIEWER, order=31)
nav_item("delivery.mine", _l("My projects"), Role.APPLICANT, order=26)
nav_item("delivery.index", _l("Project management"), Role.STAFF, order=67)
nav_item("evaluation.index", _l("Evaluation management"), Role.STAFF, order=68)
nav_item("reports.dashboard", _l("Statistics and reports"), Role.STAFF, order=69)
nav_item("evaluation.tasks", _l("Evaluation tasks"), Role.EVALUATOR, order=32)
nav_item("community.my_needs", _l("Community needs"), Role.COMMUNITY, order=34)
nav_item("community.projects", _l("Project supervision"), Role.COMMUNITY, order=35)
nav_item("community.board", _l("Needs board"), Role.STAFF, order=27)
nav_item("roadshow.index", _l("Roadshows"), Role.STAFF, order=65)
nav_item("roadshow.mine", _l("Roadshows"), Role.REVIEWER, order=33)
nav_item("guide.index", _l("Guides"), order=95)
