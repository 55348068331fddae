"""Report use cases: per-agent performance, business call statistics, calls by region and
outbound sales results, each over a period of the company's days."""

from __future__ import annotations

from collections import defaultdict

from services.callcenter.adapters.uow import CallCenterUnitOfWork
from services.callcenter.domain import model
from services.callcenter.domain.reports import (
    AgentCallTotals,
    AgentPerformance,
    CallbackTotals,
    CallStatistics,
    RegionCalls,
    ReportPeriod,
    SalesResults,
    Wallboard,
    by_region,
    fold_buckets,
    state_seconds,
)
from services.callcenter.service_layer.deps import Deps


def agent_performance(
    uow: CallCenterUnitOfWork, deps: Deps, period: ReportPeriod, team: str = ""
) -> list[AgentPerformance]:
    """Every agent (of the team), with zeros where nothing happened, by display name."""
    start, end = period.starts_at, period.ends_at
    with uow:
        roster = uow.reports.agents(team)
        calls = uow.reports.agent_call_totals(start, end, team)
        done = uow.reports.callback_totals(start, end, team)
        states = uow.reports.state_seconds(start, end, deps.clock(), team)
    per_agent: dict[str, list[tuple[model.AgentState, float]]] = defaultdict(list)
    breaks: dict[str, float] = defaultdict(float)
    for agent_id, status, state, seconds in states:
        per_agent[agent_id].append((state, seconds))
        if status is model.AgentStatus.ON_BREAK:
            breaks[agent_id] += seconds
    return [
        AgentPerformance(
            agent_id=a.id,
            display_name=a.display_name,
            team=a.team,
            calls=calls.get(a.id, AgentCallTotals()),
            callbacks=done.get(a.id, CallbackTotals()),
            state_seconds=state_seconds(per_agent[a.id]),
            on_break_seconds=round(breaks[a.id]),
        )
        for a in roster
    ]


def call_statistics(
    uow: CallCenterUnitOfWork, period: ReportPeriod, threshold_seconds: int
) -> CallStatistics:
    with uow:
        buckets = uow.reports.call_buckets(period.starts_at, period.ends_at, threshold_seconds)
    return fold_buckets(period, threshold_seconds, buckets)


def region_calls(uow: CallCenterUnitOfWork, period: ReportPeriod) -> list[RegionCalls]:
    with uow:
        prefixes = uow.reports.region_prefixes(period.starts_at, period.ends_at)
    return by_region(prefixes)


def sales_results(
    uow: CallCenterUnitOfWork, period: ReportPeriod, team: str = ""
) -> tuple[SalesResults, list[SalesResults]]:
    """The total and one row per agent who dialled out, by display name."""
    with uow:
        rows = uow.reports.sales_results(period.starts_at, period.ends_at, team)
        names = uow.reports.agents_by_id(sorted({r[0] for r in rows}))
    total = SalesResults("", "")
    per_agent: dict[str, SalesResults] = {}
    for agent_id, result, count, connected in rows:
        agent = names.get(agent_id)
        row = per_agent.setdefault(
            agent_id, SalesResults(agent_id, agent.display_name if agent else "")
        )
        row.add(result, count, connected)
        total.add(result, count, connected)
    return total, sorted(per_agent.values(), key=lambda r: (r.display_name, r.agent_id))


def wallboard(uow: CallCenterUnitOfWork, deps: Deps) -> Wallboard:
    with uow:
        backlog, oldest = uow.callbacks.backlog()
        waiting, since = uow.calls.waiting()
        return Wallboard(
            read_at=deps.clock(),
            agents=uow.agents.count_by_state(),
            callback_backlog=backlog,
            oldest_callback=oldest,
            calls_waiting=waiting,
            longest_wait_since=since,
        )
