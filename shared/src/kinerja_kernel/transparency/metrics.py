"""The transparency log's figures for ``/metrics`` (issue 18: "the witness/checkpoint age").

Read from the service's database at each scrape, so every replica reports the same figures whichever one
leads the log:

- ``kinerja_transparency_log_leaves``: events in the Merkle log;
- ``kinerja_transparency_unlogged_events``: events committed to the store but not yet in the log;
- ``kinerja_transparency_unsigned_leaves``: leaves not yet covered by a signed checkpoint;
- ``kinerja_transparency_unwitnessed_leaves``: leaves of the latest signed checkpoint beyond the latest one
  the witness co-signed (only when a witness is configured): a witness that is down or refusing shows here;
- ``kinerja_transparency_checkpoint_age_seconds``: age of the latest signed checkpoint (an idle log makes
  none, so alert on the unsigned and unwitnessed leaves rather than on the age alone).
"""

from __future__ import annotations

from kinerja_kernel.db import Database
from kinerja_kernel.metrics import Probe, declare_gauge

LEAVES = "kinerja_transparency_log_leaves"
UNLOGGED = "kinerja_transparency_unlogged_events"
UNSIGNED = "kinerja_transparency_unsigned_leaves"
UNWITNESSED = "kinerja_transparency_unwitnessed_leaves"
CHECKPOINT_AGE = "kinerja_transparency_checkpoint_age_seconds"
declare_gauge(LEAVES, "events in the service's Merkle log")
declare_gauge(UNLOGGED, "events committed to the store but not yet appended to the Merkle log")
declare_gauge(UNSIGNED, "leaves of the Merkle log not yet covered by a signed checkpoint")
declare_gauge(UNWITNESSED, "leaves of the latest signed checkpoint beyond the latest witnessed one")
declare_gauge(CHECKPOINT_AGE, "age of the latest signed checkpoint (0 when there is none)")

_FIGURES_SQL = """
SELECT l.size,
       (SELECT count(*) FROM events e WHERE (e.tx_id, e.position) > (l.tx_id, l.position)) AS unlogged,
       coalesce((SELECT max(tree_size) FROM transparency_checkpoints), 0) AS signed,
       coalesce((SELECT max(tree_size) FROM transparency_checkpoints WHERE witnessed), 0) AS witnessed,
       coalesce(extract(epoch FROM now() - (SELECT max(created_at) FROM transparency_checkpoints)), 0) AS age
FROM transparency_log l WHERE l.id = 1
"""


def transparency_probe(db: Database, *, witnessed: bool) -> Probe:
    """A probe for ``ServiceRuntime.metric_probes``; ``witnessed`` says whether a witness is configured.

    ``unlogged`` counts the events past the log's last leaf in commit order (``(tx_id, position)``, as the log
    appends them); by position alone, a transaction with an older id holding higher positions would be
    counted as unlogged for good."""

    async def transparency() -> dict[str, float]:
        async with db.connection() as conn:
            row = await conn.fetchrow(_FIGURES_SQL)
        if row is None:
            return {}
        figures = {LEAVES: float(row["size"]), UNLOGGED: float(row["unlogged"]),
                   UNSIGNED: float(max(row["size"] - row["signed"], 0)), CHECKPOINT_AGE: float(row["age"])}
        if witnessed:
            figures[UNWITNESSED] = float(max(row["signed"] - row["witnessed"], 0))
        return figures

    return transparency
