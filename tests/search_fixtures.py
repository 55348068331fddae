"""Fixtures for the search tests (filled in as that part is built)."""
