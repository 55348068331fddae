"""Reading and acknowledging alerts, and keeping the recipients' directory."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row

from services.alerts.adapters import orm
from services.alerts.domain.alerts import (
    ACKNOWLEDGED,
    CANCELLED,
    AlertView,
    DeliveryView,
    DirectoryEntry,
)
from services.common.errors import FailedPrecondition, NotFound, PermissionDenied

a = orm.alerts.c
d = orm.deliveries.c


def _view(row: Row[Any], deliveries: tuple[DeliveryView, ...] = ()) -> AlertView:
    return AlertView(
        id=row.id,
        kind=row.kind,
        severity=row.severity,
        state=row.state,
        subject=row.subject,
        recipient=row.recipient,
        threshold=row.threshold,
        title=row.title,
        body=row.body,
        amount=row.amount,
        phone_number=row.phone_number,
        due_date=row.due_date,
        raised_at=row.raised_at,
        acknowledged_at=row.acknowledged_at,
        cancelled_at=row.cancelled_at,
        deliveries=deliveries,
    )


def _deliveries(engine: Engine, ids: list[int]) -> dict[int, list[DeliveryView]]:
    found: dict[int, list[DeliveryView]] = {i: [] for i in ids}
    if not ids:
        return found
    with engine.connect() as conn:
        for row in conn.execute(
            select(orm.deliveries).where(d.alert_id.in_(ids)).order_by(d.alert_id, d.channel)
        ):
            found[row.alert_id].append(
                DeliveryView(
                    channel=row.channel,
                    state=row.state,
                    attempts=row.attempts,
                    last_error=row.last_error or "",
                    next_attempt_at=row.next_attempt_at if row.state == "PENDING" else None,
                    sent_at=row.sent_at,
                )
            )
    return found


def list_alerts(
    engine: Engine,
    recipient: str,
    filters: Mapping[str, str],
    before_id: int | None,
    limit: int,
) -> list[AlertView]:
    """Newest first; one more than `limit` when there is a next page."""
    query = select(orm.alerts).where(a.recipient == recipient)
    for column, value in filters.items():
        query = query.where(a[column] == value)
    if before_id is not None:
        query = query.where(a.id < before_id)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(a.id.desc()).limit(limit + 1)).all()
    found = _deliveries(engine, [row.id for row in rows])
    return [_view(row, tuple(found[row.id])) for row in rows]


def get_alert(engine: Engine, alert_id: int) -> AlertView:
    with engine.connect() as conn:
        row = conn.execute(select(orm.alerts).where(a.id == alert_id)).first()
    if row is None:
        raise NotFound(f"alerts/{alert_id} not found", reason="ALERT_NOT_FOUND")
    return _view(row, tuple(_deliveries(engine, [alert_id])[alert_id]))


def acknowledge_alert(engine: Engine, alert_id: int, user: str, now: datetime) -> AlertView:
    """Only the recipient acknowledges; again is a no-op; a cancelled alert cannot be."""
    with engine.begin() as conn:
        row = conn.execute(select(orm.alerts).where(a.id == alert_id)).first()
        if row is None:
            raise NotFound(f"alerts/{alert_id} not found", reason="ALERT_NOT_FOUND")
        if row.recipient != user:
            raise PermissionDenied(
                "only the alert's recipient may acknowledge it", reason="NOT_ALERT_RECIPIENT"
            )
        if row.state == CANCELLED:
            raise FailedPrecondition(
                f"alerts/{alert_id} was cancelled: nothing to acknowledge",
                reason="ALERT_CANCELLED",
            )
        if row.state != ACKNOWLEDGED:
            conn.execute(
                update(orm.alerts)
                .where(a.id == alert_id, a.state == "OPEN")
                .values(state=ACKNOWLEDGED, acknowledged_at=now)
            )
    return get_alert(engine, alert_id)


# --- directory -----------------------------------------------------------------------------


def put_recipient(engine: Engine, entry: DirectoryEntry, now: datetime) -> DirectoryEntry:
    _rc, g = orm.recipients.c, orm.recipient_groups.c
    values = {
        "display_name": entry.display_name,
        "email": entry.email,
        "im_webhook_url": entry.im_webhook_url,
        "supervisor": entry.supervisor,
        "agent": entry.agent,
        "update_time": now,
    }
    with engine.begin() as conn:
        maker = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        upsert = maker(orm.recipients).values(user=entry.user, **values)
        conn.execute(
            upsert.on_conflict_do_update(
                index_elements=["user"], set_={k: upsert.excluded[k] for k in values}
            )
        )
        conn.execute(delete(orm.recipient_groups).where(g.user == entry.user))
        if entry.groups:
            conn.execute(
                insert(orm.recipient_groups),
                [{"group_name": group, "user": entry.user} for group in sorted(set(entry.groups))],
            )
    return get_recipient(engine, entry.user)


def get_recipient(engine: Engine, user: str) -> DirectoryEntry:
    rc, g = orm.recipients.c, orm.recipient_groups.c
    with engine.connect() as conn:
        row = conn.execute(select(orm.recipients).where(rc.user == user)).first()
        groups = conn.execute(
            select(g.group_name).where(g.user == user).order_by(g.group_name)
        ).scalars()
        group_list = tuple(groups)
    if row is None:
        raise NotFound(
            f"recipients/{user.removeprefix('users/')} not found", reason="RECIPIENT_NOT_FOUND"
        )
    return DirectoryEntry(
        user=row.user,
        display_name=row.display_name,
        email=row.email,
        im_webhook_url=row.im_webhook_url,
        supervisor=row.supervisor,
        agent=row.agent,
        groups=group_list,
        update_time=row.update_time,
    )
