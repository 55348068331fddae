"""What the alert workers tell others: an alert was raised (the call center pushes it onto
an agent's event stream)."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.events import Event


@dataclass(frozen=True)
class AlertRaised(Event):
    service = "alerts"

    alert: str  # alerts/{id}
    recipient: str
    kind: str
    severity: str
    title: str
    body: str
    subject: str
