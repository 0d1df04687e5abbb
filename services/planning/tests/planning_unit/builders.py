"""Small builders for SKP content in domain tests."""

from __future__ import annotations

import uuid
from decimal import Decimal

from kinerja_kernel.contracts.planning import (
    Approach,
    Aspect,
    Iki,
    Intervention,
    PositionType,
    Rhk,
    RhkKind,
    RhkSource,
    SourceKind,
    Target,
)
from kinerja_planning.domain.plan import PerformancePlan, PlanStatus, SupervisorPlan, plan_id_for

EMPLOYEE = "199001012015011001"
EVALUATOR = "198001012005011002"
SUPERIOR = "197001012000011003"
YEAR = 2026


def iki(**overrides: object) -> Iki:
    fields: dict[str, object] = {
        "iki_id": uuid.uuid4(), "description": "Jumlah dokumen analisis jabatan yang disusun",
        "targets": (Target(aspect=Aspect.KUANTITAS, value=Decimal(12), unit="dokumen"),
                    Target(aspect=Aspect.KUALITAS, value=Decimal(100), unit="%"),
                    Target(aspect=Aspect.WAKTU, value=Decimal(12), unit="bulan")),
    }
    return Iki(**{**fields, **overrides})  # type: ignore[arg-type]


def rhk(*, parent: tuple[uuid.UUID, uuid.UUID] | None = None, **overrides: object) -> Rhk:
    fields: dict[str, object] = {
        "rhk_id": uuid.uuid4(), "title": "Tersusunnya analisis jabatan unit", "kind": RhkKind.UTAMA,
        "ikis": (iki(),),
        "intervention": Intervention(plan_id=parent[0], rhk_id=parent[1]) if parent else None,
    }
    return Rhk(**{**fields, **overrides})  # type: ignore[arg-type]


def leader_rhk(**overrides: object) -> Rhk:
    return rhk(source=RhkSource(kind=SourceKind.PERJANJIAN_KINERJA, reference="PK Kepala Bidang 2026"), **overrides)


def drafted(position_type: PositionType = PositionType.JA, approach: Approach = Approach.KUANTITATIF,
            employee: str = EMPLOYEE, evaluator: str = EVALUATOR) -> PerformancePlan:
    return PerformancePlan.draft(actor_id=employee, employee_id=employee, office_id="K1", unit_id="U1",
                                 period_year=YEAR, evaluator_id=evaluator, superior_id=SUPERIOR,
                                 position_type=position_type, approach=approach)


def approved_supervisor_plan(*rhk_ids: uuid.UUID, status: PlanStatus = PlanStatus.APPROVED,
                             owner: str = EVALUATOR, year: int = YEAR) -> SupervisorPlan:
    return SupervisorPlan(plan_id=plan_id_for(owner, year), owner_id=owner, period_year=year, status=status,
                          rhk_ids=frozenset(rhk_ids))
