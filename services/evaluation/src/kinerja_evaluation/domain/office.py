"""An office's evaluation settings and period calendar, and a unit's organisation predicate.

The office (stream ``kantor-<office>``) holds the settings HR configures (time zone, cadence, deadlines,
360 threshold, curve enforcement, objection window) and the periods it has opened. A unit's
organisation predicate for a period (stream ``predikat-organisasi-<office>/<unit>/<period>``) is set by
the leader of the unit above, or by HR on that leader's instruction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.evaluation import (
    EvaluationPeriod,
    EvaluationPeriodOpened,
    OfficeSettings,
    OfficeSettingsChanged,
    OrganisationPredicate,
    OrganisationPredicateSet,
    PeriodKind,
)
from kinerja_kernel.errors import DomainRuleViolation, InvalidInput


class Office(Aggregate):
    def __init__(self) -> None:
        super().__init__()
        self.office_id = ""
        self.settings = OfficeSettings()
        self.configured = False
        self.periods: dict[str, EvaluationPeriod] = {}

    @classmethod
    def for_office(cls, office_id: str) -> Office:
        office = cls()
        office.office_id = office_id
        return office

    def change_settings(self, settings: OfficeSettings, *, reason: str) -> None:
        """Replace the settings; the same settings again record nothing."""
        if self.configured and settings == self.settings:
            return
        self.record(OfficeSettingsChanged(office_id=self.office_id, settings=settings,
                                          previous=self.settings if self.configured else None, reason=reason))

    def amend_settings(self, changes: Mapping[str, Any], *, reason: str) -> None:
        """Change only the settings named; the others keep their current values (nothing changed: no event)."""
        self.change_settings(OfficeSettings.model_validate({**self.settings.model_dump(), **changes}), reason=reason)

    def open_period(self, period: EvaluationPeriod) -> EvaluationPeriodOpened:
        if period.key in self.periods:
            raise DomainRuleViolation("evaluation.period.already-open", field="period", period=period.key)
        if period.kind is not PeriodKind.ANNUAL and period.kind is not self.settings.periodic_cadence:
            raise InvalidInput("evaluation.period.wrong-cadence", field="period", period=period.key,
                               cadence=self.settings.periodic_cadence)
        s, zone = self.settings, self.settings.time_zone
        opened = EvaluationPeriodOpened(
            office_id=self.office_id, period=period, time_zone=zone,
            self_assessment_due=zone.end_of_day(period.end + timedelta(days=s.self_assessment_due_days)),
            rating_due=zone.end_of_day(period.end + timedelta(days=s.rating_due_days)),
        )
        self.record(opened)
        return opened

    def peer_window_default(self, period: EvaluationPeriod) -> datetime:
        """360 input closes with the rating deadline unless the assigner says otherwise."""
        zone = self.settings.time_zone
        return zone.end_of_day(period.end + timedelta(days=self.settings.rating_due_days))

    def _on_OfficeSettingsChanged(self, e: OfficeSettingsChanged) -> None:  # noqa: N802
        self.office_id, self.settings, self.configured = e.office_id, e.settings, True

    def _on_EvaluationPeriodOpened(self, e: EvaluationPeriodOpened) -> None:  # noqa: N802
        self.office_id = e.office_id
        self.periods[e.period.key] = e.period


def unit_predicate_key(office_id: str, unit_id: str, period_key: str) -> str:
    return f"{office_id}/{unit_id}/{period_key}"


class UnitPredicate(Aggregate):
    """The Predikat Kinerja Organisasi of one unit for one period."""

    def __init__(self) -> None:
        super().__init__()
        self.predicate: OrganisationPredicate | None = None

    def set(self, *, office_id: str, unit_id: str, period_key: str, predicate: OrganisationPredicate, reason: str,
            set_by: str, instructed_by: str | None) -> bool:
        if predicate == self.predicate:
            return False
        self.record(OrganisationPredicateSet(
            office_id=office_id, unit_id=unit_id, period_key=period_key, predicate=predicate,
            previous=self.predicate, reason=reason, set_by=set_by, instructed_by=instructed_by))
        return True

    def _on_OrganisationPredicateSet(self, e: OrganisationPredicateSet) -> None:  # noqa: N802
        self.predicate = e.predicate
