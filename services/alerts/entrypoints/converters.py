"""Alerts and recipients between protobuf and the domain, masked by the caller's rights."""

from __future__ import annotations

import re

from callops.alerts.v1 import alerts_pb2 as pb
from services.alerts.domain import rules
from services.alerts.domain.alerts import (
    AGENT_NAME,
    GROUP_NAME,
    STATES,
    USER_NAME,
    AlertView,
    DeliveryView,
    DirectoryEntry,
)
from services.common import convert
from services.common.auth import Principal
from services.common.errors import InvalidArgument, Violations
from services.common.pagination import FilterField
from services.common.privacy import mask_phone

_ALERT_NAME = re.compile(r"alerts/([1-9][0-9]{0,17})")
_RECIPIENT_NAME = re.compile(r"recipients/([A-Za-z0-9][A-Za-z0-9._-]{0,62})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

ALERT_FILTER = {
    "state": FilterField(
        frozenset(f"STATE_{s}" for s in STATES), convert=lambda v: v.removeprefix("STATE_")
    ),
    "kind": FilterField(
        frozenset(f"KIND_{k}" for k in rules.KINDS), convert=lambda v: v.removeprefix("KIND_")
    ),
    "subject": FilterField(),
}


def alert_id(name: str, field: str = "name") -> int:
    match = _ALERT_NAME.fullmatch(name)
    if match is None:
        raise InvalidArgument.of(field, "must be a resource name like alerts/123")
    return int(match.group(1))


def recipient_user(name: str, field: str = "name") -> str:
    match = _RECIPIENT_NAME.fullmatch(name)
    if match is None:
        raise InvalidArgument.of(field, "must be a resource name like recipients/zhang.san")
    return f"users/{match.group(1)}"


def delivery_out(view: DeliveryView) -> pb.Delivery:
    return pb.Delivery(
        channel=view.channel,
        state=f"STATE_{view.state}",
        attempts=view.attempts,
        last_error=view.last_error,
        next_attempt_time=convert.timestamp(view.next_attempt_at),
        send_time=convert.timestamp(view.sent_at),
    )


def alert_out(view: AlertView, who: Principal) -> pb.Alert:
    """Amounts only with `contract_amount`, full phone numbers only with `pii`."""
    phone = view.phone_number or ""
    return pb.Alert(
        name=view.name,
        kind=f"KIND_{view.kind}",
        severity=f"SEVERITY_{view.severity}",
        state=f"STATE_{view.state}",
        subject=view.subject,
        recipient=view.recipient,
        threshold=view.threshold,
        title=view.title,
        body=view.body,
        amount=convert.to_money(view.amount) if who.sees_amounts else None,
        phone_number=phone if (who.sees_pii or not phone) else mask_phone(phone),
        due_date=convert.to_date(view.due_date),
        raise_time=convert.timestamp(view.raised_at),
        acknowledge_time=convert.timestamp(view.acknowledged_at),
        cancel_time=convert.timestamp(view.cancelled_at),
        deliveries=[delivery_out(d) for d in view.deliveries],
    )


def recipient_in(message: pb.Recipient) -> DirectoryEntry:
    v = Violations()
    match = _RECIPIENT_NAME.fullmatch(message.name)
    if match is None:
        v.add("recipient.name", "must be a resource name like recipients/zhang.san")
    if len(message.display_name) > 100:
        v.add("recipient.display_name", "at most 100 characters")
    if message.email and (len(message.email) > 254 or not _EMAIL.fullmatch(message.email)):
        v.add("recipient.email", "not an e-mail address")
    url = message.im_webhook_url
    if url and (len(url) > 500 or not url.startswith(("https://", "http://"))):
        v.add("recipient.im_webhook_url", "must be an http(s) URL of at most 500 characters")
    if message.supervisor and not USER_NAME.fullmatch(message.supervisor):
        v.add("recipient.supervisor", "must be a user name like users/li.si")
    if message.agent and not AGENT_NAME.fullmatch(message.agent):
        v.add("recipient.agent", "must be an agent name like agents/a1")
    for i, group in enumerate(message.groups):
        if not GROUP_NAME.fullmatch(group):
            v.add(f"recipient.groups[{i}]", "lower-case letters, digits, '.', '_' or '-'")
    v.raise_if_any()
    assert match is not None
    user = f"users/{match.group(1)}"
    if message.supervisor == user:
        raise InvalidArgument.of("recipient.supervisor", "a recipient cannot supervise itself")
    return DirectoryEntry(
        user=user,
        display_name=message.display_name,
        email=message.email,
        im_webhook_url=url,
        supervisor=message.supervisor,
        agent=message.agent,
        groups=tuple(message.groups),
    )


def recipient_out(entry: DirectoryEntry) -> pb.Recipient:
    return pb.Recipient(
        name=f"recipients/{entry.user.removeprefix('users/')}",
        display_name=entry.display_name,
        email=entry.email,
        im_webhook_url=entry.im_webhook_url,
        supervisor=entry.supervisor,
        groups=list(entry.groups),
        agent=entry.agent,
        update_time=convert.timestamp(entry.update_time),
    )
