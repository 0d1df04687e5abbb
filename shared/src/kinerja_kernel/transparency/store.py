"""The Merkle log of one service's events, in PostgreSQL: tiles, the leaf index, checkpoints.

Leaves are the service's events in commit order (the order the outbox relay publishes them: the same
gap-safe ``(tx_id, position)`` walk), and a leaf's data is the event's hash-chain record, ``ce_hash``
as 32 bytes. Hashes are stored as tiles (the layout of Go's ``sumdb/tlog`` with height 8): the tile
``(level, idx)`` holds up to 256 consecutive node hashes of tree level ``8 * level``, from node
``256 * idx``. Full tiles never change; the last tile of each level grows. Any perfect subtree is then
at most 128 hashes of one tile away, so inclusion and consistency proofs on ten million leaves read a
handful of rows.

The leaf index (which leaf is which event) needs no row per event: the leaves are exactly the store's events
up to the log's cursor, in commit order. Each append records one row in ``transparency_ranges``: its first
leaf and the commit-order place of its first event. An event's leaf is then the first leaf of the range it
falls in plus its rank in that range (counted on the events' commit-order index, at most one batch); the
view ``transparency_leaves`` numbers every leaf at once, for audits and tests (it reads the whole log).
An append writes one row per tile level and one range row, whatever the batch's size.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from kinerja_kernel.db import Migration
from kinerja_kernel.transparency.merkle import (
    HASH_SIZE,
    CompactRange,
    consistency_ranges,
    fold_level,
    fold_right,
    inclusion_ranges,
    leaf_hash,
    perfect_subtrees,
)

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT

TRANSPARENCY_MIGRATIONS: tuple[Migration, ...] = (
    Migration("transparency", 1, "merkle log tiles, leaf index, checkpoints, witness sizes", """
    CREATE TABLE transparency_log (
        id          smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        size        bigint NOT NULL DEFAULT 0,
        tx_id       xid8 NOT NULL DEFAULT '0',
        position    bigint NOT NULL DEFAULT 0,
        updated_at  timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO transparency_log (id) VALUES (1);
    CREATE TABLE transparency_tiles (
        level   smallint NOT NULL,
        idx     bigint NOT NULL,
        hashes  bytea NOT NULL,
        PRIMARY KEY (level, idx)
    );
    ALTER TABLE transparency_tiles ALTER COLUMN hashes SET STORAGE EXTERNAL;
    CREATE TABLE transparency_leaves (
        leaf_index  bigint PRIMARY KEY,
        event_id    uuid NOT NULL UNIQUE
    );
    CREATE TABLE transparency_checkpoints (
        tree_size   bigint PRIMARY KEY,
        root_hash   bytea NOT NULL,
        note        text NOT NULL,
        witnessed   boolean NOT NULL DEFAULT false,
        published   boolean NOT NULL DEFAULT false,
        created_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE transparency_witnesses (
        witness     text PRIMARY KEY,
        size        bigint NOT NULL
    );
    """),
    Migration("transparency", 2, "the leaf index as one row per appended batch (a range in commit order), not "
              "one row per event", """
    CREATE TABLE transparency_ranges (
        first_leaf  bigint PRIMARY KEY,
        tx_id       xid8 NOT NULL,
        position    bigint NOT NULL
    );
    CREATE INDEX transparency_ranges_commit_order_idx ON transparency_ranges (tx_id, position);
    INSERT INTO transparency_ranges (first_leaf, tx_id, position)
    SELECT l.leaf_index, e.tx_id, e.position FROM transparency_leaves l JOIN events e USING (event_id)
    WHERE l.leaf_index % 1000 = 0;
    DROP TABLE transparency_leaves;
    CREATE VIEW transparency_leaves AS
    SELECT row_number() OVER (ORDER BY e.tx_id, e.position) - 1 AS leaf_index, e.event_id
    FROM events e CROSS JOIN transparency_log l WHERE (e.tx_id, e.position) <= (l.tx_id, l.position);
    """),
)

_LEAVES_OF_SQL = """
SELECT e.event_id, e.hash,
       r.first_leaf + (SELECT count(*) FROM events x
                       WHERE (x.tx_id, x.position) >= (r.tx_id, r.position)
                         AND (x.tx_id, x.position) < (e.tx_id, e.position)) AS leaf_index
FROM events e
CROSS JOIN transparency_log l
CROSS JOIN LATERAL (SELECT first_leaf, tx_id, position FROM transparency_ranges r
                    WHERE (r.tx_id, r.position) <= (e.tx_id, e.position)
                    ORDER BY r.tx_id DESC, r.position DESC LIMIT 1) r
WHERE e.event_id = ANY($1::uuid[]) AND (e.tx_id, e.position) <= (l.tx_id, l.position)
ORDER BY e.tx_id, e.position
"""

_LEAVES_FROM_SQL = """
SELECT $1 + row_number() OVER (ORDER BY e.tx_id, e.position) - 1 AS leaf_index, e.event_id, e.hash
FROM (SELECT first_leaf, tx_id, position FROM transparency_ranges WHERE first_leaf <= $1
      ORDER BY first_leaf DESC LIMIT 1) r
CROSS JOIN transparency_log l
CROSS JOIN LATERAL (SELECT event_id, hash, tx_id, position FROM events
                    WHERE (tx_id, position) >= (r.tx_id, r.position) AND (tx_id, position) <= (l.tx_id, l.position)
                    ORDER BY tx_id, position OFFSET $1 - r.first_leaf LIMIT $2) e
ORDER BY e.tx_id, e.position
"""


async def leaves_of(conn: asyncpg.Connection, event_ids: Iterable[uuid.UUID]) -> list[asyncpg.Record]:
    """``(event_id, hash, leaf_index)`` of those of ``event_ids`` that are in the log, in leaf order."""
    return list(await conn.fetch(_LEAVES_OF_SQL, list(event_ids)))


async def leaves_from(conn: asyncpg.Connection, start: int, limit: int) -> list[asyncpg.Record]:
    """``(leaf_index, event_id, hash)`` of the leaves ``start`` .. ``start + limit - 1`` that exist."""
    return list(await conn.fetch(_LEAVES_FROM_SQL, start, limit))

_NEXT_SQL = """
SELECT event_id, hash, tx_id::text::bigint AS tx_id, position FROM events
WHERE (events.tx_id, events.position) > ($1::text::xid8, $2)
  AND events.tx_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY events.tx_id, events.position
LIMIT $3
"""


_APPEND_SQL = """
WITH moved AS (
    UPDATE transparency_log SET size = $2, tx_id = $3::text::xid8, position = $4, updated_at = now()
    WHERE id = 1 AND size = $1 RETURNING 1
), tiles AS (
    INSERT INTO transparency_tiles (level, idx, hashes)
    SELECT * FROM unnest($5::smallint[], $6::bigint[], $7::bytea[]) WHERE EXISTS (SELECT 1 FROM moved)
    ON CONFLICT (level, idx) DO UPDATE SET hashes = EXCLUDED.hashes
), ranges AS (
    INSERT INTO transparency_ranges (first_leaf, tx_id, position)
    SELECT $1, $8::text::xid8, $9 WHERE EXISTS (SELECT 1 FROM moved)
)
SELECT count(*) FROM moved
"""


def leaf_data(event_hash: str) -> bytes:
    """A leaf's data: the event's chain hash (hex ``ce_hash``) as 32 bytes."""
    return bytes.fromhex(event_hash)


def _node_place(level: int, index: int) -> tuple[int, int, int, int]:
    """Where a perfect node's hashes are: (tile level, tile idx, first hash in the tile, count)."""
    tile_level, rest = divmod(level, TILE_HEIGHT)
    first = index << rest
    return tile_level, first // TILE_WIDTH, first % TILE_WIDTH, 1 << rest


async def read_nodes(conn: asyncpg.Connection, nodes: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The hashes of perfect nodes ``(level, index)``, read from their tiles in one query."""
    wanted = set(nodes)
    tiles = {(_node_place(*n)[0], _node_place(*n)[1]) for n in wanted}
    if not tiles:
        return {}
    rows = await conn.fetch(
        "SELECT level, idx, hashes FROM transparency_tiles WHERE (level, idx) IN "
        "(SELECT * FROM unnest($1::smallint[], $2::bigint[]))",
        [t[0] for t in tiles], [t[1] for t in tiles])
    by_tile = {(r["level"], r["idx"]): bytes(r["hashes"]) for r in rows}
    out: dict[tuple[int, int], bytes] = {}
    for node in wanted:
        tile_level, idx, first, count = _node_place(*node)
        data = by_tile.get((tile_level, idx), b"")
        if len(data) < (first + count) * HASH_SIZE:
            raise LookupError(f"node {node} is not in the stored log")
        out[node] = fold_level([data[i * HASH_SIZE:(i + 1) * HASH_SIZE] for i in range(first, first + count)])
    return out


async def range_hashes(conn: asyncpg.Connection, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """``MTH(D[start:end])`` of each range (ranges of an RFC 9162 tree), from the stored tiles."""
    parts = [perfect_subtrees(a, b) for a, b in ranges]
    nodes = await read_nodes(conn, (n for p in parts for n in p))
    return [fold_right([nodes[n] for n in p]) for p in parts]


async def root_at(conn: asyncpg.Connection, size: int) -> bytes:
    return (await range_hashes(conn, [(0, size)]))[0]


async def inclusion_proof(conn: asyncpg.Connection, index: int, size: int) -> list[bytes]:
    return await range_hashes(conn, inclusion_ranges(index, size))


async def consistency_proof(conn: asyncpg.Connection, old: int, new: int) -> list[bytes]:
    return await range_hashes(conn, consistency_ranges(old, new))


_LEAF_DATA_SQL = """
SELECT decode(e.hash, 'hex') FROM events e CROSS JOIN transparency_log l
WHERE (e.tx_id, e.position) <= (l.tx_id, l.position) ORDER BY e.tx_id, e.position
"""


async def recompute_log(conn: asyncpg.Connection, *, chunk: int = 20_000) -> CompactRange:
    """The whole log recomputed from its leaves' data (each leaf's event's chain hash, in leaf order), in one
    snapshot: compare its ``root()`` with a checkpoint's. The next chunk is asked for before this one is hashed,
    so PostgreSQL reads while Python hashes; the hex hashes are decoded by PostgreSQL."""
    compact = CompactRange()
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        cursor = await conn.cursor(_LEAF_DATA_SQL)
        pending: asyncio.Future[list[asyncpg.Record]] = asyncio.ensure_future(cursor.fetch(chunk))
        try:
            while rows := await pending:
                pending = asyncio.ensure_future(cursor.fetch(chunk))
                await asyncio.sleep(0)  # the next fetch goes out now
                compact.extend_data(r[0] for r in rows)
        finally:
            if not pending.done():
                with contextlib.suppress(Exception):
                    await pending
    return compact


@dataclass
class LogState:
    size: int
    tx_id: int
    position: int


class TileWriter:
    """The growing right edge of the tiles, in memory; ``append`` says which tiles to write."""

    def __init__(self, size: int, partial: dict[int, tuple[int, list[bytes]]]) -> None:
        self.size = size
        self.partial = partial  # tile level -> (idx, hashes of the last, not yet full tile)

    @classmethod
    async def load(cls, conn: asyncpg.Connection, size: int) -> TileWriter:
        partial: dict[int, tuple[int, list[bytes]]] = {}
        level = 0
        while size >> (TILE_HEIGHT * level):
            count = size >> (TILE_HEIGHT * level)
            idx, used = divmod(count, TILE_WIDTH)
            if used:
                data = await conn.fetchval("SELECT hashes FROM transparency_tiles WHERE level = $1 AND idx = $2",
                                           level, idx)
                if data is None or len(data) < used * HASH_SIZE:
                    raise LookupError(f"tile {level}/{idx} is missing or short")
                partial[level] = (idx, [bytes(data[i * HASH_SIZE:(i + 1) * HASH_SIZE]) for i in range(used)])
            level += 1
        return cls(size, partial)

    def append(self, leaves: Sequence[bytes]) -> dict[tuple[int, int], bytes]:
        """Add leaf hashes; returns the tiles that changed, ``(level, idx) -> hashes``."""
        changed: dict[tuple[int, int], list[bytes]] = {}
        for leaf in leaves:
            level, h = 0, leaf
            while True:
                idx, hashes = self.partial.get(level, ((self.size >> (TILE_HEIGHT * level)) // TILE_WIDTH, []))
                hashes.append(h)
                changed[(level, idx)] = hashes
                if len(hashes) < TILE_WIDTH:
                    self.partial[level] = (idx, hashes)
                    break
                self.partial[level] = (idx + 1, [])
                h, level = fold_level(hashes), level + 1
            self.size += 1
        return {key: b"".join(hashes) for key, hashes in changed.items()}


class MerkleLog:
    """Appends committed events to the service's Merkle log (one appender at a time: the caller holds
    the advisory lock ``kinerja:transparency``)."""

    def __init__(self, writer: TileWriter, state: LogState, compact: CompactRange) -> None:
        self.writer = writer
        self.state = state
        self.compact = compact

    @property
    def size(self) -> int:
        return self.state.size

    def root(self) -> bytes:
        return self.compact.root()

    @classmethod
    async def load(cls, conn: asyncpg.Connection) -> MerkleLog:
        row = await conn.fetchrow("SELECT size, tx_id::text::bigint AS tx_id, position FROM transparency_log")
        assert row is not None, "transparency migrations not applied"
        state = LogState(row["size"], row["tx_id"], row["position"])
        edge = perfect_subtrees(0, state.size)
        nodes = await read_nodes(conn, edge)
        compact = CompactRange(state.size, [nodes[n] for n in edge])
        return cls(await TileWriter.load(conn, state.size), state, compact)

    async def append_committed(self, conn: asyncpg.Connection, *, limit: int = 1000) -> int:
        """Append the next committed events (at most ``limit``) in commit order; returns how many."""
        rows = await conn.fetch(_NEXT_SQL, str(self.state.tx_id), self.state.position, limit)
        return await self.append_rows(conn, rows)

    @property
    def cursor(self) -> tuple[int, int]:
        """The commit-order place ``(tx_id, position)`` of the last event in the log."""
        return self.state.tx_id, self.state.position

    async def append_rows(self, conn: asyncpg.Connection, rows: Sequence[Any]) -> int:
        """Append events already read in commit order right after ``cursor`` (each with ``event_id``, ``hash``,
        ``tx_id`` and ``position``, e.g. the rows the outbox relay has just read); returns how many."""
        if not rows:
            return 0
        await self.append(conn, [leaf_data(r["hash"]) for r in rows], first=(rows[0]["tx_id"], rows[0]["position"]),
                          last=(rows[-1]["tx_id"], rows[-1]["position"]))
        return len(rows)

    async def append(self, conn: asyncpg.Connection, data: Sequence[bytes], *, first: tuple[int, int],
                     last: tuple[int, int]) -> None:
        """Append the leaves (their data) of the events from commit-order place ``first`` to ``last`` (the next
        events in commit order after the log's cursor, every one of them)."""
        leaves = [leaf_hash(d) for d in data]
        size = self.state.size
        tiles = self.writer.append(leaves)  # on failure the caller reloads the log (``MerkleLog.load``)
        moved = await conn.fetchval(  # one statement: atomic, and one round trip on the batch path
            _APPEND_SQL, size, size + len(leaves), str(last[0]), last[1], [k[0] for k in tiles],
            [k[1] for k in tiles], list(tiles.values()), str(first[0]), first[1])
        if moved != 1:
            raise RuntimeError("the transparency log moved under this appender")
        self.compact.extend(leaves)
        self.state = LogState(size + len(leaves), last[0], last[1])
