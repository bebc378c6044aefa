"""Every model module, imported once so metadata knows all tables (used by migrations)."""

from venture.applications.models import (  # noqa: F401
    Application,
    ApplicationAttachment,
    BudgetLine,
    Milestone,
)
from venture.auth.models import LoginAttempt, User, UserRole  # noqa: F401
from venture.calls.models import Call  # noqa: F401
from venture.core.audit import AuditChainHead, AuditEntry  # noqa: F401
from venture.core.files import StoredFile  # noqa: F401
from venture.orgs.models import Invitation, Organization  # noqa: F401
from venture.procurement.models import Award  # noqa: F401
from venture.reference.models import Community, ServiceCategory, Street  # noqa: F401
