"""Delivering alerts over the external channels: claim what is due, send, record every
attempt, retry failures with backoff. Each delivery (alert, channel) stands alone: a failing
channel or recipient delays nothing else."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, insert, select, update

from services.alerts.adapters import orm
from services.alerts.domain.rules import RetryPolicy
from services.alerts.service_layer.channels import Channel, DeliveryFailed, Message, Recipient
from services.common.logging import get_logger

log = get_logger("callops.alerts.delivery")

# A claimed delivery is someone's for this long: a worker killed mid-send leaves it to be
# tried again after the lease, never lost (a send may so happen twice, never zero times).
LEASE = timedelta(minutes=5)
BATCH = 100


@dataclass(frozen=True)
class _Claimed:
    id: int
    alert_id: int
    channel: str
    attempts: int


def _claim(engine: Engine, channels: Iterable[str], now: datetime, batch: int) -> list[_Claimed]:
    """Takes up to `batch` due deliveries for this worker by moving their next attempt past
    a lease. Several workers deliver at once: on PostgreSQL the rows are locked and skipped
    by the others; on SQLite writers take turns, and the UPDATE's own condition leaves a
    row another worker just claimed alone."""
    d = orm.deliveries.c
    due = and_(d.state == "PENDING", d.next_attempt_at <= now, d.channel.in_(list(channels)))
    with engine.begin() as conn:
        rows = conn.execute(
            select(d.id, d.alert_id, d.channel, d.attempts)
            .where(due)
            .order_by(d.next_attempt_at, d.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows:
            return []
        taken = set(
            conn.execute(
                update(orm.deliveries)
                .where(d.id.in_([row.id for row in rows]), due)
                .values(next_attempt_at=now + LEASE)
                .returning(d.id)
            ).scalars()
        )
    return [_Claimed(r.id, r.alert_id, r.channel, r.attempts) for r in rows if r.id in taken]


def _messages(engine: Engine, alert_ids: list[int]) -> dict[int, tuple[Message, Recipient]]:
    a, rc = orm.alerts.c, orm.recipients.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                a.id,
                a.kind,
                a.severity,
                a.title,
                a.body,
                a.subject,
                a.raised_at,
                a.recipient,
                rc.display_name,
                rc.email,
                rc.im_webhook_url,
            )
            .select_from(orm.alerts.outerjoin(orm.recipients, rc.user == a.recipient))
            .where(a.id.in_(alert_ids))
        ).all()
    return {
        row.id: (
            Message(
                alert=f"alerts/{row.id}",
                kind=row.kind,
                severity=row.severity,
                title=row.title,
                body=row.body,
                subject=row.subject,
                raised_at=row.raised_at,
            ),
            Recipient(
                user=row.recipient,
                display_name=row.display_name or "",
                email=row.email or "",
                im_webhook_url=row.im_webhook_url or "",
            ),
        )
        for row in rows
    }


def _record(
    engine: Engine,
    claimed: _Claimed,
    now: datetime,
    error: DeliveryFailed | None,
    policy: RetryPolicy,
    rand: Callable[[], float],
) -> str:
    attempt = claimed.attempts + 1
    d = orm.deliveries.c
    if error is None:
        values: dict[str, object] = {"state": "SENT", "sent_at": now, "last_error": None}
    elif error.retryable and not policy.gives_up_after(attempt):
        values = {
            "state": "PENDING",
            "next_attempt_at": now + policy.delay(attempt, rand()),
            "last_error": error.reason[:2000],
        }
    else:
        values = {"state": "FAILED", "last_error": error.reason[:2000]}
    with engine.begin() as conn:
        conn.execute(
            insert(orm.delivery_attempts).values(
                delivery_id=claimed.id,
                attempt=attempt,
                at=now,
                ok=error is None,
                error=None if error is None else error.reason[:2000],
            )
        )
        # Still ours: a cancellation meanwhile wins over a retry.
        conn.execute(
            update(orm.deliveries)
            .where(d.id == claimed.id, d.state == "PENDING")
            .values(attempts=attempt, **values)
        )
    return str(values["state"])


def deliver_due(
    engine: Engine,
    channels: Iterable[Channel],
    now: datetime,
    *,
    policy: RetryPolicy | None = None,
    rand: Callable[[], float] = random.random,
    batch: int = BATCH,
) -> int:
    """Sends the deliveries due at `now` over the configured channels; returns how many were
    sent. Deliveries for a channel not configured here wait for a worker that has it."""
    policy = policy or RetryPolicy()
    by_name = {channel.name: channel for channel in channels}
    if not by_name:
        return 0
    claimed = _claim(engine, by_name, now, batch)
    if not claimed:
        return 0
    messages = _messages(engine, sorted({c.alert_id for c in claimed}))
    sent = 0
    for item in claimed:
        channel = by_name[item.channel]
        found = messages.get(item.alert_id)
        error: DeliveryFailed | None = None
        if found is None:
            error = DeliveryFailed("the alert no longer exists", retryable=False)
        elif not channel.applies_to(found[1]):
            error = DeliveryFailed(f"no {channel.name} address for the recipient", retryable=False)
        else:
            try:
                channel.send(*found)
            except DeliveryFailed as failed:
                error = failed
            except Exception as exc:  # a channel's bug fails its delivery, not the batch
                error = DeliveryFailed(f"{type(exc).__name__}: {exc}")
        state = _record(engine, item, now, error, policy, rand)
        if error is None:
            sent += 1
        else:
            log.warning(
                "alert delivery failed",
                delivery=item.id,
                channel=item.channel,
                error=error.reason[:300],
                outcome=state,
            )
    return sent
