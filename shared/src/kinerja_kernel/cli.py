"""Command-line tools of the kernel: mint a development token, run a relay, verify hash chains."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import timedelta
from typing import Annotated

import typer

from kinerja_kernel.auth import Role, mint_token

DEV_SECRET = "kinerja-dev-secret-change-me-in-production"  # noqa: S105 - development only; production verifies IdP tokens

token_app = typer.Typer(help="Mint a development JWT (HS256) for calling the services' HTTP APIs.")
relay_app = typer.Typer(help="Run one service's outbox relay on its own (normally it runs inside the service).")
verify_app = typer.Typer(help="Verify the hash chains of a service's event store.")


@token_app.command()
def mint(
    sub: Annotated[str, typer.Option(help="user id (the NIP for people)")],
    role: Annotated[list[Role], typer.Option(help="role; repeat for several")],
    office: Annotated[list[str], typer.Option(help="office id in scope; repeat for several")],
    name: Annotated[str, typer.Option(help="display name")] = "",
    secret: Annotated[str, typer.Option(envvar="KINERJA_JWT_SECRET", help="HS256 secret")] = DEV_SECRET,
    hours: Annotated[float, typer.Option(help="lifetime in hours")] = 8.0,
) -> None:
    """Print a signed token for the given user, roles and offices."""
    typer.echo(mint_token(secret=secret, user_id=sub, roles=role, offices=office, name=name,
                          ttl=timedelta(hours=hours)))


@relay_app.command()
def relay(
    database_url: Annotated[str, typer.Option(envvar="KINERJA_RELAY_DATABASE_URL")],
    topic: Annotated[str, typer.Option(envvar="KINERJA_RELAY_TOPIC")],
    bootstrap: Annotated[str, typer.Option(envvar="KINERJA_RELAY_KAFKA_BOOTSTRAP_SERVERS")] = "127.0.0.1:9092",
    batch_size: Annotated[int, typer.Option()] = 1000,
    name: Annotated[str, typer.Option(help="checkpoint name")] = "kafka",
) -> None:
    """Publish committed events of one database to one topic until SIGTERM/SIGINT."""
    from kinerja_kernel.kafka import TopicSpec, ensure_topics, idempotent_producer
    from kinerja_kernel.logging import configure_logging
    from kinerja_kernel.outbox import OutboxRelay
    from kinerja_kernel.transport import kafka_from_env

    configure_logging(service="relay", json=os.environ.get("KINERJA_ENVIRONMENT") == "production")

    async def main() -> None:
        kafka = kafka_from_env(bootstrap)  # security from KINERJA_KAFKA_* (SASL_SSL, mutual TLS)
        await ensure_topics(kafka, [TopicSpec(topic)])
        producer = idempotent_producer(kafka, client_id="kinerja-relay")
        await producer.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            await OutboxRelay(dsn=database_url, producer=producer, topic=topic, batch_size=batch_size,
                              name=name).run(stop)
        finally:
            await producer.stop()

    asyncio.run(main())


@verify_app.command()
def verify(database_url: Annotated[str, typer.Option(envvar="KINERJA_VERIFY_DATABASE_URL")]) -> None:
    """Recompute every stream's hash chain; exit 1 and list the breaks if any."""
    from kinerja_kernel.verification import verify_database

    report = asyncio.run(verify_database(database_url))
    typer.echo(f"streams={report.streams} events={report.events} breaks={len(report.breaks)}")
    for brk in report.breaks:
        typer.echo(f"BREAK {brk.stream_id} v{brk.stream_version} {brk.event_id}: {brk.reason}")
    raise typer.Exit(0 if report.ok else 1)
