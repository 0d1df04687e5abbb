"""The README's run command: the whole system starts, the demo office is there, the printed example works."""

from __future__ import annotations

import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

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
        assert re.search(r"Budi Santoso.*: submitted", text)
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
