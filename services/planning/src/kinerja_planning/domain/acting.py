"""Acting officials (Plt / Plh): HR appoints someone to act for an absent evaluator or superior from a day to
a day (office time zone), and can end the appointment early. Stream per appointment (``plt-<id>``).

Who may act for whom on which day is :func:`kinerja_kernel.contracts.planning.acting_for` (the published
language, because evaluation applies the same rule); this aggregate keeps appointments well-formed.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.planning import (
    ActingAppointmentEnded,
    ActingKind,
    ActingOfficialAppointed,
    ActingWindow,
)
from kinerja_kernel.errors import DomainRuleViolation, InvalidInput

MAX_DAYS = 366
"""An appointment longer than a year is a new decree, not an extension of this one."""


class ActingAppointment(Aggregate):
    """One Plt/Plh appointment."""

    def __init__(self) -> None:
        super().__init__()
        self.appointment_id: uuid.UUID | None = None
        self.office_id = ""
        self.absent_id = ""
        self.acting_id = ""
        self.kind = ActingKind.PLH
        self.starts_on = date.min
        self.ends_on = date.min
        self.ended_early = False

    @classmethod
    def appoint(cls, *, appointment_id: uuid.UUID, office_id: str, absent_id: str, acting_id: str, kind: ActingKind,
                starts_on: date, ends_on: date, reason: str, decree_number: str | None,
                absent_on_roster: bool, acting_on_roster: bool) -> ActingAppointment:
        """Appoint ``acting_id`` to act for ``absent_id``; both must be on the office's roster."""
        if acting_id == absent_id:
            raise InvalidInput("planning.acting.acts-for-self", field="acting_id")
        if not absent_on_roster:
            raise InvalidInput("planning.acting.absent-not-on-roster", field="absent_id", absent_id=absent_id)
        if not acting_on_roster:
            raise InvalidInput("planning.acting.acting-not-on-roster", field="acting_id", acting_id=acting_id)
        if ends_on < starts_on:
            raise InvalidInput("planning.acting.ends-before-start", field="ends_on")
        if (ends_on - starts_on).days >= MAX_DAYS:
            raise InvalidInput("planning.acting.too-long", field="ends_on", max_days=MAX_DAYS)
        if not reason.strip():
            raise InvalidInput("planning.acting.reason-required", field="reason")
        appointment = cls()
        appointment.record(ActingOfficialAppointed(
            appointment_id=appointment_id, office_id=office_id, absent_id=absent_id, acting_id=acting_id, kind=kind,
            starts_on=starts_on, ends_on=ends_on, reason=reason.strip(), decree_number=decree_number or None))
        return appointment

    def end(self, *, ends_on: date, reason: str) -> None:
        """End early: the appointment covers no day after ``ends_on`` (the day before it starts cancels it).
        Ending on the day it already ends records nothing."""
        if not reason.strip():
            raise InvalidInput("planning.acting.end-reason-required", field="reason")
        if ends_on == self.ends_on:
            return
        if ends_on > self.ends_on:
            raise DomainRuleViolation("planning.acting.cannot-extend", field="ends_on", ends_on=self.ends_on)
        if ends_on < self.starts_on - timedelta(days=1):
            raise InvalidInput("planning.acting.ends-too-early", field="ends_on")
        assert self.appointment_id is not None
        self.record(ActingAppointmentEnded(
            appointment_id=self.appointment_id, office_id=self.office_id, absent_id=self.absent_id,
            acting_id=self.acting_id, previous_ends_on=self.ends_on, ends_on=ends_on, reason=reason.strip()))

    @property
    def window(self) -> ActingWindow:
        return ActingWindow(absent_id=self.absent_id, acting_id=self.acting_id, starts_on=self.starts_on,
                            ends_on=self.ends_on)

    def _on_ActingOfficialAppointed(self, e: ActingOfficialAppointed) -> None:  # noqa: N802
        self.appointment_id, self.office_id, self.absent_id, self.acting_id = (
            e.appointment_id, e.office_id, e.absent_id, e.acting_id)
        self.kind, self.starts_on, self.ends_on = e.kind, e.starts_on, e.ends_on

    def _on_ActingAppointmentEnded(self, e: ActingAppointmentEnded) -> None:  # noqa: N802
        self.ends_on = e.ends_on
        self.ended_early = True
