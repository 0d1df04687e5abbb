"""Hash-chain verification of what a service's database holds."""

from __future__ import annotations

import asyncpg

from kinerja_kernel.chain import ChainReport, verify_stream
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.eventstore import _COLUMNS, row_to_envelope


async def verify_database(dsn: str, *, stream_id: str | None = None) -> ChainReport:
    """Verify one stream, or every stream, of the event store at ``dsn``."""
    conn = await asyncpg.connect(dsn)
    try:
        report = ChainReport()
        where, args = ("WHERE stream_id = $1", [stream_id]) if stream_id else ("", [])
        current: str | None = None
        events: list[EventEnvelope] = []
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            async for row in conn.cursor(
                f"SELECT {_COLUMNS} FROM events {where} ORDER BY stream_id, stream_version", *args  # noqa: S608
            ):
                envelope = row_to_envelope(row)
                if envelope.stream_id != current and events:
                    _merge(report, verify_stream(events))
                    events = []
                current = envelope.stream_id
                events.append(envelope)
        if events:
            _merge(report, verify_stream(events))
        return report
    finally:
        await conn.close()


def _merge(total: ChainReport, part: ChainReport) -> None:
    total.streams += part.streams
    total.events += part.events
    total.breaks.extend(part.breaks)
