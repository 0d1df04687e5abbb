"""What evaluation learns of realisation from planning's events: an entry sent back or withdrawn is listed with
its status and left out of the period's total until corrected (the same entries planning's page counts)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from kinerja_evaluation.adapters import planning_facts as facts
from kinerja_kernel.contracts import planning as ev
from kinerja_kernel.db import KERNEL_MIGRATIONS, migrate

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

EMPLOYEE, EVALUATOR = "199001012015011001", "198001012005011002"


def recorded(plan_id: uuid.UUID, rhk_id: uuid.UUID, iki_id: uuid.UUID, value: str, day: date) -> ev.RealisationRecorded:
    return ev.RealisationRecorded(plan_id=plan_id, employee_id=EMPLOYEE, entry_id=uuid.uuid4(), rhk_id=rhk_id,
                                  iki_id=iki_id, value=Decimal(value), unit="dokumen", occurred_on=day,
                                  description="Menyusun dokumen")


async def test_returned_and_withdrawn_entries_are_left_out_until_corrected(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await migrate(conn, [*KERNEL_MIGRATIONS, *facts.MIGRATIONS])
        plan_id, rhk_id, iki_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        await conn.execute("INSERT INTO skp_rhks VALUES ($1, $2, 'Layanan', 'utama', $3::jsonb)", rhk_id, plan_id,
                           f'[{{"iki_id": "{iki_id}", "description": "Dokumen", "targets": []}}]')
        env: Any = None  # the handlers read only the payload
        entries = [recorded(plan_id, rhk_id, iki_id, v, date(2026, 2, d)) for v, d in (("3", 1), ("4", 2), ("5", 3))]
        for e in entries:
            await facts.realisation_recorded(conn, env, e)
        await facts.realisation_returned(conn, env, ev.RealisationReturned(
            plan_id=plan_id, employee_id=EMPLOYEE, entry_id=entries[0].entry_id, evaluator_id=EVALUATOR,
            reason="Lampirkan notulen"))
        await facts.realisation_withdrawn(conn, env, ev.RealisationWithdrawn(
            plan_id=plan_id, employee_id=EMPLOYEE, entry_id=entries[1].entry_id, iki_id=iki_id, value=Decimal(4)))

        async def period() -> dict[str, Any]:
            [rhk] = await facts.realisation_for(conn, plan_id, date(2026, 1, 1), date(2026, 3, 31))
            return dict(rhk["ikis"][0])

        iki = await period()
        assert iki["realised_in_period"] == "5"
        assert {e["status"] for e in iki["entries"]} == {"counted", "returned", "withdrawn"}
        assert next(e for e in iki["entries"] if e["status"] == "returned")["returned_reason"] == "Lampirkan notulen"

        await facts.realisation_corrected(conn, env, ev.RealisationCorrected(
            plan_id=plan_id, employee_id=EMPLOYEE, entry_id=entries[0].entry_id, iki_id=iki_id, value=Decimal(2),
            previous_value=Decimal(3), unit="dokumen", occurred_on=date(2026, 4, 2),
            previous_occurred_on=date(2026, 2, 1), description="Dengan notulen"))
        assert (await period())["realised_in_period"] == "5"  # corrected into April: outside the first quarter
        [rhk] = await facts.realisation_for(conn, plan_id, date(2026, 4, 1), date(2026, 6, 30))
        assert rhk["ikis"][0]["realised_in_period"] == "2"
    finally:
        await conn.close()
