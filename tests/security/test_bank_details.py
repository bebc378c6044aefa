"""Finding 2: a change of bank account or holder takes effect only after staff confirm it
against an uploaded proof; meanwhile payments stay on the old verified account (or are
blocked when there is none); the organization's members and finance are told; the pay page
shows which account is verified and since when."""

import io
from datetime import date

import pytest
import sqlalchemy as sa

from tests.orgs.test_registration import registration
from tests.pdf_bytes import MINIMAL_PDF
from venture.auth.enums import Role
from venture.extensions import db
from venture.notifications.models import Notification
from venture.orgs import operations
from venture.orgs.enums import BankChangeState
from venture.orgs.models import BankDetailsChange
from venture.payments import operations as payments
from venture.payments.operations import PaymentRefused

NEW_ACCOUNT = "6222 9999 8888 7777"


def _signed_contract(make):
    """(contract, member, finance, staff): a signed contract whose first installment is
    approved for release, the organization's account verified."""
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    contract = make.contract("10000.00", state="signed", staff=staff)
    payments.approve_release(contract.installments[0], actor=staff)
    db.session.commit()
    member = make.member(contract.organization)
    return contract, member, finance, staff


def _edit(client, org, **changes):
    data = registration(
        org_name=org.name,
        bank_name=org.bank_name,
        bank_account_name=org.bank_account_name,
        bank_account=org.bank_account,
    )
    data.update(changes)
    return client.post(f"/orgs/{org.id}/edit", data=data, content_type="multipart/form-data")


def _proof():
    return (io.BytesIO(MINIMAL_PDF), "开户许可证.pdf")


def test_a_bank_change_without_proof_is_refused(client, login, make):
    contract, member, _finance, _staff = _signed_contract(make)
    org = contract.organization
    old = org.bank_account
    login(member)
    response = _edit(client, org, bank_account=NEW_ACCOUNT)
    assert response.status_code == 200
    assert "请上传新银行账户的证明" in response.get_data(as_text=True)
    db.session.refresh(org)
    assert (
        org.bank_account,
        db.session.scalar(sa.select(sa.func.count(BankDetailsChange.id))),
    ) == (
        old,
        0,
    )


def test_a_bank_change_waits_and_payments_stay_on_the_verified_account(client, login, make):
    contract, member, finance, staff = _signed_contract(make)
    org = contract.organization
    old_account, verified_since = org.bank_account, org.bank_verified_at
    colleague = make.member(org)
    login(member)
    response = _edit(
        client, org, bank_account=NEW_ACCOUNT, bank_account_name="某某", bank_proof=_proof()
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (org.bank_account, org.bank_verified_at) == (old_account, verified_since)
    change = db.session.scalars(sa.select(BankDetailsChange)).one()
    assert (change.bank_account, change.bank_account_name, change.state) == (
        "6222999988887777",
        "某某",
        BankChangeState.PENDING,
    )
    told = set(db.session.scalars(sa.select(Notification.user_id)))
    assert {member.id, colleague.id, finance.id, staff.id} <= told
    # finance's pay page shows the verified account, since when, and that a change waits
    client.post("/logout")
    login(finance)
    page = client.get(f"/installments/{contract.installments[0].id}/pay").get_data(as_text=True)
    assert old_account in page and "6222999988887777" not in page
    assert "已核实账户，自" in page
    assert 'id="bank-change-waiting"' in page
    # a payment recorded now is on the verified account
    payments.record_payment(
        contract.installments[0],
        amount=contract.installments[0].amount,
        paid_on=date.today(),
        voucher_no="记-001",
        bank_reference="BR1",
        actor=finance,
    )
    db.session.commit()


def test_staff_confirm_the_change_and_it_takes_effect(client, login, make):
    contract, member, finance, staff = _signed_contract(make)
    org = contract.organization
    login(member)
    _edit(client, org, bank_account=NEW_ACCOUNT, bank_proof=_proof())
    client.post("/logout")
    login(staff)
    page = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert 'id="bank-change"' in page and "开户许可证.pdf" in page
    assert client.get(f"/orgs/{org.id}/bank-change/proof").data == MINIMAL_PDF
    response = client.post(f"/orgs/{org.id}/bank-change/confirm", data={"reason": ""})
    assert response.status_code == 302
    db.session.expire_all()
    change = db.session.scalars(sa.select(BankDetailsChange)).one()
    assert (org.bank_account, change.state, org.bank_verified_at) == (
        "6222999988887777",
        BankChangeState.CONFIRMED,
        change.decided_at,
    )


def test_a_refused_change_never_takes_effect(client, login, make):
    contract, member, _finance, staff = _signed_contract(make)
    org = contract.organization
    old = org.bank_account
    login(member)
    _edit(client, org, bank_account=NEW_ACCOUNT, bank_proof=_proof())
    client.post("/logout")
    login(staff)
    assert client.post(f"/orgs/{org.id}/bank-change/reject", data={"reason": ""}).status_code == 302
    assert db.session.scalars(sa.select(BankDetailsChange.state)).one() == BankChangeState.PENDING
    client.post(f"/orgs/{org.id}/bank-change/reject", data={"reason": "证明与户名不符。"})
    db.session.expire_all()
    assert (org.bank_account, db.session.scalars(sa.select(BankDetailsChange.state)).one()) == (
        old,
        BankChangeState.REJECTED,
    )


def test_payments_are_blocked_without_a_verified_account(make):
    contract, _member, finance, _staff = _signed_contract(make)
    contract.organization.bank_verified_at = None
    db.session.commit()
    with pytest.raises(PaymentRefused) as refused:
        payments.record_payment(
            contract.installments[0],
            amount=contract.installments[0].amount,
            paid_on=date.today(),
            voucher_no="记-002",
            bank_reference="BR2",
            actor=finance,
        )
    assert str(refused.value) == (
        f"{contract.organization.name} 没有已核实的银行账户："
        "工作人员须先依据证明核实其银行信息，才能付款。"
    )


def test_a_pending_organization_changes_its_bank_details_directly(make):
    from venture.orgs.enums import OrgStatus

    org = make.org(status=OrgStatus.PENDING)
    member = make.member(org)
    profile = {"bank_account": "6222000011112222"}
    operations.update_organization(org, profile=profile, actor=member)
    db.session.commit()
    assert (
        org.bank_account,
        db.session.scalar(sa.select(sa.func.count(BankDetailsChange.id))),
    ) == (
        "6222000011112222",
        0,
    )
