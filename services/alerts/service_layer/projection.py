"""The projection of what the alert workers watch, kept from the other services' events, and
the cancellation of alerts those events make moot. Every handler is idempotent: the inbox
skips an event already handled, and a contract is only ever replaced by a newer version."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, case, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.alerts.adapters import orm
from services.alerts.adapters.contract_client import ContractSource
from services.alerts.domain import rules as r
from services.alerts.domain.watched import ContractSnapshot
from services.common.outbox import claim_event

HANDLER = "alerts.projection"
EXPIRY_KINDS = (r.CONTRACT_EXPIRY,)
PAYMENT_KINDS = (r.PAYMENT_DUE, r.PAYMENT_OVERDUE, r.PAYMENT_OVERDUE_ESCALATED)
# Ticket states in which nobody has responded yet.
AWAITING_RESPONSE = ("SUBMITTED", "ASSIGNED")


def _dialect_insert(conn: Connection) -> Any:
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def _ordinal(day: date | None) -> int | None:
    return None if day is None else day.toordinal()


def apply_contract(conn: Connection, snap: ContractSnapshot, now: datetime) -> bool:
    """Stores the contract unless a newer version is stored already; True when stored. A
    step's wait starts when the contract says (the previous step's decision) or when the
    projection first saw the step, and is kept while the step stays the same."""
    c = orm.contracts.c
    approval = snap.approval
    values = {
        "name": snap.name,
        "number": snap.number,
        "title": snap.title,
        "customer": snap.customer,
        "owner": snap.owner,
        "department": snap.department,
        "state": snap.state,
        "end_date": snap.end_date,
        "end_day": _ordinal(snap.end_date),
        "total_amount": snap.total_amount,
        "version": snap.version,
        "approval_waiting_for": approval.waiting_for if approval else None,
        "approval_key": approval.key if approval else None,
        "approval_waiting_since": (approval.since or snap.updated_at) if approval else None,
        "updated_at": now,
    }
    stmt = _dialect_insert(conn)(orm.contracts).values(**values)
    excluded = stmt.excluded
    updates: dict[str, Any] = {k: excluded[k] for k in values if k != "name"}
    updates["approval_waiting_since"] = case(
        (c.approval_key == excluded.approval_key, c.approval_waiting_since),
        else_=excluded.approval_waiting_since,
    )
    stored = conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["name"], set_=updates, where=excluded.version >= c.version
        ).returning(c.name)
    ).first()
    if stored is None:
        return False  # an older fetch arrived late: the newer version stays
    m = orm.milestones.c
    conn.execute(delete(orm.milestones).where(m.contract == snap.name))
    if snap.milestones:
        conn.execute(
            insert(orm.milestones),
            [
                {
                    "name": ms.name,
                    "contract": snap.name,
                    "kind": ms.kind,
                    "title": ms.title,
                    "due_date": ms.due_date,
                    "due_day": _ordinal(ms.due_date),
                    "amount": ms.amount,
                    "received_amount": ms.received_amount,
                    "settled": ms.settled,
                    "completed_date": ms.completed_date,
                }
                for ms in snap.milestones
            ],
        )
    return True


def forget_contract(conn: Connection, name: str, now: datetime) -> None:
    """A contract that no longer exists: nothing of it is watched, its open alerts end."""
    m = orm.milestones.c
    parts = [row.name for row in conn.execute(select(m.name).where(m.contract == name))]
    conn.execute(delete(orm.milestones).where(m.contract == name))
    conn.execute(delete(orm.contracts).where(orm.contracts.c.name == name))
    cancel_alerts(conn, [name, *parts], None, now)


def cancel_alerts(
    conn: Connection,
    subjects: Iterable[str],
    kinds: Iterable[str] | None,
    now: datetime,
) -> int:
    """Cancels the open alerts of these subjects (and kinds) and their deliveries not yet
    made; acknowledged alerts and deliveries already sent stay as they are."""
    a = orm.alerts.c
    subject_list = list(subjects)
    if not subject_list:
        return 0
    where = [a.state == "OPEN", a.subject.in_(subject_list)]
    if kinds is not None:
        where.append(a.kind.in_(list(kinds)))
    ids = [row.id for row in conn.execute(select(a.id).where(*where))]
    if not ids:
        return 0
    conn.execute(
        update(orm.alerts)
        .where(a.id.in_(ids), a.state == "OPEN")
        .values(state="CANCELLED", cancelled_at=now)
    )
    d = orm.deliveries.c
    conn.execute(
        update(orm.deliveries)
        .where(d.alert_id.in_(ids), d.state == "PENDING")
        .values(state="CANCELLED")
    )
    return len(ids)


def contracts_in_event(topic: str, payload: dict[str, Any]) -> list[str]:
    """The contracts a contract.* event says changed (a renewal names its successor too)."""
    if not topic.startswith("contract."):
        return []
    names = [payload[key] for key in ("contract", "successor") if payload.get(key)]
    return [n for n in names if isinstance(n, str) and n.startswith("contracts/")]


def handle_event(
    engine: Engine,
    contracts: ContractSource,
    event_id: str,
    topic: str,
    payload: dict[str, Any],
    now: datetime,
) -> bool:
    """Applies one event to the projection; False when it was handled before or is not one
    the alerts watch. Contracts are read before the transaction opens, so no lock is held
    across the network; the contract service raising Unavailable makes the task retry."""
    names = contracts_in_event(topic, payload)
    fetched = {name: contracts.get(name) for name in names}
    with Session(engine) as session, session.begin():
        if not claim_event(session, orm.processed_events, event_id, HANDLER, now):
            return False
        conn = session.connection()
        for name, snap in fetched.items():
            if snap is None:
                forget_contract(conn, name, now)
            else:
                apply_contract(conn, snap, now)
        return _apply_event(conn, topic, payload, now) or bool(names)


def _apply_event(conn: Connection, topic: str, payload: dict[str, Any], now: datetime) -> bool:
    ins = _dialect_insert(conn)
    if topic == "contract.PaymentReceived":
        cancel_alerts(conn, [payload["milestone"]], PAYMENT_KINDS, now)
    elif topic in ("contract.ContractRenewed", "contract.ContractTerminated"):
        cancel_alerts(conn, [payload["contract"]], EXPIRY_KINDS, now)
    elif topic == "customer.TicketOpened":
        stmt = ins(orm.tickets).values(
            name=payload["ticket"],
            customer=payload.get("customer", ""),
            assignee="",
            state="SUBMITTED",
            response_deadline=datetime.fromisoformat(payload["response_deadline"]),
            awaiting_response=True,
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["name"],
                set_={"response_deadline": stmt.excluded.response_deadline},
            )
        )
    elif topic == "customer.TicketStateChanged":
        state = payload["state"]
        stmt = ins(orm.tickets).values(
            name=payload["ticket"],
            customer=payload.get("customer", ""),
            assignee=payload.get("assignee", ""),
            state=state,
            response_deadline=None,
            awaiting_response=state in AWAITING_RESPONSE,
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["name"],
                set_={
                    "assignee": stmt.excluded.assignee,
                    "state": stmt.excluded.state,
                    "awaiting_response": stmt.excluded.awaiting_response,
                },
            )
        )
        if state not in AWAITING_RESPONSE:
            cancel_alerts(conn, [payload["ticket"]], (r.TICKET_RESPONSE_LATE,), now)
    elif topic == "customer.SurveyUnsatisfied":
        stmt = ins(orm.surveys).values(
            name=payload["survey"],
            customer=payload.get("customer", ""),
            response_deadline=datetime.fromisoformat(payload["response_deadline"]),
            answered=False,
        )
        conn.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))
    elif topic == "customer.SurveyAnswered":
        s = orm.surveys.c
        conn.execute(update(orm.surveys).where(s.name == payload["survey"]).values(answered=True))
        cancel_alerts(conn, [payload["survey"]], None, now)
    elif topic == "customer.FollowUpDue":
        due = date.fromisoformat(payload["due_date"])
        stmt = ins(orm.follow_ups).values(
            name=payload["follow_up"],
            customer=payload.get("customer", ""),
            owner=payload.get("owner", ""),
            kind=payload.get("kind", ""),
            due_date=due,
            due_day=due.toordinal(),
        )
        conn.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))
    elif topic.startswith("callcenter.Callback"):
        _apply_callback(conn, topic, payload, now)
    else:
        return False
    return True


def _apply_callback(conn: Connection, topic: str, payload: dict[str, Any], now: datetime) -> None:
    """Callback events may arrive out of order: a state only moves forward (OPEN -> LATE ->
    EXPIRED or DONE), and an agent or number once known is kept."""
    cb = orm.callbacks.c
    name = payload["callback"]
    conn.execute(
        _dialect_insert(conn)(orm.callbacks)
        .values(name=name, phone_number="", agent="", state="OPEN", reason="")
        .on_conflict_do_nothing(index_elements=["name"])
    )
    facts: dict[str, Any] = {}
    if payload.get("phone_number"):
        facts["phone_number"] = payload["phone_number"]
    if payload.get("agent"):
        facts["agent"] = payload["agent"]
    if facts:
        conn.execute(update(orm.callbacks).where(cb.name == name).values(**facts))
    if topic == "callcenter.CallbackLate":
        conn.execute(
            update(orm.callbacks)
            .where(cb.name == name, cb.state == "OPEN")
            .values(state="LATE", due=datetime.fromisoformat(payload["due"]))
        )
    elif topic == "callcenter.CallbackExpired":
        conn.execute(
            update(orm.callbacks)
            .where(cb.name == name, cb.state.in_(("OPEN", "LATE")))
            .values(state="EXPIRED", reason=payload.get("reason", ""))
        )
    elif topic == "callcenter.CallbackCompleted":
        conn.execute(
            update(orm.callbacks)
            .where(cb.name == name, cb.state.in_(("OPEN", "LATE")))
            .values(state="DONE")
        )
        cancel_alerts(conn, [name], (r.CALLBACK_LATE,), now)
