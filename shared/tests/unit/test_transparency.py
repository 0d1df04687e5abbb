"""The transparency log's pure parts: RFC 9162 trees and proofs, C2SP notes, checkpoints, cosignatures,
and the witness's rules (issue 16)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from kinerja_kernel.transparency.checkpoint import Checkpoint, SignedCheckpoint
from kinerja_kernel.transparency.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MemoryTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)
from kinerja_kernel.transparency.note import COSIGNATURE_V1, Note, NoteError, Signer, Verifier
from kinerja_kernel.transparency.proofs import locate_divergence
from kinerja_kernel.transparency.service import witness_body
from kinerja_kernel.transparency.witness import Refusal, Witness, witness_app


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 2.1.1, literally."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


LEAVES = [leaf_hash(f"event {i}".encode()) for i in range(70)]


def test_hashing_is_rfc9162() -> None:
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    assert root_of([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()


def test_roots_match_the_rfc_definition_for_every_size() -> None:
    compact = CompactRange()
    for n in range(1, len(LEAVES) + 1):
        compact.append(LEAVES[n - 1])
        assert compact.root() == _mth(LEAVES[:n]) == MemoryTree(LEAVES).root(n), n


def test_every_inclusion_proof_verifies_and_a_wrong_one_does_not() -> None:
    tree = MemoryTree(LEAVES)
    for n in (1, 2, 3, 7, 8, 9, 31, 64, 70):
        root = _mth(LEAVES[:n])
        for i in range(n):
            proof = inclusion_proof(i, n, tree.subtree)
            assert verify_inclusion(LEAVES[i], i, n, proof, root)
            assert not verify_inclusion(LEAVES[(i + 1) % 70], i, n, proof, root)
            if proof:
                assert not verify_inclusion(LEAVES[i], i, n, proof[:-1], root)
                assert not verify_inclusion(LEAVES[i], i, n, proof, _mth([*LEAVES[:n], LEAVES[0]]))


def test_every_consistency_proof_verifies_and_a_fork_does_not() -> None:
    tree = MemoryTree(LEAVES)
    forked = MemoryTree([*LEAVES[:5], leaf_hash(b"forged"), *LEAVES[6:]])
    for m in range(1, 40):
        for n in range(m, 41):
            proof = consistency_proof(m, n, tree.subtree)
            assert verify_consistency(m, n, _mth(LEAVES[:m]), _mth(LEAVES[:n]), proof), (m, n)
            if m > 5 and m != n:  # the forged leaf lies inside the old tree: no proof links them
                assert not verify_consistency(m, n, _mth(LEAVES[:m]), forked.root(n),
                                              consistency_proof(m, n, forked.subtree)), (m, n)


def test_note_keys_signatures_and_cosignatures() -> None:
    signer = Signer.generate("kinerja.test/planning")
    assert Signer.parse(signer.skey) == signer
    verifier = Verifier.parse(signer.verifier.vkey)
    head = Checkpoint("kinerja.test/planning", 3, _mth(LEAVES[:3]))
    message = head.sign(signer)
    assert message.startswith("kinerja.test/planning\n3\n") and "\n\n\u2014 kinerja.test/planning " in message
    opened = SignedCheckpoint.open(message, verifier)
    assert opened.checkpoint == head
    with pytest.raises(NoteError):
        SignedCheckpoint.open(message.replace("\n3\n", "\n4\n"), verifier)
    with pytest.raises(NoteError):
        SignedCheckpoint.open(message, Signer.generate("kinerja.test/planning").verifier)
    witness = Signer.generate("witness.test/w1", COSIGNATURE_V1)
    cosigned = Note.parse(message).with_lines(witness.signature_line(head.text, timestamp=1_700_000_000))
    signed = SignedCheckpoint.open(cosigned.render(), verifier)
    assert signed.witnessed_by(witness.verifier)
    assert cosigned.cosigned_at(witness.verifier) == 1_700_000_000
    assert not signed.witnessed_by(Signer.generate("witness.test/w1", COSIGNATURE_V1).verifier)
    raw = base64.b64decode(cosigned.render().splitlines()[-1].split(" ")[-1])
    assert raw[:4] == hashlib.sha256(b"witness.test/w1\n\x04" + witness.verifier.public).digest()[:4]
    assert raw[4:12] == (1_700_000_000).to_bytes(8, "big") and len(raw) == 4 + 8 + 64


class _Log:
    def __init__(self, signer: Signer, leaves: list[bytes]) -> None:
        self.signer, self.tree = signer, MemoryTree(leaves)

    def submit_body(self, old: int, n: int) -> str:
        head = Checkpoint(self.signer.name, n, self.tree.root(n))
        proof = consistency_proof(old, n, self.tree.subtree) if 0 < old < n else []
        return witness_body(old, proof, head.sign(self.signer))


async def test_witness_cosigns_extensions_and_alarms_on_fork_and_rollback(tmp_path: Path) -> None:
    signer = Signer.generate("kinerja.test/planning")
    key = Signer.generate("witness.test/w1", COSIGNATURE_V1)
    witness = Witness(key, [signer.verifier], tmp_path / "state.json")
    honest = _Log(signer, LEAVES)
    line = await witness.add_checkpoint(honest.submit_body(0, 10))
    assert Note.parse(Checkpoint(signer.name, 10, honest.tree.root(10)).sign(signer)).with_lines(line) \
        .cosigned_at(key.verifier) is not None
    await witness.add_checkpoint(honest.submit_body(10, 20))
    with pytest.raises(Refusal) as stale:
        await witness.add_checkpoint(honest.submit_body(10, 30))
    assert stale.value.status == 409 and stale.value.body == "20\n"
    forked = _Log(signer, [*LEAVES[:4], leaf_hash(b"rewritten"), *LEAVES[5:]])
    with pytest.raises(Refusal) as fork:
        await witness.add_checkpoint(forked.submit_body(20, 30))
    assert fork.value.status == 422 and fork.value.alarm
    with pytest.raises(Refusal) as same_size:
        await witness.add_checkpoint(forked.submit_body(20, 20))
    assert same_size.value.status == 409
    with pytest.raises(Refusal) as rollback:
        await witness.add_checkpoint(honest.submit_body(10, 15))
    assert rollback.value.status == 409
    with pytest.raises(Refusal) as rollback_from_its_size:
        await witness.add_checkpoint(honest.submit_body(20, 15))
    assert rollback_from_its_size.value.status == 400 and rollback_from_its_size.value.alarm
    assert witness.alarms == 4
    alarms = [json.loads(x) for x in (tmp_path / "state.json.alarms.jsonl").read_text().splitlines()]
    assert [a["kind"] for a in alarms] == ["fork", "fork", "rollback", "rollback"]
    again = Witness(key, [signer.verifier], tmp_path / "state.json")  # state survives a restart
    assert again.state[signer.name]["size"] == 20 and again.alarms == 4
    with pytest.raises(Refusal) as unknown:
        await witness.add_checkpoint(_Log(Signer.generate("other.test/log"), LEAVES).submit_body(0, 3))
    assert unknown.value.status == 404
    impostor = _Log(Signer.generate("kinerja.test/planning"), LEAVES)
    with pytest.raises(Refusal) as forbidden:
        await witness.add_checkpoint(impostor.submit_body(20, 30))
    assert forbidden.value.status == 403


async def test_the_witness_exports_its_alarms_and_each_logs_cosigned_size_for_prometheus(tmp_path: Path) -> None:
    import httpx

    signer = Signer.generate("kinerja.test/evaluation")
    witness = Witness(Signer.generate("witness.test/w1", COSIGNATURE_V1), [signer.verifier], tmp_path / "state.json")
    honest = _Log(signer, LEAVES)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=witness_app(witness)), base_url="http://w")

    async def figures() -> dict[str, float]:
        text = (await client.get("/metrics")).text
        return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
                for line in text.splitlines() if line.startswith("kinerja_witness_")}

    async with client:
        assert (await figures())["kinerja_witness_alarms"] == 0
        assert (await client.post("/add-checkpoint", content=honest.submit_body(0, 12))).status_code == 200
        after_cosign = await figures()
        assert after_cosign['kinerja_witness_log_size{origin="kinerja.test/evaluation"}'] == 12
        assert after_cosign['kinerja_witness_last_cosigned_timestamp_seconds{origin="kinerja.test/evaluation"}'] > 0
        assert after_cosign["kinerja_witness_cosignatures"] == 1
        forked = _Log(signer, [leaf_hash(b"rewritten"), *LEAVES[1:]])
        assert (await client.post("/add-checkpoint", content=forked.submit_body(12, 20))).status_code == 422
        after_fork = await figures()
        assert after_fork["kinerja_witness_alarms"] == 1
        assert after_fork['kinerja_witness_log_size{origin="kinerja.test/evaluation"}'] == 12


def test_divergence_names_the_checkpoint_and_the_leaf() -> None:
    heads = [Checkpoint("o", n, _mth(LEAVES[:n])) for n in (5, 10, 20, 40)]
    assert locate_divergence(LEAVES[:40], heads) is None
    forged = [*LEAVES[:12], leaf_hash(b"rewritten"), *LEAVES[13:40]]
    found = locate_divergence(forged, heads, honest=LEAVES[:40])
    assert found is not None and (found.after_size, found.checkpoint_size, found.first_differing_leaf) == (10, 20, 12)
    dropped = [*LEAVES[:7], *LEAVES[8:40]]
    found = locate_divergence(dropped, heads)
    assert found is not None and (found.after_size, found.checkpoint_size) == (5, 10)


def test_make_run_keys_are_made_once_and_the_witness_starts(tmp_path: Path) -> None:
    from kinerja_kernel.infra.postgres import free_port
    from kinerja_kernel.transparency.devstack import DevTransparency

    dev = DevTransparency(tmp_path / "t", ["planning", "career"], port=free_port())
    again = DevTransparency(tmp_path / "t", ["planning", "career"], port=dev.port)
    assert again.logs == dev.logs and again.witness == dev.witness  # reused: old checkpoints still verify
    assert oct((tmp_path / "t" / "planning.key").stat().st_mode)[-3:] == "600"
    env = dev.env("planning")
    assert Signer.parse(env["KINERJA_PLANNING_TRANSPARENCY_SIGNING_KEY"]).name == "kinerja.local/planning"
    assert Verifier.parse(env["KINERJA_PLANNING_TRANSPARENCY_WITNESS_KEY"]).kind == COSIGNATURE_V1
    dev.start_witness(tmp_path / "witness.log")
    try:
        import httpx

        health = httpx.get(f"{dev.url}/health", timeout=5).json()
        assert health["status"] == "ok" and health["key"] == dev.witness.verifier.vkey and health["alarms"] == 0
    finally:
        dev.stop()
    assert dev.process is not None and dev.process.poll() is not None


async def test_the_witness_accepts_either_key_of_a_log_during_a_rotation(tmp_path: Path) -> None:
    old_key, new_key = Signer.generate("kinerja.test/career"), Signer.generate("kinerja.test/career")
    witness = Witness(Signer.generate("witness.test/w1", COSIGNATURE_V1), [old_key.verifier, new_key.verifier],
                      tmp_path / "state.json")
    await witness.add_checkpoint(_Log(old_key, LEAVES).submit_body(0, 8))
    await witness.add_checkpoint(_Log(new_key, LEAVES).submit_body(8, 12))  # same tree, new key: consistent
    assert witness.state["kinerja.test/career"]["size"] == 12


def test_a_log_refuses_a_cosigner_key_as_its_signing_key() -> None:
    from kinerja_kernel.transparency.service import TransparencyLog

    with pytest.raises(NoteError, match="0x01"):
        TransparencyLog(dsn="postgresql://unused", signer=Signer.generate("kinerja.test/x", COSIGNATURE_V1),
                        producer=None, topic="unused")
