"""下一步: the work waiting for each role, as counted lines with a date, on the home page.

Each role is a declaration: the figures it counts (one SELECT of scalar subqueries, counts and
earliest dates and ids, so the home page makes the same number of statements however many
records there are) and a table of lines, each naming its count figure, its message and where
the work is done. One engine (venture/home/steps.py) evaluates it: a line shows only when its
count is above zero, and links to the record's own page when exactly one is waiting, else to
the list. A new line: add its figures to the role's query, then a `Line` to the role's table."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func

from venture.announcements.enums import ObjectionState
from venture.announcements.models import Announcement, Objection
from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.auth.models import AccessDenied, User
from venture.calls.models import Call
from venture.community.enums import LIVE_STATUSES, NeedStatus, Urgency, Verdict
from venture.community.models import ActivityCheck, Need
from venture.community.permissions import CHECKABLE_REPORT_STATES
from venture.contracts.enums import ContractState
from venture.contracts.models import Contract
from venture.contracts.work import remember_staff_contract_work, staff_contract_counts
from venture.delivery.enums import ChangeState, ProjectState, ReportState
from venture.delivery.models import Activity, ChangeRequest, ProgressReport, Project
from venture.evaluation.enums import EvaluationState
from venture.evaluation.models import Evaluation
from venture.home.steps import (
    PAST,
    B,
    F,
    Line,
    RoleSteps,
    aggregate_of,
    count_of,
    earliest,
    link,
)
from venture.integrity.waiting import (
    announcement_awaiting_confirmation,
    announcement_ending_soon,
    panel_scoring_overdue,
    panel_sheets_in,
)
from venture.orgs.enums import OrgStatus
from venture.orgs.models import Organization
from venture.payments.enums import InstallmentState
from venture.payments.models import Installment
from venture.procurement.routes import routes_reviewing_applications
from venture.review.models import Panel

# contracts whose installments can be released and paid
PAYABLE_CONTRACTS = (ContractState.SIGNED, ContractState.IN_FORCE)


# ── applicant (社会组织) ─────────────────────────────────────────────────────────────────────


def _applicant_figures():
    org_id = B.organization_id
    mine = Application.organization_id == org_id
    open_call = and_(
        Call.id == Application.call_id,
        Call.published_at.is_not(None),
        Call.cancelled_at.is_(None),
        Call.closes_at > B.at,
    )
    draft = and_(mine, Application.state == ApplicationState.DRAFT, open_call)
    returned = and_(mine, Application.state == ApplicationState.RETURNED)
    to_sign = and_(
        Contract.organization_id == org_id,
        Contract.state == ContractState.ISSUED,
        Contract.signed_scan_id.is_(None),
    )
    self_assessment = and_(
        Evaluation.project_id == Project.id,
        Project.organization_id == org_id,
        Evaluation.state == EvaluationState.ASSIGNED,
        Evaluation.self_submitted_at.is_(None),
    )
    reports_returned = and_(
        ProgressReport.project_id == Project.id,
        Project.organization_id == org_id,
        ProgressReport.state == ReportState.RETURNED,
    )
    to_call = ((Call, open_call),)
    return {
        "drafts": count_of(Application, draft, joins=to_call),
        "drafts_close": earliest(Call.closes_at, draft, model=Application, joins=to_call),
        "draft_id": earliest(Application.id, draft, model=Application, joins=to_call),
        "returned": count_of(Application, returned),
        "returned_by": earliest(Application.correction_deadline, returned),
        "returned_id": earliest(Application.id, returned),
        "to_sign": count_of(Contract, to_sign),
        "to_sign_id": earliest(Contract.id, to_sign),
        "self_assessments": count_of(Evaluation, self_assessment, joins=(Project,)),
        "self_assessment_by": earliest(
            Evaluation.self_assessment_due, self_assessment, joins=(Project,)
        ),
        "self_assessment_id": earliest(Evaluation.id, self_assessment, joins=(Project,)),
        "reports_returned": count_of(ProgressReport, reports_returned, joins=(Project,)),
        "report_returned_id": earliest(ProgressReport.id, reports_returned, joins=(Project,)),
    }


def _reports_due(user):
    """Report periods due or overdue for the organization's delivering projects, oldest first
    (the schedule is computed from each call's reporting plan, so it is read, not counted)."""
    from venture.delivery.operations import organization_reports_due

    _delivering, due = organization_reports_due(user.organization_id)
    return {
        "reports_due": len(due),
        "reports_due_on": due[0].row.period.due_on if due else None,
        "reports_due_projects": len({d.project.id for d in due}),
        "reports_due_project": due[0].project.id if due else None,
        "reports_overdue": bool(due) and due[0].row.status == "overdue",
    }


applicant_steps = RoleSteps(
    figures=_applicant_figures, needs="organization_id", read=_reports_due, lines=(
    Line("drafts", _l("draft applications to finish and submit, the first call closes %(date)s"),
         link("applications.mine"), one=link("applications.edit", application_id=F("draft_id")),
         date="drafts_close"),
    Line("returned", _l("applications returned for correction, correct them by %(date)s"),
         link("applications.mine"),
         one=link("applications.edit", application_id=F("returned_id")),
         date="returned_by", undated=_l("applications returned for correction"), late=PAST),
    Line("reports_due", _l("progress reports due, the first by %(date)s"), link("delivery.mine"),
         one=link("delivery.show", project_id=F("reports_due_project"), _anchor="reports"),
         one_when="reports_due_projects", date="reports_due_on", late=F("reports_overdue")),
    Line("reports_returned", _l("progress reports returned for changes"), link("delivery.mine"),
         one=link("delivery.edit_report", report_id=F("report_returned_id"))),
    Line("self_assessments",
         _l("self-assessments to submit for evaluation, the first by %(date)s"),
         link("delivery.mine"),
         one=link("evaluation.show", evaluation_id=F("self_assessment_id")),
         date="self_assessment_by", late=PAST),
    Line("to_sign", _l("contracts to sign, seal and upload"), link("contracts.mine"),
         one=link("contracts.show", contract_id=F("to_sign_id"))),
))  # fmt: skip


# ── staff (项目主管) ─────────────────────────────────────────────────────────────────────────


def _staff_figures():
    submitted = Application.state == ApplicationState.SUBMITTED
    eligible_without_panel = and_(
        Call.route.in_(routes_reviewing_applications()),
        exists().where(
            Application.call_id == Call.id, Application.state == ApplicationState.ELIGIBLE
        ),
        ~exists().where(Panel.call_id == Call.id),
    )
    ending = announcement_ending_soon(B.today, B.week_ahead)
    expired = announcement_awaiting_confirmation(B.today)
    reviews_late = panel_scoring_overdue(B.at, B.today)
    reviews_in = panel_sheets_in(B.at)
    pending_objection = Objection.state == ObjectionState.PENDING
    open_need = Need.status == NeedStatus.OPEN
    return {
        "orgs": count_of(Organization, Organization.status == OrgStatus.PENDING),
        "screening": count_of(Application, submitted),
        "screening_calls": aggregate_of(
            func.count(func.distinct(Application.call_id)), Application, submitted
        ),
        "screening_call": earliest(Application.call_id, submitted),
        "screening_since": earliest(Application.submitted_at, submitted),
        "panels": count_of(Call, eligible_without_panel),
        "panel_call": earliest(Call.id, eligible_without_panel),
        "reviews_late": count_of(Panel, reviews_late),
        "reviews_late_since": earliest(Panel.deadline, reviews_late),
        "reviews_late_call": earliest(Panel.call_id, reviews_late),
        "reviews_in": count_of(Panel, reviews_in),
        "reviews_in_call": earliest(Panel.call_id, reviews_in),
        "ending": count_of(Announcement, ending),
        "ending_on": earliest(Announcement.ends_on, ending),
        "ending_id": earliest(Announcement.id, ending),
        "expired": count_of(Announcement, expired),
        "expired_on": earliest(Announcement.ends_on, expired),
        "expired_id": earliest(Announcement.id, expired),
        "objections": count_of(Objection, pending_objection),
        "objection_since": earliest(Objection.submitted_at, pending_objection),
        "objection_announcement": earliest(Objection.announcement_id, pending_objection),
        "reports": count_of(ProgressReport, ProgressReport.state == ReportState.SUBMITTED),
        "changes": count_of(ChangeRequest, ChangeRequest.state == ChangeState.PENDING),
        "results": count_of(Evaluation, Evaluation.state == EvaluationState.SCORED),
        **staff_contract_counts(),
        # not lines: the figures of the staff's panels, counted here (core.panels.home_figures)
        "evaluations_announced": count_of(
            Evaluation, Evaluation.state == EvaluationState.ANNOUNCED
        ),
        "call_drafts": count_of(Call, Call.published_at.is_(None), Call.cancelled_at.is_(None)),
        "needs_open": count_of(Need, open_need),
        "needs_urgent": aggregate_of(
            func.count(case((Need.urgency == Urgency.URGENT, 1))), Need, open_need
        ),
        "checks_disputed": count_of(ActivityCheck, ActivityCheck.verdict == Verdict.DISPUTED),
    }


STAFF_CONTRACT_WORK = ("awards_waiting", "drafts", "scans_to_confirm", "releases_to_approve")


def _staff_contract_lines(f):
    """The contract lines' counts; the contracts panel of the same page shows them too and
    reads them instead of counting again."""
    work = remember_staff_contract_work({name: f[name] for name in STAFF_CONTRACT_WORK})
    return {
        "contracts": work["awards_waiting"] + work["drafts"],
        "scans": work["scans_to_confirm"],
        "releases": work["releases_to_approve"],
    }


REVIEW_CALLS = link("review.calls")
PUBLISHED_ANNOUNCEMENTS = link("announcements.staff_index", state="published")
DELIVERY_ATTENTION = link("delivery.index", attention=1)

staff_steps = RoleSteps(figures=_staff_figures, derived=_staff_contract_lines, lines=(
    Line("screening", _l("applications to screen, the first submitted %(date)s"),
         link("calls.manage"),
         one=link("applications.screening_list", call_id=F("screening_call"), state="submitted"),
         one_when="screening_calls", date="screening_since"),
    Line("panels",
         _l("calls with eligible applications and no review panel yet: draw the panel"),
         REVIEW_CALLS, one=link("review.panel", call_id=F("panel_call"))),
    Line("reviews_late",
         _l("review panels past their scoring deadline without an award proposal, the "
            "first due %(date)s"),
         REVIEW_CALLS, one=link("review.panel", call_id=F("reviews_late_call")),
         date="reviews_late_since", late=True),
    Line("reviews_in",
         _l("review panels with every score sheet in: rank and propose the awards"),
         REVIEW_CALLS, one=link("review.panel", call_id=F("reviews_in_call"))),
    Line("expired",
         _l("announcements (公示) past their period, waiting for confirmation (期满待确认); "
            "the first ended %(date)s"),
         PUBLISHED_ANNOUNCEMENTS,
         one=link("announcements.manage", announcement_id=F("expired_id")), date="expired_on"),
    Line("ending", _l("announcements (公示) ending within a week, the first on %(date)s"),
         PUBLISHED_ANNOUNCEMENTS,
         one=link("announcements.manage", announcement_id=F("ending_id")), date="ending_on"),
    Line("objections", _l("objections to answer, the first lodged %(date)s"),
         PUBLISHED_ANNOUNCEMENTS,
         one=link("announcements.manage", announcement_id=F("objection_announcement")),
         date="objection_since"),
    Line("reports", _l("progress reports to accept or return"), DELIVERY_ATTENTION),
    Line("changes", _l("change requests to decide"), DELIVERY_ATTENTION),
    Line("contracts", _l("contracts to draft and issue"), link("contracts.index", state="draft")),
    Line("scans", _l("signed contracts to confirm"), link("contracts.index", state="issued")),
    Line("releases", _l("installments to approve for payment"),
         link("payments.ledger", state="condition_met")),
    Line("results", _l("evaluation results to announce"),
         link("evaluation.index", state="scored")),
    Line("orgs", _l("organizations to verify"), link("orgs.index", status="pending")),
))  # fmt: skip


# ── finance (财务人员) ───────────────────────────────────────────────────────────────────────


def _finance_figures():
    # the installments of a state first (their index), then whether the contract is payable:
    # driven from the contracts, the plan would visit every signed contract's installments
    payable = exists().where(
        Contract.id == Installment.contract_id, Contract.state.in_(PAYABLE_CONTRACTS)
    )
    to_pay = and_(Installment.state == InstallmentState.RELEASE_APPROVED, payable)
    coming = and_(Installment.state == InstallmentState.CONDITION_MET, payable)
    return {
        "to_pay": count_of(Installment, to_pay),
        "to_pay_amount": aggregate_of(
            func.coalesce(func.sum(Installment.amount), 0), Installment, to_pay
        ),
        "to_pay_since": earliest(Installment.approved_at, to_pay),
        "coming": count_of(Installment, coming),
        "to_check": count_of(Contract, Contract.state == ContractState.ISSUED),
    }


finance_steps = RoleSteps(figures=_finance_figures, lines=(
    Line("to_pay",
         _l("installments approved for release to pay, %(amount)s in all, the first approved "
            "%(date)s"),
         link("payments.ledger", state="release_approved"), date="to_pay_since",
         amount="to_pay_amount"),
    Line("coming", _l("installments whose condition is met, waiting for staff approval"),
         link("payments.ledger", state="condition_met")),
    Line("to_check", _l("issued contracts to check before signing"),
         link("contracts.index", state="issued")),
))  # fmt: skip


# ── evaluator (第三方评估机构) ───────────────────────────────────────────────────────────────


def _evaluator_figures():
    mine = Evaluation.evaluator_id == B.user_id
    to_score = and_(mine, Evaluation.state == EvaluationState.SELF_ASSESSED)
    waiting = and_(mine, Evaluation.state == EvaluationState.ASSIGNED)
    return {
        "to_score": count_of(Evaluation, to_score),
        "to_score_id": earliest(Evaluation.id, to_score),
        "to_score_since": earliest(Evaluation.self_submitted_at, to_score),
        "waiting": count_of(Evaluation, waiting),
        "waiting_by": earliest(Evaluation.self_assessment_due, waiting),
    }


evaluator_steps = RoleSteps(figures=_evaluator_figures, lines=(
    Line("to_score", _l("evaluations to score, the self-assessment in since %(date)s"),
         link("evaluation.tasks"),
         one=link("evaluation.show", evaluation_id=F("to_score_id")), date="to_score_since"),
    Line("waiting",
         _l("evaluations waiting for the organization's self-assessment, due %(date)s"),
         link("evaluation.tasks"), date="waiting_by"),
))  # fmt: skip


# ── community (社区居委会) ───────────────────────────────────────────────────────────────────


def _community_figures():
    community_id = B.community_id
    unchecked = and_(
        Activity.community_id == community_id,
        ProgressReport.id == Activity.report_id,
        ProgressReport.state.in_(CHECKABLE_REPORT_STATES),
        Project.id == ProgressReport.project_id,
        Project.state.not_in((ProjectState.CLOSED, ProjectState.TERMINATED)),
        ~exists().where(ActivityCheck.activity_id == Activity.id),
    )
    live = and_(Need.community_id == community_id, Need.status.in_(LIVE_STATUSES))
    to_report = (ProgressReport, Project)
    return {
        "to_check": count_of(Activity, unchecked, joins=to_report),
        "held_since": earliest(Activity.held_on, unchecked, model=Activity, joins=to_report),
        "needs": count_of(Need, live),
        "urgent": count_of(Need, live, Need.urgency == Urgency.URGENT),
    }


community_steps = RoleSteps(figures=_community_figures, needs="community_id", lines=(
    Line("to_check", _l("reported activities to confirm or dispute, the first held %(date)s"),
         link("community.projects"), date="held_since"),
    Line("needs", _l("needs of the community waiting for a project, %(n)d urgent"),
         link("community.my_needs"), n="urgent"),
))  # fmt: skip


# ── admin (系统管理员) ───────────────────────────────────────────────────────────────────────


def _admin_figures():
    week_ago = B.week_ago
    return {
        "orgs": count_of(Organization, Organization.status == OrgStatus.PENDING),
        "never": count_of(User, User.active.is_(True), User.last_login_at.is_(None)),
        "refused": count_of(AccessDenied, AccessDenied.at >= week_ago),
    }


def _party_a(_user):
    """While Party A's contract details are the demo placeholders, contracts cannot be issued
    outside demo mode (venture/contracts/document.py)."""
    from venture.contracts.document import party_a_placeholders

    return {
        "party_a": len(party_a_placeholders()),
        "party_a_late": not current_app.config.get("DEMO_MODE"),
    }


admin_steps = RoleSteps(figures=_admin_figures, read=_party_a, lines=(
    Line("orgs", _l("organizations waiting for staff to verify them"),
         link("orgs.index", status="pending")),
    Line("never", _l("active accounts that have never signed in"), link("admin.users")),
    Line("refused", _l("refused page requests in the last 7 days"),
         link("auth.access_denied_log")),
    Line("party_a",
         _l("details of Party A on contracts (representative, phone, bank account) are still "
            "the demo placeholders: set CONTRACT_PARTY_A in instance/config.py"),
         link("guide.show", role="admin"), late=F("party_a_late")),
))  # fmt: skip
