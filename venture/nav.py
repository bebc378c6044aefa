"""The navigation entries of every module, in one place so the order reads at a glance.

Entries are grouped by job (venture.core.nav.GROUPS); `order` orders them within the menu."""

from flask_babel import lazy_gettext as _l

from venture.auth.enums import Role
from venture.core.nav import nav_item

APPLICANT, STAFF, REVIEWER = Role.APPLICANT, Role.STAFF, Role.REVIEWER
FINANCE, ADMIN, EVALUATOR, COMMUNITY = Role.FINANCE, Role.ADMIN, Role.EVALUATOR, Role.COMMUNITY

nav_item("home.index", _l("Home"), order=0)

# 征集与评审: calls, applications, review, roadshows, 公示
CALLS = "calls"
nav_item("announcements.index", _l("Announcements"), order=5, group=CALLS)
nav_item("calls.index", _l("Calls"), order=10, group=CALLS)
nav_item("applications.mine", _l("My applications"), APPLICANT, order=22, group=CALLS)
nav_item("calls.manage", _l("Manage calls"), STAFF, order=28, group=CALLS)
nav_item("review.queue", _l("Review tasks"), REVIEWER, order=30, group=CALLS)
nav_item("roadshow.mine", _l("Roadshows"), REVIEWER, order=33, group=CALLS)
nav_item("announcements.staff_index", _l("Manage announcements"), STAFF, order=62, group=CALLS)
nav_item("review.experts", _l("Expert pool"), STAFF, order=64, group=CALLS)
nav_item("roadshow.index", _l("Roadshows"), STAFF, order=65, group=CALLS)

# 采购: tenders, bids, targeted purchase
BUY = "procurement"
nav_item("procurement.my_bids", _l("My bids"), APPLICANT, order=23, group=BUY)
nav_item("procurement.tenders", _l("Tenders"), STAFF, ADMIN, order=29, group=BUY)
nav_item("procurement.designations", _l("Targeted purchases"), STAFF, order=29, group=BUY)
nav_item("procurement.evaluations", _l("Bid evaluation"), REVIEWER, order=31, group=BUY)

# 合同与资金: contracts, installments, payments
MONEY = "contracts"
nav_item("contracts.mine", _l("My contracts"), APPLICANT, order=24, group=MONEY)
nav_item("payments.ledger", _l("Finance ledger"), FINANCE, order=40, group=MONEY)
nav_item("contracts.index", _l("Contracts"), STAFF, order=66, group=MONEY)

# 项目执行: funded projects, reports, evaluations
DELIVERY = "delivery"
nav_item("delivery.mine", _l("My projects"), APPLICANT, order=26, group=DELIVERY)
nav_item("evaluation.tasks", _l("Evaluation tasks"), EVALUATOR, order=32, group=DELIVERY)
nav_item("delivery.index", _l("Project management"), STAFF, order=67, group=DELIVERY)
nav_item("evaluation.index", _l("Evaluation management"), STAFF, order=68, group=DELIVERY)

# 社区: organizations, community needs, supervision
PLACES = "community"
nav_item("orgs.mine", _l("My organization"), APPLICANT, order=20, group=PLACES)
nav_item("community.board", _l("Needs board"), STAFF, order=27, group=PLACES)
nav_item("community.my_needs", _l("Community needs"), COMMUNITY, order=34, group=PLACES)
nav_item("community.projects", _l("Project supervision"), COMMUNITY, order=35, group=PLACES)
nav_item("orgs.index", _l("Organizations"), STAFF, ADMIN, FINANCE, order=60, group=PLACES)

# 系统: reports, users, reference data, audit, guides
SYSTEM = "system"
nav_item("reports.dashboard", _l("Statistics and reports"), STAFF, order=69, group=SYSTEM)
nav_item("admin.users", _l("Users"), ADMIN, order=80, group=SYSTEM)
nav_item("admin.reference_data", _l("Reference data"), ADMIN, order=82, group=SYSTEM)
nav_item("announcements.workdays_page", _l("Working days"), ADMIN, order=83, group=SYSTEM)
nav_item("admin.audit_log", _l("Audit log"), ADMIN, STAFF, order=84, group=SYSTEM)
nav_item("imports.index", _l("Import"), STAFF, ADMIN, order=85, group=SYSTEM)
nav_item("guide.index", _l("Guides"), order=95, group=SYSTEM)
