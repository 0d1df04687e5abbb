"""Public-service interactions: which period they count in, and how a batch adds up per employee."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta, timezone

from kinerja_kernel.contracts.planning import ServiceInteraction

WIB = timezone(timedelta(hours=7), "WIB")


def period_year_of(interaction: ServiceInteraction, office_zone: timezone = WIB) -> int:
    """The SKP period an interaction counts in: its year in the office's time zone (WIB by default)."""
    return interaction.occurred_at.astimezone(office_zone).year


def stream_of(interaction: ServiceInteraction) -> str:
    """One stream per interaction: recording the same interaction twice finds the stream taken."""
    return f"interaksi-{interaction.interaction_id}"


Key = tuple[str, int, str]  # employee, period, service type


def add_up(interactions: list[ServiceInteraction]) -> dict[Key, tuple[int, int, int]]:
    """(count, satisfaction sum, rated count) per employee, period and service type, in a stable order."""
    totals: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i in interactions:
        t = totals[(i.employee_id, period_year_of(i), i.service_type)]
        t[0] += 1
        if i.satisfaction is not None:
            t[1] += i.satisfaction
            t[2] += 1
    return {k: (v[0], v[1], v[2]) for k, v in sorted(totals.items())}
