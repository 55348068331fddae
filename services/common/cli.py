"""The `serve` and `migrate` commands every service's `python -m services.<name>` offers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from services.common.config import ServiceSettings, load_settings
from services.common.migrations import upgrade
from services.common.server import ServiceRegistration, run


def service_cli(
    name: str,
    settings_class: type[ServiceSettings],
    registration: Callable[[Any], ServiceRegistration],
    migrations: Path,
    help: str | None,
) -> typer.Typer:
    """A Typer app with `serve` and `migrate`; a service adds its own commands to it."""
    cli = typer.Typer(add_completion=False, help=help)

    @cli.command()
    def serve() -> None:
        """Serve gRPC on CALLOPS_GRPC_HOST:CALLOPS_GRPC_PORT until SIGTERM."""
        run(load_settings(settings_class), registration)

    @cli.command()
    def migrate() -> None:
        """Bring the database at CALLOPS_DATABASE_URL to the newest schema."""
        url = load_settings(settings_class).database_url_or_default()
        upgrade(migrations, url)
        typer.echo(f"{name}: migrated {url}")

    return cli
