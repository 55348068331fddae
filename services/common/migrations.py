"""Alembic per service: upgrade a database, or refuse to start on one that is behind."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


class DatabaseNotMigrated(SystemExit):
    pass


def alembic_config(script_location: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(script_location: Path, url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(script_location, url), "head")


def ensure_migrated(engine: Engine, script_location: Path, service: str) -> None:
    """Stops the process with what to run when the schema is not at the newest revision."""
    head = ScriptDirectory.from_config(
        alembic_config(script_location, engine.url.render_as_string(hide_password=False))
    ).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current != head:
        raise DatabaseNotMigrated(
            f"callops {service}: the database {engine.url.render_as_string()} is at revision "
            f"{current or 'none'}, the code needs {head}. Run `python -m services.{service} "
            f"migrate` (or `make run`, which migrates)."
        )
