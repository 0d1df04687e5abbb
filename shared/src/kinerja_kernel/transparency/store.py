"""The Merkle log of one service's events, in PostgreSQL: tiles, the leaf index, checkpoints.

Leaves are the service's events in commit order (the order the outbox relay publishes them: the same
gap-safe ``(tx_id, position)`` walk), and a leaf's data is the event's hash-chain record, ``ce_hash``
as 32 bytes. Hashes are stored as tiles (the layout of Go's ``sumdb/tlog`` with height 8): the tile
``(level, idx)`` holds up to 256 consecutive node hashes of tree level ``8 * level``, from node
``256 * idx``. Full tiles never change; the last tile of each level grows. Any perfect subtree is then
at most 128 hashes of one tile away, so inclusion and consistency proofs on ten million leaves read a
handful of rows, and an append writes one row per tile level plus one leaf-index row per event.
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
)

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
), leaves AS (
    INSERT INTO transparency_leaves (leaf_index, event_id)
    SELECT * FROM unnest($8::bigint[], $9::uuid[]) WHERE EXISTS (SELECT 1 FROM moved)
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
SELECT decode(e.hash, 'hex') FROM transparency_leaves l JOIN events e USING (event_id) ORDER BY l.leaf_index
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
        await self.append(conn, [r["event_id"] for r in rows], [leaf_data(r["hash"]) for r in rows],
                          tx_id=rows[-1]["tx_id"], position=rows[-1]["position"])
        return len(rows)

    async def append(self, conn: asyncpg.Connection, event_ids: Sequence[uuid.UUID], data: Sequence[bytes], *,
                     tx_id: int, position: int) -> None:
        """Append leaves (their data) for ``event_ids``, up to the commit-order cursor ``(tx_id, position)``."""
        leaves = [leaf_hash(d) for d in data]
        first = self.state.size
        tiles = self.writer.append(leaves)  # on failure the caller reloads the log (``MerkleLog.load``)
        moved = await conn.fetchval(  # one statement: atomic, and one round trip on the batch path
            _APPEND_SQL, first, first + len(leaves), str(tx_id), position, [k[0] for k in tiles],
            [k[1] for k in tiles], list(tiles.values()), list(range(first, first + len(leaves))), list(event_ids))
        if moved != 1:
            raise RuntimeError("the transparency log moved under this appender")
        self.compact.extend(leaves)
        self.state = LogState(first + len(leaves), tx_id, position)
