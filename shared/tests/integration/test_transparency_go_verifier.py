"""An auditor who trusts none of our code: Go's ``golang.org/x/mod/sumdb/note`` and ``sumdb/tlog`` (built
from source here, from the Go module proxy) verify our checkpoints, cosignatures, inclusion and
consistency proofs as served over HTTP, and reject tampered ones.

The log runs on real PostgreSQL; the witness runs as its own process (``python -m
kinerja_kernel.transparency.witness``), as another institution would deploy it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI

from kinerja_kernel.db import KERNEL_MIGRATIONS, Database, migrate
from kinerja_kernel.envelope import Actor, PendingEvent
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.http import install_http_edge
from kinerja_kernel.infra.postgres import free_port
from kinerja_kernel.transparency.http import transparency_router
from kinerja_kernel.transparency.merkle import MemoryTree, consistency_proof, leaf_hash
from kinerja_kernel.transparency.note import COSIGNATURE_V1, Signer
from kinerja_kernel.transparency.service import TransparencyLog, WitnessConfig
from kinerja_kernel.transparency.store import TRANSPARENCY_MIGRATIONS, MerkleLog

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

X_MOD_VERSION = "v0.43.0"

GO_MOD = f"""module kinerja.test/verify

go 1.22

require golang.org/x/mod {X_MOD_VERSION}
"""

GO_MAIN = r"""
// An independent auditor: Go's sumdb/note and sumdb/tlog, nothing from Kinerja.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type input struct {
	LogKey      string   `json:"log_key"`
	WitnessName string   `json:"witness_name"`
	WitnessKey  string   `json:"witness_key"`
	Checkpoints []string `json:"checkpoints"`
	Inclusion   []struct {
		Checkpoint int      `json:"checkpoint"`
		LeafData   string   `json:"leaf_data"`
		Index      int64    `json:"leaf_index"`
		Proof      []string `json:"inclusion_proof"`
	} `json:"inclusion"`
	Consistency []struct {
		Old   int      `json:"old"`
		New   int      `json:"new"`
		Proof []string `json:"consistency_proof"`
	} `json:"consistency"`
}

type head struct {
	Size     int64  `json:"size"`
	Cosigned bool   `json:"cosigned"`
	Err      string `json:"error"`
	root     tlog.Hash
}

type result struct {
	OK  bool   `json:"ok"`
	Err string `json:"error"`
}

func hashes(list []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			return nil, fmt.Errorf("bad hash %q", s)
		}
		copy(out[i][:], b)
	}
	return out, nil
}

