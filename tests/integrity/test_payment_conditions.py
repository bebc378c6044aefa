"""Payment conditions are events: an installment waits for its event or a two-person exception."""

import pytest

from tests.delivery.helpers import delivering
from tests.evaluation.helpers import evaluate, evaluator
from venture.auth.enums import Role
from venture.core.lifecycle import TransitionRefused
from venture.core.timeutil import local_today
from venture.extensions import db
from venture.integrity.conditions import condition_event_happened
from venture.payments import exports, ledger_query
from venture.payments import operations as payments
from venture.payments.enums import InstallmentState

NOT_YET = (
    "第 2 期的拨付条件（中期评估合格后）尚未达成。条件达成前拨付须作为例外处理：由一名工作人员"
    "说明理由，另一名工作人员确认。"
)


def midterm_installment(project):
    installment = project.contract.installments[1]
    assert installment.condition.value == "midterm_passed"
    return installment


def test_midterm_installment_waits_for_the_passed_midterm_evaluation(make):
    project, member, staff = delivering(make)
    installment = midterm_installment(project)
    with pytest.raises(payments.PaymentRefused) as refused:
        payments.set_condition_met(installment, actor=staff, reason="中期评估合格后")
    assert str(refused.value) == NOT_YET
    with pytest.raises(TransitionRefused):
        payments.approve_release(installment, actor=staff)
    db.session.rollback()
    assert (installment.state, condition_event_happened(installment)) == (
        InstallmentState.PENDING,
        False,
    )

    evaluate(project, staff, evaluator(make), member, "85", kind="midterm")
    db.session.commit()
    assert (installment.state, condition_event_happened(installment)) == (
        InstallmentState.CONDITION_MET,
        True,
    )
    payments.approve_release(installment, actor=staff)
    db.session.commit()
    assert installment.state == InstallmentState.RELEASE_APPROVED


def test_a_failed_midterm_evaluation_does_not_meet_the_condition(make):
    project, member, staff = delivering(make)
    installment = midterm_installment(project)
    evaluate(project, staff, evaluator(make), member, "52", kind="midterm")
    db.session.commit()
    assert (installment.state, condition_event_happened(installment)) == (
        InstallmentState.PENDING,
        False,
    )
    with pytest.raises(payments.PaymentRefused) as refused:
        payments.set_condition_met(installment, actor=staff, reason="评估已完成")
    assert str(refused.value) == NOT_YET


def test_an_exception_needs_a_reason_and_a_second_person_and_shows_in_the_ledger(
    make, client, login
):
    project, _member, staff = delivering(make)
    second = make.user(Role.STAFF, name="李科长")
    finance = make.user(Role.FINANCE, name="王会计")
    installment = midterm_installment(project)

    with pytest.raises(payments.PaymentRefused) as refused:
        payments.request_condition_override(installment, reason="  ", actor=staff)
    assert str(refused.value) == "请说明例外拨付的理由。"
    payments.request_condition_override(
        installment, reason="评估机构延期，经局务会研究提前拨付", actor=staff
    )
    db.session.commit()
    with pytest.raises(payments.PaymentRefused) as refused:
        payments.confirm_condition_override(installment, actor=staff)
    assert str(refused.value) == "例外申请由您提出，须由另一名工作人员确认。"
    assert installment.state == InstallmentState.PENDING

    payments.confirm_condition_override(installment, actor=second)
    payments.approve_release(installment, actor=staff)
    payments.record_payment(
        installment,
        amount=installment.amount,
        paid_on=local_today(),
        voucher_no="记-002",
        bank_reference="HX0002",
        actor=finance,
    )
    db.session.commit()
    assert installment.state == InstallmentState.PAID
    assert installment.condition_note == "例外：评估机构延期，经局务会研究提前拨付"

    rows = exports.ledger_rows(ledger_query.LedgerFilters.from_args({}))
    row = next(r for r in rows if r[0] == project.contract.number and r[6] == 2)
    assert exports.ledger_columns()[-1] == "拨付条件例外"
    assert row[-1] == "评估机构延期，经局务会研究提前拨付（张主管 申请，李科长 确认）"

    login(staff)
    page = client.get(f"/contracts/{project.contract.id}").get_data(as_text=True)
    assert "拨付条件例外：评估机构延期，经局务会研究提前拨付（张主管 申请，李科长 确认）" in page


def test_the_exception_routes_take_the_two_steps(make, client, login):
    project, _member, staff = delivering(make)
    second = make.user(Role.STAFF, name="李科长")
    installment = midterm_installment(project)
    login(staff)
    page = client.get(f"/contracts/{project.contract.id}").get_data(as_text=True)
    assert "申请例外拨付" in page
    response = client.post(f"/installments/{installment.id}/override", data={"reason": "评估延期"})
    assert response.status_code == 302
    db.session.refresh(installment)
    assert (installment.override_reason, installment.override_requested_by_id) == (
        "评估延期",
        staff.id,
    )
    client.post("/logout")
    login(second)
    assert client.post(f"/installments/{installment.id}/override/confirm").status_code == 302
    db.session.refresh(installment)
    assert (installment.state, installment.override_confirmed_by_id) == (
        InstallmentState.CONDITION_MET,
        second.id,
    )
