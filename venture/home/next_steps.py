"""下一步: the work waiting for each role, as counted lines with a date, on the home page.

Each role's figures come from one SELECT of scalar subqueries (counts and earliest dates), so
the home page makes the same number of statements however many records there are. A line
shows only when its count is above zero, and links to the page where the work is done."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, select

from venture.announcements.enums import ObjectionState
from venture.announcements.models import Announcement, Objection
from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.auth.models import AccessDenied, User
from venture.calls.models import Call
from venture.community.enums import LIVE_STATUSES, Urgency
from venture.community.models import ActivityCheck, Need
from venture.community.permissions import CHECKABLE_REPORT_STATES
from venture.contracts.enums import ContractState
from venture.contracts.models import Contract
from venture.core.formatting import near_date, yuan
from venture.core.timeutil import local_today, now, to_local
from venture.delivery.enums import ChangeState, ProjectState, ReportState
from venture.delivery.models import Activity, ChangeRequest, ProgressReport, Project
from venture.evaluation.enums import EvaluationState
from venture.evaluation.models import Evaluation
from venture.extensions import db
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
from venture.procurement.enums import AwardState
from venture.procurement.models import Award
from venture.procurement.routes import routes_reviewing_applications
from venture.review.models import Panel

# contracts whose installments can be released and paid
PAYABLE_CONTRACTS = (ContractState.SIGNED, ContractState.IN_FORCE)


@dataclass(frozen=True)
class Step:
    """One line: `count` things, `text` saying what to do (and by when), `url` to do it."""

    count: int
    text: str
    url: str
    late: bool = False


def when(value):
    """11月27日（周五） when near, 2027年3月1日 when far (formatting.near_date)."""
    return near_date(value)


def _is_past(value):
    day = to_local(value).date() if hasattr(value, "hour") else value
    return day < local_today()


def _count(model, *where):
    return select(func.count()).select_from(model).where(*where).scalar_subquery()


def _earliest(column, *where):
    return select(func.min(column)).where(*where).scalar_subquery()


def _figures(**subqueries):
    """Run every subquery in one statement: {name: value}."""
    row = db.session.execute(select(*(q.label(name) for name, q in subqueries.items()))).one()
    return row._asdict()


def _one_or_list(count, one_id, one, many):
    """The record's own page when there is one, else the list."""
    return one(one_id) if count == 1 and one_id else many


def _steps(*steps):
    return [s for s in steps if s is not None and s.count]


# ── applicant (社会组织) ─────────────────────────────────────────────────────────────────────


