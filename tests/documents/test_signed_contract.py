"""Contracts signed by both parties, checked by outside verifiers (pdfsig, zbarimg) and ours."""

import io
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tests.documents.helpers import (
    SIGNER_PASSWORD,
    flip_signed_byte,
    nss_with_demo_ca,
    pdfsig,
    signed_contract,
)
from tests.pdf_bytes import MINIMAL_PDF
from venture.auth.enums import Role
from venture.contracts import document, operations
from venture.contracts.enums import ContractState
from venture.core.audit import AuditEntry
from venture.core.lifecycle import TransitionRefused
from venture.documents import pki
from venture.documents.models import IssuedDocument
from venture.documents.operations import display_code
from venture.documents.signing import PARTY_A_FIELD, PARTY_B_FIELD
from venture.documents.verification import ALTERED, UNREADABLE, UNSIGNED, VALID, verify_pdf
from venture.extensions import db


@pytest.fixture
def signed(make):
    return signed_contract(make)


def test_pdfsig_reports_both_signatures_valid_and_trusted(signed, tmp_path):
    contract, member = signed
    path = tmp_path / "contract.pdf"
    path.write_bytes(contract.document.path.read_bytes())
    report = pdfsig(path, nss_with_demo_ca(tmp_path / "nss"))
    assert report.count("Signature Validation: Signature is Valid.") == 2
    assert report.count("Certificate Validation: Certificate is Trusted.") == 2
    assert f"Signature Field Name: {PARTY_A_FIELD}" in report
    assert f"Signature Field Name: {PARTY_B_FIELD}" in report
    assert f"Signer Certificate Common Name: {contract.organization.name}" in report
    assert f"Signer Certificate Common Name: {pki.OFFICE_NAME}" in report
    # Party B's signature covers the whole file; Party A's its own revision
    assert report.count("Total document signed") == 1


def test_one_changed_byte_is_altered_for_pdfsig_verify_page_and_cli(app, signed, tmp_path, client):
    contract, _member = signed
    tampered = flip_signed_byte(contract.document.path.read_bytes())
    path = tmp_path / "tampered.pdf"
    path.write_bytes(tampered)
    report = pdfsig(path, nss_with_demo_ca(tmp_path / "nss"))
    assert report.count("Signature Validation: Digest Mismatch.") == 2
    assert "Signature is Valid." not in report

    verdict = verify_pdf(tampered)
    assert (verdict.status, verdict.version) == (ALTERED, None)
    assert [s.intact for s in verdict.signatures] == [False, False]

    page = client.post("/verify", data={"pdf": (io.BytesIO(tampered), "tampered.pdf")})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-status="altered"' in html
    assert "与平台签发的任何文件都不一致" in html

    result = app.test_cli_runner().invoke(args=["documents", "verify", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "tampered.pdf: ALTERED"
    assert "does not match any document the platform issued" in result.output


def test_untouched_contract_is_valid_for_verify_page_and_cli(app, signed, tmp_path, client):
    contract, member = signed
    pdf = contract.document.path.read_bytes()
    issued = db.session.scalar(select(IssuedDocument))
    verdict = verify_pdf(pdf)
    assert (verdict.status, verdict.exact, verdict.version.document) == (VALID, True, issued)
    assert [(s.field, s.signer) for s in verdict.signatures] == [
        (PARTY_A_FIELD, pki.OFFICE_NAME),
        (PARTY_B_FIELD, contract.organization.name),
    ]
    page = client.post("/verify", data={"pdf": (io.BytesIO(pdf), "c.pdf")})
    html = page.get_data(as_text=True)
    assert 'data-status="valid"' in html
    assert f"/verify/{issued.code}" in html

    path = tmp_path / "contract.pdf"
    path.write_bytes(pdf)
    result = app.test_cli_runner().invoke(args=["documents", "verify", str(path)])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "contract.pdf: VALID"
    assert f"exactly document {display_code(issued.code)}" in result.output


def test_issued_version_inside_a_signed_file_is_recognised(signed):
    contract, _member = signed
    issued = db.session.scalar(select(IssuedDocument))
    first, second = issued.versions
    verdict = verify_pdf(first.file.path.read_bytes())
    assert (verdict.status, verdict.version, verdict.exact) == (VALID, first, True)
    assert [v.label for v in issued.versions] == ["issued", "signed"]
    assert second.sha256 == contract.document.sha256


def test_qr_code_decodes_to_the_verification_url(signed, tmp_path):
    contract, _member = signed
    issued = db.session.scalar(select(IssuedDocument))
    path = tmp_path / "contract.pdf"
    path.write_bytes(contract.document.path.read_bytes())
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        check=True,
    )
    (png,) = tmp_path.glob("p*.png")
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert decoded == f"http://localhost/verify/{issued.code}"


def test_verification_page_shows_the_document_and_both_signatures(signed, client):
    contract, member = signed
    issued = db.session.scalar(select(IssuedDocument))
    page = client.get(f"/verify/{issued.code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert contract.number in html
    assert contract.organization.name in html
    assert "¥107,000.53" in html
    assert contract.document.sha256 in html
    assert member.name in html
    assert "由平台签发，现行有效" in html
    # typed with dashes and lower case: sent to the canonical address
    typed = client.get(f"/verify/{display_code(issued.code).lower()}")
    assert typed.headers["Location"] == f"/verify/{issued.code}"


def test_unknown_or_malformed_codes_are_404(client):
    assert client.get("/verify/ABCDEFGH23").status_code == 404
    assert client.get("/verify/not-a-code").status_code == 404
    assert client.get("/verify?code=12").status_code == 400


def test_verify_upload_refuses_what_is_not_a_pdf_and_reports_unsigned(client, make):
    refused = client.post("/verify", data={"pdf": (io.BytesIO(b"<html>"), "x.pdf")})
    assert refused.status_code == 400
    assert "该文件不是 PDF" in refused.get_data(as_text=True)
    empty = client.post("/verify", data={})
    assert empty.status_code == 400
    assert verify_pdf(MINIMAL_PDF).status == UNREADABLE
    draft = document.contract_pdf(make.contract("1000.00"))
    unsigned = verify_pdf(draft)
    assert (unsigned.status, unsigned.version, unsigned.signatures) == (UNSIGNED, None, [])


def test_recalled_contract_document_is_superseded(make, client):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="issued", staff=staff)
    operations.decide_contract(contract, "recall", actor=staff, reason="金额写错")
    db.session.commit()
    issued = db.session.scalar(select(IssuedDocument))
    assert issued.superseded_at is not None
    html = client.get(f"/verify/{issued.code}").get_data(as_text=True)
    assert "被更正后的版本取代，不再有效" in html


def test_terminated_contract_document_says_so(make, client):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="issued", staff=staff)
    operations.decide_contract(contract, "terminate", actor=staff, reason="机构注销")
    db.session.commit()
    issued = db.session.scalar(select(IssuedDocument))
    assert issued.terminated_at is not None
    html = client.get(f"/verify/{issued.code}").get_data(as_text=True)
    assert "该文件由平台签发，已于" in html
    assert "现行有效" not in html


