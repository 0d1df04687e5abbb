"""The event a use case just appended: the source a notification names (its id makes a redelivery or a
retry issue no second notification)."""

from __future__ import annotations

from typing import Any

from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.repository import EventSourcedRepository


async def appended(repo: EventSourcedRepository[Any, Any], aggregate_id: object, version: int,
                   conn: Any) -> EventEnvelope:
    """The event that brought the stream to ``version``, read inside the appending transaction ``conn``."""
    events: list[EventEnvelope] = await repo.store.read_stream(repo.stream_id(aggregate_id), from_version=version,
                                                                conn=conn)
    [event] = events
    return event
