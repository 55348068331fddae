"""Alembic environment for the search service's own tables (saved searches)."""

from services.common.migrations import run_migrations
from services.search.adapters.orm import metadata

run_migrations(metadata)
