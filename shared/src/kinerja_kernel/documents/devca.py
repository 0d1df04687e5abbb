"""The project's development certificate authority and PAdES signing with pyHanko.

Without BSrE (development, the demo, tests, offices not enrolled) a document is signed with a key and certificate
issued here for the signer (CN = name, serialNumber = NIP) by a CA the project generates once per machine under
``root`` (``ca.pem``/``ca.key``, P-256, ten years). Signatures are PAdES baseline B-B (``ETSI.CAdES.detached``,
SHA-256), added as incremental updates so the employee's signature stays valid when the evaluator signs after.
An independent validator (poppler's ``pdfsig``) checks them in the tests; it reports the issuer as untrusted,
which is right: this CA is for development only and says so in its name.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CA_NAME = "Kinerja Development CA (bukan untuk produksi)"


@dataclass(frozen=True)
class SignedPdf:
    pdf: bytes
    certificate_subject: str
    method: str


@dataclass(frozen=True)
class Placement:
    """A visible signature: page (0-based) and box in PDF points; None box = invisible."""

    field_name: str
    page: int = 0
    box: tuple[int, int, int, int] | None = None


def _name(common: str, *, serial: str | None = None, org: str = "Kinerja") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
             x509.NameAttribute(NameOID.COMMON_NAME, common)]
    if serial:
        parts.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    return x509.Name(parts)


class DevCertificateAuthority:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser()

    def _ca(self) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        key_path, cert_path = self.root / "ca.key", self.root / "ca.pem"
        if not cert_path.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            key = ec.generate_private_key(ec.SECP256R1())
            now = dt.datetime.now(dt.UTC)
            cert = (x509.CertificateBuilder().subject_name(_name(CA_NAME)).issuer_name(_name(CA_NAME))
                    .public_key(key.public_key()).serial_number(x509.random_serial_number())
                    .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
                    .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                    .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                                 key_encipherment=False, data_encipherment=False, key_agreement=False,
                                                 key_cert_sign=True, crl_sign=True, encipher_only=False,
                                                 decipher_only=False), critical=True)
                    .sign(key, hashes.SHA256()))
            temporary = key_path.with_suffix(".tmp")
            temporary.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))
            os.chmod(temporary, 0o600)
            temporary.replace(key_path)
            cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        ca_key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
        return ca_key, x509.load_pem_x509_certificate(cert_path.read_bytes())

    def ca_pem(self) -> bytes:
        return self._ca()[1].public_bytes(serialization.Encoding.PEM)

    def issue(self, *, nip: str, name: str, office: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        """A fresh signing key and certificate for one signature (kept nowhere: the CA re-issues on demand)."""
        ca_key, ca_cert = self._ca()
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder().subject_name(_name(name, serial=nip, org=office))
                .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=365))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                .sign(ca_key, hashes.SHA256()))
        return key, cert

    async def sign(self, pdf: bytes, *, nip: str, name: str, office: str, placement: Placement,
                   reason: str, location: str) -> SignedPdf:
        key, cert = await asyncio.to_thread(self.issue, nip=nip, name=name, office=office)
        _, ca_cert = self._ca()
        signed = await pades_sign(pdf, key=key, cert=cert, chain=[ca_cert], placement=placement, reason=reason,
                                  location=location, signer_name=name)
        subject = cert.subject.rfc4514_string({NameOID.SERIAL_NUMBER: "serialNumber"})
        return SignedPdf(pdf=signed, certificate_subject=subject, method="dev_ca")


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


async def pades_sign(pdf: bytes, *, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate,
                     chain: list[x509.Certificate], placement: Placement, reason: str, location: str,
                     signer_name: str) -> bytes:
    """Add one PAdES B-B signature (visible when ``placement.box`` is given) as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain]))  # type: ignore[no-untyped-call]
    meta = signers.PdfSignatureMetadata(field_name=placement.field_name, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES, reason=reason, location=location,
                                        name=signer_name)
    spec = fields.SigFieldSpec(sig_field_name=placement.field_name, on_page=placement.page, box=placement.box)
    style = TextStampStyle(stamp_text="Ditandatangani secara elektronik\noleh %(signer)s\n%(ts)s",
                           timestamp_format="%d-%m-%Y %H:%M UTC", border_width=1)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    await signers.PdfSigner(meta, signer, stamp_style=style, new_field_spec=spec).async_sign_pdf(
        writer, output=out, appearance_text_params={"signer": signer_name})
    return out.getvalue()
