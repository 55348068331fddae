"""Alerts: the scans and deliveries that make sure nothing slips through."""
