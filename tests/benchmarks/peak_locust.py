"""The month-end peak's users, for Locust (``peak.py`` runs it headless in its own process).

Locust patches the standard library with gevent on import, so this file never shares a process with the
asyncio services or benchmarks: ``peak.py`` starts ``locust -f tests/benchmarks/peak_locust.py`` with

- ``KINERJA_PEAK_AGENCY``: the agency JSON ``agency.py`` wrote (people, roles, plan and IKI ids);
- ``KINERJA_PEAK_URLS``: JSON ``{"planning": ..., "evaluation": ..., "feedback": ..., "portal": ...}``;
- ``KINERJA_PEAK_SECRET``: the services' JWT secret (API calls carry a token minted here);
- ``KINERJA_PEAK_RATE``: tasks per second of each user (``constant_throughput``).

Employees log a realisation entry (API), open their SKP, their daily log, home and notifications (portal and
API); supervisors open the team board and dashboard, one staff SKP, and approve the SKPs left submitted
(else comment on an entry); HR opens the recap, the office dashboard, the office overview and personnel.
Every request is named by its route (``page GET /skp/{id}``, ``api planning POST realisation``) so the
report has one row per endpoint and page.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import urllib.parse
import uuid
from typing import Any

from locust import FastHttpUser, constant_throughput, task

from kinerja_kernel.auth import mint_token

AGENCY: dict[str, Any] = json.loads(open(os.environ["KINERJA_PEAK_AGENCY"]).read())  # noqa: SIM115
URLS: dict[str, str] = json.loads(os.environ["KINERJA_PEAK_URLS"])
SECRET = os.environ["KINERJA_PEAK_SECRET"]
RATE = float(os.environ.get("KINERJA_PEAK_RATE", "0.5"))
CSRF = re.compile(r'name="csrf" value="([^"]+)"')

PEOPLE = AGENCY["people"]
EMPLOYEES = [p for p in PEOPLE if p["role"] == "employee" and "plan_id" in p and "pending" not in p]
SUPERVISORS = [p for p in PEOPLE if p["role"] == "supervisor" and p["position_type"] == "kepala_unit"]
HRS = [p for p in PEOPLE if p["role"] == "hr"]
STAFF_OF: dict[str, list[dict[str, Any]]] = {}
for _p in PEOPLE:
    if _p["role"] == "employee" and "plan_id" in _p and _p["evaluator_id"]:
        STAFF_OF.setdefault(_p["evaluator_id"], []).append(_p)
PENDING: dict[str, list[str]] = {s: [p["plan_id"] for p in staff if "pending" in p] for s, staff in STAFF_OF.items()}
DAYS: list[str] = AGENCY["working_days"]
YEAR: int = AGENCY["year"]
_turn = {"employee": itertools.count(), "supervisor": itertools.count(), "hr": itertools.count()}


def _pick(pool: list[dict[str, Any]], role: str) -> dict[str, Any]:
    return pool[next(_turn[role]) % len(pool)]


class Person(FastHttpUser):
    """A signed-in person: a portal session (cookie) and a service token for the APIs."""

    abstract = True
    wait_time = constant_throughput(RATE)
    host = URLS["portal"]
    role = "employee"
    me: dict[str, Any]
    auth: dict[str, str]

    def pool(self) -> list[dict[str, Any]]:
        return EMPLOYEES

    def on_start(self) -> None:
        self.me = _pick(self.pool(), self.role)
        roles = list(self.me["roles"])
        token = mint_token(secret=SECRET, user_id=self.me["nip"], roles=roles, offices=[self.me["office_id"]],
                           name=self.me["name"])
        self.auth = {"Authorization": f"Bearer {token}"}
        page = self.client.get("/masuk", name="page GET /masuk")
        found = CSRF.search(page.text or "")
        form: list[tuple[str, str]] = [("csrf", found.group(1) if found else ""), ("nip", self.me["nip"]),
                                       ("office", self.me["office_id"]), ("name", self.me["name"])]
        form += [("roles", r) for r in roles]
        self.client.post("/masuk", data=urllib.parse.urlencode(form), name="page POST /masuk", allow_redirects=False,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})

    def page(self, path: str, name: str) -> None:
        self.client.get(path, name=f"page GET {name}")

    def api(self, service: str, method: str, path: str, name: str, **kwargs: Any) -> Any:
        return self.client.request(method, f"{URLS[service]}/api/v1{path}", name=f"api {service} {method} {name}",
                                   headers=self.auth, **kwargs)


class Employee(Person):
    weight = 85

    @task(4)
    def log_realisation(self) -> None:
        body = {"entries": [{"entry_id": str(uuid.uuid4()), "iki_id": self.me["iki_id"], "value": "1",
                             "occurred_on": random.choice(DAYS), "description": "Menyusun laporan harian",
                             "evidence": [{"kind": "link", "uri": "https://arsip.kinerja.example/harian.pdf"}]}]}
        self.api("planning", "POST", f"/plans/{self.me['plan_id']}/realisation", "/plans/{id}/realisation", json=body)

    @task(2)
    def open_skp(self) -> None:
        self.page(f"/skp/{self.me['plan_id']}", "/skp/{id}")

    @task(1)
    def daily_log(self) -> None:
        self.page("/catatan-harian", "/catatan-harian")

    @task(1)
    def home(self) -> None:
        self.page("/beranda", "/beranda")

    @task(1)
    def notifications_page(self) -> None:
        self.page("/notifikasi", "/notifikasi")

    @task(1)
    def notifications_api(self) -> None:
        self.api("feedback", "GET", "/notifications", "/notifications")

    @task(1)
    def progress_api(self) -> None:
        self.api("planning", "GET", f"/plans/{self.me['plan_id']}/realisation", "/plans/{id}/realisation")


class Supervisor(Person):
    weight = 12
    role = "supervisor"

    def pool(self) -> list[dict[str, Any]]:
        return SUPERVISORS

    @task(2)
    def team_page(self) -> None:
        self.page("/tim", "/tim")

    @task(1)
    def team_dashboard(self) -> None:
        self.page("/dasbor/tim", "/dasbor/tim")

    @task(1)
    def team_plans_api(self) -> None:
        self.api("planning", "GET", f"/team/plans?period_year={YEAR}", "/team/plans")

    @task(1)
    def staff_skp(self) -> None:
        staff = STAFF_OF.get(self.me["nip"]) or []
        if staff:
            self.page(f"/tim/skp/{random.choice(staff)['plan_id']}", "/tim/skp/{id}")

    @task(1)
    def approve(self) -> None:
        waiting = PENDING.get(self.me["nip"]) or []
        if waiting:
            plan_id = waiting.pop()
            with self.api("planning", "POST", f"/plans/{plan_id}/approve", "/plans/{id}/approve", json={},
                          catch_response=True) as answer:
                if answer.status_code == 409:  # approved by another of this supervisor's sessions
                    answer.success()
            return
        staff = [p for p in STAFF_OF.get(self.me["nip"]) or [] if p.get("entry_id")]
        if staff:
            who = random.choice(staff)
            self.api("planning", "POST", f"/plans/{who['plan_id']}/realisation/{who['entry_id']}/comments",
                     "/plans/{id}/realisation/{entry}/comments", json={"comment": "Sudah sesuai, lanjutkan."})


class Hr(Person):
    weight = 3
    role = "hr"

    def pool(self) -> list[dict[str, Any]]:
        return HRS

    @task(2)
    def recap(self) -> None:
        self.page("/rekap", "/rekap")

    @task(1)
    def office_dashboard(self) -> None:
        self.page("/dasbor/kantor", "/dasbor/kantor")

    @task(1)
    def office(self) -> None:
        self.page("/kantor", "/kantor")

    @task(1)
    def personnel(self) -> None:
        self.page("/kepegawaian", "/kepegawaian")

    @task(1)
    def office_dashboard_api(self) -> None:
        self.api("planning", "GET", f"/offices/{self.me['office_id']}/dashboard?period_year={YEAR}",
                 "/offices/{id}/dashboard")
