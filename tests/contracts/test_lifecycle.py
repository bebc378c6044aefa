"""Contract states from the transition table, edits only in draft, issue and signature."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.pdf_bytes import MINIMAL_PDF
from venture.auth.enums import Role
from venture.calls.enums import InstallmentCondition
from venture.contracts import document, operations
from venture.contracts.enums import ContractState
from venture.contracts.lifecycle import CONTRACT_WORKFLOW
from venture.core.audit import AuditEntry
from venture.core.lifecycle import TransitionRefused
from venture.extensions import db
from venture.payments.enums import InstallmentState
from venture.procurement.enums import AwardState


class Upload:
    """A stand-in for an uploaded file (werkzeug FileStorage's read/filename)."""

    def __init__(self, data, filename):
        self.data, self.filename = data, filename

    def read(self, size=-1):
        return self.data if size < 0 else self.data[:size]


def actors(make):
    return make.user(Role.STAFF), make.user(Role.FINANCE)


@pytest.mark.parametrize("transition", CONTRACT_WORKFLOW.transitions, ids=lambda t: t.action)
def test_every_transition_is_refused_from_states_outside_its_sources(make, transition):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", staff=staff)
    for state in ContractState:
        if state in transition.sources:
            continue
        contract.state = state
        refusal = CONTRACT_WORKFLOW.refusal(contract, transition.action, staff, reason="x")
        assert str(refusal).startswith("当前状态为"), (transition.action, state)


@pytest.mark.parametrize("transition", CONTRACT_WORKFLOW.transitions, ids=lambda t: t.action)
def test_only_staff_take_contract_transitions(make, transition):
    if transition.action == "sign_online":
        pytest.skip("Party B signs online: tests/documents/test_signed_contract.py")
    contract = make.contract("1000.00")
    contract.state = transition.sources[0]
    for role in (Role.FINANCE, Role.APPLICANT, Role.REVIEWER, Role.ADMIN):
        user = make.user(
            role, organization=contract.organization if role == Role.APPLICANT else None
        )
        refusal = CONTRACT_WORKFLOW.refusal(contract, transition.action, user, reason="x")
        assert str(refusal) == "您无权进行此操作。", (transition.action, role)


def test_full_path_draft_to_completed(make):
    staff, finance = actors(make)
    contract = make.contract(
        "1000.00", staff=staff, installment_plan=[{"percent": 100, "condition": "on_signing"}]
    )
    operations.issue_contract(contract, actor=staff)
    assert contract.state == ContractState.ISSUED
    member = make.member(contract.organization)
    operations.upload_signed_scan(
        contract, Upload(MINIMAL_PDF, "盖章合同.pdf"), actor=member, reason="纸质签署"
    )
    operations.confirm_signature(contract, actor=staff, signed_on=date.today())
    assert contract.state == ContractState.SIGNED
    (installment,) = contract.installments
    assert installment.state == InstallmentState.CONDITION_MET
    operations.decide_contract(contract, "put_in_force", actor=staff)
    assert contract.state == ContractState.IN_FORCE
    with pytest.raises(TransitionRefused, match="尚有拨付未支付"):
        operations.decide_contract(contract, "complete", actor=staff)
    from venture.payments import operations as payments

    payments.approve_release(installment, actor=staff)
    payments.record_payment(
        installment,
        amount=Decimal("1000.00"),
        paid_on=date.today(),
        voucher_no="记-2026-001",
        bank_reference="BR001",
        actor=finance,
    )
    operations.decide_contract(contract, "complete", actor=staff)
    db.session.commit()
    assert contract.state == ContractState.COMPLETED
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "Contract", AuditEntry.object_id == contract.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "contract.draft",
        "contract.issue",
        "contract.document",
        "contract.signed_scan",
        "contract.confirm_signature",
        "contract.put_in_force",
        "contract.complete",
    ]


def test_draft_copies_award_call_and_application(make):
    award = make.award("107000.53")
    contract = operations.draft_contract(award, actor=make.user(Role.STAFF))
    db.session.commit()
    application = award.application
    assert contract.amount == Decimal("107000.53")
    assert contract.title == application.title
    assert (
        contract.places
        == f"{application.communities[0].street.name}：{application.communities[0].name}"
    )
    assert contract.quantity_targets.splitlines()[0] == "服务对象不少于 120 人"
    assert [(i.percent, i.condition, i.amount) for i in contract.installments] == [
        (Decimal("50"), InstallmentCondition.ON_SIGNING, Decimal("53500.26")),
        (Decimal("30"), InstallmentCondition.MIDTERM_PASSED, Decimal("32100.15")),
        (Decimal("20"), InstallmentCondition.FINAL_PASSED, Decimal("21400.12")),
    ]


def test_tender_award_without_application_takes_the_call_text(make):
    award = make.award("5000.00", route="tender", with_application=False)
    contract = operations.draft_contract(award, actor=make.user(Role.STAFF))
    assert contract.service_content == "面向香坊区社区的养老、助残和为小服务。"
    assert contract.number.startswith("XF-ZTB-")


def test_draft_refused_for_proposed_award_and_twice(make):
    staff = make.user(Role.STAFF)
    award = make.award("1000.00", staff=staff)
    award.state = AwardState.PROPOSED
    with pytest.raises(operations.ContractError, match="只能根据已最终授予"):
        operations.draft_contract(award, actor=staff)
    award.state = AwardState.FINAL
    operations.draft_contract(award, actor=staff)
    db.session.commit()
    with pytest.raises(operations.ContractError, match="已有合同"):
        operations.draft_contract(award, actor=staff)


def terms(contract, **changes):
    values = {name: getattr(contract, name) for name in operations.TERM_FIELDS}
    values.update(changes)
    return values


