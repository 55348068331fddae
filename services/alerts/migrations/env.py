"""Alembic environment for the alert workers' own tables."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from services.alerts.adapters.orm import metadata

config = context.config
connectable = engine_from_config(
    config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
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
