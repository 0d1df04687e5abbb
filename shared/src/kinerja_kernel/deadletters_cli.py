"""``python -m kinerja_kernel.deadletters_cli``: list a consumer's dead letters, redrive them after a fix,
prune the inbox. An operator's tool: it talks to the service's database and Kafka directly."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from kinerja_kernel.db import Database
from kinerja_kernel.deadletters import redrive
from kinerja_kernel.inbox import prune_inbox
from kinerja_kernel.transport import kafka_from_env

app = typer.Typer(help="Dead letters of a service's consumers: list, redrive after a fix; prune the inbox.",
                  add_completion=False)

DatabaseUrl = Annotated[str, typer.Option(envvar="KINERJA_DEADLETTERS_DATABASE_URL",
                                          help="the service's own PostgreSQL database")]
Bootstrap = Annotated[str, typer.Option(envvar="KINERJA_KAFKA_BOOTSTRAP_SERVERS")]
Consumer = Annotated[str, typer.Option(help="the consumer group, e.g. kinerja-career")]


@app.command("list")
def list_dead_letters(database_url: DatabaseUrl, consumer: Consumer) -> None:
    """Every dead letter of a consumer: where it came from, its event id, the reason, whether redriven."""
    async def main() -> None:
        db = await Database.connect(database_url, min_size=1, max_size=1)
        try:
            async with db.connection() as conn:
                rows = await conn.fetch(
                    'SELECT topic, partition, "offset", event_id, reason, recorded_at, redriven_at FROM dead_letters '
                    "WHERE consumer = $1 ORDER BY id", consumer)
        finally:
            await db.close()
        for r in rows:
            state = f"redriven {r['redriven_at']:%Y-%m-%d %H:%M}" if r["redriven_at"] else "parked"
            typer.echo(f"{r['topic']}[{r['partition']}]@{r['offset']} {r['event_id'] or '-'} {state}: {r['reason']}")
        typer.echo(f"{len(rows)} dead letter(s)")

    asyncio.run(main())


@app.command("redrive")
def redrive_command(
    database_url: DatabaseUrl, consumer: Consumer,
    service: Annotated[str, typer.Option(help="whose dead-letter topic, e.g. career")],
    bootstrap: Bootstrap = "127.0.0.1:9092",
    event_id: Annotated[list[str] | None, typer.Option(help="only these events (repeatable)")] = None,
    dry_run: Annotated[bool, typer.Option(help="say what would be published, publish nothing")] = False,
) -> None:
    """Publish the consumer's dead letters back to their original topics (once each; the inbox skips what
    was processed)."""
    async def main() -> None:
        db = await Database.connect(database_url, min_size=1, max_size=2)
        try:
            report = await redrive(db=db, bootstrap=kafka_from_env(bootstrap), service=service, consumer=consumer,
                                   event_ids=event_id or (), dry_run=dry_run)
        finally:
            await db.close()
        verb = "would publish" if dry_run else "published"
        typer.echo(f"{verb} {len(report.published)}, already redriven {len(report.already_redriven)}, "
                   f"already processed {len(report.already_processed)}, not CloudEvents {report.not_cloudevents}")
        for e in report.published:
            typer.echo(f"  {e}")

    asyncio.run(main())


@app.command("prune-inbox")
def prune_inbox_command(
    database_url: DatabaseUrl,
    older_than_days: Annotated[int, typer.Option(min=0, help="delete rows processed longer ago than this")],
    consumer: Annotated[str | None, typer.Option(help="only this consumer")] = None,
) -> None:
    """Delete old inbox rows now (the service also does it hourly, by ``inbox_retention_days``)."""
    async def main() -> int:
        db = await Database.connect(database_url, min_size=1, max_size=1)
        try:
            return await prune_inbox(db, older_than_days=older_than_days, consumer=consumer)
        finally:
            await db.close()

    typer.echo(f"{asyncio.run(main())} inbox row(s) deleted")


if __name__ == "__main__":
    app()
