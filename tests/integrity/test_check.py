"""`flask integrity check`: 0 findings on the demo, and each deliberately broken record found."""

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from tests.integrity.test_closing import evaluated
from tests.roadshow import helpers as roadshows
from venture.applications.models import Application
from venture.auth.enums import Role
from venture.core.timeutil import now
from venture.delivery.enums import ProjectState
from venture.demo import load_demo
from venture.extensions import db
from venture.integrity.checks import run_checks
from venture.payments.enums import InstallmentState
from venture.payments.models import Installment, Payment
from venture.procurement.models import Award


def test_integrity_check_prints_0_findings_on_the_demo(app):
    load_demo()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["integrity", "check"])
    assert (result.exit_code, result.output.splitlines()[-1]) == (
        0,
        "0 findings (18 rules checked)",
    )


def test_integrity_check_finds_every_deliberately_broken_record(app, make):
    # phases: a roadshow started while the call still took applications
    scene = roadshows.scene(reviewers=3, applications=1, start=True)
    scene.call.closes_at = now() + timedelta(days=3)
    # phases: an application accepted after the deadline
    late = db.session.scalar(sa.select(Application).where(Application.call_id == scene.call.id))
    late.submitted_at = scene.call.closes_at + timedelta(hours=1)
    # money: a contract whose amount is not its award's, and an overpaid installment
    contract = make.contract("1000.00", state="in_force")
    db.session.execute(
        sa.update(Award).where(Award.id == contract.award_id).values(amount=Decimal("1200.00"))
    )
    first = contract.installments[0]
    db.session.add(
        Payment(
            installment=first,
            paid_on=now().date(),
            amount=Decimal("600.00"),
            voucher_no="记-999",
            bank_reference="X1",
            recorded_by_id=make.user(Role.FINANCE).id,
        )
    )
    # payment conditions: a mid-term installment released with no evaluation and no exception
    midterm = contract.installments[1]
    midterm.state = InstallmentState.RELEASE_APPROVED
    # money: installments that do not add up, a budget table that does not add up
    other = make.contract("2000.00", state="issued")
    other.installments[2].amount += Decimal("0.01")
    other.application.budget_lines[0].requested = Decimal("2500.00")
    # closing: a project closed with no surplus settlement
    project, _member, _staff, _first = evaluated(make)
    project.state = ProjectState.CLOSED
    db.session.commit()

    findings = {(f.rule, f.record) for f in run_checks()}
    assert findings == {
        ("phase.panel_after_deadline", f"roadshow {scene.roadshow.id}"),
        ("phase.no_application_after_deadline", f"application {late.id}"),
        ("money.award_equals_contract", f"contract {contract.id}"),
        ("money.payments_within_installment", f"installment {first.id}"),
        ("money.installments_equal_contract", f"contract {other.id}"),
        ("money.budget_table_equals_contract", f"contract {other.id}"),
        (
            "payment.condition_is_event",
            f"installment {midterm.id} (contract {contract.id})",
        ),
        ("closing.checklist", f"project {project.id}"),
    }
    result = app.test_cli_runner().invoke(args=["integrity", "check"])
    assert (result.exit_code, result.output.splitlines()[-1]) == (
        1,
        "8 findings (18 rules checked)",
    )


def test_integrity_check_finds_a_stored_paid_total_that_is_not_its_payments(make):
    contract = make.contract("1000.00", state="in_force")
    first, second = contract.installments[0], contract.installments[1]
    db.session.add(
        Payment(
            installment=first,
            paid_on=now().date(),
            amount=Decimal("120.00"),
            voucher_no="记-998",
            bank_reference="X2",
            recorded_by_id=make.user(Role.FINANCE).id,
        )
    )
    db.session.commit()
    assert [f.rule for f in run_checks() if f.rule == "money.installment_paid_total"] == []
    db.session.execute(
        sa.update(Installment).where(Installment.id == second.id).values(paid_total=5)
    )
    db.session.commit()
    findings = [f for f in run_checks() if f.rule == "money.installment_paid_total"]
    assert [(f.record, f.detail) for f in findings] == [
        (f"installment {second.id}", "stored paid total 5.00, its payments add up to 0.00")
    ]


def test_integrity_check_finds_stored_queue_counts_that_are_not_the_assignments(make):
    from tests.review import helpers
    from venture.review.models import ReviewerProfile

    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    helpers.application(call)
    experts = [helpers.expert() for _ in range(3)]
    helpers.assign(helpers.panel(call, experts, staff=staff), staff)
    assert [f for f in run_checks() if f.rule == "review.queue_counts"] == []
    db.session.execute(
        sa.update(ReviewerProfile)
        .where(ReviewerProfile.id == experts[1].id)
        .values(queue_listed=4, queue_submitted=1)
    )
    db.session.commit()
    findings = [f for f in run_checks() if f.rule == "review.queue_counts"]
    assert [(f.record, f.detail) for f in findings] == [
        (
            f"reviewer profile {experts[1].id}",
            "stored queue counts (listed, standing, submitted) (4, 1, 1), its assignments "
            "count (1, 1, 0)",
        )
    ]
