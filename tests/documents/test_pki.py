"""The signing keys: made by `flask pki init`, kept outside static/, private files private."""

import stat
from pathlib import Path

import pytest

from venture.auth.enums import Role
from venture.documents import pki


def test_init_makes_ca_office_certificate_and_trust_with_private_keys_private(tmp_path):
    folder = tmp_path / "pki"
    written = pki.init_pki(folder)
    assert written[:2] == ["ca.pem", "ca-key.pem"]
    assert written[3:] == ["office.p12", "office-password.txt"]
    assert (
        written[2].startswith("trust/ca-")
        and (folder / written[2]).read_bytes() == (folder / "ca.pem").read_bytes()
    )
    for name in ("ca-key.pem", "office.p12", "office-password.txt"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    assert pki.init_pki(folder) == []


def test_signing_folder_is_outside_static_and_not_served(app, client):
    folder = pki.signing_folder().resolve()
    static = Path(app.static_folder).resolve()
    assert static not in folder.parents
    pki.ensure_pki()
    assert client.get("/static/../pki/ca-key.pem").status_code == 404
    assert client.get("/static/pki/office.p12").status_code == 404


def test_cli_pki_init_reports_what_it_did(app):
    pki.ensure_pki()
    result = app.test_cli_runner().invoke(args=["pki", "init"])
    assert result.exit_code == 0
    assert (
        result.output
        == f"The signing keys in {pki.signing_folder()} are in place; nothing to do.\n"
    )


def test_event_certificate_is_per_organization_under_the_platform_ca(make):
    first, second = make.org(), make.org()
    one, other = pki.event_signer(first), pki.event_signer(second)
    assert one.signing_cert.subject.native["common_name"] == first.name
    assert one.signing_cert.subject.native["serial_number"] == first.credit_code
    assert other.signing_cert.subject.native["common_name"] == second.name
    assert one.signing_cert.issuer.native["common_name"] == pki.CA_NAME
    assert (pki.signing_folder() / "events" / f"org-{first.id}.p12").exists()


def test_unusable_office_certificate_refuses_issue_with_a_message(app, make, monkeypatch):
    from venture.contracts import operations
    from venture.contracts.enums import ContractState
    from venture.core.lifecycle import TransitionRefused

    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", staff=staff)
    monkeypatch.setitem(app.config, "SIGNING_OFFICE_P12", "/nonexistent/office.p12")
    monkeypatch.setattr(pki, "_signers", {})
    with pytest.raises(TransitionRefused, match="平台的签名证书无法使用（cannot open office.p12"):
        operations.issue_contract(contract, actor=staff)
    assert contract.state == ContractState.DRAFT
