"""The contract service's tables. Line items, milestones, approval steps and signatures live
in JSON columns of the contract row: they are always read and written with it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from services.common.db import Amount, UTCDateTime, new_metadata, sequences_table
from services.common.outbox import outbox_tables
from services.common.uow import idempotency_table

metadata = new_metadata()

sequences = sequences_table(metadata)
outbox, processed_events = outbox_tables(metadata)
idempotency_keys = idempotency_table(metadata)

ID = String(32)

contracts = Table(
    "contracts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("customer_id", ID, nullable=False, index=True),
    Column("owner", String(80), nullable=False, index=True),
    Column("department", String(100), nullable=False, default="", index=True),
    Column("state", String(20), nullable=False, index=True),
    # Derived from the line items; a column so reports can sum and sort in SQL.
    Column("total_amount", Amount, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False, index=True),
    Column("signed_date", Date, nullable=True),
    Column("payment_terms", Text, nullable=False, default=""),
    Column("breach_liability", Text, nullable=False, default=""),
    Column("dispute_resolution", String(20), nullable=False),
    Column("line_items", JSON, nullable=False),
    Column("payment_milestones", JSON, nullable=False),
    Column("delivery_milestones", JSON, nullable=False),
    Column("approval", JSON, nullable=False),
    Column("signatures", JSON, nullable=False),
    Column("predecessor_id", ID, nullable=True),
    Column("successor_id", ID, nullable=True),
    Column("termination_date", Date, nullable=True),
    Column("termination_reason", Text, nullable=False, default=""),
    Column("template_id", ID, nullable=True),
    Column("template_version", Integer, nullable=False, default=0),
    Column("blanks", JSON, nullable=False),
    Column("rendered_text", Text, nullable=False, default=""),
    Column("rendered_text_masked", Text, nullable=False, default=""),
    # Compare-and-set: every update says which version it read (optimistic locking).
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_contracts_created_at_id", "created_at", "id"),
)

# One row per version of a template; a version never changes once published.
contract_templates = Table(
    "contract_templates",
    metadata,
    Column("id", ID, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("clauses", JSON, nullable=False),
    Column("blanks", JSON, nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# The figures last reported per customer: a change is reported once, an unchanged one never.
customer_figures = Table(
    "customer_figures",
    metadata,
    Column("customer_id", ID, primary_key=True),
    Column("annual_contract_amount", Amount, nullable=False),
    Column("longest_overdue_days", Integer, nullable=False),
    Column("cooperation_start_date", Date, nullable=True),
    Column("reported_at", UTCDateTime, nullable=False),
)

# Append-only: rows are inserted, never updated or deleted.
contract_history = Table(
    "contract_history",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("contract_id", ID, nullable=False, index=True),
    Column("action", String(40), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("before", JSON, nullable=False),
    Column("after", JSON, nullable=False),
)

# Contract documents: a row is written only once its object is completely stored.
contract_documents = Table(
    "contract_documents",
    metadata,
    Column("id", ID, primary_key=True),
    Column("contract_id", ID, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(200), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("object_key", String(1024), nullable=False),
    # The extracted text, for search; "" when the kind has none.
    Column("text", Text, nullable=False, default=""),
    Column("created_by", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_contract_documents_contract_id_created_at", "contract_id", "created_at", "id"),
)

# Proposed changes of contracts in force; updated compare-and-set on `revision`.
contract_amendments = Table(
    "contract_amendments",
    metadata,
    Column("id", ID, primary_key=True),
    Column("contract_id", ID, nullable=False, index=True),
    Column("state", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("impact", Text, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("changes", JSON, nullable=False),
    Column("approval", JSON, nullable=False),
    Column("base_version", Integer, nullable=False),
    Column("result_version", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# One row per version of a contract once it was first amended; never changed.
contract_versions = Table(
    "contract_versions",
    metadata,
    Column("contract_id", ID, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("snapshot", JSON, nullable=False),
    Column("amendment_id", ID, nullable=True),
    Column("created_by", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Read models for the reports, derived from the contract row's JSON and rewritten with it in
# the same transaction: set-based SQL can sum what the JSON columns hold.
contract_line_items = Table(
    "contract_line_items",
    metadata,
    Column("contract_id", ID, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("model", String(100), nullable=False),
    Column("unit", String(100), nullable=False),
    # Quantities have at most 4 decimals: exact in the same scaled integer as amounts.
    Column("quantity", Amount, nullable=False),
    Column("amount", Amount, nullable=False),
)

contract_payment_schedule = Table(
    "contract_payment_schedule",
    metadata,
    Column("contract_id", ID, primary_key=True),
    Column("milestone_id", ID, primary_key=True),
    Column("due_date", Date, nullable=False),
    Column("amount", Amount, nullable=False),
)

contract_payments = Table(
    "contract_payments",
    metadata,
    Column("contract_id", ID, primary_key=True),
    Column("milestone_id", ID, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("amount", Amount, nullable=False),
    Column("received_date", Date, nullable=False),
)
