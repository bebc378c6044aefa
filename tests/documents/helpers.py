"""Signed contracts for the document tests, and the outside verifiers (poppler, zbar, NSS)."""

import subprocess

from venture.auth.enums import Role
from venture.contracts import operations
from venture.documents import pki
from venture.extensions import db

SIGNER_PASSWORD = "correct horse battery"


def signed_contract(make):
    """A contract issued by staff (Party A certified) and signed online by a member (Party B)."""
    contract = make.contract("107000.53", state="issued")
    member = make.user(Role.APPLICANT, organization=contract.organization, password=SIGNER_PASSWORD)
    operations.sign_contract_online(
        contract, actor=member, password=SIGNER_PASSWORD, address="203.0.113.7"
    )
    db.session.commit()
    return contract, member


def flip_signed_byte(pdf):
    """The PDF with one byte of signed content changed: the producer string in /Info."""
    at = pdf.index(b"WeasyPrint")
    return pdf[:at] + b"w" + pdf[at + 1 :]


def nss_with_demo_ca(folder):
    """An NSS database trusting the platform's demo CA, for pdfsig -nssdir."""
    folder.mkdir(exist_ok=True)
    subprocess.run(
        ["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{folder}",
            "-n",
            "venture-demo-ca",
            "-t",
            "CT,C,C",
            "-i",
            str(pki.signing_folder() / "ca.pem"),
        ],
        check=True,
        capture_output=True,
    )
    return folder


def pdfsig(path, nssdir=None):
    """pdfsig's report of path's signatures (stdout)."""
    command = ["pdfsig"] + (["-nssdir", f"sql:{nssdir}"] if nssdir else []) + [str(path)]
    return subprocess.run(command, capture_output=True, text=True).stdout
