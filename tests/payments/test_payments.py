"""Installments: exact splits, conditions, two-person release, no payment beyond what is left."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from venture.auth.enums import Role
from venture.calls.enums import InstallmentCondition
from venture.core.audit import AuditEntry
from venture.core.lifecycle import TransitionRefused
from venture.core.money import split_by_percentages
from venture.extensions import db
from venture.payments import operations
from venture.payments.enums import InstallmentState
from venture.payments.lifecycle import INSTALLMENT_WORKFLOW
from venture.payments.models import Payment


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("100000.01", ["50000.00", "30000.00", "20000.01"]),
        ("0.05", ["0.02", "0.01", "0.02"]),
        ("33333.33", ["16666.66", "9999.99", "6666.68"]),
        ("107000.53", ["53500.26", "32100.15", "21400.12"]),
    ],
)
def test_installments_sum_to_the_amount_to_the_cent(make, amount, expected):
    contract = make.contract(amount)
    amounts = [i.amount for i in contract.installments]
    assert amounts == [Decimal(x) for x in expected]
    assert sum(amounts) == Decimal(amount)
    assert split_by_percentages(amount, [50, 30, 20]) == amounts


def approved(make, amount="100000.01", staff=None):
    """A signed contract whose first (on signing) installment is approved for release."""
    staff = staff or make.user(Role.STAFF)
    contract = make.contract(amount, state="signed", staff=staff)
    first = contract.installments[0]
    operations.approve_release(first, actor=staff)
    db.session.commit()
    return first, staff


def pay(installment, amount, actor, voucher="记-001"):
    return operations.record_payment(
        installment,
        amount=Decimal(amount),
        paid_on=date.today(),
        voucher_no=voucher,
        bank_reference="HX20260301001",
        actor=actor,
    )


def test_signing_meets_on_signing_conditions_only(make):
    contract = make.contract("1000.00", state="signed")
    assert [i.state for i in contract.installments] == [
        InstallmentState.CONDITION_MET,
        InstallmentState.PENDING,
        InstallmentState.PENDING,
    ]
    assert contract.installments[0].condition_note == "合同已签订。"


def test_second_payment_beyond_the_installment_is_refused_with_figures(make):
    installment, _staff = approved(make)
    finance = make.user(Role.FINANCE)
    pay(installment, "30000.00", finance)
    db.session.commit()
    with pytest.raises(operations.PaymentRefused) as refused:
        pay(installment, "20000.01", finance, voucher="记-002")
    assert str(refused.value) == (
        "¥20,000.01 超过第 1 期尚未支付的金额：剩余 ¥20,000.00（应付 ¥50,000.00）。"
    )
    assert refused.value.field == "amount"
    db.session.rollback()
    pay(installment, "20000.00", finance, voucher="记-002")
    db.session.commit()
    assert (installment.state, installment.remaining) == (InstallmentState.PAID, Decimal("0.00"))
    with pytest.raises(operations.PaymentRefused, match="剩余 ¥0.00"):
        pay(installment, "0.01", finance, voucher="记-003")


def test_paid_total_is_kept_with_the_payments(make):
    """The stored figure the ledger's totals read: the sum of the installment's payments, after
    each payment, a refused one rolled back, and a payment removed."""
    installment, _staff = approved(make, "1000.00")
    finance = make.user(Role.FINANCE)

    def stored():
        db.session.expire_all()
        return db.session.get(type(installment), installment.id).paid_total

    assert stored() == Decimal("0.00")
    pay(installment, "120.50", finance)
    db.session.commit()
    assert stored() == Decimal("120.50")
    pay(installment, "300.00", finance, voucher="记-002")
    db.session.commit()
    assert stored() == Decimal("420.50")
    with pytest.raises(operations.PaymentRefused):
        pay(installment, "1000.00", finance, voucher="记-003")
    db.session.rollback()
    assert stored() == Decimal("420.50")
    first = db.session.scalar(select(Payment).where(Payment.voucher_no == "记-001"))
    db.session.delete(first)
    db.session.commit()
    assert stored() == Decimal("300.00") == installment.paid_amount


def test_same_voucher_twice_on_an_installment_is_refused(make):
    installment, _staff = approved(make, "1000.00")
    finance = make.user(Role.FINANCE)
    pay(installment, "100.00", finance, voucher="记-007")
    with pytest.raises(operations.PaymentRefused) as refused:
        pay(installment, "100.00", finance, voucher="记-007")
    assert (str(refused.value), refused.value.field) == (
        "凭证号 记-007 已在本期登记过。",
        "voucher_no",
    )


def test_payment_beyond_the_contract_is_refused(make):
    installment, _staff = approved(make, "1000.00")
    finance = make.user(Role.FINANCE)
    # an installment inflated behind the platform's back still cannot overpay the contract
    installment.amount = Decimal("1500.00")
    with pytest.raises(operations.PaymentRefused) as refused:
        pay(installment, "1200.00", finance)
    assert str(refused.value) == (
        "¥1,200.00 超过合同尚未支付的金额：剩余 ¥1,000.00（合同金额 ¥1,000.00）。"
    )


def test_same_user_cannot_approve_and_record(make):
    both = make.user(Role.STAFF, Role.FINANCE)
    installment, _staff = approved(make, staff=both)
    with pytest.raises(operations.PaymentRefused) as refused:
        pay(installment, "100.00", both)
    assert str(refused.value) == "您批准了本期拨付，须由另一人登记支付（双人复核）。"
    assert db.session.scalars(select(Payment)).all() == []
    pay(installment, "100.00", make.user(Role.FINANCE))


def test_payment_needs_an_approved_release_and_a_finance_role(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="signed", staff=staff)
    finance = make.user(Role.FINANCE)
    with pytest.raises(operations.PaymentRefused, match="须先由项目主管批准拨付"):
        pay(contract.installments[0], "100.00", finance)
    operations.approve_release(contract.installments[0], actor=staff)
    with pytest.raises(operations.PaymentRefused, match="您无权进行此操作"):
        pay(contract.installments[0], "100.00", make.user(Role.STAFF))


def test_finance_cannot_approve_a_release(make):
    contract = make.contract("1000.00", state="signed")
    with pytest.raises(TransitionRefused, match="您无权进行此操作"):
        operations.approve_release(contract.installments[0], actor=make.user(Role.FINANCE))


def test_no_release_or_payment_once_the_contract_is_terminated(make):
    from venture.contracts.operations import decide_contract

    installment, staff = approved(make, "1000.00")
    decide_contract(installment.contract, "terminate", actor=staff, reason="机构注销")
    with pytest.raises(operations.PaymentRefused, match="只有已签订的合同才能拨付资金"):
        pay(installment, "100.00", make.user(Role.FINANCE))


def test_future_payment_date_is_refused(make):
    installment, _staff = approved(make, "1000.00")
    with pytest.raises(operations.PaymentRefused) as refused:
        operations.record_payment(
            installment,
            amount=Decimal("1.00"),
            paid_on=date.today() + timedelta(days=2),
            voucher_no="v",
            bank_reference="b",
            actor=make.user(Role.FINANCE),
        )
    assert refused.value.field == "paid_on"


def test_payment_is_audited_with_before_and_after(make):
    installment, _staff = approved(make, "1000.00")
    finance = make.user(Role.FINANCE)
    pay(installment, "200.00", finance)
    db.session.commit()
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "payment.record")
    ).one()
    assert entry.actor_id == finance.id
    assert entry.before_data == {"paid": "0.00", "remaining": "500.00"}
    assert entry.after_data["paid"] == "200.00"
    assert entry.after_data["remaining"] == "300.00"
    assert entry.after_data["voucher_no"] == "记-001"


def test_staff_cannot_record_an_evaluation_condition_before_the_evaluation(make):
    """Conditions are events (venture.integrity.conditions): a typed note does not meet one."""
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="in_force", staff=staff)
    midterm = contract.installments[1]
    with pytest.raises(operations.PaymentRefused) as refused:
        operations.set_condition_met(midterm, actor=staff, reason="中期评估报告（2026-06-15）合格")
    assert str(refused.value) == (
        "第 2 期的拨付条件（中期评估合格后）尚未达成。条件达成前拨付须作为例外处理：由一名工作人员"
        "说明理由，另一名工作人员确认。"
    )
    db.session.rollback()
    assert (midterm.state, midterm.condition_note) == (InstallmentState.PENDING, None)


def test_condition_cannot_be_met_before_signing(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="issued", staff=staff)
    with pytest.raises(TransitionRefused, match="只有已签订的合同才能拨付资金"):
        operations.set_condition_met(contract.installments[1], actor=staff, reason="提前")


class Project:
    """What the evaluation module will pass: a record that knows its award."""

    def __init__(self, award_id):
        self.award_id = award_id


def test_evaluation_hook_meets_the_matching_condition(make):
    contract = make.contract("1000.00", state="in_force")
    changed = operations.evaluation_passed(Project(contract.award_id), "midterm")
    db.session.commit()
    assert [i.condition for i in changed] == [InstallmentCondition.MIDTERM_PASSED]
    assert [i.state for i in contract.installments] == [
        InstallmentState.CONDITION_MET,
        InstallmentState.CONDITION_MET,
        InstallmentState.PENDING,
    ]
    assert operations.evaluation_passed(contract, "midterm") == []
    (final,) = operations.evaluation_passed(contract, "final_passed")
    assert final.condition_note == "结项评估合格。"
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "installment.meet_condition")
        .order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.actor_id is None


def test_installment_table_refuses_every_pair_outside_it(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="signed", staff=staff)
    installment = contract.installments[1]
    for transition in INSTALLMENT_WORKFLOW.transitions:
        for state in InstallmentState:
            if state in transition.sources:
                continue
            installment.state = state
            refusal = INSTALLMENT_WORKFLOW.refusal(installment, transition.action, staff, "x")
            assert str(refusal).startswith("当前状态为"), (transition.action, state)
