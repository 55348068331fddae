"""The search service's own table: saved searches. The index itself lives in the engine."""

from __future__ import annotations

from sqlalchemy import Column, Index, MetaData, String, Table, Text, UniqueConstraint

from services.common.db import UTCDateTime

metadata = MetaData()

saved_searches = Table(
    "saved_searches",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("owner", String(64), nullable=False),  # the user id, as in users/{id}
    Column("display_name", String(100), nullable=False),
    Column("query", Text, nullable=False),
    # The ContractFilter as protobuf JSON: readable in the database, and new filter fields
    # need no migration.
    Column("filter_json", Text, nullable=False),
    Column("order_by", String(64), nullable=False),
    Column("request_id", String(64), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    # A retried create finds the first one (NULLs never collide).
    UniqueConstraint("owner", "request_id", name="uq_saved_searches_request"),
    Index("ix_saved_searches_owner", "owner", "created_at", "id"),
)
