"""The alert workers' tables: the projection of what they watch, the directory of recipients,
the alerts themselves, their deliveries and every delivery attempt.

Days are stored twice: as a date for people and as an integer day number (`date.toordinal()`)
for the scans, so day arithmetic is plain integer arithmetic on SQLite and PostgreSQL alike
and runs on an index.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from services.common.db import Amount, UTCDateTime, new_metadata
from services.common.outbox import outbox_tables

metadata = new_metadata()
_ID = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER only

# --- projection: updated from events, read by the scans --------------------------------------

contracts = Table(
    "contracts",
    metadata,
    Column("name", String(80), primary_key=True),  # contracts/{id}
    Column("number", String(64), nullable=False, default=""),
    Column("title", String(300), nullable=False, default=""),
    Column("customer", String(80), nullable=False, default=""),
    Column("owner", String(80), nullable=False, default=""),  # users/{id}
    Column("department", String(100), nullable=False, default=""),
    Column("state", String(32), nullable=False),  # ACTIVE, PENDING_APPROVAL, ...
    Column("end_date", Date, nullable=True),
    Column("end_day", Integer, nullable=True),
    Column("total_amount", Amount, nullable=True),
    # The contract service's version: an older fetch never overwrites a newer one.
    Column("version", BigInteger, nullable=False),
    # Who the current approval step waits for ("users/x" or a role such as "legal"), since
    # when, and a number that changes with every step and round (the alerts' threshold key).
    Column("approval_waiting_for", String(80), nullable=True),
    Column("approval_waiting_since", UTCDateTime, nullable=True),
    Column("approval_key", Integer, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    # Expiry scan: state equality, then a range of end days.
    Index("ix_contracts_state_end_day", "state", "end_day"),
    Index("ix_contracts_approval", "state", "approval_waiting_since"),
)

milestones = Table(
    "milestones",
    metadata,
    Column("name", String(160), primary_key=True),  # contracts/{id}/milestones/{id}
    Column("contract", String(80), nullable=False),
    Column("kind", String(16), nullable=False),  # PAYMENT, DELIVERY, ACCEPTANCE
    Column("title", String(300), nullable=False, default=""),
    Column("due_date", Date, nullable=True),
    Column("due_day", Integer, nullable=True),
    Column("amount", Amount, nullable=True),
    Column("received_amount", Amount, nullable=True),
    # Paid in full (payment) or completed (delivery, acceptance): nothing more to remind.
    Column("settled", Boolean, nullable=False, default=False),
    Column("completed_date", Date, nullable=True),
    Index("ix_milestones_open_due", "kind", "settled", "due_day"),
    Index("ix_milestones_contract", "contract"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("name", String(120), primary_key=True),  # customers/{id}/tickets/{id}
    Column("customer", String(80), nullable=False, default=""),
    Column("assignee", String(80), nullable=False, default=""),
    Column("state", String(32), nullable=False),
    Column("response_deadline", UTCDateTime, nullable=True),
    # Not yet responded to (SUBMITTED or ASSIGNED): the only ones the scan looks at.
    Column("awaiting_response", Boolean, nullable=False),
    Index("ix_tickets_awaiting", "awaiting_response", "response_deadline"),
)

surveys = Table(
    "surveys",
    metadata,
    Column("name", String(120), primary_key=True),
    Column("customer", String(80), nullable=False, default=""),
    Column("response_deadline", UTCDateTime, nullable=False),
    Column("answered", Boolean, nullable=False, default=False),
    Index("ix_surveys_open", "answered", "response_deadline"),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("name", String(120), primary_key=True),
    Column("customer", String(80), nullable=False, default=""),
    Column("owner", String(80), nullable=False, default=""),
    Column("kind", String(32), nullable=False, default=""),
    Column("due_date", Date, nullable=False),
    Column("due_day", Integer, nullable=False),
    Index("ix_follow_ups_due_day", "due_day"),
)

callbacks = Table(
    "callbacks",
    metadata,
    Column("name", String(80), primary_key=True),  # callbacks/{id}
    Column("phone_number", String(32), nullable=False, default=""),
    Column("agent", String(80), nullable=False, default=""),  # agents/{id} or users/{id}
    Column("due", UTCDateTime, nullable=True),
    # LATE: past its deadline and not done; EXPIRED: given up; DONE: completed.
    Column("state", String(16), nullable=False),
    Column("reason", String(200), nullable=False, default=""),
    Index("ix_callbacks_state", "state"),
)

# --- directory ------------------------------------------------------------------------------

recipients = Table(
    "recipients",
    metadata,
    Column("user", String(80), primary_key=True),  # users/{id}
    Column("display_name", String(100), nullable=False, default=""),
    Column("email", String(254), nullable=False, default=""),
    Column("im_webhook_url", String(500), nullable=False, default=""),
    Column("supervisor", String(80), nullable=False, default=""),
    # The call-center seat (agents/{id}) this person works, if any: callback alerts name
    # the agent, the directory names the person.
    Column("agent", String(80), nullable=False, default=""),
    Column("update_time", UTCDateTime, nullable=False),
    Index("ix_recipients_agent", "agent"),
)

# Groups and roles ("finance", "supervisor", "legal") a recipient belongs to; a rule that
# alerts a group or an approval waiting for a role resolves through here.
recipient_groups = Table(
    "recipient_groups",
    metadata,
    Column("group_name", String(64), primary_key=True),
    Column("user", String(80), primary_key=True),
)

# --- alerts and their deliveries ------------------------------------------------------------

alerts = Table(
    "alerts",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("subject", String(160), nullable=False),
    # Which reminder of the subject this is: days before (expiry, payment), overdue week,
    # approval step key... Together with kind, subject and recipient: raised exactly once.
    Column("threshold", Integer, nullable=False),
    Column("recipient", String(80), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("title", String(400), nullable=False),
    Column("body", Text, nullable=False, default=""),
    # Structured facts, masked per caller when read (never baked into title or body).
    Column("amount", Amount, nullable=True),
    Column("phone_number", String(32), nullable=True),
    Column("due_date", Date, nullable=True),
    Column("state", String(16), nullable=False),  # OPEN, ACKNOWLEDGED, CANCELLED
    Column("raised_at", UTCDateTime, nullable=False),
    Column("acknowledged_at", UTCDateTime, nullable=True),
    Column("cancelled_at", UTCDateTime, nullable=True),
    UniqueConstraint("kind", "subject", "threshold", "recipient", name="uq_alerts_key"),
    Index("ix_alerts_recipient", "recipient", "id"),
    Index("ix_alerts_subject", "subject"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("alert_id", _ID, nullable=False),
    Column("channel", String(16), nullable=False),  # webhook, email
    # PENDING (to try at next_attempt_at), SENT, FAILED (gave up), CANCELLED
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    UniqueConstraint("alert_id", "channel", name="uq_deliveries_alert_channel"),
    Index("ix_deliveries_due", "state", "next_attempt_at"),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("delivery_id", _ID, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("error", Text, nullable=True),
    Index("ix_delivery_attempts_delivery", "delivery_id"),
)

# Each scan's clock and outcome: what operators and tests check to know a scan ran.
scan_runs = Table(
    "scan_runs",
    metadata,
    Column("as_of", UTCDateTime, primary_key=True),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("raised", Integer, nullable=False),
)

outbox, processed_events = outbox_tables(metadata)
