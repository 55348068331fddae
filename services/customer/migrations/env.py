"""Alembic environment for the customer service's own tables."""

from services.common.migrations import run_migrations
from services.customer.adapters.orm import metadata

run_migrations(metadata)
