"""Alembic environment for the contract service's own tables."""

from services.common.migrations import run_migrations
from services.contract.adapters.orm import metadata

run_migrations(metadata)
