"""The SKP repository: streams ``skp-<plan id>`` in the planning database."""

from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_planning.domain.plan import PerformancePlan


def plan_repository(store: PostgresEventStore) -> EventSourcedRepository[PerformancePlan]:
    return EventSourcedRepository(store, PerformancePlan, prefix="skp")
