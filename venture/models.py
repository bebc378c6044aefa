"""Every model module, imported once so metadata knows all tables (used by migrations)."""

from venture.announcements.models import Announcement, Objection  # noqa: F401
from venture.api.models import ApiToken  # noqa: F401
from venture.applications.models import (  # noqa: F401
    Application,
    ApplicationAttachment,
    ApplicationNumberCounter,
    BudgetLine,
    Milestone,
    ServicePrice,
)
from venture.auth.models import AccessDenied, LoginAttempt, User, UserRole  # noqa: F401
from venture.calls.models import Call  # noqa: F401
from venture.community.models import (  # noqa: F401
    ActivityCheck,
    Need,
    NeedPhoto,
    SurveyAnswer,
    SurveyResponse,
)
from venture.contracts.models import Contract, ContractCounter  # noqa: F401
from venture.core.audit import AuditChainHead, AuditEntry  # noqa: F401
from venture.core.cache import CachedFigure  # noqa: F401
from venture.core.files import StoredFile  # noqa: F401
from venture.core.workdays import WorkdayOverride  # noqa: F401
from venture.delivery.models import (  # noqa: F401
    Activity,
    BeneficiaryCount,
    ChangeRequest,
    Expenditure,
    MilestoneUpdate,
    PlanLine,
    PlanMilestone,
    ProgressReport,
    Project,
    ProjectDocument,
    ProjectMessage,
    ReportAttachment,
    ReportingPlan,
    ReportReminder,
)
from venture.delivery.settlement import SurplusSettlement  # noqa: F401
from venture.documents.models import DocumentVersion, IssuedDocument  # noqa: F401
from venture.evaluation.models import Evaluation, EvaluationCriterion, EvaluationScore  # noqa: F401
from venture.imports.models import ClaimCode, ImportBatch, ImportRecord, PastProject  # noqa: F401
from venture.notifications.models import Notification  # noqa: F401
from venture.orgs.models import Invitation, Organization  # noqa: F401
from venture.payments.models import ExportJob, Installment, Payment  # noqa: F401
from venture.procurement.models import (  # noqa: F401
    Award,
    Bid,
    BidAttachment,
    Clarification,
    Designation,
    Tender,
    TenderQuestion,
)
from venture.procurement.practice_models import (  # noqa: F401
    BidBond,
    BidConflictDeclaration,
    OpeningResponse,
    TenderFailure,
)
from venture.reference.models import Community, ServiceCategory, Street  # noqa: F401
from venture.review.models import (  # noqa: F401
    Panel,
    PanelMember,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerAffiliation,
    ReviewerProfile,
    ReviewScore,
    ReviewSheet,
)
from venture.roadshow.models import Roadshow, RoadshowItem  # noqa: F401
