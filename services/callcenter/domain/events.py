"""What happens in the call center, as events the alert workers and reports react to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.common.events import Event


@dataclass(frozen=True)
class CallCenterEvent(Event):
    service = "callcenter"


@dataclass(frozen=True)
class AgentStateChanged(CallCenterEvent):
    agent: str
    status: str
    state: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class CallMissed(CallCenterEvent):
    call: str
    agent: str
    phone_number: str
    at: datetime


@dataclass(frozen=True)
class CallbackTaskCreated(CallCenterEvent):
    callback: str
    phone_number: str
    customer: str


@dataclass(frozen=True)
class CallbackReserved(CallCenterEvent):
    callback: str
    agent: str


@dataclass(frozen=True)
class CallbackCompleted(CallCenterEvent):
    callback: str
    agent: str
    result: str


@dataclass(frozen=True)
class CallbackLate(CallCenterEvent):
    """The task is past its due time and still not done."""

    callback: str
    due: datetime


@dataclass(frozen=True)
class CallbackExpired(CallCenterEvent):
    """The task passed its TTL undone; `agent` is the last agent who held it, or ""."""

    callback: str
    phone_number: str
    agent: str
    reason: str
    at: datetime
