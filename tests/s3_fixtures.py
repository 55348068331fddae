"""Fixtures for the s3 tests (filled in as that part is built)."""
