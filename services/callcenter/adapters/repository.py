"""Repositories over the call-center tables, with the locking reads the assignment needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, insert, or_, select
from sqlalchemy.orm import Session

from services.callcenter.adapters import orm
from services.callcenter.domain import model
from services.common.errors import NotFound


def _not_found(collection: str, id_: str) -> NotFound:
    return NotFound(f"{collection}/{id_} not found", metadata={"resource": f"{collection}/{id_}"})


def keyset(stmt: Any, sort_col: Any, id_col: Any, after: dict[str, Any] | None, limit: int) -> Any:
    """Newest first by (sort, id), starting after the last row of the previous page."""
    if after is not None:
        key, last_id = datetime.fromisoformat(after["k"]), after["id"]
        stmt = stmt.where(or_(sort_col < key, and_(sort_col == key, id_col < last_id)))
    return stmt.order_by(sort_col.desc(), id_col.desc()).limit(limit + 1)


class AgentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, agent: model.Agent) -> None:
        self.session.add(agent)

    def get(self, id_: str, *, for_update: bool = False) -> model.Agent:
        agent = self.session.get(model.Agent, id_, with_for_update=for_update or None)
        if agent is None:
            raise _not_found("agents", id_)
        return agent

    def record_changes(self, agent: model.Agent) -> None:
        """Writes the agent's pending state-log rows."""
        for change in agent.changes:
            self.session.add(change)
        agent.changes = []

    def ready_for_reservation(self) -> list[model.Agent]:
        """Free agents holding no reservation, locked; agents another process is reserving
        right now are skipped rather than waited for."""
        a, t = orm.agents, orm.callback_tasks
        holding = exists().where(t.c.agent_id == a.c.id, t.c.state == model.CallbackState.RESERVED)
        stmt = (
            select(model.Agent)
            .where(
                a.c.status == model.AgentStatus.AVAILABLE,
                a.c.state == model.AgentState.IDLE,
                ~holding,
            )
            .order_by(a.c.state_since, a.c.id)
            .limit(200)
        )
        return list(self.session.scalars(stmt).all())

    def lock_if_ready(self, id_: str) -> model.Agent | None:
        """The agent, locked, when still free now; None when it is not or when another
        process holds it (skipped, not waited for). Re-read from the database: the copy
        loaded unlocked may be stale."""
        a, t = orm.agents, orm.callback_tasks
        holding = exists().where(t.c.agent_id == a.c.id, t.c.state == model.CallbackState.RESERVED)
        stmt = (
            select(model.Agent)
            .where(
                a.c.id == id_,
                a.c.status == model.AgentStatus.AVAILABLE,
                a.c.state == model.AgentState.IDLE,
                ~holding,
            )
            .with_for_update(skip_locked=True, of=a)
            .execution_options(populate_existing=True)
        )
        return self.session.scalars(stmt).first()

    def state_log(self, agent_id: str) -> list[model.AgentStateChange]:
        log = orm.agent_state_log
        stmt = (
            select(model.AgentStateChange)
            .where(log.c.agent_id == agent_id)
            .order_by(log.c.at, log.c.id)
        )
        return list(self.session.scalars(stmt).all())

    def list(self, terms: dict[str, Any], after: dict[str, Any] | None, limit: int) -> list[Any]:
        a = orm.agents
        stmt = select(model.Agent).where(*(a.c[k] == v for k, v in terms.items()))
        return list(self.session.scalars(keyset(stmt, a.c.created_at, a.c.id, after, limit)))


class CallRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, call: model.Call) -> None:
        self.session.add(call)

    def get(self, id_: str, *, for_update: bool = False) -> model.Call:
        call = self.session.get(model.Call, id_, with_for_update=for_update or None)
        if call is None:
            raise _not_found("calls", id_)
        return call

    def by_call_id(self, call_id: str) -> model.Call | None:
        stmt = select(model.Call).where(orm.calls.c.call_id == call_id).with_for_update()
        return self.session.scalars(stmt).first()

    def seen(self, call_id: str, type_: model.EventType) -> bool:
        ce = orm.call_events
        stmt = select(ce.c.call_id).where(ce.c.call_id == call_id, ce.c.type == type_)
        return self.session.execute(stmt).first() is not None

    def remember(self, call_id: str, type_: model.EventType, at: datetime, now: datetime) -> None:
        self.session.execute(
            insert(orm.call_events).values(call_id=call_id, type=type_, at=at, received_at=now)
        )

    def unfinished_before(self, cutoff: datetime, limit: int = 500) -> list[model.Call]:
        c = orm.calls
        stmt = (
            select(model.Call)
            .where(c.c.ended_at.is_(None), c.c.created_at < cutoff)
            .order_by(c.c.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.session.scalars(stmt).all())

    def list(self, terms: dict[str, Any], after: dict[str, Any] | None, limit: int) -> list[Any]:
        c = orm.calls
        stmt = select(model.Call).where(*(c.c[k] == v for k, v in terms.items()))
        return list(self.session.scalars(keyset(stmt, c.c.created_at, c.c.id, after, limit)))


class CallbackRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, task: model.CallbackTask) -> None:
        self.session.add(task)

    def get(self, id_: str, *, for_update: bool = False) -> model.CallbackTask:
        task = self.session.get(model.CallbackTask, id_, with_for_update=for_update or None)
        if task is None:
            raise _not_found("callbacks", id_)
        return task

    def open_for_number(self, phone_number: str) -> list[model.CallbackTask]:
        t = orm.callback_tasks
        stmt = (
            select(model.CallbackTask)
            .where(t.c.phone_number == phone_number, t.c.state.in_(model.OPEN_CALLBACK_STATES))
            .order_by(t.c.last_missed_at.desc())
            .with_for_update()
            # Pending changes are flushed at commit, where a concurrent change of the same
            # rows is reported as a stale etag the caller can retry.
            .execution_options(autoflush=False)
        )
        return list(self.session.scalars(stmt).all())

    def holding_call(self, call: model.Call) -> list[model.CallbackTask]:
        """Open tasks that list this call: among its number's open tasks."""
        return [t for t in self.open_for_number(call.peer_number) if call.id in t.call_ids]

    def next_pending(self, limit: int = 1) -> list[model.CallbackTask]:
        """The first pending tasks in queue order, locked; tasks another process holds are
        skipped, so several assigners never take the same one."""
        t = orm.callback_tasks
        stmt = (
            select(model.CallbackTask)
            .where(t.c.state == model.CallbackState.PENDING)
            .order_by(t.c.rank_at, t.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        return list(self.session.scalars(stmt).all())

    def reserved_for(self, agent_id: str) -> list[model.CallbackTask]:
        t = orm.callback_tasks
        stmt = select(model.CallbackTask).where(
            t.c.agent_id == agent_id, t.c.state == model.CallbackState.RESERVED
        )
        return list(self.session.scalars(stmt).all())

    def in_states(
        self, states: Sequence[model.CallbackState], limit: int = 500
    ) -> list[model.CallbackTask]:
        t = orm.callback_tasks
        stmt = (
            select(model.CallbackTask)
            .where(t.c.state.in_(states))
            .order_by(t.c.rank_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.session.scalars(stmt).all())

    def list(self, terms: dict[str, Any], after: dict[str, Any] | None, limit: int) -> list[Any]:
        t = orm.callback_tasks
        stmt = select(model.CallbackTask).where(*(t.c[k] == v for k, v in terms.items()))
        return list(self.session.scalars(keyset(stmt, t.c.created_at, t.c.id, after, limit)))
