"""The demo takes a venture-grant call through the whole lifecycle: review, 公示, contracts,
payments, delivery and evaluation (venture/seed/demo_past.py, load_past_cycle)."""

from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from venture.announcements.enums import AnnouncementKind, AnnouncementState, ObjectionState
from venture.announcements.models import Announcement
from venture.applications.models import Application
from venture.auth.models import User
from venture.calls.enums import CallStatus, Route
from venture.calls.models import Call
from venture.community.models import ActivityCheck
from venture.community.permissions import CHECKABLE_REPORT_STATES
from venture.contracts.enums import ContractState
from venture.contracts.models import Contract
from venture.core.timeutil import local_today
from venture.delivery.enums import ProjectState
from venture.delivery.models import Activity, Expenditure, ProgressReport, Project
from venture.delivery.operations import outstanding_reports
from venture.demo import load_demo
from venture.evaluation.models import Evaluation
from venture.extensions import db
from venture.payments.enums import InstallmentState
from venture.payments.models import Installment, Payment
from venture.procurement.enums import AwardState
from venture.procurement.models import Award
from venture.review.enums import Aggregation, SheetState
from venture.review.models import ReviewAssignment, ReviewerProfile, ReviewSheet
from venture.review.operations import panel_of

# the demo is built for, and checked on, one fixed day (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("on_demo_day")


@pytest.fixture
def demo():
    load_demo()
    db.session.commit()


def _user(email):
    return db.session.scalars(select(User).where(User.email == email)).one()


def _closed_call():
    """The past cycle's call (venture/seed/demo_steps.py adds a second, smaller batch after it)."""
    return db.session.scalars(
        select(Call)
        .where(Call.route == Route.VENTURE_GRANT, Call.title.endswith("（第一批）征集公告"))
        .order_by(Call.id.desc())
        .limit(1)
    ).one()


def test_demo_closed_call_went_through_review_to_final_awards(demo):
    call = _closed_call()
    assert call.status == CallStatus.CLOSED
    assert call.title.endswith("年香坊区公益创投项目（第一批）征集公告")
    states = sorted(
        a.state.value
        for a in db.session.scalars(select(Application).where(Application.call_id == call.id))
    )
    assert states == ["awarded"] * 5 + ["ineligible", "not_awarded", "not_awarded"]
    assert db.session.scalar(select(func.count()).select_from(ReviewerProfile)) == 7
    panel = panel_of(call.id)
    assert (len(panel.regular_members), len(panel.reserve_members)) == (5, 1)
    assert panel.aggregation == Aggregation.TRIMMED
    sheets = db.session.scalars(
        select(ReviewSheet)
        .join(ReviewAssignment, ReviewAssignment.id == ReviewSheet.assignment_id)
        .where(ReviewAssignment.panel_id == panel.id)
    ).all()
    assert Counter(s.state for s in sheets) == {SheetState.SUBMITTED: 35}
    totals = sorted(s.total for s in sheets)  # varied: harsh and lenient reviewers
    assert (totals[0], totals[-1], len(set(totals))) == (Decimal("64.5"), Decimal("92.5"), 30)
    awards = db.session.scalars(
        select(Award).where(Award.call_id == call.id).order_by(Award.rank)
    ).all()
    assert [(a.rank, a.state, a.amount) for a in awards] == [
        (1, AwardState.FINAL, Decimal("110000.00")),
        (2, AwardState.FINAL, Decimal("91800.00")),
        (3, AwardState.FINAL, Decimal("96000.00")),
        (4, AwardState.FINAL, Decimal("66000.00")),
        (5, AwardState.FINAL, Decimal("116200.00")),  # reduced: the budget runs out
    ]
    assert sum(a.amount for a in awards) == call.total_budget
    result = db.session.scalars(
        select(Announcement).where(
            Announcement.kind == AnnouncementKind.REVIEW_RESULT, Announcement.call_id == call.id
        )
    ).one()
    assert result.state == AnnouncementState.FINALISED
    assert result.ends_on < local_today()
    assert [o.state for o in result.objections] == [ObjectionState.DISMISSED]


