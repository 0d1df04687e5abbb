"""Repositories of the career service: ``karier-<NIP>``, ``katalog-<office>``, ``idp-<id>``."""

from kinerja_career.adapters.read_models import PROJECTION
from kinerja_career.domain.career import CareerRecord
from kinerja_career.domain.catalog import TrainingCatalog
from kinerja_career.domain.development_plan import DevelopmentPlan
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.repository import EventSourcedRepository


def career_repository(store: PostgresEventStore) -> EventSourcedRepository[CareerRecord]:
    return EventSourcedRepository(store, CareerRecord, prefix="karier", projection=PROJECTION)


def catalog_repository(store: PostgresEventStore) -> EventSourcedRepository[TrainingCatalog]:
    return EventSourcedRepository(store, TrainingCatalog, prefix="katalog", projection=PROJECTION)


def plan_repository(store: PostgresEventStore) -> EventSourcedRepository[DevelopmentPlan]:
    return EventSourcedRepository(store, DevelopmentPlan, prefix="idp", projection=PROJECTION)
