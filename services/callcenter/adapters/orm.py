"""The call center's tables, and the mapping of the domain classes onto them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Enum,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
    exists,
    text,
)
from sqlalchemy.orm import column_property, registry

from services.callcenter.domain import model
from services.common.db import UTCDateTime, new_metadata
from services.common.outbox import outbox_tables
from services.common.uow import idempotency_table

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)

outbox, processed_events = outbox_tables(metadata)
idempotency_keys = idempotency_table(metadata)

ID = String(32)


def _enum(cls: type[Any]) -> Enum:
    # Stored as the member name in a plain string column: no native enum to migrate.
    return Enum(cls, native_enum=False, length=20, create_constraint=False)


agents = Table(
    "agents",
    metadata,
    Column("id", ID, primary_key=True),
    Column("user", String(80), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False),
    Column("extension", String(40), nullable=False, default=""),
    Column("sip_uri", String(200), nullable=False, default=""),
    Column("team", String(100), nullable=False, default="", index=True),
    Column("skills", JSON, nullable=False, default=list),
    Column("owned_customers", JSON, nullable=False, default=list),
    Column("status", _enum(model.AgentStatus), nullable=False),
    Column("break_reason", String(40), nullable=False, default=""),
    Column("state", _enum(model.AgentState), nullable=False),
    Column("state_since", UTCDateTime, nullable=True),
    Column("current_call", String(128), nullable=False, default=""),
    Column("call_event_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=True),
    Index("ix_agents_status_state", "status", "state"),
)

# Every status or state change of every agent, with its time: the seat-state history.
agent_state_log = Table(
    "agent_state_log",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("agent_id", ID, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("status", _enum(model.AgentStatus), nullable=False),
    Column("state", _enum(model.AgentState), nullable=False),
    Column("reason", String(40), nullable=False, default=""),
    Index("ix_agent_state_log_agent_at", "agent_id", "at"),
)

calls = Table(
    "calls",
    metadata,
    Column("id", ID, primary_key=True),
    # The softphone's id: one record per call, whichever event comes first.
    Column("call_id", String(128), nullable=False, unique=True),
    Column("agent_id", ID, nullable=False, index=True),
    Column("direction", _enum(model.Direction), nullable=False),
    Column("peer_number", String(200), nullable=False, default="", index=True),
    Column("peer_display_name", String(100), nullable=False, default=""),
    Column("local_uri", String(200), nullable=False, default=""),
    Column("customer_id", ID, nullable=True, index=True),
    Column("offered_at", UTCDateTime, nullable=True),
    Column("answered_at", UTCDateTime, nullable=True),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("end_cause", _enum(model.EndCause), nullable=False),
    Column("result", _enum(model.CallResult), nullable=False),
    Column("ring_seconds", Integer, nullable=False, default=0),
    Column("talk_seconds", Integer, nullable=False, default=0),
    Column("wrap_up_code", String(40), nullable=False, default=""),
    Column("wrap_up_notes", Text, nullable=False, default=""),
    Column("no_order", Boolean, nullable=False, default=False),
    Column("parked_for_follow_up", Boolean, nullable=False, default=False),
    Column("sales_result", _enum(model.SalesResult), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    Column("updated_at", UTCDateTime, nullable=True),
    # The reports select their period by offer time.
    Index("ix_calls_offered_at", "offered_at"),
)

# (call, event type) seen: a retried event is recognised and changes nothing.
call_events = Table(
    "call_events",
    metadata,
    Column("call_id", String(128), primary_key=True),
    Column("type", _enum(model.EventType), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
)

callback_tasks = Table(
    "callback_tasks",
    metadata,
    Column("id", ID, primary_key=True),
    Column("phone_number", String(200), nullable=False),
    Column("customer_id", ID, nullable=True),
    Column("skill", String(40), nullable=False, default=""),
    Column("missed_count", Integer, nullable=False),
    Column("call_ids", JSON, nullable=False, default=list),
    Column("priority_seconds", Integer, nullable=False, default=0),
    Column("state", _enum(model.CallbackState), nullable=False),
    Column("agent_id", ID, nullable=True),
    Column("first_missed_at", UTCDateTime, nullable=False),
    Column("last_missed_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("rank_at", UTCDateTime, nullable=False),
    Column("reserved_at", UTCDateTime, nullable=True),
    Column("reservation_expires_at", UTCDateTime, nullable=True),
    Column("rejected_by", JSON, nullable=False, default=list),
    Column("result", String(40), nullable=False, default=""),
    Column("close_reason", String(200), nullable=False, default=""),
    Column("callback_call_id", ID, nullable=True),
    Column("late_notified", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=True),
    Index("ix_callback_tasks_state_rank", "state", "rank_at"),
    Index("ix_callback_tasks_phone_state", "phone_number", "state"),
)
# The database itself refuses a second reservation for one agent.
Index(
    "uq_callback_tasks_one_reservation",
    callback_tasks.c.agent_id,
    unique=True,
    sqlite_where=text("state = 'RESERVED'"),
    postgresql_where=text("state = 'RESERVED'"),
)

# One open task per number: two misses from a number that has none, committed at once,
# cannot both open one (the second is refused and retried, and then joins the first's).
OPEN_TASK_STATES = "state IN ({})".format(
    ", ".join(f"'{state.name}'" for state in model.OPEN_CALLBACK_STATES)
)
Index(
    "uq_callback_tasks_one_open_per_number",
    callback_tasks.c.phone_number,
    unique=True,
    sqlite_where=text(OPEN_TASK_STATES),
    postgresql_where=text(OPEN_TASK_STATES),
)

# Inbound calls offered and neither answered nor ended: the wallboard's waiting calls. Partial,
# so it stays as small as the queue however many calls the table keeps.
Index(
    "ix_calls_waiting",
    calls.c.offered_at,
    sqlite_where=text("answered_at IS NULL AND ended_at IS NULL"),
    postgresql_where=text("answered_at IS NULL AND ended_at IS NULL"),
)

# What each agent's desktop must be told, in the agent's own sequence: callback offers and
# alerts. A stream that reconnects replays from here what it missed.
agent_notices = Table(
    "agent_notices",
    metadata,
    Column("agent_id", ID, primary_key=True),
    Column("sequence", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", _enum(model.NoticeKind), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("payload", JSON, nullable=False, default=dict),
    Column("created_at", UTCDateTime, nullable=False),
)

# One recording per call; the bytes are in the object store, under object_key.
call_recordings = Table(
    "call_recordings",
    metadata,
    Column("call_id", ID, primary_key=True),
    Column("object_key", String(1024), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("uploaded_by", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

_mapped = False


def start_mappers() -> None:
    """Maps the domain classes once per process (classical mapping keeps the domain pure)."""
    global _mapped
    if _mapped:
        return
    _mapped = True
    mapper_registry.map_imperatively(model.AgentStateChange, agent_state_log)
    mapper_registry.map_imperatively(model.Agent, agents, version_id_col=agents.c.version)
    recorded = exists().where(call_recordings.c.call_id == calls.c.id)
    mapper_registry.map_imperatively(
        model.Call,
        calls,
        version_id_col=calls.c.version,
        # Kept through flushes: the use cases hand the call out after the session closed.
        properties={"has_recording": column_property(recorded, expire_on_flush=False)},
    )
    mapper_registry.map_imperatively(
        model.CallbackTask, callback_tasks, version_id_col=callback_tasks.c.version
    )
    for cls in (model.Agent, model.Call, model.CallbackTask):
        event.listen(cls, "load", _fresh_lists)


def _fresh_lists(entity: Any, _: Any) -> None:
    # Loading skips __init__, so the lists a new object gets must be made here.
    entity.events = []
    if isinstance(entity, model.Agent):
        entity.changes = []
