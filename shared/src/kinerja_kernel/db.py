"""PostgreSQL access: the pool, transactions with after-commit hooks, and schema migrations."""

from __future__ import annotations

import contextlib
import hashlib
import ssl
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import cast

import asyncpg
import structlog

from kinerja_kernel.transport import DatabaseTlsError, tls_refusal

log = structlog.get_logger(__name__)

Connection = asyncpg.Connection  # re-exported so adapters need not import asyncpg for annotations


@dataclass(frozen=True)
class Migration:
    """One schema step of a component (``kernel`` or a service), applied once, in version order."""

    component: str
    version: int
    name: str
    sql: str


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Pool reset: asyncpg still rolls back an open transaction; we skip the server-side ``RESET ALL``
    round trip on every release because kernel code leaves no session state on pooled connections
    (advisory locks are released explicitly; the relay uses its own connection)."""


class Database:
    """A connection pool plus the after-commit hooks (e.g. waking the outbox relay)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self._after_commit: list[Callable[[], None]] = []

    @classmethod
    async def connect(cls, dsn: str, *, min_size: int = 2, max_size: int = 10) -> Database:
        try:
            pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size, command_timeout=60,
                                             reset=_keep_session)
        except ssl.SSLCertVerificationError as exc:  # sslmode verify-ca/verify-full: say which CA and host
            raise DatabaseTlsError(tls_refusal(dsn, exc)) from exc
        return cls(pool)

    def on_commit(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` after each transaction of this object commits."""
        self._after_commit.append(hook)

    def committed(self) -> None:
        """Run the after-commit hooks (for writes done outside ``transaction()``)."""
        for hook in self._after_commit:
            hook()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection inside a transaction; commits on normal exit, rolls back on error."""
        async with self.pool.acquire() as conn, conn.transaction():
            yield cast(asyncpg.Connection, conn)
        self.committed()

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        async with self.pool.acquire() as conn:
            yield cast(asyncpg.Connection, conn)

    async def close(self) -> None:
        await self.pool.close()


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


async def migrate(conn: asyncpg.Connection, migrations: Sequence[Migration]) -> list[str]:
    """Apply the migrations not yet applied, under an advisory lock, each in its own transaction."""
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock($1)", _lock_key("kinerja:migrations"))
    try:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   component text NOT NULL,
                   version integer NOT NULL,
                   name text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now(),
                   PRIMARY KEY (component, version))"""
        )
        rows = await conn.fetch("SELECT component, version FROM schema_migrations")
        done = {(r["component"], r["version"]) for r in rows}
        for step in sorted(migrations, key=lambda m: (m.component != "kernel", m.component, m.version)):
            if (step.component, step.version) in done:
                continue
            async with conn.transaction():
                await conn.execute(step.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (component, version, name) VALUES ($1, $2, $3)",
                    step.component, step.version, step.name,
                )
            applied_now.append(f"{step.component}:{step.version}:{step.name}")
            log.info("migration.applied", component=step.component, version=step.version, name=step.name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _lock_key("kinerja:migrations"))
    return applied_now


KERNEL_MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "kernel",
        1,
        "event store, relay checkpoints, inbox",
        """
        CREATE TABLE events (
            position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            tx_id           xid8 NOT NULL DEFAULT pg_current_xact_id(),
            stream_id       text NOT NULL,
            stream_version  integer NOT NULL CHECK (stream_version >= 1),
            event_id        uuid NOT NULL,
            event_type      text NOT NULL,
            event_version   integer NOT NULL,
            source          text NOT NULL,
            subject         text NOT NULL,
            office_id       text NOT NULL,
            actor_id        text NOT NULL,
            actor_role      text NOT NULL,
            occurred_at     timestamptz NOT NULL,
            recorded_at     timestamptz NOT NULL,
            correlation_id  text NOT NULL,
            causation_id    text,
            payload         jsonb NOT NULL,
            prev_hash       text NOT NULL,
            hash            text NOT NULL,
            CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version),
            CONSTRAINT events_event_id_key UNIQUE (event_id)
        );
        CREATE INDEX events_commit_order_idx ON events (tx_id, position);
        CREATE INDEX events_subject_idx ON events (subject, position);
        CREATE INDEX events_office_idx ON events (office_id, position);

        CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'events are append-only: % is not allowed', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$;
        CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
            FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
        CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
            FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();

        CREATE TABLE relay_checkpoints (
            name        text PRIMARY KEY,
            tx_id       bigint NOT NULL DEFAULT 0,
            position    bigint NOT NULL DEFAULT 0,
            published   bigint NOT NULL DEFAULT 0,
            updated_at  timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE inbox (
            consumer      text NOT NULL,
            event_id      uuid NOT NULL,
            event_type    text NOT NULL,
            processed_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (consumer, event_id)
        );

        CREATE TABLE dead_letters (
            id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            consumer      text NOT NULL,
            topic         text NOT NULL,
            partition     integer NOT NULL,
            "offset"      bigint NOT NULL,
            event_id      text,
            reason        text NOT NULL,
            recorded_at   timestamptz NOT NULL DEFAULT now()
        );
        """,
    ),
    Migration(
        "kernel",
        2,
        "one dead letter per record: offsets are committed in groups, so a record can be delivered again",
        """
        DELETE FROM dead_letters d USING dead_letters e
         WHERE d.consumer = e.consumer AND d.topic = e.topic AND d.partition = e.partition
           AND d."offset" = e."offset" AND d.id > e.id;
        CREATE UNIQUE INDEX dead_letters_record_idx ON dead_letters (consumer, topic, partition, "offset");
        """,
    ),
    Migration(
        "kernel",
        3,
        "dead letters remember when they were re-published after a fix (redrive); the inbox is pruned by age",
        """
        ALTER TABLE dead_letters ADD COLUMN redriven_at timestamptz;
        CREATE INDEX inbox_processed_at_idx ON inbox (processed_at);
        """,
    ),
    Migration(
        "kernel",
        4,
        "the W3C trace context an event was recorded in (transport metadata for traces, not hashed)",
        "ALTER TABLE events ADD COLUMN traceparent text",
    ),
    Migration(
        "kernel",
        5,
        "the inbox keeps each event's hash: a record reusing a seen id with other content is refused, not skipped",
        "ALTER TABLE inbox ADD COLUMN hash text",
    ),
    Migration(
        "kernel",
        6,
        "an event's payload is kept as the exact canonical JSON text its hash covers (json, not jsonb)",
        # jsonb re-orders keys and re-spaces the text, so every reader that needed the hashed bytes (chain
        # verification, the relay) parsed and re-encoded each payload; json keeps the written text and costs
        # PostgreSQL less on insert. Rows stored before this step keep jsonb's text: readers fall back to
        # re-encoding when the stored text does not hash (chain.RowVerifier). Rewrites the table once.
        "ALTER TABLE events ALTER COLUMN payload TYPE json USING payload::text::json",
    ),
)
