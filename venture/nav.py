"""The navigation entries of every module, in one place so the order reads at a glance."""

from flask_babel import lazy_gettext as _l

from venture.auth.enums import Role
from venture.core.nav import nav_item

nav_item("home.index", _l("Home"), order=0)
nav_item("orgs.mine", _l("My organization"), Role.APPLICANT, order=20)
nav_item("orgs.index", _l("Organizations"), Role.STAFF, Role.ADMIN, Role.FINANCE, order=60)
nav_item("admin.users", _l("Users"), Role.ADMIN, order=80)
nav_item("admin.reference_data", _l("Reference data"), Role.ADMIN, order=82)
nav_item("admin.audit_log", _l("Audit log"), Role.ADMIN, Role.STAFF, order=84)
