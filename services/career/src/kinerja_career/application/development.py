"""Development use cases: the office training catalog and individual development plans (IDP)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal

import asyncpg

from kinerja_career.adapters import read_models as rm
from kinerja_career.application import views as v
from kinerja_career.application.career import HR
from kinerja_career.domain.catalog import TrainingCatalog
from kinerja_career.domain.development_plan import DevelopmentPlan
from kinerja_kernel.access import require_access, require_office_role
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.career import CatalogEntry, DevelopmentActivity, DevelopmentPlanKind
from kinerja_kernel.db import Database
from kinerja_kernel.errors import NotFound
from kinerja_kernel.eventstore import EventStore
from kinerja_kernel.repository import EventSourcedRepository


class DevelopmentService:
    def __init__(self, catalogs: EventSourcedRepository[TrainingCatalog, EventStore],
                 plans: EventSourcedRepository[DevelopmentPlan, EventStore], *, db: Database | None = None) -> None:
        self.catalogs = catalogs
        self.plans = plans
        self._db = db

    @property
    def db(self) -> Database:
        """The read models' database (who an employee's evaluator is, the catalog's table)."""
        assert self._db is not None, "this use case reads the PostgreSQL read models"
        return self._db

    # -- catalog ------------------------------------------------------------------------------------------
    async def set_catalog_entry(self, office_id: str, entry: CatalogEntry, reason: str | None, by: Principal) -> int:
        require_office_role(by, office_id, HR)
        catalog = await self._change_catalog(office_id, lambda c: c.set_entry(office_id, entry, reason), by)
        return catalog.version

    async def remove_catalog_entry(self, office_id: str, code: str, reason: str | None, by: Principal) -> int:
        require_office_role(by, office_id, HR)
        catalog = await self._change_catalog(office_id, lambda c: c.remove_entry(office_id, code, reason), by)
        return catalog.version

    async def catalog(self, office_id: str, by: Principal) -> list[v.CatalogEntryView]:
        by.require_office(office_id)
        async with self.db.connection() as conn:
            return [v.CatalogEntryView.model_validate(rm.as_dict(r)) for r in await rm.catalog_of(conn, office_id)]

    # -- development plans --------------------------------------------------------------------------------
    async def create_plan(self, *, employee_id: str, year: int, kind: DevelopmentPlanKind, goals: Sequence[str],
                          activities: Sequence[DevelopmentActivity], by: Principal) -> tuple[uuid.UUID, int]:
        async with self.db.connection() as conn:
            employee = await rm.employee(conn, employee_id)
        if employee is None:
            raise NotFound("career.employee.unknown", field="employee_id", employee_id=employee_id)
        role = self._author_role(by, employee)
        idp_id = uuid.uuid4()
        plan = DevelopmentPlan.create(idp_id=idp_id, employee_id=employee_id, office_id=employee["office_id"],
                                      year=year, kind=kind, goals=goals, activities=activities, created_by=by.user_id)
        await self.plans.save(idp_id, plan, actor=by.actor(role), office_id=employee["office_id"],
                              subject=employee_id, expected_version=0)
        return idp_id, plan.version

    async def revise_plan(self, idp_id: uuid.UUID, *, goals: Sequence[str],
                          activities: Sequence[DevelopmentActivity], reason: str, expected_version: int | None,
                          by: Principal) -> int:
        async with self.db.transaction() as conn:
            role = await self._author_of(conn, idp_id, by)
            plan = await self._change_plan(conn, idp_id, expected_version,
                                           lambda p: p.revise(goals, activities, reason), by, role)
        return plan.version

    async def progress(self, idp_id: uuid.UUID, activity_id: uuid.UUID, *, hours_done: Decimal,
                       progress_percent: int, note: str | None, by: Principal) -> int:
        async with self.db.transaction() as conn:
            role = await self._author_of(conn, idp_id, by)
            plan = await self._change_plan(conn, idp_id, None, lambda p: p.progress(
                activity_id, hours_done=hours_done, progress_percent=progress_percent, note=note), by, role)
        return plan.version

    async def get_plan(self, idp_id: uuid.UUID, by: Principal) -> v.PlanView:
        async with self.db.connection() as conn:
            plan, _ = await self._load_plan(conn, idp_id, by, reading=True)
        return v.PlanView(idp_id=idp_id, version=plan.version, employee_id=plan.employee_id, office_id=plan.office_id,
                          year=plan.year, kind=plan.kind.value, goals=list(plan.goals),
                          activities=list(plan.activities.values()), hours_planned=plan.hours_planned,
                          hours_done=plan.hours_done, progress_percent=plan.progress_percent,
                          created_by=plan.created_by)

    # -- helpers ------------------------------------------------------------------------------------------
    async def _change_catalog(self, office_id: str, decide: Callable[[TrainingCatalog], None],
                              by: Principal) -> TrainingCatalog:
        """The use-case loop on the office's catalog, under its stream lock (HR requests queue)."""
        return await self.catalogs.change(office_id, None, decide, start=TrainingCatalog, actor=by.actor(HR),
                                          office_id=office_id, subject=office_id, lock=True)

    async def _change_plan(self, conn: asyncpg.Connection, idp_id: uuid.UUID, expected_version: int | None,
                           decide: Callable[[DevelopmentPlan], None], by: Principal, role: Role) -> DevelopmentPlan:
        """The use-case loop on one IDP, in ``conn``'s transaction (after ``_author_of`` allowed the caller)."""
        return await self.plans.change(idp_id, expected_version, decide, actor=by.actor(role),
                                       office_id=lambda p: p.office_id, subject=lambda p: p.employee_id,
                                       not_found=lambda: _unknown_plan(idp_id), conn=conn)

    async def _author_of(self, conn: asyncpg.Connection, idp_id: uuid.UUID, by: Principal) -> Role:
        """The role in which ``by`` may change the IDP (or the refusal: unknown plan, other office, not a party)."""
        _, role = await self._load_plan(conn, idp_id, by)
        return role

    async def _load_plan(self, conn: asyncpg.Connection, idp_id: uuid.UUID, by: Principal, *,
                         reading: bool = False) -> tuple[DevelopmentPlan, Role]:
        plan = await self.plans.load(idp_id, conn=conn)
        if plan is None:
            raise _unknown_plan(idp_id)
        employee = await rm.employee(conn, plan.employee_id)
        assert employee is not None  # the plan was created for a known employee
        by.require_office(plan.office_id)
        if reading and by.has_role(Role.AUDITOR):
            return plan, Role.AUDITOR
        return plan, self._author_role(by, employee)

    @staticmethod
    def _author_role(by: Principal, employee: asyncpg.Record) -> Role:
        """Who may write an employee's IDP: in the employee's office, the employee, their evaluator, or HR."""
        require_access(by, employee["office_id"], parties=(employee["employee_id"], employee["evaluator_id"]),
                       roles=(HR,), code="career.idp.not-allowed")
        if by.user_id == employee["employee_id"]:
            return Role.PEGAWAI
        if by.user_id == employee["evaluator_id"]:
            return Role.PEJABAT_PENILAI
        return HR



def _unknown_plan(idp_id: uuid.UUID) -> NotFound:
    return NotFound("career.idp.not-found", field="idp_id", idp_id=idp_id)
