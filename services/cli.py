"""`callops`: the command-line client. For now: tokens for local use."""

from __future__ import annotations

from typing import Annotated

import typer

from services.common.auth import issue_token
from services.common.config import ServiceSettings, load_settings
from services.common.rights import ROLES

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


@app.callback()
def main() -> None:
    """callops command-line client."""


@app.command()
def token(
    user: Annotated[str, typer.Option(help="user id, e.g. zhang.san")],
    role: Annotated[list[str], typer.Option(help=f"one of {', '.join(ROLES)}; repeatable")],
    department: Annotated[str, typer.Option(help="the user's department")] = "",
    hours: Annotated[int, typer.Option(min=1, max=24 * 30, help="lifetime")] = 8,
) -> None:
    """Print a bearer token signed with CALLOPS_JWT_SECRET (local use and tests)."""
    unknown = sorted(set(role) - set(ROLES))
    if unknown:
        raise typer.BadParameter(f"unknown role(s) {', '.join(unknown)}", param_hint="--role")
    settings = load_settings(ServiceSettings)
    typer.echo(issue_token(settings, user, role, department, hours * 3600))
