"""HR's roster work beyond one PUT: the roster import (all or nothing) and acting officials (Plt/Plh); and the
question every decision asks: for which absent official may this caller act today?"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

import asyncpg

from kinerja_kernel import messages
from kinerja_kernel.access import OVERSIGHT, require_office_role, within_offices
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.contracts.planning import ActingKind, Employment, PositionType, acting_for
from kinerja_kernel.errors import Detail, InvalidInput, KinerjaError, NotFound
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_planning.adapters import acting_models as am
from kinerja_planning.adapters import read_models as rm
from kinerja_planning.application.views import AppointmentView, HeldAppointmentView, RosterImportedView
from kinerja_planning.domain.acting import ActingAppointment
from kinerja_planning.domain.roster import RosterEntry

HR = Role.PENGELOLA_KEPEGAWAIAN
MAX_IMPORT_ERRORS = 50
CSV_COLUMN_OF = {"employee_id": "nip", "name": "nama", "unit_id": "unit", "position": "jabatan",
                 "position_type": "jenis_jabatan", "employment": "status", "evaluator_id": "nip_penilai",
                 "superior_id": "nip_atasan", "office_id": "nip"}


@dataclass(frozen=True)
class RosterRow:
    """One row of a roster import (shape-checked at the edge); ``line`` is its line in a CSV file."""

    employee_id: str
    name: str
    unit_id: str
    position: str
    position_type: PositionType
    employment: Employment
    evaluator_id: str | None
    superior_id: str | None
    line: int | None = None

    def where(self, index: int) -> tuple[str, int]:
        """The field prefix errors use (``baris 3.`` in a CSV file, ``rows.2.`` in JSON) and the row's number as
        people read it (``Baris 3``)."""
        if self.line is not None:
            return f"baris {self.line}.", self.line
        return f"rows.{index}.", index + 1


@dataclass(frozen=True)
class AppointActing:
    office_id: str
    absent_id: str
    acting_id: str
    kind: ActingKind
    starts_on: date
    ends_on: date
    reason: str
    decree_number: str | None = None


def utcnow() -> datetime:
    return datetime.now(UTC)


async def deciding_for(acting: ActingCheck | None, by: Principal, office_id: str, evaluator_id: str) -> str | None:
    """The one rule of an evaluator's decision: the absent evaluator ``by`` decides for today (Plt/Plh), or
    ``None`` for the evaluator themself, who must hold the evaluator's role. Anybody else is refused by the
    aggregate, naming ``evaluator_id``."""
    on_behalf_of = None if acting is None else await acting.acting_for(by, office_id, evaluator_id)
    if on_behalf_of is None and by.user_id == evaluator_id:
        by.require_role(Role.PEJABAT_PENILAI)
    return on_behalf_of


class ActingCheck(Protocol):
    """The question every decision of an evaluator asks: for which absent official may this caller act today?"""

    async def acting_for(self, by: Principal, office_id: str, official_id: str | None) -> str | None: ...

    async def acting_kind(self, by: Principal, office_id: str, absent_id: str) -> ActingKind | None: ...

    async def acting_parties(self, office_id: str, officials: Sequence[str | None]) -> list[str]: ...

    async def represented(self, by: Principal) -> list[tuple[str, str]]: ...


class RosterAdmin:
    """Roster import and acting appointments (HR), and the acting check the decisions use."""

    def __init__(self, roster: EventSourcedRepository[RosterEntry, Any],
                 appointments: EventSourcedRepository[ActingAppointment, Any],
                 clock: Callable[[], datetime] = utcnow, today: date | None = None) -> None:
        self.roster = roster
        self.appointments = appointments
        self.db = roster.store.db
        self.clock = clock
        self.fixed_today = today  # KINERJA_PLANNING_TODAY: the day taken as today in every office (tests)

    # -- roster import --------------------------------------------------------------------------------
    async def import_roster(self, office_id: str, rows: Sequence[RosterRow], reason: str | None,
                            by: Principal) -> RosterImportedView:
        """Put many employees on the roster at once, all or nothing. Every row is checked before anything is
        appended; when any is refused nothing is saved and the error names each refused row and field (up to
        ``MAX_IMPORT_ERRORS``). A row identical to the roster records nothing."""
        require_office_role(by, office_id, HR)
        refused: list[Detail] = []
        decided: list[tuple[str, RosterEntry]] = []
        in_file = {r.employee_id for r in rows}
        async with self.db.transaction() as conn:
            await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"roster-import/{office_id}")
            on_roster = {r["employee_id"] for r in await rm.office_roster(conn, office_id)}
            seen: dict[str, int] = {}
            for index, row in enumerate(rows):
                prefix, number = row.where(index)

                def refuse(field: str, code: str, params: dict[str, Any], row: RosterRow = row,
                           prefix: str = prefix, number: int = number) -> None:
                    column = CSV_COLUMN_OF.get(field, field) if row.line is not None else field
                    refused.append(Detail(prefix + column, "planning.import.row", {
                        "row": number, "employee_id": row.employee_id, "problem": messages.render(code, params),
                        "problem_en": messages.render(code, params, "en")}))

                if row.employee_id in seen:
                    refuse("employee_id", "planning.import.duplicate-nip", {"first_row": seen[row.employee_id]})
                    continue
                seen[row.employee_id] = row.line or index + 1
                for field, nip, code in (("evaluator_id", row.evaluator_id, "planning.import.evaluator-unknown"),
                                         ("superior_id", row.superior_id, "planning.import.superior-unknown")):
                    if nip is not None and nip != row.employee_id and nip not in on_roster and nip not in in_file:
                        refuse(field, code, {"nip": nip})

                def register(entry: RosterEntry, row: RosterRow = row) -> None:
                    entry.register(employee_id=row.employee_id, name=row.name, office_id=office_id,
                                   unit_id=row.unit_id, position=row.position, position_type=row.position_type,
                                   employment=row.employment, evaluator_id=row.evaluator_id,
                                   superior_id=row.superior_id, reason=reason or "Impor roster")

                try:  # decided now, saved below once every row is accepted
                    entry = await self.roster.change(row.employee_id, None, register, start=RosterEntry,
                                                     actor=by.actor(HR), office_id=office_id,
                                                     subject=row.employee_id, conn=conn, save=False)
                except KinerjaError as exc:
                    refuse(exc.field or "employee_id", exc.code, exc.params)
                    continue
                decided.append((row.employee_id, entry))
                if len(refused) >= MAX_IMPORT_ERRORS:
                    break
            if refused:
                first, *more = refused
                raise InvalidInput(first.code, field=first.field, details=more, **first.params)
            changed = 0
            for nip, entry in decided:
                if entry.pending:
                    await self.roster.save(nip, entry, actor=by.actor(HR), office_id=office_id, subject=nip,
                                           conn=conn)
                    changed += 1
        return RosterImportedView(office_id=office_id, rows=len(rows), changed=changed,
                                  unchanged=len(rows) - changed)

    # -- acting officials -----------------------------------------------------------------------------
    async def appoint(self, cmd: AppointActing, by: Principal) -> uuid.UUID:
        require_office_role(by, cmd.office_id, HR)
        async with self.db.transaction() as conn:
            offices = await rm.roster_offices(conn, [cmd.absent_id, cmd.acting_id])
            appointment_id = uuid.uuid4()
            await self.appointments.change(
                appointment_id, 0, lambda appointment: None, start=lambda: ActingAppointment.appoint(
                    appointment_id=appointment_id, office_id=cmd.office_id, absent_id=cmd.absent_id,
                    acting_id=cmd.acting_id, kind=cmd.kind, starts_on=cmd.starts_on, ends_on=cmd.ends_on,
                    reason=cmd.reason, decree_number=cmd.decree_number,
                    absent_on_roster=offices.get(cmd.absent_id) == cmd.office_id,
                    acting_on_roster=offices.get(cmd.acting_id) == cmd.office_id),
                actor=by.actor(HR), office_id=cmd.office_id, subject=cmd.absent_id, conn=conn)
        return appointment_id

    async def end(self, office_id: str, appointment_id: uuid.UUID, ends_on: date | None, reason: str,
                  by: Principal) -> int:
        """End an appointment early (by default: yesterday in the office's zone, so from today it is over)."""
        require_office_role(by, office_id, HR)
        def not_found() -> NotFound:
            return NotFound("planning.acting.not-found", field="appointment_id", appointment_id=str(appointment_id))

        def in_office(appointment: ActingAppointment) -> None:
            if appointment.office_id != office_id:
                raise not_found()

        async with self.db.transaction() as conn:
            last = ends_on or date.fromordinal((await self._today(conn, office_id)).toordinal() - 1)
            appointment = await self.appointments.change(
                appointment_id, None, lambda appointment: appointment.end(
                    ends_on=max(last, date.fromordinal(appointment.starts_on.toordinal() - 1)), reason=reason),
                check=in_office, not_found=not_found, actor=by.actor(HR), office_id=office_id,
                subject=lambda appointment: appointment.absent_id, conn=conn)
        return appointment.version

    async def office_appointments(self, office_id: str, by: Principal) -> list[AppointmentView]:
        require_office_role(by, office_id, *OVERSIGHT)
        async with self.db.connection() as conn:
            today = await self._today(conn, office_id)
            rows = [rm.as_dict(r) for r in await am.office_appointments(conn, office_id)]
        return [AppointmentView(**row, status="selesai" if row["ends_on"] < today else
                                "aktif" if row["starts_on"] <= today else "akan_datang") for row in rows]

    async def my_appointments(self, by: Principal) -> list[HeldAppointmentView]:
        """The caller's own Plt/Plh appointments in force today or still to come (``aktif``/``akan_datang``)."""
        async with self.db.connection() as conn:
            rows = [dict(r) for r in within_offices(by, await am.held_by(conn, by.user_id))]
            zones = await rm.office_time_zones(conn, {r["office_id"] for r in rows})
        found = []
        for row in rows:
            today = self.fixed_today or zones.get(row["office_id"], TimeZone.WIB).local_date(self.clock())
            if row["ends_on"] >= today and row["ends_on"] >= row["starts_on"]:
                found.append(HeldAppointmentView(**row, status="aktif" if row["starts_on"] <= today
                                                 else "akan_datang"))
        return found

    async def acting_kind(self, by: Principal, office_id: str, absent_id: str) -> ActingKind | None:
        """Plt or Plh: the kind of the appointment by which ``by`` acts for ``absent_id`` today."""
        async with self.db.connection() as conn:
            rows = await am.held_by(conn, by.user_id)
            today = await self._today(conn, office_id)
        kinds = [r["kind"] for r in rows if r["absent_id"] == absent_id and r["starts_on"] <= today <= r["ends_on"]]
        return ActingKind(kinds[-1]) if kinds else None

    # -- the acting check -------------------------------------------------------------------------------
    async def acting_for(self, by: Principal, office_id: str, official_id: str | None) -> str | None:
        """The absent official ``by`` acts for when taking ``official_id``'s decision today (office zone), or
        ``None`` (``by`` is the official, or no appointment covers today)."""
        if official_id is None or by.user_id == official_id:
            return None
        async with self.db.connection() as conn:
            windows = await am.windows_of(conn, by.user_id)
            if not windows:
                return None
            today = await self._today(conn, office_id)
        return acting_for(windows, actor_id=by.user_id, official_id=official_id, day=today)

    async def acting_parties(self, office_id: str, officials: Sequence[str | None]) -> list[str]:
        """Whoever acts today for one of ``officials``: they are parties of the record during the appointment."""
        async with self.db.connection() as conn:
            windows = await am.covering(conn, [o for o in officials if o])
            if not windows:
                return []
            today = await self._today(conn, office_id)
        return sorted({w.acting_id for w in windows if w.starts_on <= today <= w.ends_on})

    async def represented(self, by: Principal) -> list[tuple[str, str]]:
        """(absent official, office) pairs ``by`` acts for today."""
        async with self.db.connection() as conn:
            windows = await am.windows_of(conn, by.user_id)
            offices = await rm.roster_offices(conn, [w.absent_id for w in windows])
            zones = await rm.office_time_zones(conn, offices.values())
        now = self.clock()
        found = []
        for w in windows:
            office = offices.get(w.absent_id)
            day = self.fixed_today or zones.get(office or "", TimeZone.WIB).local_date(now)
            if office is not None and w.starts_on <= day <= w.ends_on:
                found.append((w.absent_id, office))
        return found

    async def _today(self, conn: asyncpg.Connection, office_id: str) -> date:
        if self.fixed_today is not None:
            return self.fixed_today
        zone = (await rm.office_time_zones(conn, [office_id])).get(office_id, TimeZone.WIB)
        return zone.local_date(self.clock())
