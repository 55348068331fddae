"""An alert as its recipient reads it, its deliveries, and the directory entry of a
recipient."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

OPEN = "OPEN"
ACKNOWLEDGED = "ACKNOWLEDGED"
CANCELLED = "CANCELLED"
STATES = (OPEN, ACKNOWLEDGED, CANCELLED)

USER_NAME = re.compile(r"users/[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
AGENT_NAME = re.compile(r"agents/[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
GROUP_NAME = re.compile(r"[a-z][a-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class DeliveryView:
    channel: str
    state: str
    attempts: int
    last_error: str
    next_attempt_at: datetime | None
    sent_at: datetime | None


@dataclass(frozen=True)
class AlertView:
    id: int
    kind: str
    severity: str
    state: str
    subject: str
    recipient: str
    threshold: int
    title: str
    body: str
    amount: Decimal | None
    phone_number: str | None
    due_date: date | None
    raised_at: datetime
    acknowledged_at: datetime | None
    cancelled_at: datetime | None
    deliveries: tuple[DeliveryView, ...] = ()

    @property
    def name(self) -> str:
        return f"alerts/{self.id}"


@dataclass(frozen=True)
class DirectoryEntry:
    user: str  # users/{id}
    display_name: str = ""
    email: str = ""
    im_webhook_url: str = ""
    supervisor: str = ""
    agent: str = ""
    groups: tuple[str, ...] = field(default_factory=tuple)
    update_time: datetime | None = None