def test_demo_contracts_in_force_with_the_first_installment_paid(demo):
    staff, finance = _user("staff@venture.example.com"), _user("finance@venture.example.com")
    contracts = db.session.scalars(
        select(Contract).where(Contract.call_id == _closed_call().id).order_by(Contract.id)
    ).all()
    year = local_today().year
    assert [(c.number, c.state) for c in contracts] == [
        (f"XF-GYCT-{year}-{n:04d}", ContractState.IN_FORCE) for n in range(1, 6)
    ]
    assert {(c.document.content_type, c.signed_scan.content_type) for c in contracts} == {
        ("application/pdf", "application/pdf")
    }
    payments = db.session.scalars(
        select(Payment)
        .join(Installment, Installment.id == Payment.installment_id)
        .where(Installment.contract_id.in_([c.id for c in contracts]))
        .order_by(Payment.id)
    ).all()
    assert len(payments) == 5
    assert sum(p.amount for p in payments) == Decimal("240000.00")
    assert {(p.installment.position, p.installment.approved_by_id, p.recorded_by_id)
            for p in payments} == {(1, staff.id, finance.id)}  # fmt: skip
    states = Counter(
        i.state.value
        for i in db.session.scalars(
            select(Installment).where(Installment.contract_id.in_([c.id for c in contracts]))
        )
    )
    # one passed mid-term's second installment waits for staff (venture/seed/demo_steps.py)
    assert states == {"paid": 5, "release_approved": 1, "condition_met": 1, "pending": 8}


def test_demo_projects_report_and_are_evaluated(demo):
    projects = db.session.scalars(
        select(Project).where(Project.call_id == _closed_call().id).order_by(Project.id)
    ).all()
    # the last two had their mid-term from venture/seed/demo_steps.py: one final, one announced
    assert [p.state.value for p in projects] == ["midterm_evaluated"] + ["in_force"] * 3 + [
        "midterm_evaluated"
    ]
    reports = Counter(r.state.value for r in db.session.scalars(select(ProgressReport)))
    # the first cycle's 9 reports, 31 activities and 34 expenditures, and the 2 reports, 6
    # activities and 6 expenditures of the project ready to close (venture/seed/demo_steps.py)
    assert reports == {"accepted": 11, "submitted": 1, "draft": 1}
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 37
    assert db.session.scalar(select(func.count()).select_from(Expenditure)) == 40
    evaluator = _user("evaluator@venture.example.com")
    evaluations = db.session.scalars(
        select(Evaluation)
        .where(Evaluation.project_id.in_([p.id for p in projects]))
        .order_by(Evaluation.id)
    ).all()
    assert [
        (e.kind.value, e.state.value, e.passed, e.total, e.evaluator_id) for e in evaluations
    ] == [
        ("midterm", "final", True, Decimal("85.5"), evaluator.id),
        ("midterm", "self_assessed", None, None, evaluator.id),
        ("midterm", "final", True, Decimal("85.5"), evaluator.id),
        ("midterm", "announced", None, Decimal("85.5"), evaluator.id),
    ]
    assert evaluations[0].announcement.state == AnnouncementState.FINALISED


def test_demo_applicant_and_community_have_next_steps(demo):
    applicant = _user("applicant@venture.example.com")
    own = db.session.scalars(
        select(Project).where(
            Project.organization_id == applicant.organization_id,
            Project.call_id == _closed_call().id,
        )
    ).one()
    assert own.contract.state == ContractState.IN_FORCE
    due = outstanding_reports(statuses=("due", "draft", "overdue"), projects=[own])
    assert [o.row.status for o in due] == ["draft"]
    committee = _user("community@venture.example.com")
    to_check = db.session.scalar(
        select(func.count(Activity.id))
        .join(ProgressReport, ProgressReport.id == Activity.report_id)
        .outerjoin(ActivityCheck, ActivityCheck.activity_id == Activity.id)
        .where(
            Activity.community_id == committee.community_id,
            ProgressReport.state.in_(CHECKABLE_REPORT_STATES),
            ActivityCheck.id.is_(None),
        )
    )
    assert to_check == 10  # 6 of the first cycle, 4 of the project ready to close


def test_demo_has_a_record_waiting_at_every_step(demo):
    """README, "Try each step": no clock change needed to reach any of them."""
    from venture.guide.steps import STEP_KEYS, step_url

    waiting = {key: step_url(key) for key in STEP_KEYS}
    assert [key for key, url in waiting.items() if url is None] == []
    closing = db.session.scalars(
        select(Project).where(Project.state == ProjectState.FINAL_EVALUATED)
    ).one()
    assert {i.state for i in closing.contract.installments} == {InstallmentState.PAID}
    evaluations = db.session.scalars(
        select(Evaluation).where(Evaluation.project_id == closing.id).order_by(Evaluation.id)
    )
    assert [(e.kind.value, e.state.value, e.passed) for e in evaluations] == [
        ("midterm", "final", True),
        ("final", "final", True),
    ]
