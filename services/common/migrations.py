"""Alembic per service: upgrade a database, or refuse to start on one that is behind."""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, engine_from_config, pool


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


def run_migrations(metadata: MetaData) -> None:
    """The body of every service's `migrations/env.py`: migrate the configured database online.

    SQLite gets batch mode (it cannot alter columns in place); the custom column types live in
    `services.common.db`, which is what autogenerate should import them from.
    """
    config = context.config
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            user_module_prefix="services.common.db.",
        )
        with context.begin_transaction():
            context.run_migrations()
