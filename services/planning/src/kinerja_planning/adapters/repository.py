"""Repositories of the planning service: SKP streams ``skp-<plan id>``, roster streams ``pegawai-<NIP>``, acting
appointments ``plt-<appointment id>``, realisation ``realisasi-<plan id>``.

On PostgreSQL they update the read models in the appending transaction; application tests build them on
``InMemoryEventStore`` with ``projection=None``.
"""

from kinerja_kernel.eventstore import EventStore, PostgresEventStore
from kinerja_kernel.group_commit import GroupCommit
from kinerja_kernel.repository import EventSourcedRepository, Projection
from kinerja_planning.adapters.acting_models import ACTING_PROJECTION
from kinerja_planning.adapters.dashboard_models import DASHBOARD_HANDLERS, DASHBOARD_PROJECTION, chained
from kinerja_planning.adapters.read_models import PROJECTION
from kinerja_planning.domain.acting import ActingAppointment
from kinerja_planning.domain.plan import PerformancePlan
from kinerja_planning.domain.realisation import Realisation
from kinerja_planning.domain.roster import RosterEntry

PLAN_PROJECTION = Projection(chained(PROJECTION.handlers, DASHBOARD_HANDLERS))
REALISATIONS_CACHED = 1_000
"""Realisations kept as last saved (``AggregateCache``): the next entry on one folds only what came since. A
month of daily entries is ~10 kB in memory, a year's ~100 kB."""


def plan_repository(store: EventStore, *, projection: Projection | None = PLAN_PROJECTION
                    ) -> EventSourcedRepository[PerformancePlan, EventStore]:
    return EventSourcedRepository(store, PerformancePlan, prefix="skp", projection=projection)


def roster_repository(store: EventStore, *, projection: Projection | None = PROJECTION
                      ) -> EventSourcedRepository[RosterEntry, EventStore]:
    return EventSourcedRepository(store, RosterEntry, prefix="pegawai", projection=projection)


def acting_repository(store: EventStore, *, projection: Projection | None = ACTING_PROJECTION
                      ) -> EventSourcedRepository[ActingAppointment, EventStore]:
    return EventSourcedRepository(store, ActingAppointment, prefix="plt", projection=projection)


def realisation_repository(store: EventStore, *, projection: Projection | None = DASHBOARD_PROJECTION,
                           cache_size: int = REALISATIONS_CACHED, group_commit: bool = True
                           ) -> EventSourcedRepository[Realisation, EventStore]:
    """On PostgreSQL, entries of concurrent requests commit in shared transactions (``GroupCommit``): month end
    is many small appends at once."""
    group = GroupCommit(store) if group_commit and isinstance(store, PostgresEventStore) else None
    return EventSourcedRepository(store, Realisation, prefix="realisasi", projection=projection,
                                  cache_size=cache_size, group_commit=group)
