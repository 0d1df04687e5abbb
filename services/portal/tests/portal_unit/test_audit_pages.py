"""The auditor's pages: moments in the office's zone, a state rendered as people read it, the reconciliation's
differences, and the pages' refusals of a bad date or time (with a stand-in for the services)."""

from __future__ import annotations

import json
from datetime import time
from typing import Any
from urllib.parse import parse_qs

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_portal.clients import ApiError
from kinerja_portal.config import DemoUser, PortalSettings
from kinerja_portal.entrypoints.main import create_app
from kinerja_portal.forms import Checker
from kinerja_portal.pages.audit import (
    Shown,
    check_time,
    day_bounds,
    difference_rows,
    moment_after,
    show_state,
    show_value,
    state_link,
    zoned,
)

AUDITOR = DemoUser(nip="198001012005011001", name="Auditor Uji", roles=["auditor"], offices=["KANWIL-UJI"])


class TestMoments:
    def test_instants_read_in_the_office_zone_to_the_second(self) -> None:
        assert zoned("2030-03-01T01:02:03.456Z", TimeZone.WIB) == "1 Maret 2030 08.02.03 WIB"
        assert zoned("2030-03-01T01:02:03+00:00", TimeZone.WIT) == "1 Maret 2030 10.02.03 WIT"
        assert zoned(None, TimeZone.WIB) == "—"

    def test_the_moment_after_an_event_is_its_instant_rounded_up_to_the_second(self) -> None:
        assert moment_after("2030-03-01T01:02:03.000001Z", TimeZone.WIB) == ("2030-03-01", "08:02:04")
        assert moment_after("2030-03-01T01:02:03Z", TimeZone.WIB) == ("2030-03-01", "08:02:03")
        assert moment_after("2030-03-01T16:59:59.5Z", TimeZone.WIB) == ("2030-03-02", "00:00:00")
        assert moment_after("not a time", TimeZone.WIB) is None

    def test_days_of_the_filters_start_and_end_in_the_office_zone(self) -> None:
        assert day_bounds("2030-03-01", TimeZone.WITA, end=False) == "2030-03-01T00:00:00+08:00"
        assert day_bounds("2030-03-01", TimeZone.WITA, end=True) == "2030-03-01T23:59:59.999999+08:00"

    @pytest.mark.parametrize(("typed", "expected"), [("08:30", time(8, 30)), ("23:59:59", time(23, 59, 59))])
    def test_a_time_as_the_browser_sends_it(self, typed: str, expected: time) -> None:
        assert check_time(Checker("id"), "jam", typed) == expected

    @pytest.mark.parametrize("typed", ["24:00", "8.30", "08:60", "siang"])
    def test_a_time_that_is_not_one_says_so_in_indonesian(self, typed: str) -> None:
        check = Checker("id")
        assert check_time(check, "jam", typed) is None
        assert check.errors.fields == {"jam": "harus berupa jam JJ:MM atau JJ:MM:DD (24 jam)"}

    def test_the_state_link_of_a_timeline_entry(self) -> None:
        entry = {"stream_id": "penilaian-0b6c", "recorded_at": "2030-03-01T01:02:03.5Z"}
        link = state_link("evaluation", entry, "199001012015011001", TimeZone.WIB)
        assert link is not None
        path, query = link.split("?")
        assert path == "/audit/aliran/evaluation/penilaian-0b6c"
        assert parse_qs(query) == {"nip": ["199001012015011001"], "tanggal": ["2030-03-01"], "jam": ["08:02:04"]}
        assert state_link("evaluation", {**entry, "stream_id": "../../etc"}, "x", TimeZone.WIB) is None


def texts(shown: Shown) -> Any:
    """A ``Shown`` as plain data, to compare."""
    if shown.kind == "named":
        return {name: texts(inner) for name, inner in shown.named}
    if shown.kind == "items":
        return [texts(inner) for inner in shown.items]
    return shown.text


