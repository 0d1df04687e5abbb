"""Repositories of the planning service: SKP streams ``skp-<plan id>``, roster streams ``pegawai-<NIP>``, acting
appointments ``plt-<appointment id>``."""

from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.repository import EventSourcedRepository, Projection
from kinerja_planning.adapters.acting_models import ACTING_PROJECTION
from kinerja_planning.adapters.dashboard_models import DASHBOARD_HANDLERS, chained
from kinerja_planning.adapters.read_models import PROJECTION
from kinerja_planning.domain.acting import ActingAppointment
from kinerja_planning.domain.plan import PerformancePlan
from kinerja_planning.domain.roster import RosterEntry


def plan_repository(store: PostgresEventStore) -> EventSourcedRepository[PerformancePlan]:
    return EventSourcedRepository(store, PerformancePlan, prefix="skp",
                                  projection=Projection(chained(PROJECTION.handlers, DASHBOARD_HANDLERS)))


def roster_repository(store: PostgresEventStore) -> EventSourcedRepository[RosterEntry]:
    return EventSourcedRepository(store, RosterEntry, prefix="pegawai", projection=PROJECTION)


def acting_repository(store: PostgresEventStore) -> EventSourcedRepository[ActingAppointment]:
    return EventSourcedRepository(store, ActingAppointment, prefix="plt", projection=ACTING_PROJECTION)
