"""Fixtures of the alert workers: their database, a running alerts service and worker."""
