"""End-to-end tests run on SQLite: the integration tests cover both databases."""

from pathlib import Path

import pytest


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'customer.db'}"
