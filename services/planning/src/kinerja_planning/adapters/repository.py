"""Repositories of the planning service: SKP streams ``skp-<plan id>``, roster streams ``pegawai-<NIP>``."""

from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_planning.adapters.read_models import PROJECTION
from kinerja_planning.domain.plan import PerformancePlan
from kinerja_planning.domain.roster import RosterEntry


def plan_repository(store: PostgresEventStore) -> EventSourcedRepository[PerformancePlan]:
    return EventSourcedRepository(store, PerformancePlan, prefix="skp", projection=PROJECTION)


def roster_repository(store: PostgresEventStore) -> EventSourcedRepository[RosterEntry]:
    return EventSourcedRepository(store, RosterEntry, prefix="pegawai", projection=PROJECTION)
