"""The reports' set-based aggregations: one GROUP BY query per figure, computed by the
database over every call, callback and state-log row of the period (no loop over rows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Float, Integer, and_, case, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from services.callcenter.adapters import orm
from services.callcenter.domain import model
from services.callcenter.domain.reports import (
    BUCKET_SECONDS,
    AgentCallTotals,
    CallbackTotals,
    CallVolume,
    RegionCalls,
)

# Long enough to fix a number's region: the geocoder's longest prefix is 9 digits.
REGION_PREFIX = 10


class epoch(FunctionElement[float]):
    """Seconds since 1970 of a UTC datetime column, to the millisecond."""

    type = Float()
    inherit_cache = True


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC; julianday is a float day count.
    return f"ROUND((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0, 3)"


@compiles(epoch, "postgresql")
def _epoch_postgresql(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS FLOAT)"


class bucket(FunctionElement[int]):
    """The BUCKET_SECONDS-long UTC time slice a datetime falls in, as an integer."""

    type = Integer()
    inherit_cache = True


@compiles(bucket, "sqlite")
def _bucket_sqlite(element: bucket, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(epoch(*element.clauses), **kw)
    return f"CAST({inner} / {BUCKET_SECONDS} AS INTEGER)"


@compiles(bucket, "postgresql")
def _bucket_postgresql(element: bucket, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(epoch(*element.clauses), **kw)
    return f"CAST(FLOOR({inner} / {BUCKET_SECONDS}) AS INTEGER)"


def _count(*conditions: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)


def _sum(value: ColumnElement[Any], *conditions: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((and_(*conditions), value), else_=0)), 0)


def _least(a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((a < b, a), else_=b)


def _greatest(a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((a > b, a), else_=b)


class ReportQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _in_period(self, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
        c = orm.calls.c
        return [c.offered_at >= start, c.offered_at < end]

    def _team(self, agent_id: Any, team: str) -> list[ColumnElement[bool]]:
        if not team:
            return []
        a = orm.agents.c
        return [agent_id.in_(select(a.id).where(a.team == team).scalar_subquery())]

    def agents(self, team: str) -> list[model.Agent]:
        a = orm.agents.c
        stmt = select(model.Agent).order_by(a.display_name, a.id)
        if team:
            stmt = stmt.where(a.team == team)
        return list(self.session.scalars(stmt).all())

    def agents_by_id(self, ids: Sequence[str]) -> dict[str, model.Agent]:
        if not ids:
            return {}
        stmt = select(model.Agent).where(orm.agents.c.id.in_(list(ids)))
        return {a.id: a for a in self.session.scalars(stmt).all()}

    def agent_call_totals(
        self, start: datetime, end: datetime, team: str
    ) -> dict[str, AgentCallTotals]:
        c = orm.calls.c
        answered = c.result == model.CallResult.ANSWERED
        stmt = (
            select(
                c.agent_id,
                _count(answered),
                _count(answered, c.direction == model.Direction.INBOUND),
                _count(answered, c.direction == model.Direction.OUTBOUND),
                _sum(c.talk_seconds, answered),
                _count(c.result == model.CallResult.MISSED),
            )
            .where(*self._in_period(start, end), *self._team(c.agent_id, team))
            .group_by(c.agent_id)
        )
        return {
            row[0]: AgentCallTotals(*(int(v) for v in row[1:]))
            for row in self.session.execute(stmt)
        }

    def callback_totals(
        self, start: datetime, end: datetime, team: str
    ) -> dict[str, CallbackTotals]:
        """Tasks completed in the period by each agent. A completed task never changes again,
        so its last change is its completion."""
        t = orm.callback_tasks.c
        stmt = (
            select(
                t.agent_id,
                func.count(),
                func.sum(epoch(t.updated_at) - epoch(t.first_missed_at)),
            )
            .where(
                t.state == model.CallbackState.COMPLETED,
                t.agent_id.is_not(None),
                t.updated_at >= start,
                t.updated_at < end,
                *self._team(t.agent_id, team),
            )
            .group_by(t.agent_id)
        )
        return {
            row[0]: CallbackTotals(int(row[1]), float(row[2] or 0))
            for row in self.session.execute(stmt)
        }

    def state_seconds(
        self, start: datetime, end: datetime, now: datetime, team: str
    ) -> list[tuple[str, model.AgentStatus, model.AgentState, float]]:
        """Seconds per (agent, status, state) within the period, from the state log: each row
        lasts until the agent's next row (LEAD), the latest until now; clipped to the period."""
        log = orm.agent_state_log.c
        rows = (
            select(
                log.agent_id,
                log.status,
                log.state,
                epoch(log.at).label("t0"),
                func.lead(epoch(log.at))
                .over(partition_by=log.agent_id, order_by=(log.at, log.id))
                .label("t1"),
            )
            .where(log.at < end, *self._team(log.agent_id, team))
            .subquery()
        )
        s, e = literal(start.timestamp(), Float()), literal(end.timestamp(), Float())
        until = func.coalesce(rows.c.t1, literal(now.timestamp(), Float()))
        lo, hi = _greatest(rows.c.t0, s), _least(until, e)
        stmt = (
            select(
                rows.c.agent_id,
                rows.c.status,
                rows.c.state,
                func.sum(case((hi > lo, hi - lo), else_=0.0)),
            )
            .where(until > s, rows.c.status != model.AgentStatus.LOGGED_OUT)
            .group_by(rows.c.agent_id, rows.c.status, rows.c.state)
        )
        return [(r[0], r[1], r[2], float(r[3] or 0)) for r in self.session.execute(stmt)]

    def call_buckets(
        self, start: datetime, end: datetime, threshold_seconds: int
    ) -> dict[int, CallVolume]:
        c = orm.calls.c
        inbound = c.direction == model.Direction.INBOUND
        answered = c.result == model.CallResult.ANSWERED
        slot = bucket(c.offered_at).label("slot")
        stmt = (
            select(
                slot,
                _count(inbound),
                _count(c.direction == model.Direction.OUTBOUND),
                _count(inbound, answered),
                _count(inbound, c.result == model.CallResult.MISSED),
                _count(inbound, answered, c.ring_seconds <= threshold_seconds),
                _sum(c.ring_seconds, inbound, answered),
            )
            .where(*self._in_period(start, end))
            .group_by(slot)
        )
        return {
            int(row[0]): CallVolume(*(int(v) for v in row[1:]))
            for row in self.session.execute(stmt)
        }

    def region_prefixes(self, start: datetime, end: datetime) -> list[tuple[str, RegionCalls]]:
        """Counts per number prefix with one sample number each; numbers that are not E.164
        (SIP URIs) share the empty prefix."""
        c = orm.calls.c
        inbound = c.direction == model.Direction.INBOUND
        prefix = case(
            (c.peer_number.like("+%"), func.substr(c.peer_number, 1, REGION_PREFIX)), else_=""
        ).label("prefix")
        stmt = (
            select(
                prefix,
                func.min(c.peer_number),
                _count(inbound),
                _count(inbound, c.result == model.CallResult.ANSWERED),
                _count(inbound, c.result == model.CallResult.MISSED),
                _count(c.direction == model.Direction.OUTBOUND),
            )
            .where(*self._in_period(start, end))
            .group_by(prefix)
        )
        return [
            (str(row[1]), RegionCalls("", *(int(v) for v in row[2:])))
            for row in self.session.execute(stmt)
        ]

    def sales_results(
        self, start: datetime, end: datetime, team: str
    ) -> list[tuple[str, model.SalesResult, int, int]]:
        """(agent, sales result, outbound calls, connected calls) of the period."""
        c = orm.calls.c
        stmt = (
            select(
                c.agent_id,
                c.sales_result,
                func.count(),
                _count(c.result == model.CallResult.ANSWERED),
            )
            .where(
                c.direction == model.Direction.OUTBOUND,
                *self._in_period(start, end),
                *self._team(c.agent_id, team),
            )
            .group_by(c.agent_id, c.sales_result)
        )
        return [(r[0], r[1], int(r[2]), int(r[3])) for r in self.session.execute(stmt)]
