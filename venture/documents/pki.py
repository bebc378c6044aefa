"""The platform's signing keys (PKI): a CA, the fund office's certificate, event certificates.

Layout of SIGNING_FOLDER (instance/pki/ by default, never under static/, never served):

  ca.pem, ca-key.pem      the platform CA (demo) that issues the event certificates
  office.p12              Party A's key and certificate (甲方), password in SIGNING_OFFICE_PASSWORD
                          or, for the demo, in office-password.txt beside it
  events/org-<id>.p12     one event certificate per organization (事件证书), made on first use
  trust/*.pem             every CA certificate ever used: verification trusts all of them, so a
                          rotated certificate leaves old documents verifiable

`flask pki init` makes the demo set; production puts a PKCS#12 from a real CA at
SIGNING_OFFICE_P12 and that CA's certificate in trust/ (README, "Signed documents").
"""

import secrets
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask import current_app

CA_NAME = "Venture Platform Demo CA"
OFFICE_NAME = "香坊区民政局（公益创投平台）"
KEY_SIZE = 2048
_lock = threading.Lock()
_signers = {}


class SigningUnavailable(RuntimeError):
    """No usable signing key: `flask pki init` has not run and could not run."""


def signing_folder():
    configured = current_app.config.get("SIGNING_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "pki"


def _name(common_name, organization=None, serial=None):
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")]
    if organization:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if serial:
        parts.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def _certificate(subject, key, issuer, issuer_key, *, ca, years):
    start = datetime.now(UTC) - timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
    else:
        builder = builder.add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        ).add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _write(path, data, *, private=False):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if private:
        path.chmod(0o600)


def _pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def _p12(name, key, cert, ca_cert, password):
    return pkcs12.serialize_key_and_certificates(
        name.encode(),
        key,
        cert,
        [ca_cert],
        serialization.BestAvailableEncryption(password.encode()),
    )


def _load_ca(folder):
    cert = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
    key = serialization.load_pem_private_key((folder / "ca-key.pem").read_bytes(), password=None)
    return cert, key


def init_pki(folder=None, *, rotate=False):
    """Make the demo CA and the office certificate where missing; rotate: a new office key and
    certificate (the CA, and so every document signed before, stays trusted).

    Returns the list of files written.
    """
    folder = Path(folder) if folder else signing_folder()
    written = []
    if not (folder / "ca.pem").exists():
        key = _new_key()
        name = _name(CA_NAME, "Venture")
        cert = _certificate(name, key, name, key, ca=True, years=20)
        _write(
            folder / "ca-key.pem",
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            private=True,
        )
        _write(folder / "ca.pem", _pem(cert))
        fingerprint = cert.fingerprint(hashes.SHA256()).hex()[:16]
        _write(folder / "trust" / f"ca-{fingerprint}.pem", _pem(cert))
        written += ["ca.pem", "ca-key.pem", f"trust/ca-{fingerprint}.pem"]
    office = folder / "office.p12"
    if rotate and office.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        retired = folder / "retired"
        retired.mkdir(exist_ok=True)
        office.rename(retired / f"office-{stamp}.p12")
    if not office.exists():
        ca_cert, ca_key = _load_ca(folder)
        password_file = folder / "office-password.txt"
        if not password_file.exists():
            _write(password_file, secrets.token_urlsafe(18).encode(), private=True)
        password = password_file.read_text().strip()
        key = _new_key()
        cert = _certificate(
            _name(OFFICE_NAME, OFFICE_NAME), key, ca_cert.subject, ca_key, ca=False, years=3
        )
        _write(office, _p12("office", key, cert, ca_cert, password), private=True)
        written += ["office.p12", "office-password.txt"]
    with _lock:
        _signers.clear()
    return written


def pki_ready():
    folder = signing_folder()
    office = current_app.config.get("SIGNING_OFFICE_P12")
    return (Path(office).exists() if office else (folder / "office.p12").exists()) and (
        folder / "ca.pem"
    ).exists()


def ensure_pki():
    """The demo PKI when nothing is configured yet (embedded default: `make run` just works)."""
    if not pki_ready():
        init_pki()


def _office_password():
    configured = current_app.config.get("SIGNING_OFFICE_PASSWORD")
    if configured:
        return configured
    path = signing_folder() / "office-password.txt"
    if not path.exists():
        raise SigningUnavailable("no password for the office certificate")
    return path.read_text().strip()


def _load_p12(path, password):
    """A pyHanko signer for the PKCS#12 file that keeps its private key loaded.

    pyHanko's SimpleSigner parses (and so validates) the RSA key again for every signature,
    about 0.1 s of CPU each time; this one parses it once per process.
    """
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    try:
        key, cert, extra = pkcs12.load_key_and_certificates(path.read_bytes(), password.encode())
    except (OSError, ValueError) as error:
        raise SigningUnavailable(f"cannot open {path.name}: {error}") from None

    def der(certificate):
        return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

    class LoadedKeySigner(signers.SimpleSigner):
        def sign_raw(self, data, digest_algorithm):
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            if mechanism.signature_algo != "rsassa_pkcs1v15":
                return super().sign_raw(data, digest_algorithm)
            from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
            from pyhanko.sign.general import get_pyca_cryptography_hash

            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

    private = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return LoadedKeySigner(
        signing_cert=der(cert),
        signing_key=private,
        cert_registry=SimpleCertificateStore.from_certs([der(c) for c in extra or ()]),
    )


def office_signer():
    """Party A's pyHanko signer (cached per process; `init_pki` clears the cache)."""
    ensure_pki()
    path = Path(current_app.config.get("SIGNING_OFFICE_P12") or signing_folder() / "office.p12")
    key = ("office", str(path))
    with _lock:
        if key not in _signers:
            _signers[key] = _load_p12(path, _office_password())
        return _signers[key]


def event_signer(organization):
    """The organization's event certificate under the platform CA, made on first use."""
    ensure_pki()
    folder = signing_folder()
    path = folder / "events" / f"org-{organization.id}.p12"
    key = ("event", str(path), organization.name)
    with _lock:
        if key in _signers:
            return _signers[key]
        password = _office_password()
        stale = path.exists() and _subject_name(path, password) != organization.name
        if not path.exists() or stale:
            # a renamed organization gets a new certificate; documents signed under the old
            # name keep theirs (the certificate travels inside each signature)
            ca_cert, ca_key = _load_ca(folder)
            org_key = _new_key()
            cert = _certificate(
                _name(organization.name, organization.name, organization.credit_code),
                org_key,
                ca_cert.subject,
                ca_key,
                ca=False,
                years=3,
            )
            _write(
                path, _p12(f"org-{organization.id}", org_key, cert, ca_cert, password), private=True
            )
        _signers[key] = _load_p12(path, password)
        return _signers[key]


def _subject_name(path, password):
    _key, cert, _extra = pkcs12.load_key_and_certificates(path.read_bytes(), password.encode())
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return names[0].value if names else ""


def trust_roots():
    """Every CA certificate in trust/ (old ones included) and the configured extra roots."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    paths = sorted((signing_folder() / "trust").glob("*.pem"))
    paths += [Path(p) for p in current_app.config.get("SIGNING_TRUSTED_ROOTS", ())]
    roots = []
    for path in paths:
        data = path.read_bytes()
        if pem.detect(data):
            _type, _headers, data = pem.unarmor(data)
        roots.append(asn1_x509.Certificate.load(data))
    return roots
