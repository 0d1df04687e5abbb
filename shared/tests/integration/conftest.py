"""Fixtures for kernel integration tests on real PostgreSQL (and Kafka where asked)."""

from collections.abc import AsyncIterator

import pytest_asyncio

from kinerja_kernel.db import KERNEL_MIGRATIONS, Database, migrate
from kinerja_kernel.eventstore import PostgresEventStore


@pytest_asyncio.fixture(loop_scope="session")
async def db(database_url: str) -> AsyncIterator[Database]:
    database = await Database.connect(database_url, min_size=1, max_size=8)
    async with database.connection() as conn:
        await migrate(conn, KERNEL_MIGRATIONS)
    yield database
    await database.close()


@pytest_asyncio.fixture(loop_scope="session")
async def pg_store(db: Database) -> PostgresEventStore:
    return PostgresEventStore(db, source="/kinerja/test")
