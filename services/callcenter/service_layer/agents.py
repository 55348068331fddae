"""Agent use cases: register, log in, choose a status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.callcenter.adapters.uow import CallCenterUnitOfWork
from services.callcenter.domain import model
from services.callcenter.service_layer.deps import Deps
from services.common.errors import PermissionDenied


@dataclass(frozen=True)
class AgentValues:
    user: str
    display_name: str
    extension: str = ""
    sip_uri: str = ""
    team: str = ""
    skills: list[str] = field(default_factory=list)
    owned_customers: list[str] = field(default_factory=list)  # customer ids


def create_agent(
    uow: CallCenterUnitOfWork, deps: Deps, values: AgentValues, request_id: str = ""
) -> model.Agent:
    model.Agent.validate(values.user, values.display_name, values.skills, "agent")
    with uow:
        key = f"agent:{request_id}" if request_id else ""
        if key and (earlier := uow.created_before(key)):
            return uow.agents.get(earlier.removeprefix("agents/"))
        now = deps.clock()
        agent = model.Agent(
            id=model.new_id(),
            user=values.user,
            display_name=values.display_name.strip(),
            created_at=now,
            updated_at=now,
            extension=values.extension,
            sip_uri=values.sip_uri,
            team=values.team,
            skills=list(dict.fromkeys(values.skills)),
            owned_customers=list(dict.fromkeys(values.owned_customers)),
            state_since=now,
        )
        uow.agents.add(agent)
        if key:
            uow.remember_created(key, agent.resource_name)
        uow.commit()
    return agent


def get_agent(uow: CallCenterUnitOfWork, agent_id: str) -> model.Agent:
    with uow:
        return uow.agents.get(agent_id)


def update_agent(
    uow: CallCenterUnitOfWork, deps: Deps, agent_id: str, values: dict[str, object], etag: str
) -> model.Agent:
    with uow:
        agent = uow.agents.get(agent_id, for_update=True)
        agent.update(values, etag, deps.clock())
        uow.commit()
    return agent


def list_agents(
    uow: CallCenterUnitOfWork, terms: dict[str, Any], after: dict[str, Any] | None, limit: int
) -> list[model.Agent]:
    with uow:
        return uow.agents.list(terms, after, limit)


def login_agent(
    uow: CallCenterUnitOfWork, deps: Deps, agent_id: str, actor: str | None = None
) -> model.Agent:
    with uow:
        agent = uow.agents.get(agent_id, for_update=True)
        check_actor(agent, actor)
        agent.login(deps.clock())
        uow.commit()
    return agent


def set_agent_status(
    uow: CallCenterUnitOfWork,
    deps: Deps,
    agent_id: str,
    status: model.AgentStatus,
    reason: str,
    etag: str = "",
    actor: str | None = None,
) -> model.Agent:
    with uow:
        agent = uow.agents.get(agent_id, for_update=True)
        check_actor(agent, actor)
        model.check_etag(etag, agent.version, agent.resource_name)
        agent.set_status(status, reason, deps.clock())
        uow.commit()
    return agent


def state_log(uow: CallCenterUnitOfWork, agent_id: str) -> list[model.AgentStateChange]:
    with uow:
        return uow.agents.state_log(agent_id)


def check_actor(agent: model.Agent, actor: str | None) -> None:
    """An agent acts only for itself; `actor` None is a supervisor, who may act for anyone."""
    if actor is not None and agent.user != actor:
        raise PermissionDenied(
            f"{actor} may not act for {agent.resource_name}", reason="NOT_YOUR_AGENT"
        )


def release_agent(uow: CallCenterUnitOfWork, agent_id: str, now: Any, reason: str) -> None:
    """An agent held for a callback offer that is answered or gone is free again."""
    agent = uow.agents.get(agent_id, for_update=True)
    if agent.state is model.AgentState.RESERVED:
        agent.set_state(model.AgentState.IDLE, now, reason)


@dataclass(frozen=True)
class AgentFeed:
    """What an agent's stream sends next: the agent, the offers and alerts still to send
    (each offer with its callback), and the sequence read up to."""

    agent: model.Agent
    notices: list[tuple[model.AgentNotice, model.CallbackTask | None]]
    read_up_to: int


def agent_feed(
    uow: CallCenterUnitOfWork, agent_id: str, after: int | None, actor: str | None = None
) -> AgentFeed:
    """The agent and what its desktop has not been sent after sequence `after`. `after`
    None is a new session: the offers still held, no past alerts."""
    with uow:
        agent = uow.agents.get(agent_id)
        check_actor(agent, actor)
        if after is None:
            # Read the head before the reservations: an offer made in between comes with
            # the next read, after the head, and so only once.
            head = uow.notices.head(agent_id)
            held = {t.resource_name: t for t in uow.callbacks.reserved_for(agent_id)}
            notices = uow.notices.latest_for(agent_id, list(held), head)
            alerts = False
        else:
            notices = uow.notices.after(agent_id, after)
            head = notices[-1].sequence if notices else after
            held = {t.resource_name: t for t in uow.callbacks.reserved_for(agent_id)}
            alerts = True
        kept = model.notices_to_send(notices, list(held), alerts)
        return AgentFeed(agent, [(n, held.get(n.subject)) for n in kept], head)


def change_marks(uow: CallCenterUnitOfWork, agent_ids: list[str]) -> dict[str, tuple[int, int]]:
    with uow:
        return uow.agents.change_marks(agent_ids)
