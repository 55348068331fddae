"""Alembic environment for the call center's own tables."""

from services.callcenter.adapters.orm import metadata
from services.common.migrations import run_migrations

run_migrations(metadata)