def test_wrong_password_is_refused_and_nothing_is_signed(make):
    contract = make.contract("1000.00", state="issued")
    member = make.user(Role.APPLICANT, organization=contract.organization, password=SIGNER_PASSWORD)
    before = contract.document.sha256
    with pytest.raises(operations.ContractError, match="密码不正确") as refused:
        operations.sign_contract_online(contract, actor=member, password="wrong", address="::1")
    assert refused.value.field == "password"
    assert (contract.state, contract.document.sha256) == (ContractState.ISSUED, before)


def test_only_a_member_of_the_party_signs(make):
    contract = make.contract("1000.00", state="issued")
    outsider = make.user(Role.APPLICANT, organization=make.org(), password=SIGNER_PASSWORD)
    with pytest.raises(TransitionRefused, match="您无权进行此操作"):
        operations.sign_contract_online(
            contract, actor=outsider, password=SIGNER_PASSWORD, address="::1"
        )


def test_online_signing_is_audited_with_who_when_and_address(signed):
    contract, member = signed
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "contract.signed_online")
    )
    assert (entry.actor_id, entry.after_data["address"], entry.after_data["signer"]) == (
        member.id,
        "203.0.113.7",
        member.name,
    )
    assert entry.after_data["sha256"] == contract.document.sha256
    assert (contract.state, contract.signed_online_by_id) == (ContractState.SIGNED, member.id)
    assert contract.signed_online_address == "203.0.113.7"


def test_signed_online_contract_shows_no_scan_step(signed, client, login):
    contract, member = signed
    login(member, SIGNER_PASSWORD)
    html = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert 'id="signed-online"' in html
    assert "signed-scan/upload" not in html
    assert 'id="scan-exception"' not in html


def test_issued_contract_offers_signing_with_the_scan_as_exception(make, client, login):
    contract = make.contract("1000.00", state="issued")
    member = make.user(Role.APPLICANT, organization=contract.organization, password=SIGNER_PASSWORD)
    login(member, SIGNER_PASSWORD)
    html = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert 'id="sign-form"' in html
    assert '<details class="mt-2" id="scan-exception" >' in html
    wrong = client.post(f"/contracts/{contract.id}/sign", data={"password": "nope"})
    assert wrong.status_code == 302
    db.session.expire_all()
    assert contract.state == ContractState.ISSUED
    client.post(f"/contracts/{contract.id}/sign", data={"password": SIGNER_PASSWORD})
    db.session.expire_all()
    assert contract.state == ContractState.SIGNED
    assert verify_pdf(contract.document.path.read_bytes()).status == VALID


def test_scan_exception_is_audited_with_its_reason(make):
    contract = make.contract("1000.00", state="issued")
    member = make.member(contract.organization)

    class Upload:
        filename = "盖章合同.pdf"

        def read(self, size=-1):
            return MINIMAL_PDF

    with pytest.raises(operations.ContractError, match="无法在线签署") as refused:
        operations.upload_signed_scan(contract, Upload(), actor=member, reason=" ")
    assert refused.value.field == "reason"
    operations.upload_signed_scan(contract, Upload(), actor=member, reason="公章在外地")
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contract.signed_scan"))
    assert (entry.reason, entry.actor_id) == ("公章在外地", member.id)


def test_rotated_office_certificate_keeps_old_documents_valid(signed, make):
    contract, _member = signed
    old_pdf = contract.document.path.read_bytes()
    written = pki.init_pki(rotate=True)
    assert written == ["office.p12", "office-password.txt"]
    assert verify_pdf(old_pdf).status == VALID
    newer = make.contract("2000.00", state="issued")
    assert verify_pdf(newer.document.path.read_bytes()).status == VALID
    assert verify_pdf(old_pdf).signatures[0].signer == pki.OFFICE_NAME
    assert sorted(p.name for p in (pki.signing_folder() / "retired").iterdir())[0].startswith(
        "office-"
    )


def test_signatures_stay_valid_after_the_certificates_expire(signed):
    contract, _member = signed
    pdf = contract.document.path.read_bytes()
    with time_machine.travel(datetime.now(UTC) + timedelta(days=365 * 4), tick=False):
        verdict = verify_pdf(pdf)
    assert (verdict.status, [s.trusted for s in verdict.signatures]) == (VALID, [True, True])
