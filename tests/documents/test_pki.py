"""The signing keys: made by `flask pki init`, kept outside static/, private files private."""

import stat
from pathlib import Path

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
