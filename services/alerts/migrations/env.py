"""Alembic environment for the alert workers' own tables."""

from services.alerts.adapters.orm import metadata
from services.common.migrations import run_migrations

run_migrations(metadata)
