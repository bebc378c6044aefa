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


def _waiting():
    """{step key: (model, the conditions of a record waiting at it)}, as of now."""
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

    published = Announcement.state == AnnouncementState.PUBLISHED
    without_contract = ~select(Contract.id).where(Contract.award_id == Award.id).exists()
    return {
        "open_bids": (Tender, Tender.opened_at.is_(None), Tender.opening_at <= now()),
        "finalise_announcement": (Announcement, published, Announcement.ends_on < local_today()),
        "draft_contract": (Award, Award.state == AwardState.FINAL, without_contract),
        "sign_contract": (Contract, Contract.state == ContractState.ISSUED),
        "approve_installment": (Installment, Installment.state == InstallmentState.CONDITION_MET),
        "review_report": (ProgressReport, ProgressReport.state == ReportState.SUBMITTED),
        "score_evaluation": (Evaluation, Evaluation.state == EvaluationState.SELF_ASSESSED),
        "close_project": (Project, Project.state == ProjectState.FINAL_EVALUATED),
    }


# step key: the page of a record waiting at it (endpoint, {URL value: the record's attribute})
PAGES = {
    "open_bids": ("procurement.tender", {"tender_id": "id"}),
    "finalise_announcement": ("announcements.manage", {"announcement_id": "id"}),
    "draft_contract": ("contracts.index", {}),
    "sign_contract": ("contracts.show", {"contract_id": "id"}),
    "approve_installment": ("contracts.show", {"contract_id": "contract_id"}),
    "review_report": ("delivery.report", {"report_id": "id"}),
    "score_evaluation": ("evaluation.show", {"evaluation_id": "id"}),
    "close_project": ("delivery.show", {"project_id": "id"}),
}


def step_url(key):
    """The page of the first record waiting at step key, or None when none waits."""
    model, *conditions = _waiting()[key]
    record = db.session.scalars(
        select(model).where(*conditions).order_by(model.id).limit(1)
    ).first()
    if record is None:
        return None
    endpoint, values = PAGES[key]
    return url_for(
        endpoint, **{name: getattr(record, attribute) for name, attribute in values.items()}
    )