class TestStateAsPeopleReadIt:
    def test_an_appraisals_codes_read_by_their_labels(self) -> None:
        state = {"status": "finalised", "employee_id": "199001012015011001", "results_rating": "sesuai_ekspektasi",
                 "predicate": "baik", "organisation_predicate": "baik", "acknowledged": False,
                 "value_ratings": {"kolaboratif": {"value": "kolaboratif", "rating": "di_atas_ekspektasi",
                                                   "comment": None}},
                 "objection_deadline": "2030-03-08T16:59:59Z", "raters": [], "peer_window_closed": True}
        rows = {name: texts(shown) for name, shown in show_state(state, "id", TimeZone.WIB, "Appraisal")}
        assert rows == {
            "Status": "Final", "NIP pegawai": "199001012015011001", "Rating hasil kerja": "Sesuai Ekspektasi",
            "Predikat kinerja": "Baik", "Predikat kinerja organisasi": "Baik", "Diterima pegawai": "Tidak",
            "Rating per nilai BerAKHLAK": {"Kolaboratif": {"Nilai": "Kolaboratif", "Rating": "Di Atas Ekspektasi",
                                                           "Komentar": "—"}},
            "Batas keberatan": "8 Maret 2030 23.59.59 WIB", "Penilai 360": "—", "Jendela 360 ditutup": "Ya"}

    def test_an_skps_status_and_lists_and_english(self) -> None:
        state = {"status": "submitted", "revision_reasons": ["Target berubah"], "period_year": 2030,
                 "unheard_of_member": "as is"}
        assert {n: texts(s) for n, s in show_state(state, "id", TimeZone.WIB, "PerformancePlan")} == {
            "Status": "Diajukan", "Alasan revisi": ["Target berubah"], "Tahun": "2030", "unheard of member": "as is"}
        assert {n: texts(s) for n, s in show_state({"status": "submitted"}, "en", TimeZone.WIB,
                                                           "PerformancePlan")} == {"Status": "Submitted"}

    def test_nothing_and_deep_values_stay_readable(self) -> None:
        assert show_state(None, "id", TimeZone.WIB, None) == []
        deep: dict[str, Any] = {"a": 1}
        for _ in range(12):
            deep = {"x": deep}
        assert texts(show_value(deep, "id", TimeZone.WIB)) is not None
        assert texts(show_value(2.0, "id", TimeZone.WIB)) == "2"


class TestReconciliationRows:
    def test_each_difference_says_what_and_where(self) -> None:
        report = {"ok": False, "differences": [
            {"kind": "content_differs", "event_id": "e1", "stream_id": "skp-1", "stream_version": 3, "partition": 0,
             "offset": 17, "detail": "content differs from the stored event in: payload"},
            {"kind": "missing_on_topic", "event_id": "e2", "stream_id": "skp-2", "stream_version": 1, "partition": None,
             "offset": None, "detail": "in the store but not on the topic"}]}
        rows = difference_rows(report, "id")
        assert [(r["what"], r["event"], r["store"], r["topic"]) for r in rows] == [
            ("Isi berbeda", "e1", "skp-1 v3", "partisi 0, offset 17"),
            ("Tidak ada di topik", "e2", "skp-2 v1", "—")]
        assert difference_rows({"ok": True, "differences": []}, "id") == []


class StandIn:
    """The services as the audit pages call them: canned answers, and what was asked."""

    def __init__(self, answers: dict[tuple[str, str], Any]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, str, Any]] = []

    async def call(self, service: str, method: str, path: str, token: str, *, params: Any = None,
                   **_: Any) -> Any:
        self.asked.append((service, path, params))
        found = self.answers.get((service, path))
        if isinstance(found, Exception):
            raise found
        return found

    async def aclose(self) -> None:
        return None


@pytest.fixture
def portal() -> Any:
    settings = PortalSettings(environment="test", jwt_secret=SecretStr("x" * 32), demo_users=[AUDITOR])
    app = create_app(settings)
    with TestClient(app) as client:
        page = client.get("/masuk").text
        csrf = page.split('name="csrf" value="')[1].split('"')[0]
        client.post("/masuk", data={"csrf": csrf, "demo": AUDITOR.nip})
        yield app, client


def stand_in(app: Any, answers: dict[tuple[str, str], Any]) -> StandIn:
    found = StandIn({("evaluation", "/offices/KANWIL-UJI"): {"settings": {"time_zone": "WITA"}}, **answers})
    app.state.services = found
    return found