def test_terms_change_only_in_draft_and_are_audited(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", staff=staff)
    operations.update_contract(
        contract, terms=terms(contract, places="香坊街道：红旗社区"), actor=staff
    )
    db.session.commit()
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contract.update")
    ).one()
    assert entry.after_data == {"places": "香坊街道：红旗社区"}
    operations.issue_contract(contract, actor=staff)
    with pytest.raises(operations.ContractError, match="只有草稿可以修改"):
        operations.update_contract(contract, terms=terms(contract, title="改"), actor=staff)
    with pytest.raises(operations.ContractError, match="只有草稿可以修改"):
        operations.set_installment_plan(contract, [("100", "on_signing")], actor=staff)


def test_end_before_start_is_refused_on_its_field(make):
    contract = make.contract("1000.00")
    with pytest.raises(operations.ContractError) as refused:
        operations.update_contract(
            contract,
            terms=terms(contract, end_date=contract.start_date - timedelta(days=1)),
            actor=make.user(Role.STAFF),
        )
    assert (str(refused.value), refused.value.field) == ("结束日期必须晚于开始日期。", "end_date")


def test_issue_stores_pdf_template_version_and_data(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("16409.02", staff=staff)
    operations.issue_contract(contract, actor=staff)
    db.session.commit()
    assert contract.template_version == document.CONTRACT_TEMPLATE_VERSION == "2026.1"
    assert document.TEMPLATES["2026.1"] == "pdf/contract_v2026_1.html"
    assert contract.document.content_type == "application/pdf"
    assert contract.document.path.read_bytes()[:5] == b"%PDF-"
    assert contract.document_data["amount_uppercase"] == "人民币壹万陆仟肆佰零玖元零贰分"
    assert contract.document_data["party_b"]["bank_account"] == "6222000000000000"


def test_issue_refused_when_installments_do_not_add_up(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", staff=staff)
    contract.installments[0].amount += Decimal("0.01")
    with pytest.raises(TransitionRefused, match="不等于合同金额"):
        operations.issue_contract(contract, actor=staff)
    assert contract.document_id is None


def test_issue_refused_when_a_character_cannot_be_drawn(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", staff=staff)
    contract.service_content = "服务内容\U0001d11e"  # 𝄞 MUSICAL SYMBOL G CLEF: in no CJK font
    with pytest.raises(TransitionRefused, match="PDF 字体无法显示的字符：\U0001d11e"):
        operations.issue_contract(contract, actor=staff)
    assert contract.state == ContractState.DRAFT


def test_scan_upload_only_by_the_party_while_issued(make):
    contract = make.contract("1000.00", state="issued")
    other = make.member()
    with pytest.raises(operations.ContractError, match="您无权进行此操作"):
        operations.upload_signed_scan(
            contract, Upload(MINIMAL_PDF, "a.pdf"), actor=other, reason="纸质签署"
        )
    member = make.member(contract.organization)
    with pytest.raises(operations.ContractError) as refused:
        operations.upload_signed_scan(
            contract, Upload(b"<html>", "a.pdf"), actor=member, reason="纸质签署"
        )
    assert refused.value.field == "scan"
    operations.upload_signed_scan(
        contract, Upload(MINIMAL_PDF, "a.pdf"), actor=member, reason="纸质签署"
    )
    assert contract.signed_scan.original_name == "a.pdf"


def test_confirm_without_scan_is_refused(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="issued", staff=staff)
    with pytest.raises(TransitionRefused, match="尚未上传"):
        operations.confirm_signature(contract, actor=staff)


def test_recall_clears_scan_and_allows_edits(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="issued", staff=staff)
    operations.upload_signed_scan(
        contract,
        Upload(MINIMAL_PDF, "a.pdf"),
        actor=make.member(contract.organization),
        reason="纸质签署",
    )
    with pytest.raises(TransitionRefused, match="请填写理由"):
        operations.decide_contract(contract, "recall", actor=staff, reason=" ")
    operations.decide_contract(contract, "recall", actor=staff, reason="金额写错")
    assert (contract.state, contract.signed_scan) == (ContractState.DRAFT, None)
    operations.set_installment_plan(contract, [("100", "on_signing")], actor=staff)


def test_put_in_force_waits_for_the_start_date(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="signed", staff=staff)
    contract.start_date = date.today() + timedelta(days=10)
    with pytest.raises(TransitionRefused, match="起可生效"):
        operations.decide_contract(contract, "put_in_force", actor=staff)


def test_terminate_needs_reason_and_records_it(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="in_force", staff=staff)
    operations.decide_contract(contract, "terminate", actor=staff, reason="结项评估不合格")
    db.session.commit()
    assert (contract.state, contract.termination_reason) == (
        ContractState.TERMINATED,
        "结项评估不合格",
    )


def test_installment_plan_split_and_refusals(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("100000.01", staff=staff)
    operations.set_installment_plan(
        contract, [("40", "on_signing"), ("60", "final_passed")], actor=staff
    )
    assert [i.amount for i in contract.installments] == [Decimal("40000.00"), Decimal("60000.01")]
    for rows, message in (
        ([("50", "on_signing"), ("40", "final_passed")], "比例合计为 90%，必须等于 100%。"),
        ([("abc", "on_signing")], "比例必须是数字，例如 30。"),
        ([("0", "on_signing"), ("100", "final_passed")], "每期比例必须大于 0 且不超过 100。"),
        ([], "合同至少需要一期拨付。"),
    ):
        with pytest.raises(operations.ContractError) as refused:
            operations.set_installment_plan(contract, rows, actor=staff)
        assert str(refused.value) == message
