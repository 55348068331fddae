"""`python -m services.alerts serve|migrate|scan`: run the alert service, migrate its
database, or run the scans once."""

from __future__ import annotations

import typer

from services.alerts.bootstrap import MIGRATIONS, bootstrap, registration
from services.alerts.config import AlertSettings
from services.alerts.entrypoints.tasks import scan as run_scan
from services.common.config import load_settings
from services.common.migrations import upgrade
from services.common.server import run

cli = typer.Typer(add_completion=False, help=__doc__)


@cli.command()
def serve() -> None:
    """Serve gRPC on CALLOPS_GRPC_HOST:CALLOPS_GRPC_PORT (default 50055) until SIGTERM."""
    run(load_settings(AlertSettings), registration)  # type: ignore[arg-type]


@cli.command()
def migrate() -> None:
    """Bring the database at CALLOPS_DATABASE_URL to the newest schema."""
    settings = load_settings(AlertSettings)
    upgrade(MIGRATIONS, settings.database_url_or_default())
    typer.echo(f"alerts: migrated {settings.database_url_or_default()}")


@cli.command()
def scan(as_of: str = typer.Option("", help="ISO 8601 time with offset; default now.")) -> None:
    """Run every alert rule once and print how many alerts each raised."""
    counts = run_scan(bootstrap(load_settings(AlertSettings)), as_of or None)
    for rule, raised in counts.items():
        typer.echo(f"{rule}: {raised}")


if __name__ == "__main__":
    cli()
