"""One money chain: after a cut (核减) the contract prints one amount everywhere."""

from decimal import Decimal

import pytest

from tests.pdf_checks import pdf_text
from venture.applications.enums import BudgetCategory
from venture.applications.models import BudgetLine
from venture.auth.enums import Role
from venture.contracts import budget, operations
from venture.contracts.enums import ContractState
from venture.core.audit import AuditEntry
from venture.core.lifecycle import TransitionRefused
from venture.extensions import db

REQUEST = (
    (BudgetCategory.PERSONNEL, "社工补贴", "66000.00"),
    (BudgetCategory.ACTIVITIES, "活动费", "54000.00"),
    (BudgetCategory.MATERIALS, "物资", "15000.00"),
)


def cut_contract(make):
    """A draft contract of ¥116,200.00 from an application that asked for ¥135,000.00."""
    staff = make.user(Role.STAFF)
    award = make.award("116200.00", staff=staff)
    application = award.application
    application.requested_amount = Decimal("135000.00")
    application.budget_lines = [
        BudgetLine(
            position=n,
            category=category,
            item=item,
            unit_price=Decimal(amount),
            quantity=Decimal("1"),
            amount=Decimal(amount),
            requested=Decimal(amount),
            own_funds=Decimal("0.00"),
        )
        for n, (category, item, amount) in enumerate(REQUEST, 1)
    ]
    db.session.commit()
    contract = operations.draft_contract(award, actor=staff)
    db.session.commit()
    member = make.user(Role.APPLICANT, organization=award.organization)
    return contract, staff, member


def test_contract_after_a_cut_is_refused_until_the_budget_is_reallocated(make):
    contract, staff, _member = cut_contract(make)
    with pytest.raises(TransitionRefused) as refused:
        operations.issue_contract(contract, actor=staff)
    assert str(refused.value) == (
        "预算表合计为 ¥135,000.00，而合同金额为 ¥116,200.00：须由社会组织将预算科目调整至"
        "资助金额，并经工作人员确认。"
    )


def test_reallocation_must_add_up_to_the_awarded_amount(make):
    contract, _staff, member = cut_contract(make)
    with pytest.raises(budget.BudgetRefused) as refused:
        budget.propose_budget_allocation(
            contract, {"personnel": "66000.00", "activities": "50200.01"}, actor=member
        )
    assert str(refused.value) == "各科目合计为 ¥116,200.01，须等于资助金额 ¥116,200.00。"


def test_contract_after_a_cut_prints_the_same_amount_three_times(make, tmp_path):
    contract, staff, member = cut_contract(make)
    budget.propose_budget_allocation(
        contract,
        {"personnel": "56800.00", "activities": "46480.00", "materials": "12920.00"},
        actor=member,
    )
    db.session.commit()
    with pytest.raises(TransitionRefused) as refused:
        operations.issue_contract(contract, actor=staff)
    assert str(refused.value) == (
        "社会组织已将预算调整至 ¥116,200.00；须经工作人员确认后方可发出合同。"
    )
    db.session.rollback()
    budget.confirm_budget_allocation(contract, actor=staff)
    operations.issue_contract(contract, actor=staff)
    db.session.commit()
    assert contract.state == ContractState.ISSUED

    text = pdf_text(contract.document.path.read_bytes(), tmp_path / "c.pdf")
    # the amount clause, the budget table's total, the installments' total
    assert text.count("116,200.00") == 3
    assert "本合同金额为人民币116,200.00元（大写：人民币壹拾壹万陆仟贰佰元整）" in text
    assert "人员费56,800.00活动费46,480.00物资费12,920.00合计116,200.00" in text
    assert "合计100%116,200.00人民币壹拾壹万陆仟贰佰元整" in text
    # the request is history: on the application, not in the contract
    assert "66,000.00" not in text
    assert [line.requested for line in contract.application.budget_lines] == [
        Decimal("66000.00"),
        Decimal("54000.00"),
        Decimal("15000.00"),
    ]
    actions = [
        e.action
        for e in db.session.query(AuditEntry)
        .filter_by(object_type="Contract", object_id=contract.id)
        .order_by(AuditEntry.id)
    ]
    assert actions[:3] == ["contract.draft", "contract.budget_propose", "contract.budget_confirm"]


def test_the_basis_clause_names_the_call_notice_once(make, tmp_path):
    contract = make.contract("1000.00", call_title="2026年香坊区公益创投项目征集公告")
    assert contract.legal_basis == (
        "《中华人民共和国民法典》《政府购买服务管理办法》（财政部令第102号）及"
        "“2026年香坊区公益创投项目征集公告”、专家评审结果和立项公示"
    )
    other = make.contract("1000.00", call_title="2026年助残服务项目")
    assert other.legal_basis.endswith("及“2026年助残服务项目”征集公告、专家评审结果和立项公示")


def test_contract_issue_is_refused_outside_demo_mode_with_placeholder_party_a(app, make):
    contract = make.contract("1000.00")
    staff = make.user(Role.STAFF)
    app.config["DEMO_MODE"] = False
    try:
        with pytest.raises(TransitionRefused) as refused:
            operations.issue_contract(contract, actor=staff)
        assert str(refused.value) == (
            "甲方信息（代表人、银行账号、电话）仍是演示用的占位内容：请先在配置中设置 "
            "CONTRACT_PARTY_A，再发出合同。"
        )
        db.session.rollback()
        app.config["CONTRACT_PARTY_A"] = {
            "representative": "张局长",
            "phone": "0451-86000000",
            "bank_account": "3500042309001234567",
        }
        operations.issue_contract(contract, actor=staff)
        assert contract.state == ContractState.ISSUED
    finally:
        app.config["DEMO_MODE"] = True
        app.config.pop("CONTRACT_PARTY_A", None)


def test_the_organization_reallocates_on_the_budget_page_and_staff_confirm(make, client, login):
    contract, staff, member = cut_contract(make)
    login(member)
    page = client.get(f"/contracts/{contract.id}/budget").get_data(as_text=True)
    assert "申报书中的申请金额（历史记录）" in page
    response = client.post(
        f"/contracts/{contract.id}/budget",
        data={"amount-personnel": "60000.00", "amount-activities": "56200.01"},
    )
    assert response.status_code == 400
    assert "各科目合计为 ¥116,200.01，须等于资助金额 ¥116,200.00。" in response.get_data(
        as_text=True
    )
    response = client.post(
        f"/contracts/{contract.id}/budget",
        data={"amount-personnel": "60000.00", "amount-activities": "56200.00"},
    )
    assert response.status_code == 302
    assert client.post(f"/contracts/{contract.id}/budget/confirm").status_code == 403
    client.post("/logout")
    login(staff)
    assert client.post(f"/contracts/{contract.id}/budget/confirm").status_code == 302
    db.session.refresh(contract)
    assert contract.budget_allocation == [
        {"category": "personnel", "amount": "60000.00"},
        {"category": "activities", "amount": "56200.00"},
    ]
    assert (contract.budget_proposed_by_id, contract.budget_confirmed_by_id) == (
        member.id,
        staff.id,
    )
