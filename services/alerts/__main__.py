"""`python -m services.alerts serve|migrate|scan`: run the alert service, migrate its
database, or run the scans once."""

from __future__ import annotations

import typer

from services.alerts.bootstrap import MIGRATIONS, bootstrap, registration
from services.alerts.config import AlertSettings
from services.alerts.entrypoints.tasks import scan as run_scan
from services.common.cli import service_cli
from services.common.config import load_settings

cli = service_cli("alerts", AlertSettings, registration, MIGRATIONS, __doc__)


@cli.command()
def scan(as_of: str = typer.Option("", help="ISO 8601 time with offset; default now.")) -> None:
    """Run every alert rule once and print how many alerts each raised."""
    counts = run_scan(bootstrap(load_settings(AlertSettings)), as_of or None)
    for rule, raised in counts.items():
        typer.echo(f"{rule}: {raised}")


if __name__ == "__main__":
    cli()
