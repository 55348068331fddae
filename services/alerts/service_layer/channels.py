"""The delivery channels' one interface: the alert workers hand a message to each channel that
applies to its recipient, record the attempt, and retry what failed with backoff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Recipient:
    """Who an alert is for, with the addresses the channels need."""

    user: str  # "users/<id>"
    display_name: str = ""
    email: str = ""
    # An IM robot (Feishu, WeCom or DingTalk custom bot) that reaches this person or team.
    im_webhook_url: str = ""


@dataclass(frozen=True)
class Message:
    """One alert as the channels render it."""

    alert: str  # "alerts/<id>"
    kind: str  # e.g. "CONTRACT_EXPIRY", "PAYMENT_OVERDUE"
    severity: str  # "INFO", "WARNING" or "CRITICAL"
    title: str
    body: str
    subject: str  # the resource the alert is about, e.g. "contracts/HT-2026-000123"
    raised_at: datetime


class DeliveryFailed(Exception):
    """A channel could not deliver. `retryable` false means trying again cannot help
    (e.g. the robot rejected the signature), so the attempt is recorded as final."""

    def __init__(self, reason: str, *, retryable: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class Channel(Protocol):
    name: str  # "webhook" or "email"; the stored alert itself is the in-app channel

    def applies_to(self, recipient: Recipient) -> bool:
        """Whether this recipient can be reached on this channel (has the address)."""
        ...

    def send(self, message: Message, recipient: Recipient) -> None:
        """Delivers once or raises DeliveryFailed; never retries by itself."""
        ...
