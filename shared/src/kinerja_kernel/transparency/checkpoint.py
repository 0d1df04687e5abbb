"""C2SP checkpoints (https://c2sp.org/tlog-checkpoint), pure: the signed tree head of a log.

    <origin>\\n<tree size, decimal>\\n<root hash, base64>\\n

signed as a C2SP note by the log's key (key name = origin) and co-signed by witnesses.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from kinerja_kernel.transparency.merkle import HASH_SIZE
from kinerja_kernel.transparency.note import Note, NoteError, Signer, Verifier, sign


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    @property
    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    def sign(self, signer: Signer) -> str:
        return sign(self.text, signer)

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("a checkpoint has an origin, a size and a root hash line")
        origin, size, root = lines[0], lines[1], lines[2]
        if not origin or not size.isdigit() or (size != "0" and size.startswith("0")):
            raise NoteError("a checkpoint's size is a decimal without leading zeros")
        try:
            raw = base64.b64decode(root, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise NoteError("a checkpoint's root hash is base64") from exc
        if len(raw) != HASH_SIZE:
            raise NoteError("a checkpoint's root hash has 32 bytes")
        return cls(origin, int(size), raw)


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint with its note (the log's signature and any cosignatures)."""

    checkpoint: Checkpoint
    note: Note

    @classmethod
    def open(cls, message: str, log_key: Verifier) -> SignedCheckpoint:
        """Parse and verify: a valid signature by the log's key, the origin equal to the key's name."""
        note = Note.parse(message)
        if not note.signed_by(log_key):
            raise NoteError(f"the checkpoint is not signed by {log_key.name}")
        checkpoint = Checkpoint.from_text(note.text)
        if checkpoint.origin != log_key.name:
            raise NoteError(f"the checkpoint's origin {checkpoint.origin!r} is not the log {log_key.name!r}")
        return cls(checkpoint, note)

    def witnessed_by(self, witness: Verifier) -> bool:
        return self.note.cosigned_at(witness) is not None

    def render(self) -> str:
        return self.note.render()
