"""`python -m services.contract serve|migrate`: run the contract service or migrate its database."""

from __future__ import annotations

import typer

from services.common.config import load_settings
from services.common.migrations import upgrade
from services.common.server import run
from services.contract.bootstrap import MIGRATIONS, registration
from services.contract.config import ContractSettings

cli = typer.Typer(add_completion=False, help=__doc__)


@cli.command()
def serve() -> None:
    """Serve gRPC on CALLOPS_GRPC_HOST:CALLOPS_GRPC_PORT until SIGTERM."""
    run(load_settings(ContractSettings), registration)  # type: ignore[arg-type]


@cli.command()
def migrate() -> None:
    """Bring the database at CALLOPS_DATABASE_URL to the newest schema."""
    settings = load_settings(ContractSettings)
    upgrade(MIGRATIONS, settings.database_url_or_default())
    typer.echo(f"contract: migrated {settings.database_url_or_default()}")


if __name__ == "__main__":
    cli()
