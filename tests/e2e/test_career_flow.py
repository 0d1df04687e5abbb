"""End to end: the career service as its own process, fed finalised and corrected appraisals on Kafka.

HR enters the rank, the functional coefficient and the potential over HTTP; two annual results arrive on
``kinerja.evaluation.events`` and make the employee eligible for promotion with a 9-box; an objection's
correction arrives and flips eligibility, credit points and the box. The read models show it over HTTP,
and the published career events on ``kinerja.career.events`` name the appraisal event as their cause.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.evaluation import (
    AppraisalCorrected,
    AppraisalFinalised,
    AppraisalResult,
    EvaluationPeriod,
    Predicate,
    Rating,
    RhkRating,
    ValueRating,
)
from kinerja_kernel.contracts.planning import BerAkhlak, Employment, PositionType
from kinerja_kernel.envelope import utcnow
from kinerja_kernel.infra.processes import ServiceProcess, running_services
from kinerja_kernel.testing.http import bearer
from kinerja_kernel.testing.kafka_helpers import TopicRecord, envelope_of, publish, read_topic

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

EVALUATOR = "198001012005011002"
HR = "197001012000011003"


@pytest.fixture
def career_service(postgres_server_url: str, kafka_bootstrap: str, jwt_secret: str, tmp_path: Path,
                   unique: str) -> Iterator[ServiceProcess]:
    # its own consumer group: another career process on the shared test broker must not take its partitions
    with running_services(("career",), server_url=postgres_server_url, bootstrap=kafka_bootstrap,
                          jwt_secret=jwt_secret, log_dir=tmp_path, database_prefix=f"e2e_career_{unique}",
                          extra_env={"career": {"KINERJA_CAREER_CONSUMER_GROUP": f"kinerja-career-e2e-{unique}"}}
                          ) as started:
        yield started["career"]


def annual(employee_id: str, office_id: str, year: int, predicate: Predicate, results: Rating,
           behaviour: Rating) -> AppraisalResult:
    return AppraisalResult(
        appraisal_id=uuid.uuid4(), employee_id=employee_id, office_id=office_id, unit_id="SEKSI-E2E",
        period=EvaluationPeriod.parse(str(year)), position_type=PositionType.JF, employment=Employment.PNS,
        evaluator_id=EVALUATOR, results_rating=results, behaviour_rating=behaviour, predicate=predicate,
        rhk_ratings=(RhkRating(rhk_id=uuid.uuid4(), rating=results),),
        value_ratings=tuple(ValueRating(value=v, rating=Rating.SESUAI) for v in BerAkhlak))


async def until(client: httpx.AsyncClient, url: str, headers: dict[str, str],
                done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Poll a read model until ``done`` holds (bounded)."""
    body: dict[str, Any] = {}
    for _ in range(300):
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        if done(body):
            return body
        await asyncio.sleep(0.2)
    raise AssertionError(f"read model never reached the expected state: {body}")


async def career_events(bootstrap: str, employee_id: str, done: Callable[[list[TopicRecord]], bool]
                        ) -> list[TopicRecord]:
    """The employee's records on ``kinerja.career.events`` (stream order) once ``done`` holds (bounded)."""
    mine: list[TopicRecord] = []
    for _ in range(150):
        mine = sorted((r for r in await read_topic(bootstrap, "kinerja.career.events", timeout=10)
                       if r.key == employee_id.encode()), key=lambda r: int(r.header("ce_streamversion") or 0))
        if done(mine):
            return mine
        await asyncio.sleep(0.2)
    raise AssertionError(f"career events for {employee_id} incomplete: {[r.header('ce_type') for r in mine]}")


