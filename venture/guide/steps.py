"""“Try each step”: for every step of the lifecycle that waits on a person, the first record
waiting at it, so a tester (README, “Try each step”) reaches the page whose button takes the
step. The demo (venture/seed/demo_steps.py) holds one record at each."""

from flask import url_for
from sqlalchemy import select

from venture.core.timeutil import local_today, now
from venture.extensions import db

# in the order of the lifecycle; the README's table lists them with the login and the button
STEP_KEYS = (
    "open_bids",  # staff: a tender past its opening (开标)
    "finalise_announcement",  # staff: a 公示 past its period
    "draft_contract",  # staff: a final award without a contract
    "sign_contract",  # applicant: an issued contract
    "approve_installment",  # staff: an installment whose condition is met
    "review_report",  # staff: a submitted progress report
    "score_evaluation",  # evaluator: a self-assessment submitted
    "close_project",  # staff: a project whose final evaluation passed, all paid
)


def _first(query):
    return db.session.scalars(query.limit(1)).first()


def step_url(key):
    """The page of the first record waiting at step key, or None when none waits."""
    from venture.announcements.enums import AnnouncementState
    from venture.announcements.models import Announcement
    from venture.contracts.enums import ContractState
    from venture.contracts.models import Contract
    from venture.delivery.enums import ProjectState, ReportState
    from venture.delivery.models import ProgressReport, Project
    from venture.evaluation.enums import EvaluationState
    from venture.evaluation.models import Evaluation
    from venture.payments.enums import InstallmentState
    from venture.payments.models import Installment
    from venture.procurement.enums import AwardState
    from venture.procurement.models import Award, Tender

    if key == "open_bids":
        tender = _first(
            select(Tender)
            .where(Tender.opened_at.is_(None), Tender.opening_at <= now())
            .order_by(Tender.id)
        )
        return tender and url_for("procurement.tender", tender_id=tender.id)
    if key == "finalise_announcement":
        announcement = _first(
            select(Announcement)
            .where(
                Announcement.state == AnnouncementState.PUBLISHED,
                Announcement.ends_on < local_today(),
            )
            .order_by(Announcement.id)
        )
        return announcement and url_for("announcements.manage", announcement_id=announcement.id)
    if key == "draft_contract":
        award = _first(
            select(Award)
            .where(
                Award.state == AwardState.FINAL,
                ~select(Contract.id).where(Contract.award_id == Award.id).exists(),
            )
            .order_by(Award.id)
        )
        return award and url_for("contracts.index")
    if key == "sign_contract":
        contract = _first(
            select(Contract).where(Contract.state == ContractState.ISSUED).order_by(Contract.id)
        )
        return contract and url_for("contracts.show", contract_id=contract.id)
    if key == "approve_installment":
        installment = _first(
            select(Installment)
            .where(Installment.state == InstallmentState.CONDITION_MET)
            .order_by(Installment.id)
        )
        return installment and url_for("contracts.show", contract_id=installment.contract_id)
    if key == "review_report":
        report = _first(
            select(ProgressReport)
            .where(ProgressReport.state == ReportState.SUBMITTED)
            .order_by(ProgressReport.id)
        )
        return report and url_for("delivery.report", report_id=report.id)
    if key == "score_evaluation":
        evaluation = _first(
            select(Evaluation)
            .where(Evaluation.state == EvaluationState.SELF_ASSESSED)
            .order_by(Evaluation.id)
        )
        return evaluation and url_for("evaluation.show", evaluation_id=evaluation.id)
    if key == "close_project":
        project = _first(
            select(Project)
            .where(Project.state == ProjectState.FINAL_EVALUATED)
            .order_by(Project.id)
        )
        return project and url_for("delivery.show", project_id=project.id)
    raise KeyError(key)
