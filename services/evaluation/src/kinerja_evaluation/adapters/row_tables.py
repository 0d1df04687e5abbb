"""Reading and writing read-model rows set-based: the rows of many keys in one ``SELECT ... = ANY($1)``, the
changed rows of a table in one ``INSERT ... SELECT FROM unnest(...)`` (one array per column), the deleted ones
in one ``DELETE``. Rows are dicts by column name; uuids travel as strings (asyncpg takes them as such), and
array columns as array literals cast in SQL (``unnest`` would flatten arrays of arrays)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from kinerja_evaluation.adapters.read_model_rules import Key, Row


class Table:
    """A read-model table: its columns with their types, the primary key, and the column rows are read by
    (``read_by``, default: the key's only column), with the statements that read and write it."""

    def __init__(self, name: str, columns: Sequence[tuple[str, str]], key: Sequence[str], read_by: str = "") -> None:
        self.name, self.columns, self.key = name, tuple(columns), tuple(key)
        types = dict(self.columns)
        names = ", ".join(c for c, _ in self.columns)
        params = ", ".join(f"${i}::{'text' if _literal(t) else t}[]" for i, (_, t) in enumerate(self.columns, 1))
        select = ", ".join(f"x.{c}::{t}" if _literal(t) else f"x.{c}" for c, t in self.columns)
        keys = ", ".join(self.key)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c, _ in self.columns if c not in self.key)
        key_params = ", ".join(f"${i}::{types[k]}[]" for i, k in enumerate(self.key, 1))
        read_by = read_by or self.key[0]
        self._insert = f"INSERT INTO {name} ({names}) SELECT {select} FROM unnest({params}) AS x({names})"  # noqa: S608
        self._upsert = f"{self._insert} ON CONFLICT ({keys}) DO UPDATE SET {updates}"
        self._delete = f"DELETE FROM {name} WHERE ({keys}) IN (SELECT * FROM unnest({key_params}))"  # noqa: S608
        self._load = f"SELECT {names} FROM {name} WHERE {read_by} = ANY($1::{types[read_by]}[])"  # noqa: S608
        self._uuids = tuple(c for c, t in self.columns if t == "uuid")
        self._uuid_arrays = tuple(c for c, t in self.columns if t == "uuid[]")

    def key_of(self, row: Row) -> Key:
        return row[self.key[0]] if len(self.key) == 1 else tuple(row[k] for k in self.key)

    async def load(self, conn: asyncpg.Connection, values: Sequence[Any]) -> list[Row]:
        """The rows whose ``read_by`` column is one of ``values`` (uuids as strings)."""
        rows = []
        for record in await conn.fetch(self._load, list(values)):
            row = dict(record)
            for c in self._uuids:
                if row[c] is not None:
                    row[c] = str(row[c])
            for c in self._uuid_arrays:
                row[c] = [str(u) for u in row[c]]
            rows.append(row)
        return rows

    async def write(self, conn: asyncpg.Connection, *, inserted: Sequence[Row] = (), upserted: Sequence[Row] = (),
                    deleted: Sequence[Key] = ()) -> int:
        """Deletes, then inserts (new rows: a duplicate fails, as a plain insert does), then upserts; returns
        the statements sent."""
        sent = 0
        if deleted:
            keys = [k if isinstance(k, tuple) else (k,) for k in deleted]
            await conn.execute(self._delete, *[list(c) for c in zip(*keys, strict=True)])
            sent += 1
        for sql, rows in ((self._insert, inserted), (self._upsert, upserted)):
            if rows:
                await conn.execute(sql, *self._arrays(rows))
                sent += 1
        return sent

    def _arrays(self, rows: Sequence[Row]) -> list[list[Any]]:
        out = []
        for column, pg_type in self.columns:
            values = [row[column] for row in rows]
            if pg_type == "uuid[]":
                values = ["{" + ",".join(v) + "}" for v in values]
            elif pg_type == "text[]":
                values = ["{" + ",".join(_quoted(x) for x in v) + "}" for v in values]
            out.append(values)
        return out


def _literal(pg_type: str) -> bool:
    """Types passed as text and cast in SQL: arrays (as array literals) and jsonb."""
    return pg_type.endswith("[]") or pg_type == "jsonb"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