async def test_finalised_and_corrected_appraisals_flow_into_the_career_read_models_and_events(
    career_service: ServiceProcess, jwt_secret: str, kafka_bootstrap: str, unique: str
) -> None:
    office = f"KANREG-E2E-{unique[:6].upper()}"
    employee = f"19900101201501{1}{int(unique[:6], 16) % 999 + 1:03d}"
    hr = bearer(jwt_secret, HR, [Role.PENGELOLA_KEPEGAWAIAN], [office])
    me = bearer(jwt_secret, employee, [Role.PEGAWAI], [office])
    url = career_service.url

    async with httpx.AsyncClient(timeout=10) as client:
        base = f"{url}/api/v1/offices/{office}/employees/{employee}"
        for path, body in (("rank", {"grade": "III/c", "name": "Penata", "tmt": "2021-04-01"}),
                           ("functional-position", {"level": "ahli_muda", "effective_year": 2020}),
                           ("potential", {"potential": "tinggi", "source": "Assessment Center",
                                          "assessed_on": "2025-05-20"})):
            response = await client.put(f"{base}/{path}", json=body, headers=hr)
            assert response.status_code == 200, response.text

        r2024 = annual(employee, office, 2024, Predicate.BAIK, Rating.SESUAI, Rating.SESUAI)
        r2025 = annual(employee, office, 2025, Predicate.SANGAT_BAIK, Rating.DI_ATAS, Rating.DI_ATAS)
        finalised = [envelope_of(AppraisalFinalised(result=r, finalised_by=EVALUATOR, objection_deadline=utcnow()),
                                 subject=employee, office_id=office, source="/kinerja/evaluation",
                                 stream_id=f"penilaian-{r.appraisal_id}") for r in (r2024, r2025)]
        await publish(kafka_bootstrap, "kinerja.evaluation.events", finalised)

        page = await until(client, f"{url}/api/v1/me/career?as_of=2026-04-01", me,
                           lambda p: p.get("known") and len(p["history"]) == 2)
        assert page["promotion"]["eligible"] is True
        assert page["talent"]["box"] == 9 and page["talent"]["group"] == "talent_pool"
        assert page["credit_points"]["by_year"] == {"2024": "25.00", "2025": "37.50"}
        grid = (await client.get(f"{url}/api/v1/offices/{office}/talent", headers=hr)).json()
        assert [p["employee_id"] for p in grid["talent_pool"]] == [employee]

        lowered = r2025.model_copy(update={"predicate": Predicate.BUTUH_PERBAIKAN, "results_rating": Rating.DI_BAWAH,
                                           "rhk_ratings": (RhkRating(rhk_id=uuid.uuid4(), rating=Rating.DI_BAWAH),)})
        correction = envelope_of(
            AppraisalCorrected(replaces_event_id=finalised[1].event_id, objection_id=uuid.uuid4(), previous=r2025,
                               result=lowered, reason="Hasil diubah atasan pejabat penilai",
                               decided_by="196801011990031001"),
            subject=employee, office_id=office, source="/kinerja/evaluation", stream_id=finalised[1].stream_id,
            stream_version=2, prev_hash=finalised[1].hash)
        await publish(kafka_bootstrap, "kinerja.evaluation.events", [correction])

        page = await until(client, f"{url}/api/v1/me/career?as_of=2026-04-01", me,
                           lambda p: p["promotion"]["eligible"] is False)
        assert page["promotion"]["reasons"] == ["Predikat 2025: Butuh Perbaikan (minimal Baik)"]
        assert page["credit_points"]["by_year"]["2025"] == "18.75"  # 25 x 0.75
        assert page["talent"]["box"] == 6 and page["talent"]["group"] == "pengembangan"
        assert page["improvement_plan"]["idp_id"] is None
        promotions = (await client.get(f"{url}/api/v1/offices/{office}/promotions?year=2026", headers=hr)).json()
        assert [e["employee_id"] for e in promotions["not_eligible"]] == [employee]

    def last_is_published(records: list[TopicRecord]) -> bool:
        return any(r.header("ce_causationid") == str(correction.event_id)
                   and r.header("ce_type") == "career.DevelopmentRecommended" for r in records)

    records = await career_events(kafka_bootstrap, employee, last_is_published)
    caused_by_correction = [r for r in records if r.header("ce_causationid") == str(correction.event_id)]
    types = [r.header("ce_type") for r in caused_by_correction]
    assert types[0] == "career.PerformanceCorrected"
    assert {"career.CreditPointsCalculated", "career.PromotionEligibilityChanged", "career.TalentBoxChanged",
            "career.DevelopmentRecommended"} <= set(types)
    box = next(r for r in caused_by_correction if r.header("ce_type") == "career.TalentBoxChanged")
    assert (json.loads(box.value or b"{}")["previous_box"], json.loads(box.value or b"{}")["box"]) == (9, 6)
    eligibility = [json.loads(r.value or b"{}") for r in caused_by_correction
                   if r.header("ce_type") == "career.PromotionEligibilityChanged"]
    assert [(e["previous_eligible"], e["eligible"]) for e in eligibility] == [(True, False), (True, False)]
    assert all(r.header("ce_office") == office and r.header("ce_source") == "/kinerja/career"
               for r in caused_by_correction)
    leadership = [r for r in records if r.header("ce_causationid") == str(finalised[1].event_id)
                  and r.header("ce_type") == "career.DevelopmentRecommended"]
    assert json.loads(leadership[0].value or b"{}")["items"][0]["kind"] == "program_kepemimpinan"
