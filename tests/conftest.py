"""Shared test configuration; real servers come from the tests.servers plugin."""

pytest_plugins = ["tests.servers", "tests.customer_fixtures"]