def applicant_steps(user):
    org_id = user.organization_id
    if org_id is None:
        return []
    mine = Application.organization_id == org_id
    open_call = and_(
        Call.id == Application.call_id,
        Call.published_at.is_not(None),
        Call.cancelled_at.is_(None),
        Call.closes_at > now(),
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
    f = _figures(
        drafts=select(func.count())
        .select_from(Application)
        .join(Call, open_call)
        .where(draft)
        .scalar_subquery(),
        drafts_close=select(func.min(Call.closes_at))
        .select_from(Application)
        .join(Call, open_call)
        .where(draft)
        .scalar_subquery(),
        draft_id=_earliest(Application.id, draft),
        returned=_count(Application, returned),
        returned_by=_earliest(Application.correction_deadline, returned),
        returned_id=_earliest(Application.id, returned),
        to_sign=_count(Contract, to_sign),
        to_sign_id=_earliest(Contract.id, to_sign),
        self_assessments=select(func.count())
        .select_from(Evaluation)
        .join(Project)
        .where(self_assessment)
        .scalar_subquery(),
        self_assessment_by=_earliest(Evaluation.self_assessment_due, self_assessment),
        self_assessment_id=_earliest(Evaluation.id, self_assessment),
        reports_returned=select(func.count())
        .select_from(ProgressReport)
        .join(Project)
        .where(reports_returned)
        .scalar_subquery(),
        report_returned_id=_earliest(ProgressReport.id, reports_returned),
    )
    due = _reports_due(org_id)
    return _steps(
        Step(
            f["drafts"],
            _(
                "draft applications to finish and submit, the first call closes %(date)s",
                date=when(f["drafts_close"]),
            )
            if f["drafts_close"]
            else "",
            _one_or_list(
                f["drafts"],
                f["draft_id"],
                lambda i: url_for("applications.edit", application_id=i),
                url_for("applications.mine"),
            ),
        ),
        Step(
            f["returned"],
            _(
                "applications returned for correction, correct them by %(date)s",
                date=when(f["returned_by"]),
            )
            if f["returned_by"]
            else _("applications returned for correction"),
            _one_or_list(
                f["returned"],
                f["returned_id"],
                lambda i: url_for("applications.edit", application_id=i),
                url_for("applications.mine"),
            ),
            late=bool(f["returned_by"]) and _is_past(f["returned_by"]),
        ),
        Step(
            len(due),
            _("progress reports due, the first by %(date)s", date=when(due[0].row.period.due_on))
            if due
            else "",
            url_for("delivery.show", project_id=due[0].project.id, _anchor="reports")
            if len({d.project.id for d in due}) == 1
            else url_for("delivery.mine"),
            late=bool(due) and due[0].row.status == "overdue",
        ),
        Step(
            f["reports_returned"],
            _("progress reports returned for changes"),
            _one_or_list(
                f["reports_returned"],
                f["report_returned_id"],
                lambda i: url_for("delivery.edit_report", report_id=i),
                url_for("delivery.mine"),
            ),
        ),
        Step(
            f["self_assessments"],
            _(
                "self-assessments to submit for evaluation, the first by %(date)s",
                date=when(f["self_assessment_by"]),
            )
            if f["self_assessment_by"]
            else "",
            _one_or_list(
                f["self_assessments"],
                f["self_assessment_id"],
                lambda i: url_for("evaluation.show", evaluation_id=i),
                url_for("delivery.mine"),
            ),
            late=bool(f["self_assessment_by"]) and _is_past(f["self_assessment_by"]),
        ),
        Step(
            f["to_sign"],
            _("contracts to sign, seal and upload"),
            _one_or_list(
                f["to_sign"],
                f["to_sign_id"],
                lambda i: url_for("contracts.show", contract_id=i),
                url_for("contracts.mine"),
            ),
        ),
    )


def _reports_due(org_id):
    """Report periods due or overdue for the organization's delivering projects, oldest first
    (the schedule is computed from each call's reporting plan, so it is read, not counted)."""
    from sqlalchemy.orm import selectinload

    from venture.delivery.operations import outstanding_reports

    projects = db.session.scalars(
        select(Project)
        .where(Project.organization_id == org_id)
        .options(selectinload(Project.reports))
    ).all()
    delivering = [p for p in projects if p.is_delivering]
    return outstanding_reports(statuses=("due", "draft", "overdue"), projects=delivering)


# ── staff (项目主管) ─────────────────────────────────────────────────────────────────────────


def staff_steps(_user):
    submitted = Application.state == ApplicationState.SUBMITTED
    eligible_without_panel = and_(
        Call.route.in_(routes_reviewing_applications()),
        exists().where(
            Application.call_id == Call.id, Application.state == ApplicationState.ELIGIBLE
        ),
        ~exists().where(Panel.call_id == Call.id),
    )
    today = local_today()
    ending = announcement_ending_soon(today)
    expired = announcement_awaiting_confirmation(today)
    reviews_late = panel_scoring_overdue(now(), today)
    reviews_in = panel_sheets_in(now())
    pending_objection = Objection.state == ObjectionState.PENDING
    awaiting_contract = and_(
        Award.state == AwardState.FINAL,
        ~exists().where(Contract.award_id == Award.id),
    )
    release = and_(
        Installment.state == InstallmentState.CONDITION_MET,
        Installment.contract_id == Contract.id,
        Contract.state.in_(PAYABLE_CONTRACTS),
    )
    f = _figures(
        orgs=_count(Organization, Organization.status == OrgStatus.PENDING),
        screening=_count(Application, submitted),
        screening_calls=select(func.count(func.distinct(Application.call_id)))
        .where(submitted)
        .scalar_subquery(),
        screening_call=_earliest(Application.call_id, submitted),
        screening_since=_earliest(Application.submitted_at, submitted),
        panels=_count(Call, eligible_without_panel),
        panel_call=_earliest(Call.id, eligible_without_panel),
        reviews_late=select(func.count(Panel.id)).where(reviews_late).scalar_subquery(),
        reviews_late_since=select(func.min(Panel.deadline)).where(reviews_late).scalar_subquery(),
        reviews_late_call=select(func.min(Panel.call_id)).where(reviews_late).scalar_subquery(),
        reviews_in=select(func.count(Panel.id)).where(reviews_in).scalar_subquery(),
        reviews_in_call=select(func.min(Panel.call_id)).where(reviews_in).scalar_subquery(),
        ending=_count(Announcement, ending),
        ending_on=_earliest(Announcement.ends_on, ending),
        ending_id=_earliest(Announcement.id, ending),
        expired=_count(Announcement, expired),
        expired_on=_earliest(Announcement.ends_on, expired),
        expired_id=_earliest(Announcement.id, expired),
        objections=_count(Objection, pending_objection),
        objection_since=_earliest(Objection.submitted_at, pending_objection),
        objection_announcement=_earliest(Objection.announcement_id, pending_objection),
        reports=_count(ProgressReport, ProgressReport.state == ReportState.SUBMITTED),
        changes=_count(ChangeRequest, ChangeRequest.state == ChangeState.PENDING),
        contracts=_count(Award, awaiting_contract)
        + _count(Contract, Contract.state == ContractState.DRAFT),
        scans=_count(
            Contract, Contract.state == ContractState.ISSUED, Contract.signed_scan_id.is_not(None)
        ),
        releases=select(func.count())
        .select_from(Installment)
        .join(Contract)
        .where(release)
        .scalar_subquery(),
        results=_count(Evaluation, Evaluation.state == EvaluationState.SCORED),
    )
    return _steps(
        Step(
            f["screening"],
            _(
                "applications to screen, the first submitted %(date)s",
                date=when(f["screening_since"]),
            )
            if f["screening_since"]
            else "",
            url_for("applications.screening_list", call_id=f["screening_call"], state="submitted")
            if f["screening_calls"] == 1
            else url_for("calls.manage"),
        ),
        Step(
            f["panels"],
            _("calls with eligible applications and no review panel yet: draw the panel"),
            url_for("review.panel", call_id=f["panel_call"])
            if f["panels"] == 1
            else url_for("review.calls"),
        ),
        Step(
            f["reviews_late"],
            _(
                "review panels past their scoring deadline without an award proposal, the "
                "first due %(date)s",
                date=when(f["reviews_late_since"]),
            )
            if f["reviews_late_since"]
            else "",
            url_for("review.panel", call_id=f["reviews_late_call"])
            if f["reviews_late"] == 1
            else url_for("review.calls"),
            late=True,
        ),
        Step(
            f["reviews_in"],
            _("review panels with every score sheet in: rank and propose the awards"),
            url_for("review.panel", call_id=f["reviews_in_call"])
            if f["reviews_in"] == 1
            else url_for("review.calls"),
        ),
        Step(
            f["expired"],
            _(
                "announcements (公示) past their period, waiting for confirmation (期满待确认); "
                "the first ended %(date)s",
                date=when(f["expired_on"]),
            )
            if f["expired_on"]
            else "",
            url_for("announcements.manage", announcement_id=f["expired_id"])
            if f["expired"] == 1
            else url_for("announcements.staff_index", state="published"),
        ),
        Step(
            f["ending"],
            _(
                "announcements (公示) ending within a week, the first on %(date)s",
                date=when(f["ending_on"]),
            )
            if f["ending_on"]
            else "",
            url_for("announcements.manage", announcement_id=f["ending_id"])
            if f["ending"] == 1
            else url_for("announcements.staff_index", state="published"),
        ),
        Step(
            f["objections"],
            _("objections to answer, the first lodged %(date)s", date=when(f["objection_since"]))
            if f["objection_since"]
            else "",
            url_for("announcements.manage", announcement_id=f["objection_announcement"])
            if f["objections"] == 1
            else url_for("announcements.staff_index", state="published"),
        ),
        Step(
            f["reports"],
            _("progress reports to accept or return"),
            url_for("delivery.index", attention=1),
        ),
        Step(f["changes"], _("change requests to decide"), url_for("delivery.index", attention=1)),
        Step(
            f["contracts"],
            _("contracts to draft and issue"),
            url_for("contracts.index", state="draft"),
        ),
        Step(
            f["scans"],
            _("signed contracts to confirm"),
            url_for("contracts.index", state="issued"),
        ),
        Step(
            f["releases"],
            _("installments to approve for payment"),
            url_for("payments.ledger", state="condition_met"),
        ),
        Step(
            f["results"],
            _("evaluation results to announce"),
            url_for("evaluation.index", state="scored"),
        ),
        Step(
            f["orgs"],
            _("organizations to verify"),
            url_for("orgs.index", status="pending"),
        ),
    )


# ── finance (财务人员) ───────────────────────────────────────────────────────────────────────


def finance_steps(_user):
    payable = and_(Installment.contract_id == Contract.id, Contract.state.in_(PAYABLE_CONTRACTS))
    to_pay = and_(payable, Installment.state == InstallmentState.RELEASE_APPROVED)
    coming = and_(payable, Installment.state == InstallmentState.CONDITION_MET)
    f = _figures(
        to_pay=select(func.count())
        .select_from(Installment)
        .join(Contract)
        .where(to_pay)
        .scalar_subquery(),
        to_pay_amount=select(func.coalesce(func.sum(Installment.amount), 0))
        .select_from(Installment)
        .join(Contract)
        .where(to_pay)
        .scalar_subquery(),
        to_pay_since=select(func.min(Installment.approved_at))
        .select_from(Installment)
        .join(Contract)
        .where(to_pay)
        .scalar_subquery(),
        coming=select(func.count())
        .select_from(Installment)
        .join(Contract)
        .where(coming)
        .scalar_subquery(),
        to_check=_count(Contract, Contract.state == ContractState.ISSUED),
    )
    return _steps(
        Step(
            f["to_pay"],
            _(
                "installments approved for release to pay, %(amount)s in all, the first approved "
                "%(date)s",
                amount=yuan(f["to_pay_amount"]),
                date=when(f["to_pay_since"]),
            )
            if f["to_pay_since"]
            else "",
            url_for("payments.ledger", state="release_approved"),
        ),
        Step(
            f["coming"],
            _("installments whose condition is met, waiting for staff approval"),
            url_for("payments.ledger", state="condition_met"),
        ),
        Step(
            f["to_check"],
            _("issued contracts to check before signing"),
            url_for("contracts.index", state="issued"),
        ),
    )


# ── evaluator (第三方评估机构) ───────────────────────────────────────────────────────────────


def evaluator_steps(user):
    mine = Evaluation.evaluator_id == user.id
    to_score = and_(mine, Evaluation.state == EvaluationState.SELF_ASSESSED)
    waiting = and_(mine, Evaluation.state == EvaluationState.ASSIGNED)
    f = _figures(
        to_score=_count(Evaluation, to_score),
        to_score_id=_earliest(Evaluation.id, to_score),
        to_score_since=_earliest(Evaluation.self_submitted_at, to_score),
        waiting=_count(Evaluation, waiting),
        waiting_by=_earliest(Evaluation.self_assessment_due, waiting),
    )
    return _steps(
        Step(
            f["to_score"],
            _(
                "evaluations to score, the self-assessment in since %(date)s",
                date=when(f["to_score_since"]),
            )
            if f["to_score_since"]
            else "",
            _one_or_list(
                f["to_score"],
                f["to_score_id"],
                lambda i: url_for("evaluation.show", evaluation_id=i),
                url_for("evaluation.tasks"),
            ),
        ),
        Step(
            f["waiting"],
            _(
                "evaluations waiting for the organization's self-assessment, due %(date)s",
                date=when(f["waiting_by"]),
            )
            if f["waiting_by"]
            else "",
            url_for("evaluation.tasks"),
        ),
    )


# ── community (社区居委会) ───────────────────────────────────────────────────────────────────


def community_steps(user):
    community_id = user.community_id
    if community_id is None:
        return []
    unchecked = and_(
        Activity.community_id == community_id,
        ProgressReport.id == Activity.report_id,
        ProgressReport.state.in_(CHECKABLE_REPORT_STATES),
        Project.id == ProgressReport.project_id,
        Project.state.not_in((ProjectState.CLOSED, ProjectState.TERMINATED)),
        ~exists().where(ActivityCheck.activity_id == Activity.id),
    )
    live = and_(Need.community_id == community_id, Need.status.in_(LIVE_STATUSES))
    f = _figures(
        to_check=select(func.count(Activity.id))
        .select_from(Activity)
        .join(ProgressReport)
        .join(Project)
        .where(unchecked)
        .scalar_subquery(),
        held_since=select(func.min(Activity.held_on))
        .select_from(Activity)
        .join(ProgressReport)
        .join(Project)
        .where(unchecked)
        .scalar_subquery(),
        needs=_count(Need, live),
        urgent=_count(Need, live, Need.urgency == Urgency.URGENT),
    )
    return _steps(
        Step(
            f["to_check"],
            _(
                "reported activities to confirm or dispute, the first held %(date)s",
                date=when(f["held_since"]),
            )
            if f["held_since"]
            else "",
            url_for("community.projects"),
        ),
        Step(
            f["needs"],
            _("needs of the community waiting for a project, %(n)d urgent", n=f["urgent"]),
            url_for("community.my_needs"),
        ),
    )


# ── admin (系统管理员) ───────────────────────────────────────────────────────────────────────


def admin_steps(_user):
    week_ago = now() - timedelta(days=7)
    f = _figures(
        orgs=_count(Organization, Organization.status == OrgStatus.PENDING),
        never=_count(User, User.active.is_(True), User.last_login_at.is_(None)),
        refused=_count(AccessDenied, AccessDenied.at >= week_ago),
    )
    return _steps(
        Step(
            f["orgs"],
            _("organizations waiting for staff to verify them"),
            url_for("orgs.index", status="pending"),
        ),
        Step(
            f["never"],
            _("active accounts that have never signed in"),
            url_for("admin.users"),
        ),
        Step(
            f["refused"],
            _("refused page requests in the last 7 days"),
            url_for("auth.access_denied_log"),
        ),
        _party_a_step(),
    )


def _party_a_step():
    """While Party A's contract details are the demo placeholders, contracts cannot be issued
    outside demo mode (venture/contracts/document.py)."""
    from venture.contracts.document import party_a_placeholders

    placeholders = party_a_placeholders()
    return Step(
        len(placeholders),
        _(
            "details of Party A on contracts (representative, phone, bank account) are still "
            "the demo placeholders: set CONTRACT_PARTY_A in instance/config.py"
        ),
        url_for("guide.show", role="admin"),
        late=not current_app.config.get("DEMO_MODE"),
    )
