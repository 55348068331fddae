"""The customer service's tables, and the mapping of the domain classes onto them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.orm import registry, relationship

from services.common.db import Amount, UTCDateTime, new_metadata, sequences_table
from services.common.outbox import outbox_tables
from services.common.uow import idempotency_table
from services.customer.domain import model
from services.customer.domain.rules import (
    CreditRating,
    FollowUpKind,
    Grade,
    SurveyBand,
    TicketPriority,
)

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)

sequences = sequences_table(metadata)
outbox, processed_events = outbox_tables(metadata)
idempotency_keys = idempotency_table(metadata)


def _enum(cls: type[Any]) -> Enum:
    # Stored as the member name in a plain string column: no native enum to migrate.
    return Enum(cls, native_enum=False, length=20, create_constraint=False)


ID = String(32)

customers = Table(
    "customers",
    metadata,
    Column("id", ID, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("full_name", String(200), nullable=False),
    Column("name_key", String(200), nullable=False, index=True),
    Column("short_name", String(100), nullable=False, default=""),
    Column("kind", _enum(model.CustomerKind), nullable=False),
    Column("owner", String(80), nullable=False, index=True),
    Column("department", String(100), nullable=False, default="", index=True),
    Column("industry", String(20), nullable=False, default="", index=True),
    Column("province", String(50), nullable=False, default=""),
    Column("city", String(50), nullable=False, default=""),
    Column("address", String(300), nullable=False, default=""),
    Column("source", String(50), nullable=False, default=""),
    Column("category", String(50), nullable=False, default=""),
    Column("sales_method", String(50), nullable=False, default=""),
    Column("ownership_type", String(50), nullable=False, default=""),
    Column("description", Text, nullable=False, default=""),
    Column("credit_code", String(18), nullable=True, index=True),
    Column("tags", JSON, nullable=False, default=list),
    Column("lifecycle_stage", _enum(model.LifecycleStage), nullable=False),
    Column("lead_stage", _enum(model.LeadStage), nullable=False),
    Column("grade", _enum(Grade), nullable=False, index=True),
    Column("credit_rating", _enum(CreditRating), nullable=False, index=True),
    Column("annual_contract_amount", Amount, nullable=True),
    Column("longest_overdue_days", Integer, nullable=False, default=0),
    Column("cooperation_start_date", Date, nullable=True),
    Column("possible_duplicates", JSON, nullable=False, default=list),
    Column("decision_maker_changes", JSON, nullable=False, default=list),
    Column("merged_into", ID, nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("deleted_at", UTCDateTime, nullable=True),
    Index("ix_customers_created_at_id", "created_at", "id"),
    Index("ix_customers_province_city", "province", "city"),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("customer_id", ID, ForeignKey("customers.id"), nullable=False, index=True),
    Column("display_name", String(100), nullable=False),
    Column("gender", _enum(model.Gender), nullable=False),
    Column("title", String(100), nullable=False, default=""),
    Column("email", String(254), nullable=False, default=""),
    Column("im_ids", JSON, nullable=False, default=list),
    Column("hobbies", String(500), nullable=False, default=""),
    Column("key_decision_maker", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# The screen-pop index: one row per number, looked up by E.164.
contact_phones = Table(
    "contact_phones",
    metadata,
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("e164", String(20), primary_key=True),
    Column("customer_id", ID, nullable=False),
    Index("ix_contact_phones_e164", "e164"),
)

interactions = Table(
    "interactions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("customer_id", ID, ForeignKey("customers.id"), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("channel", _enum(model.Channel), nullable=False),
    Column("topic", String(200), nullable=False),
    Column("summary", Text, nullable=False, default=""),
    Column("our_participants", JSON, nullable=False, default=list),
    Column("customer_participants", JSON, nullable=False, default=list),
    Column("agreements", JSON, nullable=False, default=list),
    Column("recorded_by", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_interactions_customer_time", "customer_id", "occurred_at", "id"),
)

todos = Table(
    "todos",
    metadata,
    Column("id", ID, primary_key=True),
    Column("interaction_id", ID, ForeignKey("interactions.id"), nullable=False, index=True),
    Column("customer_id", ID, nullable=False, index=True),
    Column("description", String(500), nullable=False),
    Column("owner", String(80), nullable=False),
    Column("due_date", Date, nullable=False),
    Column("state", _enum(model.TodoState), nullable=False),
    Column("completed_at", UTCDateTime, nullable=True),
    Index("ix_todos_owner_state_due", "owner", "state", "due_date"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", ID, primary_key=True),
    Column("customer_id", ID, ForeignKey("customers.id"), nullable=False, index=True),
    Column("type", String(40), nullable=False),
    Column("priority", _enum(TicketPriority), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("state", _enum(model.TicketState), nullable=False),
    Column("assignee", String(80), nullable=False, default="", index=True),
    Column("attachments", JSON, nullable=False, default=list),
    Column("notes", JSON, nullable=False, default=list),
    Column("resolution", Text, nullable=False, default=""),
    Column("feedback", Text, nullable=False, default=""),
    Column("reporter", String(80), nullable=False),
    Column("response_deadline", UTCDateTime, nullable=False),
    Column("first_response_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # The alert scan: open tickets past their deadline.
    Index("ix_tickets_state_deadline", "state", "response_deadline"),
)

surveys = Table(
    "surveys",
    metadata,
    Column("id", ID, primary_key=True),
    Column("customer_id", ID, ForeignKey("customers.id"), nullable=False, index=True),
    Column("ticket_id", ID, nullable=True),
    Column("scores", JSON, nullable=False),
    Column("average_score", Amount, nullable=False),
    Column("band", _enum(SurveyBand), nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("response_deadline", UTCDateTime, nullable=True),
    Column("solution", Text, nullable=False, default=""),
    Column("responder", String(80), nullable=False, default=""),
    Column("responded_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_surveys_band_responded", "band", "responded_at"),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", ID, primary_key=True),
    Column("customer_id", ID, ForeignKey("customers.id"), nullable=False, index=True),
    Column("kind", _enum(FollowUpKind), nullable=False),
    Column("due_date", Date, nullable=False),
    Column("owner", String(80), nullable=False),
    Column("state", _enum(model.FollowUpState), nullable=False),
    Column("interaction_id", ID, nullable=True),
    Column("completed_at", UTCDateTime, nullable=True),
    Index("ix_follow_ups_state_due", "state", "due_date"),
    Index("ix_follow_ups_owner_state_due", "owner", "state", "due_date"),
)

customer_audit = Table(
    "customer_audit",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("customer_id", ID, nullable=False, index=True),
    Column("action", String(40), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("detail", JSON, nullable=False),
)

_mapped = False


def start_mappers() -> None:
    """Maps the domain classes once per process (classical mapping keeps the domain pure)."""
    global _mapped
    if _mapped:
        return
    _mapped = True
    mapper_registry.map_imperatively(model.ContactPhone, contact_phones)
    mapper_registry.map_imperatively(
        model.Contact,
        contacts,
        version_id_col=contacts.c.version,
        properties={
            "phones": relationship(
                model.ContactPhone,
                cascade="all, delete-orphan",
                lazy="selectin",
                order_by=contact_phones.c.e164,
            )
        },
    )
    mapper_registry.map_imperatively(
        model.Customer,
        customers,
        version_id_col=customers.c.version,
        properties={
            "contacts": relationship(
                model.Contact,
                cascade="all, delete-orphan",
                lazy="selectin",
                order_by=contacts.c.created_at,
            )
        },
    )
    mapper_registry.map_imperatively(model.Todo, todos)
    mapper_registry.map_imperatively(
        model.Interaction,
        interactions,
        properties={
            "todos": relationship(
                model.Todo, cascade="all, delete-orphan", lazy="selectin", order_by=todos.c.due_date
            )
        },
    )
    mapper_registry.map_imperatively(model.Ticket, tickets, version_id_col=tickets.c.version)
    mapper_registry.map_imperatively(model.Survey, surveys)
    mapper_registry.map_imperatively(model.FollowUp, follow_ups)
    for cls in (model.Customer, model.Ticket, model.Todo, model.Survey, model.FollowUp):
        event.listen(cls, "load", _fresh_events)


def _fresh_events(entity: Any, _: Any) -> None:
    # Loading skips __init__, so the event list a new object gets must be made here.
    entity.events = []
