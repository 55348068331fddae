"""Repositories over the call-center tables, with the locking reads the assignment needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.callcenter.adapters import orm
from services.callcenter.domain import model
from services.common.errors import AlreadyExists, NotFound


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

    def by_user(self, user: str, *, for_update: bool = False) -> model.Agent | None:
        stmt = select(model.Agent).where(orm.agents.c.user == user)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.scalars(stmt).first()

    def change_marks(self, ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """Per agent, its version and its last notice's sequence: any change of what its
        stream shows moves one of them."""
        a, n = orm.agents, orm.agent_notices
        head = (
            select(func.coalesce(func.max(n.c.sequence), 0))
            .where(n.c.agent_id == a.c.id)
            .scalar_subquery()
        )
        stmt = select(a.c.id, a.c.version, head).where(a.c.id.in_(list(ids)))
        return {id_: (int(v), int(h)) for id_, v, h in self.session.execute(stmt)}

    def count_by_state(self) -> list[tuple[model.AgentStatus, model.AgentState, int]]:
        a = orm.agents
        stmt = (
            select(a.c.status, a.c.state, func.count())
            .group_by(a.c.status, a.c.state)
            .order_by(a.c.status, a.c.state)
        )
        return [(status, state, n) for status, state, n in self.session.execute(stmt)]

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
        # No autoflush: the call and the agent are written by the one flush at commit.
        with self.session.no_autoflush:
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

    def waiting(self) -> tuple[int, datetime | None]:
        """Inbound calls offered and neither answered nor ended, and the earliest offer."""
        c = orm.calls
        stmt = select(func.count(), func.min(c.c.offered_at)).where(
            c.c.offered_at.is_not(None),
            c.c.answered_at.is_(None),
            c.c.ended_at.is_(None),
            c.c.direction == model.Direction.INBOUND,
        )
        count, oldest = self.session.execute(stmt).one()
        return int(count), oldest

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

    def backlog(self) -> tuple[int, model.CallbackTask | None]:
        """Tasks no agent has taken yet (pending or reserved), and the oldest of them."""
        t = orm.callback_tasks
        waiting = t.c.state.in_([model.CallbackState.PENDING, model.CallbackState.RESERVED])
        count = self.session.execute(select(func.count()).where(waiting)).scalar_one()
        oldest = self.session.scalars(
            select(model.CallbackTask).where(waiting).order_by(t.c.first_missed_at, t.c.id).limit(1)
        ).first()
        return int(count), oldest

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


class NoticeRepository:
    """Offers and alerts per agent, numbered 1, 2, 3... in each agent's own sequence."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.appended_for: set[str] = set()  # agents whose streams should look now

    def head(self, agent_id: str) -> int:
        n = orm.agent_notices
        stmt = select(func.max(n.c.sequence)).where(n.c.agent_id == agent_id)
        # No autoflush (a Core statement would flush): pending changes are flushed at commit,
        # where a concurrent change of them is reported as a conflict the caller retries.
        with self.session.no_autoflush:
            return int(self.session.execute(stmt).scalar_one() or 0)

    def append(
        self,
        agent_id: str,
        kind: model.NoticeKind,
        subject: str,
        now: datetime,
        payload: dict[str, str] | None = None,
    ) -> model.AgentNotice:
        """Numbers the notice after the agent's last. Callers hold the agent's row lock, so
        writers for one agent queue; should two still pick one number, the primary key refuses
        the second as a conflict to retry."""
        notice = model.AgentNotice(
            agent_id, self.head(agent_id) + 1, kind, subject, now, dict(payload or {})
        )
        try:
            with self.session.no_autoflush:
                self.session.execute(
                    insert(orm.agent_notices).values(
                        agent_id=agent_id,
                        sequence=notice.sequence,
                        kind=kind,
                        subject=subject,
                        payload=notice.payload,
                        created_at=now,
                    )
                )
        except IntegrityError as exc:
            raise AlreadyExists(
                "another notice for this agent got this number; retry", reason="CONFLICT"
            ) from exc
        self.appended_for.add(agent_id)
        return notice

    def prune(self, before: datetime) -> int:
        """Deletes notices made before `before`, except each agent's last: its number is
        where the agent's sequence goes on."""
        n = orm.agent_notices
        newer = orm.agent_notices.alias("newer")
        has_newer = exists().where(
            newer.c.agent_id == n.c.agent_id, newer.c.sequence > n.c.sequence
        )
        result = self.session.execute(delete(n).where(n.c.created_at < before, has_newer))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def after(self, agent_id: str, sequence: int, limit: int = 500) -> list[model.AgentNotice]:
        n = orm.agent_notices
        stmt = (
            select(n)
            .where(n.c.agent_id == agent_id, n.c.sequence > sequence)
            .order_by(n.c.sequence)
            .limit(limit)
        )
        return [self._notice(row) for row in self.session.execute(stmt).mappings()]

    def latest_for(
        self, agent_id: str, subjects: Sequence[str], up_to: int
    ) -> list[model.AgentNotice]:
        """The newest notice of each subject, up to a sequence, in sequence order."""
        if not subjects:
            return []
        n = orm.agent_notices
        stmt = (
            select(n)
            .where(
                n.c.agent_id == agent_id,
                n.c.subject.in_(list(subjects)),
                n.c.sequence <= up_to,
            )
            .order_by(n.c.sequence)
        )
        newest = {row["subject"]: row for row in self.session.execute(stmt).mappings()}
        return sorted((self._notice(r) for r in newest.values()), key=lambda x: x.sequence)

    @staticmethod
    def _notice(row: Any) -> model.AgentNotice:
        return model.AgentNotice(
            row["agent_id"],
            int(row["sequence"]),
            row["kind"],
            row["subject"],
            row["created_at"],
            dict(row["payload"] or {}),
        )


class RecordingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, call_id: str) -> model.CallRecording | None:
        r = orm.call_recordings
        row = self.session.execute(select(r).where(r.c.call_id == call_id)).mappings().first()
        if row is None:
            return None
        return model.CallRecording(
            row["call_id"],
            row["object_key"],
            row["content_type"],
            int(row["size"]),
            row["sha256"],
            row["uploaded_by"],
            row["created_at"],
        )

    def add(self, recording: model.CallRecording) -> None:
        """AlreadyExists when the call got a recording meanwhile (one per call)."""
        try:
            self.session.execute(
                insert(orm.call_recordings).values(
                    call_id=recording.call_id,
                    object_key=recording.object_key,
                    content_type=recording.content_type,
                    size=recording.size,
                    sha256=recording.sha256,
                    uploaded_by=recording.uploaded_by,
                    created_at=recording.created_at,
                )
            )
        except IntegrityError as exc:
            raise AlreadyExists(
                f"calls/{recording.call_id} already has a recording", reason="RECORDING_EXISTS"
            ) from exc
