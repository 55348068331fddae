"""Fixtures for the callcenter tests (filled in as that part is built)."""
