"""The identity provider's certificates: a private CA made on the sandbox's first start, a server
certificate for 127.0.0.1/localhost signed by it, and the key that signs tokens.

Everything lives in `<data>/identity/` (folder 0700). The CA certificate (`ca.pem`) is public: it
is what a client passes as `connection_verify`. Private keys are 0600 from the moment they exist.
The server certificate is remade when it nears its end; the CA lasts ten years.
"""

from __future__ import annotations

import datetime
import ipaddress
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...workstation.hostos.keyfiles import applies_modes

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec

FOLDER = "identity"
CA_CERT = "ca.pem"
CA_KEY = "ca-key.pem"
SERVER_CERT = "server.pem"
SERVER_KEY = "server-key.pem"
SIGNING_KEY = "token-signing.key"  # HMAC key of the tokens the sandbox issues


@dataclass(frozen=True)
class IdentityFiles:
    """Paths of the identity provider's files (the keys are 0600)."""

    folder: Path
    ca_cert: Path
    server_cert: Path
    server_key: Path
    signing_key: bytes

    def __repr__(self) -> str:  # the signing key never reaches a log
        return f"IdentityFiles(folder={str(self.folder)!r}, signing_key='***')"


def _write_private(path: Path, data: bytes) -> None:
    from ...workstation.atomic import write_atomic

    write_atomic(path, data, mode=0o600)
    if applies_modes():
        path.chmod(0o600)  # an existing file keeps its bits in write_atomic: force them


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _key() -> ec.EllipticCurvePrivateKey:
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())  # fast to make, unlike RSA


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _make_ca(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    key = _key()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "college-tui sandbox"),
            x509.NameAttribute(
                NameOID.COMMON_NAME, f"college-tui sandbox CA {secrets.token_hex(4)}"
            ),
        ]
    )
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(folder / CA_KEY, _pem_key(key))
    (folder / CA_CERT).write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _server_cert_fresh(folder: Path) -> bool:
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate((folder / SERVER_CERT).read_bytes())
        ca = x509.load_pem_x509_certificate((folder / CA_CERT).read_bytes())
    except (OSError, ValueError):
        return False
    if not (folder / SERVER_KEY).exists() or cert.issuer != ca.subject:
        return False
    return cert.not_valid_after_utc - _now() > datetime.timedelta(days=30)


def _make_server_cert(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_cert = x509.load_pem_x509_certificate((folder / CA_CERT).read_bytes())
    from cryptography.hazmat.primitives.asymmetric import ec

    ca_key = serialization.load_pem_private_key((folder / CA_KEY).read_bytes(), password=None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):  # _key() makes every key of ours
        raise ValueError(f"{folder / CA_KEY} is not a key the sandbox made")
    key = _key()
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=397))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    x509.DNSName("localhost"),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write_private(folder / SERVER_KEY, _pem_key(key))
    (folder / SERVER_CERT).write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def ensure_files(data_dir: Path) -> IdentityFiles:
    """The CA, server certificate and token-signing key, made on the first start and kept."""
    folder = Path(data_dir) / FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if applies_modes():
        folder.chmod(0o700)
    if not ((folder / CA_CERT).exists() and (folder / CA_KEY).exists()):
        _make_ca(folder)
    if not _server_cert_fresh(folder):
        _make_server_cert(folder)
    signing = folder / SIGNING_KEY
    if not signing.exists():
        _write_private(signing, secrets.token_bytes(32))
    if applies_modes():  # checked at each start: a key loosened since (cp, an editor) is tightened
        for private in (CA_KEY, SERVER_KEY, SIGNING_KEY):
            if (folder / private).stat().st_mode & 0o077:
                (folder / private).chmod(0o600)
    return IdentityFiles(
        folder=folder,
        ca_cert=folder / CA_CERT,
        server_cert=folder / SERVER_CERT,
        server_key=folder / SERVER_KEY,
        signing_key=signing.read_bytes(),
    )
