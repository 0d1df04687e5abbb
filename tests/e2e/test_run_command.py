"""The README's run command: the whole system starts, the demo office is there, the printed example works."""

from __future__ import annotations

import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from kinerja_kernel.infra.postgres import free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def test_the_run_command_starts_everything_and_its_curl_example_shows_the_evaluators_inbox(tmp_path: Path) -> None:
    kafka_port, port_base = free_port(), 20000 + free_port() % 20000
    command = [sys.executable, str(ROOT / "deploy" / "local" / "devstack.py"), "--state-dir", str(tmp_path),
               "--kafka-port", str(kafka_port), "--postgres-port", str(free_port()),
               "--http-port-base", str(port_base)]
    output = tmp_path / "run.out"
    with output.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 240
        while "Press Ctrl-C" not in output.read_text():
            assert process.poll() is None, output.read_text()
            assert time.monotonic() < deadline, output.read_text()
            time.sleep(0.5)
        text = output.read_text()
        for name, offset in (("planning", 1), ("evaluation", 2), ("feedback", 3), ("career", 4)):
            assert httpx.get(f"http://127.0.0.1:{port_base + offset}/health").json()["service"] == name
        # Budi's SKP is returned (no longer just submitted) so the demo shows a returned SKP to edit (issue 19)
        assert re.search(r"Budi Santoso.*: returned", text)
        # the web application is where people start: its URL comes first, its sign-in page is Indonesian
        portal = re.search(r"Start here.*\n\s+(http://\S+)", text)
        assert portal is not None and portal.group(1) == f"http://127.0.0.1:{port_base + 5}/", text
        signin = httpx.get(f"{portal.group(1)}masuk")
        assert signin.status_code == 200 and "Masuk sebagai Siti Rahmawati" in signin.text, signin.text[:500]
        assert re.search(r"Penilaian \d{4}: periode dibuka; Siti sudah mengisi penilaian diri", text)
        # the demo office has people data to look at: a rank and potential in career, feedback for Siti
        siti = "199001012015012001"
        career = httpx.get(f"http://127.0.0.1:{port_base + 4}/api/v1/me/career",
                           headers={"Authorization": f"Bearer {_token_of(text, 'siti')}"}).json()
        assert career["rank"]["grade"] == "III/c", career
        feedback = httpx.get(f"http://127.0.0.1:{port_base + 3}/api/v1/employees/{siti}/feedback",
                             headers={"Authorization": f"Bearer {_token_of(text, 'siti')}"}).json()
        assert [f["kind"] for f in feedback] == ["apresiasi"], feedback
        # every issue-19 state out of the box: Dewi's SKP blocked by name, Budi's returned asking for an IKI
        # kualitas, Siti's uploaded file and returned entry, her daily log, a Plh, superiors for objections
        planning = f"http://127.0.0.1:{port_base + 1}/api/v1"

        def plan_of(user: str) -> dict[str, Any]:
            auth = {"Authorization": f"Bearer {_token_of(text, user)}"}
            mine = httpx.get(f"{planning}/me/plans", headers=auth).json()
            found: dict[str, Any] = httpx.get(f"{planning}/plans/{mine[0]['plan_id']}", headers=auth).json()
            return found

        dewi = plan_of("dewi")
        assert dewi["status"] == "draft", dewi
        assert [b["message"] for b in dewi["blockers"]] == [
            "RHK 'Terlayaninya konsultasi mutasi' belum mengacu pada RHK pejabat penilai"], dewi["blockers"]
        budi = plan_of("budi")
        assert budi["status"] == "returned" and "IKI kualitas" in budi["return_comments"], budi
        assert budi["blockers"] == [], budi["blockers"]  # editable, and nothing stops resubmitting as it is
        hr = {"Authorization": f"Bearer {_token_of(text, 'hr')}"}
        acting = httpx.get(f"{planning}/offices/KANREG-DEMO/acting-appointments", headers=hr).json()
        assert [(a["kind"], a["acting_id"]) for a in acting] == [("plh", siti)], acting
        roster = {r["employee_id"]: r
                  for r in httpx.get(f"{planning}/offices/KANREG-DEMO/employees", headers=hr).json()}
        assert roster[siti]["superior_id"] == "196805121990031004", roster[siti]  # an objection has its decider
        siti_plan = plan_of("siti")
        entries = httpx.get(f"{planning}/plans/{siti_plan['plan_id']}/realisation",
                            headers={"Authorization": f"Bearer {_token_of(text, 'siti')}"}).json()["entries"]
        assert any(ev.get("kind") == "file" for e in entries for ev in e.get("evidence") or []), entries
        assert any(e.get("status") == "returned" for e in entries), entries
        assert re.search(r"Catatan harian Siti Rahmawati.*: \d+ hari", text)

        example = re.search(r"curl -s -H \"Authorization: Bearer ([^\"]+)\" \\\n\s+(\S+)", text)
        assert example is not None, text
        token, url = example.groups()
        assert shlex.split(f'curl -s -H "Authorization: Bearer {token}" {url}')  # the example is valid shell
        for _ in range(100):
            inbox = httpx.get(url, headers={"Authorization": f"Bearer {token}"}).json()
            if any(n["kind"] == "plan_awaiting_approval" for n in inbox):
                break
            time.sleep(0.2)
        kinds = sorted(n["kind"] for n in inbox)
        assert kinds.count("plan_awaiting_approval") == 2  # Budi's waits; Siti's was approved since
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=120)
    assert code == 0, output.read_text()
    assert "Kinerja: stopped." in output.read_text()


def _token_of(text: str, user: str) -> str:
    """A demo user's token from the welcome text (``   siti    Siti ...`` then the token on the next line)."""
    found = re.search(rf"^\s+{user}\s+.*\n\s+(\S+)$", text, re.MULTILINE)
    assert found is not None, text
    return found.group(1)
