"""Fixtures for the contract tests (filled in as that part is built)."""