class TestPages:
    def test_a_bad_date_or_time_is_named_in_indonesian_and_kept(self, portal: Any) -> None:
        app, client = portal
        services = stand_in(app, {})
        answer = client.get("/audit/aliran/evaluation/penilaian-1", params={"tanggal": "2030-02-30", "jam": "25:00"})
        assert answer.status_code == 422
        assert 'id="e-tanggal">harus berupa tanggal (YYYY-MM-DD)' in answer.text
        assert 'id="e-jam">harus berupa jam JJ:MM atau JJ:MM:DD (24 jam)' in answer.text
        assert 'value="25:00"' in answer.text
        assert "Jam: harus berupa jam" in answer.text  # the summary names the field plainly
        assert "Jam (WITA)" in answer.text  # the office's zone is named
        assert not any(path.startswith("/audit/streams") for _, path, _ in services.asked)

    def test_the_moment_goes_to_the_service_in_the_office_zone_and_the_state_reads_well(self, portal: Any) -> None:
        app, client = portal
        state = {"stream_id": "penilaian-1", "at": "2030-03-01T00:30:00Z", "version": 2, "office_id": "KANWIL-UJI",
                 "aggregate": "Appraisal", "state": {"results_rating": "sesuai_ekspektasi"},
                 "events": [{"event_id": "e1", "event_type": "evaluation.AppraisalOpened", "stream_version": 1,
                             "recorded_at": "2030-03-01T00:00:00Z", "actor_id": "system", "actor_role": "system"},
                            {"event_id": "e2", "event_type": "evaluation.ResultsRatingSet", "stream_version": 2,
                             "recorded_at": "2030-03-01T00:20:00Z", "actor_id": "1990", "actor_role": "pejabat_penilai"}]}
        services = stand_in(app, {("evaluation", "/audit/streams/penilaian-1"): state})
        answer = client.get("/audit/aliran/evaluation/penilaian-1", params={"tanggal": "2030-03-01", "jam": "08:30"})
        assert answer.status_code == 200
        assert ("evaluation", "/audit/streams/penilaian-1", {"at": "2030-03-01T08:30:00+08:00"}) in services.asked
        assert "Keadaan pada 1 Maret 2030 08.30.00 WITA" in answer.text
        assert "Sesuai Ekspektasi" in answer.text and "ResultsRatingSet · 1 Maret 2030 08.20.00 WITA" in answer.text
        assert json.loads(answer.text.split('<pre class="raw">')[1].split("</pre>")[0].replace("&#34;", '"')) == \
            state["state"]

    def test_the_timeline_asks_for_whole_days_in_the_office_zone(self, portal: Any) -> None:
        app, client = portal
        services = stand_in(app, {(s, p): {"entries": [], "ok": True, "events": 0, "breaks": []}
                                  for s in ("planning", "evaluation", "feedback", "career")
                                  for p in ("/audit/timeline", "/audit/verify")})
        answer = client.get("/audit", params={"nip": "199001012015011001", "sejak": "2030-03-01", "sampai": "2030-03-02"})
        assert answer.status_code == 200
        asked = next(params for _, path, params in services.asked if path == "/audit/timeline")
        assert asked["since"] == "2030-03-01T00:00:00+08:00" and asked["until"] == "2030-03-02T23:59:59.999999+08:00"
        wrong = client.get("/audit", params={"nip": "199001012015011001", "sejak": "2030-03-02", "sampai": "2030-03-01"})
        assert wrong.status_code == 422 and "tidak boleh sebelum tanggal &#39;Sejak&#39;" in wrong.text

    def test_reconciliation_shows_each_service_consistent_or_its_differences(self, portal: Any) -> None:
        app, client = portal
        ok = {"ok": True, "topic": "t", "stored": 3, "on_topic": 3, "duplicates": 0, "differences": []}
        differs = {**ok, "ok": False, "differences": [{"kind": "extra_on_topic", "event_id": "e9", "stream_id": "skp-9",
                                                       "stream_version": 4, "partition": 1, "offset": 42,
                                                       "detail": "on the topic but not in the store"}]}
        stand_in(app, {("planning", "/audit/reconcile"): differs, ("evaluation", "/audit/reconcile"): ok,
                       ("feedback", "/audit/reconcile"): ok,
                       ("career", "/audit/reconcile"): ApiError("career", 403, "Anda tidak memiliki akses", [])})
        answer = client.get("/audit/rekonsiliasi", params={"kantor": "KANWIL-UJI"})
        assert answer.status_code == 403  # a refusal of one service is shown, not swallowed
        stand_in(app, {("planning", "/audit/reconcile"): differs, ("evaluation", "/audit/reconcile"): ok,
                       ("feedback", "/audit/reconcile"): ok, ("career", "/audit/reconcile"): ok})
        answer = client.get("/audit/rekonsiliasi", params={"kantor": "KANWIL-UJI"})
        assert answer.status_code == 200
        assert "planning:" in answer.text and "1 perbedaan" in answer.text and "Hanya ada di topik" in answer.text
        assert "partisi 1, offset 42" in answer.text and "skp-9 v4" in answer.text
        assert answer.text.count("konsisten") == 3
        other = client.get("/audit/rekonsiliasi", params={"kantor": "KANWIL-LAIN"})
        assert other.status_code == 422 and 'id="e-kantor">pilihan tidak dikenal' in other.text
