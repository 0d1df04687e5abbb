"""C2SP signed notes (https://c2sp.org/signed-note) with Ed25519, and C2SP cosignatures
(https://c2sp.org/tlog-cosignature, ``cosignature/v1``), pure.

A note is UTF-8 text ending in a newline, a blank line, then signature lines::

    — <key name> base64(key ID (4 bytes) || signature)

key ID = SHA-256(key name || 0x0A || signature type || public key)[:4], with signature type 0x01 for
a plain Ed25519 note signature (signature over the text) and 0x04 for an Ed25519 cosignature (the
signature is ``timestamp (u64, big endian) || Ed25519 signature`` over
``"cosignature/v1\\ntime <timestamp>\\n" || text``). Keys are written like Go's
``golang.org/x/mod/sumdb/note``: a verifier key is ``<name>+<hex key ID>+<base64(type || public key)>``
and a signer key ``PRIVATE+KEY+<name>+<hex key ID>+<base64(type || 32-byte seed)>``.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
DASH = "\u2014 "
MAX_SIGNATURES = 100


class NoteError(ValueError):
    """A malformed note or key."""


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_id(name: str, kind: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    """A public key: a note signer's (type 0x01) or a cosigner's (type 0x04)."""

    name: str
    kind: int
    public: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.kind, self.public)

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.id.hex()}+{base64.b64encode(bytes([self.kind]) + self.public).decode()}"

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        try:
            name, hex_id, b64 = vkey.strip().split("+", 2)
            raw = base64.b64decode(b64, validate=True)
        except ValueError as exc:
            raise NoteError(f"malformed verifier key {vkey[:60]!r}") from exc
        if not _valid_name(name) or len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
            raise NoteError(f"malformed verifier key {vkey[:60]!r}")
        verifier = cls(name, raw[0], raw[1:])
        if verifier.id.hex() != hex_id.lower():
            raise NoteError(f"verifier key {name}: the key ID does not match the key")
        return verifier

    def _check(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A private key that signs notes (type 0x01) or cosigns checkpoints (type 0x04)."""

    name: str
    kind: int
    seed: bytes

    @classmethod
    def generate(cls, name: str, kind: int = ED25519) -> Signer:
        if not _valid_name(name):
            raise NoteError(f"invalid key name {name!r}")
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        seed = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return cls(name, kind, seed)

    @classmethod
    def parse(cls, skey: str) -> Signer:
        try:
            private, key, name, hex_id, b64 = skey.strip().split("+", 4)
            raw = base64.b64decode(b64, validate=True)
        except ValueError as exc:
            raise NoteError("malformed signer key") from exc
        if (private, key) != ("PRIVATE", "KEY") or len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
            raise NoteError("malformed signer key")
        signer = cls(name, raw[0], raw[1:])
        if signer.verifier.id.hex() != hex_id.lower():
            raise NoteError(f"signer key {name}: the key ID does not match the key")
        return signer

    @property
    def skey(self) -> str:
        b64 = base64.b64encode(bytes([self.kind]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.id.hex()}+{b64}"

    @property
    def verifier(self) -> Verifier:
        public = self._key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, self.kind, public)

    def _key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    def signature_line(self, text: str, *, timestamp: int | None = None) -> str:
        """The note signature line (type 0x01) or the cosignature line (type 0x04, at ``timestamp``)."""
        _check_text(text)
        if self.kind == ED25519:
            sig = self._key().sign(text.encode())
        else:
            if timestamp is None:
                raise NoteError("a cosignature needs its timestamp")
            stamp = struct.pack(">Q", timestamp)
            sig = stamp + self._key().sign(cosigned_message(text, timestamp))
        return f"{DASH}{self.name} {base64.b64encode(self.verifier.id + sig).decode()}\n"


def cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def _check_text(text: str) -> None:
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("a note's text ends in one newline and has no blank line")


@dataclass(frozen=True)
class SignatureLine:
    name: str
    key_id: bytes
    signature: bytes


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[SignatureLine, ...]

    @classmethod
    def parse(cls, message: str) -> Note:
        """Split a signed note into its text and signature lines (no verification)."""
        cut = message.rfind("\n\n")
        if cut < 0 or not message.endswith("\n"):
            raise NoteError("a signed note is text, a blank line and signature lines")
        text, lines = message[: cut + 1], message[cut + 2:].splitlines()
        if not lines or len(lines) > MAX_SIGNATURES:
            raise NoteError("a signed note has between 1 and 100 signature lines")
        sigs = []
        for line in lines:
            if not line.startswith(DASH):
                raise NoteError(f"malformed signature line {line[:60]!r}")
            try:
                name, b64 = line[len(DASH):].split(" ")
                raw = base64.b64decode(b64, validate=True)
            except ValueError as exc:
                raise NoteError(f"malformed signature line {line[:60]!r}") from exc
            if not _valid_name(name) or len(raw) < 5:
                raise NoteError(f"malformed signature line {line[:60]!r}")
            sigs.append(SignatureLine(name, raw[:4], raw[4:]))
        return cls(text, tuple(sigs))

    def render(self) -> str:
        return self.text + "\n" + "".join(
            f"{DASH}{s.name} {base64.b64encode(s.key_id + s.signature).decode()}\n" for s in self.signatures)

    def signed_by(self, verifier: Verifier) -> bool:
        """Is there a valid signature by ``verifier`` (a known key whose signature fails counts as none)?"""
        return self.cosigned_at(verifier) is not None if verifier.kind == COSIGNATURE_V1 else any(
            s.name == verifier.name and s.key_id == verifier.id and verifier._check(self.text.encode(), s.signature)
            for s in self.signatures)

    def cosigned_at(self, verifier: Verifier) -> int | None:
        """The timestamp of a valid ``cosignature/v1`` by ``verifier``, or None."""
        for s in self.signatures:
            if s.name != verifier.name or s.key_id != verifier.id or len(s.signature) != 72:
                continue
            (timestamp,) = struct.unpack(">Q", s.signature[:8])
            if verifier._check(cosigned_message(self.text, timestamp), s.signature[8:]):
                return int(timestamp)
        return None

    def with_lines(self, lines: str) -> Note:
        """This note with more signature lines (e.g. a witness's answer), duplicates dropped."""
        extra = Note.parse(self.text + "\n" + lines).signatures
        return Note(self.text, self.signatures + tuple(s for s in extra if s not in self.signatures))


def sign(text: str, signer: Signer) -> str:
    """A signed note: ``text``, a blank line, the signature line."""
    return text + "\n" + signer.signature_line(text)
