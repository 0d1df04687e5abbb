"""Repositories of the career service: ``karier-<NIP>``, ``katalog-<office>``, ``idp-<id>``.

On PostgreSQL they update the read models in the appending transaction (``PROJECTION``); application
tests build them on ``InMemoryEventStore`` with ``projection=None``.
"""

from kinerja_career.adapters.read_models import PROJECTION
from kinerja_career.domain.career import CareerRecord
from kinerja_career.domain.catalog import TrainingCatalog
from kinerja_career.domain.development_plan import DevelopmentPlan
from kinerja_kernel.eventstore import EventStore
from kinerja_kernel.repository import EventSourcedRepository, Projection


def career_repository(store: EventStore, *, projection: Projection | None = PROJECTION
                      ) -> EventSourcedRepository[CareerRecord, EventStore]:
    return EventSourcedRepository(store, CareerRecord, prefix="karier", projection=projection)


def catalog_repository(store: EventStore, *, projection: Projection | None = PROJECTION
                       ) -> EventSourcedRepository[TrainingCatalog, EventStore]:
    return EventSourcedRepository(store, TrainingCatalog, prefix="katalog", projection=projection)


def plan_repository(store: EventStore, *, projection: Projection | None = PROJECTION
                    ) -> EventSourcedRepository[DevelopmentPlan, EventStore]:
    return EventSourcedRepository(store, DevelopmentPlan, prefix="idp", projection=projection)
