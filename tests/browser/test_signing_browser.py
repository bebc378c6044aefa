"""Party B signs a contract online in the browser, re-entering the password (step-up)."""

import pytest

from tests.documents.helpers import SIGNER_PASSWORD
from venture.auth.enums import Role
from venture.contracts.enums import ContractState
from venture.documents.signing import PARTY_A_FIELD, PARTY_B_FIELD
from venture.documents.verification import VALID, verify_pdf
from venture.extensions import db

pytestmark = pytest.mark.browser


def test_member_signs_online_after_a_refused_wrong_password(page, browser_login, make):
    staff = make.user(Role.STAFF, name="张主管")
    contract = make.contract("100000.01", staff=staff)
    member = make.user(
        Role.APPLICANT, organization=contract.organization, name="李玥", password=SIGNER_PASSWORD
    )

    browser_login(staff)
    page.goto(f"/contracts/{contract.id}")
    page.click("button:has-text('出具合同')")
    page.wait_for_selector("#contract-state:has-text('待签订')")
    page.click("nav button:has-text('退出')")
    page.wait_for_url("**/")

    browser_login(member, SIGNER_PASSWORD)
    page.goto(f"/contracts/{contract.id}")
    assert page.locator("#scan-exception").get_attribute("open") is None
    page.fill("#sign-form #password", "not-my-password")
    page.click("#sign-button")
    page.click("dialog.confirm-dialog[open] [data-answer=yes]")  # signing asks first
    page.wait_for_selector(".alert-danger:has-text('密码不正确，合同未签署。')")
    assert page.inner_text("#contract-state") == "待签订"

    page.fill("#sign-form #password", SIGNER_PASSWORD)
    page.click("#sign-button")
    page.click("dialog.confirm-dialog[open] [data-answer=yes]")  # signing asks first
    page.wait_for_selector(".alert-success:has-text('合同已由双方签署。')")
    assert page.inner_text("#contract-state") == "已签订"
    assert page.locator("#signed-online").count() == 1
    assert page.locator("form[action$='/signed-scan/upload']").count() == 0

    db.session.expire_all()
    assert contract.state == ContractState.SIGNED
    verdict = verify_pdf(contract.document.path.read_bytes())
    assert verdict.status == VALID
    assert [(s.field, s.signer) for s in verdict.signatures] == [
        (PARTY_A_FIELD, "香坊区民政局（公益创投平台）"),
        (PARTY_B_FIELD, contract.organization.name),
    ]
    assert contract.signed_online_address == "127.0.0.1"
