"""``python -m kinerja_kernel.catalog write|check docs/events``: the command line of the published contract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kinerja_kernel.catalog.docs import IncompatibleSchemaChange, docs_differences, write_docs

cli = typer.Typer(help="The published event contract (docs/events).", add_completion=False)


@cli.command()
def write(directory: Annotated[Path, typer.Argument(help="e.g. docs/events")]) -> None:
    """Regenerate the schemas, the AsyncAPI document, the catalog and the README's generated sections."""
    try:
        written = write_docs(directory)
    except IncompatibleSchemaChange as exc:
        typer.echo("Incompatible change to a published event schema; publish a new version of the event type "
                   "with an upcaster instead:", err=True)
        for problem in exc.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{len(written)} file(s) written" + "".join(f"\n  {w}" for w in written))


@cli.command()
def check(directory: Annotated[Path, typer.Argument(help="e.g. docs/events")]) -> None:
    """Exit 1 if the committed copies differ from what the code generates now."""
    differences = docs_differences(directory)
    for difference in differences:
        typer.echo(difference, err=True)
    raise typer.Exit(1 if differences else 0)
