"""What a use case reads of its repository besides the aggregate: the event it just appended (the source a
notification names: its id makes a redelivery or a retry issue no second notification), and the read models'
database its queries use."""

from __future__ import annotations

from typing import Any

from kinerja_kernel.db import Database
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.repository import EventSourcedRepository


async def appended(repo: EventSourcedRepository[Any, Any], aggregate_id: object, version: int,
                   conn: Any) -> EventEnvelope:
    """The event that brought the stream to ``version``, read inside the appending transaction ``conn``."""
    events: list[EventEnvelope] = await repo.store.read_stream(repo.stream_id(aggregate_id), from_version=version,
                                                                conn=conn)
    [event] = events
    return event


def read_models(repo: EventSourcedRepository[Any, Any]) -> Database:
    """The PostgreSQL database beside the repository's event store (the queries' read models); a repository on
    the in-memory store has none, so only commands run in application tests."""
    db: Database | None = getattr(repo.store, "db", None)
    assert db is not None, "queries read the PostgreSQL read models"
    return db