func open(v note.Verifier, msg, wname string, wkey ed25519.PublicKey) head {
	n, err := note.Open([]byte(msg), note.VerifierList(v))
	if err != nil {
		return head{Err: err.Error()}
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != v.Name() {
		return head{Err: "not a checkpoint of this log"}
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return head{Err: "bad size"}
	}
	root, err := hashes([]string{lines[2]})
	if err != nil {
		return head{Err: err.Error()}
	}
	h := head{Size: size, root: root[0]}
	id := sha256.Sum256(append([]byte(wname+"\n\x04"), wkey...))
	for _, s := range n.UnverifiedSigs { // C2SP tlog-cosignature, checked with crypto/ed25519
		raw, err := base64.StdEncoding.DecodeString(s.Base64)
		if err != nil || s.Name != wname || len(raw) != 4+8+ed25519.SignatureSize || !bytes.Equal(raw[:4], id[:4]) {
			continue
		}
		ts := binary.BigEndian.Uint64(raw[4:12])
		signed := fmt.Sprintf("cosignature/v1\ntime %d\n%s", ts, n.Text)
		if ed25519.Verify(wkey, []byte(signed), raw[12:]) {
			h.Cosigned = true
		}
	}
	return h
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	v, err := note.NewVerifier(in.LogKey)
	if err != nil {
		panic(err)
	}
	wkey, err := base64.StdEncoding.DecodeString(in.WitnessKey)
	if err != nil {
		panic(err)
	}
	var out struct {
		Checkpoints []head   `json:"checkpoints"`
		Inclusion   []result `json:"inclusion"`
		Consistency []result `json:"consistency"`
	}
	for _, c := range in.Checkpoints {
		out.Checkpoints = append(out.Checkpoints, open(v, c, in.WitnessName, ed25519.PublicKey(wkey)))
	}
	for _, p := range in.Inclusion {
		h := out.Checkpoints[p.Checkpoint]
		data, err1 := hex.DecodeString(p.LeafData)
		proof, err2 := hashes(p.Proof)
		if h.Err != "" || err1 != nil || err2 != nil {
			out.Inclusion = append(out.Inclusion, result{false, "bad input"})
			continue
		}
		err := tlog.CheckRecord(tlog.RecordProof(proof), h.Size, h.root, p.Index, tlog.RecordHash(data))
		out.Inclusion = append(out.Inclusion, result{err == nil, fmt.Sprint(err)})
	}
	for _, p := range in.Consistency {
		a, b := out.Checkpoints[p.Old], out.Checkpoints[p.New]
		proof, err := hashes(p.Proof)
		if a.Err != "" || b.Err != "" || err != nil {
			out.Consistency = append(out.Consistency, result{false, "bad input"})
			continue
		}
		err = tlog.CheckTree(tlog.TreeProof(proof), b.Size, b.root, a.Size, a.root)
		out.Consistency = append(out.Consistency, result{err == nil, fmt.Sprint(err)})
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
"""


def _go() -> str | None:
    """A Go toolchain (``deploy/local/setup.sh`` installs Go 1.26 into ~/.local/go when none is there; an
    older Go >= 1.21 fetches the 1.26 toolchain that x/mod v0.43.0 asks for from the module proxy)."""
    candidates = ("/usr/local/go/bin/go", str(Path.home() / ".local/go/bin/go"), "/usr/lib/go/bin/go")
    return shutil.which("go") or next((p for p in candidates if Path(p).exists()), None)


@pytest.fixture(scope="module")
def go_verifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the auditor from source: x/mod from the module proxy into a fresh GOPATH."""
    go = _go()
    if go is None:
        pytest.skip("no Go toolchain (deploy/local/setup.sh installs one)")
    work = tmp_path_factory.mktemp("goverify")
    (work / "go.mod").write_text(GO_MOD)
    (work / "main.go").write_text(GO_MAIN)
    env = {**os.environ, "GOFLAGS": "-mod=mod", "GOPATH": str(work / "gopath")}
    built = subprocess.run([go, "build", "-o", str(work / "verify"), "."], cwd=work, env=env, capture_output=True,
                           text=True, timeout=600, check=False)
    assert built.returncode == 0, built.stderr
    subprocess.run([go, "clean", "-modcache"], cwd=work, env=env, capture_output=True, timeout=120, check=False)
    return work / "verify"


@pytest.fixture
def witness_process(tmp_path: Path) -> Iterator[tuple[str, Signer, Signer]]:
    """The witness as its own process, with its own key file and state file."""
    log_key = Signer.generate("kinerja.test/evaluation")
    key_file = tmp_path / "witness.key"
    made = subprocess.run([sys.executable, "-m", "kinerja_kernel.transparency.witness", "--key-file", str(key_file),
                           "--generate-key", "witness.test/inspektorat"], capture_output=True, text=True, check=True)
    witness_key = Signer.parse(key_file.read_text())
    assert made.stdout.strip() == witness_key.verifier.vkey
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kinerja_kernel.transparency.witness", "--key-file", str(key_file), "--log",
         log_key.verifier.vkey, "--state", str(tmp_path / "state.json"), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                pytest.fail("the witness process exited")
            time.sleep(0.1)
        yield url, log_key, witness_key
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest_asyncio.fixture(loop_scope="session")
async def gdb(database_url: str) -> AsyncIterator[Database]:
    database = await Database.connect(database_url, min_size=1, max_size=4)
    async with database.connection() as conn:
        await migrate(conn, [*KERNEL_MIGRATIONS, *TRANSPARENCY_MIGRATIONS])
    yield database
    await database.close()


def _pending(n: int) -> PendingEvent:
    return PendingEvent(event_type="test.Rated", event_version=1, subject="199001012020011001", office_id="kantor-a",
                        actor=Actor(id="199001012020011002", role="atasan"), correlation_id="c", payload={"n": n})


async def _audit_cli_agrees(app: FastAPI, log_key: Signer, witness_key: Signer, event_id: str) -> None:
    """``kinerja-audit transparency`` (a separate process) checks the same log over real HTTP."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.05)
        keys = ["--url", f"http://127.0.0.1:{port}", "--log-key", log_key.verifier.vkey,
                "--witness-key", witness_key.verifier.vkey]
        for args, expected in ((["verify-log"], "UTUH: 307 daun, 4 checkpoint, 4 disaksikan"),
                               (["inclusion", "--event-id", event_id, "--tree-size", "300"], "TERBUKTI"),
                               (["consistency", "--old", "100", "--new", "307"], "KONSISTEN")):
            run = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "kinerja_kernel.audit_cli", "transparency", *args, "--service", "evaluation",
                *keys, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            out, err = await run.communicate()
            assert run.returncode == 0 and expected in out.decode(), (args, out.decode(), err.decode())
    finally:
        server.should_exit = True
        await serving


async def _verify(binary: Path, data: Mapping[str, object]) -> dict[str, list[dict[str, object]]]:
    run = await asyncio.create_subprocess_exec(str(binary), stdin=asyncio.subprocess.PIPE,
                                               stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await run.communicate(json.dumps(data).encode())
    assert run.returncode == 0, err.decode()
    result: dict[str, list[dict[str, object]]] = json.loads(out)
    return result


async def test_go_sumdb_verifies_our_checkpoints_and_proofs(
        gdb: Database, database_url: str, go_verifier: Path, witness_process: tuple[str, Signer, Signer]) -> None:
    url, log_key, witness_key = witness_process
    store = PostgresEventStore(gdb, source="/kinerja/test")
    log = TransparencyLog(dsn=database_url, signer=log_key, producer=None, topic="unused",
                          witness=WitnessConfig(url, witness_key.verifier), checkpoint_interval=0)
    app = FastAPI()
    install_http_edge(app)
    app.include_router(transparency_router("evaluation"))
    app.state.runtime = SimpleNamespace(db=gdb, transparency=log)
    async with gdb.connection() as conn, httpx.AsyncClient(timeout=10) as witness_client, httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://svc") as api:
        for batch in (1, 99, 200, 7):  # checkpoints of sizes 1, 100, 300, 307
            for n in range(batch):
                await store.append(f"penilaian-{n % 9}", len(await store.read_stream(f"penilaian-{n % 9}")),
                                   [_pending(n)])
            merkle = await MerkleLog.load(conn)
            await log.step(conn, merkle, witness_client, final=True)
        history = (await api.get("/api/v1/transparency/checkpoints")).json()["checkpoints"]
        assert [c["tree_size"] for c in history] == [1, 100, 300, 307] and all(c["witnessed"] for c in history)
        latest = await api.get("/api/v1/transparency/checkpoint", params={"witnessed": "true"})
        assert latest.text == history[-1]["checkpoint"]
        keys = (await api.get("/api/v1/transparency/keys")).json()
        assert keys["log_key"] == log_key.verifier.vkey
        leaves = (await api.get("/api/v1/transparency/leaves", params={"limit": 10_000})).json()["leaves"]
        assert [leaf["index"] for leaf in leaves] == list(range(307))
        inclusion = []
        for position, size in ((0, 1), (0, 300), (57, 100), (255, 300), (256, 307), (306, 307)):
            checkpoint = [c["tree_size"] for c in history].index(size)
            proof = (await api.get("/api/v1/transparency/inclusion",
                                   params={"event_id": leaves[position]["event_id"], "tree_size": size})).json()
            assert proof["leaf_index"] == position
            inclusion.append({**proof, "checkpoint": checkpoint})
        consistency = []
        for old, new in ((0, 1), (1, 2), (0, 3), (2, 3)):
            proof = (await api.get("/api/v1/transparency/consistency",
                                   params={"old_size": history[old]["tree_size"],
                                           "new_size": history[new]["tree_size"]})).json()
            consistency.append({**proof, "old": old, "new": new})
        missing = await api.get("/api/v1/transparency/inclusion", params={"event_id": leaves[0]["event_id"],
                                                                          "tree_size": 2})
        assert missing.status_code == 404 and "application/problem+json" in missing.headers["content-type"]
        await _audit_cli_agrees(app, log_key, witness_key, leaves[42]["event_id"])

    notes = [c["checkpoint"] for c in history]
    forged_size = notes[2].replace("\n300\n", "\n299\n", 1)
    other_witness = Signer.generate("witness.test/inspektorat", COSIGNATURE_V1)
    fork = MemoryTree([leaf_hash(i.to_bytes(2, "big")) for i in range(300)])
    data: dict[str, object] = {
        "log_key": log_key.verifier.vkey, "witness_name": witness_key.name,
        "witness_key": base64.b64encode(witness_key.verifier.public).decode(),
        "checkpoints": [*notes, forged_size],
        "inclusion": [*inclusion,
                      {**inclusion[3], "leaf_data": "00" * 32},  # another event's content
                      {**inclusion[4], "leaf_index": 257}],  # another place
        "consistency": [*consistency,
                        {"old": 1, "new": 2, "consistency_proof": [base64.b64encode(h).decode() for h in
                                                                   consistency_proof(100, 300, fork.subtree)]}],
    }
    result = await _verify(go_verifier, data)
    assert [c["size"] for c in result["checkpoints"][:4]] == [1, 100, 300, 307]
    assert all(c["cosigned"] and not c["error"] for c in result["checkpoints"][:4]), result["checkpoints"]
    assert result["checkpoints"][4]["error"]  # a size changed after signing: Go's note.Open refuses it
    assert [r["ok"] for r in result["inclusion"]] == [True] * 6 + [False, False], result["inclusion"]
    assert [r["ok"] for r in result["consistency"]] == [True] * 4 + [False], result["consistency"]
    # a cosignature by a key the auditor does not trust is not counted
    data["witness_key"] = base64.b64encode(other_witness.verifier.public).decode()
    untrusted = await _verify(go_verifier, {**data, "inclusion": [], "consistency": []})
    assert not any(c["cosigned"] for c in untrusted["checkpoints"])
