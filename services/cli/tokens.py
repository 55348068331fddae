"""`callops token`: a bearer token signed with the local secret, for local use and tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from services.cli.session import USAGE, fail
from services.common.auth import issue_token
from services.common.config import ServiceSettings, load_settings
from services.common.rights import ROLES


def local_settings() -> ServiceSettings:
    """CALLOPS_JWT_SECRET, or else the secret `make run` keeps in its data directory."""
    if os.environ.get("CALLOPS_JWT_SECRET") or os.environ.get("CALLOPS_JWT_PUBLIC_KEY_FILE"):
        return load_settings(ServiceSettings)
    kept = Path(os.environ.get("CALLOPS_DATA_DIR", "var")) / "jwt-secret"
    if not kept.is_file():
        fail(
            f"no CALLOPS_JWT_SECRET and no {kept}: set the secret, or start `make run` first",
            USAGE,
        )
    return load_settings(ServiceSettings, jwt_secret=kept.read_text().strip())


def token(
    user: Annotated[str, typer.Option(help="user id, e.g. zhang.san")],
    role: Annotated[list[str], typer.Option(help=f"one of {', '.join(ROLES)}; repeatable")],
    department: Annotated[str, typer.Option(help="the user's department")] = "",
    hours: Annotated[int, typer.Option(min=1, max=24 * 30, help="lifetime")] = 8,
) -> None:
    """Print a bearer token signed with CALLOPS_JWT_SECRET (or var/jwt-secret)."""
    unknown = sorted(set(role) - set(ROLES))
    if unknown:
        raise typer.BadParameter(f"unknown role(s) {', '.join(unknown)}", param_hint="--role")
    typer.echo(issue_token(local_settings(), user, role, department, hours * 3600))
