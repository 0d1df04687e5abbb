"""``python -m kinerja_kernel.catalog write|check docs/events``."""

from kinerja_kernel.catalog.cli import cli

cli()
