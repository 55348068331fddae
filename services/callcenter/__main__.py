"""`python -m services.callcenter serve|migrate`: run the call center or migrate its database."""

from __future__ import annotations

import typer

from services.callcenter.bootstrap import MIGRATIONS, registration
from services.callcenter.config import CallCenterSettings
from services.common.config import load_settings
from services.common.migrations import upgrade
from services.common.server import run

cli = typer.Typer(add_completion=False, help=__doc__)


@cli.command()
def serve() -> None:
    """Serve gRPC on CALLOPS_GRPC_HOST:CALLOPS_GRPC_PORT until SIGTERM."""
    run(load_settings(CallCenterSettings), registration)  # type: ignore[arg-type]


@cli.command()
def migrate() -> None:
    """Bring the database at CALLOPS_DATABASE_URL to the newest schema."""
    settings = load_settings(CallCenterSettings)
    upgrade(MIGRATIONS, settings.database_url_or_default())
    typer.echo(f"callcenter: migrated {settings.database_url_or_default()}")


if __name__ == "__main__":
    cli()
