"""Public-service interactions: which period they count in, and how a batch adds up per employee."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kinerja_kernel import messages
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.contracts.planning import ServiceInteraction


def period_year_of(interaction: ServiceInteraction, office_zone: TimeZone = TimeZone.WIB) -> int:
    """The SKP period an interaction counts in: its year in the office's time zone (WIB until the office
    says otherwise). An interaction at 23:30 WIB on 31 December, 00:30 WITA, counts in the next year in an
    office on WITA: the employee's year is the office's calendar."""
    return office_zone.local_date(interaction.occurred_at).year


def stream_of(interaction: ServiceInteraction) -> str:
    """One stream per interaction: recording the same interaction twice finds the stream taken."""
    return f"interaksi-{interaction.interaction_id}"


@dataclass(frozen=True)
class Refusal:
    """Why one interaction of a batch (its index) is not recorded, naming its field."""

    index: int
    field: str
    code: str
    params: Mapping[str, str]

    @property
    def message(self) -> str:
        return messages.render(self.code, self.params, "id")

    @property
    def message_en(self) -> str:
        return messages.render(self.code, self.params, "en")


def refusals(interactions: Iterable[ServiceInteraction], roster_offices: Mapping[str, str]) -> list[Refusal]:
    """The interactions the roster does not back: an employee it does not know, or one it places in another
    office than the message names (the counter system's word never moves an employee between offices)."""
    refused = []
    for index, i in enumerate(interactions):
        office = roster_offices.get(i.employee_id)
        if office is None:
            refused.append(Refusal(index, "employee_id", "planning.interaction.not-on-roster",
                                   {"employee_id": i.employee_id}))
        elif office != i.office_id:
            refused.append(Refusal(index, "office_id", "planning.interaction.other-office",
                                   {"employee_id": i.employee_id, "office_id": i.office_id}))
    return refused


Key = tuple[str, int, str]  # employee, period, service type


def add_up(recorded: Iterable[tuple[ServiceInteraction, int]]) -> dict[Key, tuple[int, int, int]]:
    """(count, satisfaction sum, rated count) per employee, period and service type, in a stable order;
    each interaction with the period year it was recorded in."""
    totals: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, period_year in recorded:
        t = totals[(i.employee_id, period_year, i.service_type)]
        t[0] += 1
        if i.satisfaction is not None:
            t[1] += i.satisfaction
            t[2] += 1
    return {k: (v[0], v[1], v[2]) for k, v in sorted(totals.items())}
