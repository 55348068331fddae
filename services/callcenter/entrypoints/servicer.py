"""CallCenterService over gRPC: validate the shape, convert, call the use case, convert back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any, TypeVar

import grpc

from callops.callcenter.v1 import callcenter_pb2 as pb
from callops.callcenter.v1 import callcenter_pb2_grpc
from services.callcenter.adapters.customer_client import CustomerDirectory
from services.callcenter.adapters.uow import CallCenterUnitOfWork
from services.callcenter.domain import model
from services.callcenter.domain.reports import service_level_threshold
from services.callcenter.entrypoints import converters as cv
from services.callcenter.entrypoints.wakeups import AgentWakeups, CallbackAssigner, Wakeup
from services.callcenter.service_layer import agents, callbacks, calls, reports
from services.callcenter.service_layer.deps import Deps
from services.callcenter.service_layer.screen_pop import screen_pop
from services.common import convert
from services.common.auth import Principal, current_principal
from services.common.errors import InvalidArgument
from services.common.pagination import (
    FilterField,
    PageTokens,
    keyset_position,
    page_size,
    parse_filter,
    parse_order_by,
)

R = TypeVar("R")
SERVICE = "callops.callcenter.v1.CallCenterService"

# Who may call what (rights from services.common.rights); a method missing here is refused.
RIGHTS = {
    "CreateAgent": "agents.manage",
    "GetAgent": "calls.read",
    "UpdateAgent": "agents.manage",
    "ListAgents": "wallboard.read",
    "LoginAgent": "calls.write",
    "SetAgentStatus": "calls.write",
    "StreamAgentEvents": "calls.read",
    "ReportCallEvent": "calls.write",
    "GetCall": "calls.read",
    "ListCalls": "calls.read",
    "WrapUpCall": "calls.write",
    "ListCallbacks": "calls.read",
    "AcceptCallback": "callbacks.work",
    "RejectCallback": "callbacks.work",
    "CompleteCallback": "callbacks.work",
    "GetAgentPerformanceReport": "calls.report",
    "GetCallStatisticsReport": "calls.report",
    "GetRegionCallReport": "calls.report",
    "GetSalesResultReport": "calls.report",
}
POLICY = {f"/{SERVICE}/{method}": right for method, right in RIGHTS.items()}

_BOOL = FilterField(frozenset({"true", "false"}), convert=lambda v: v == "true")
AGENT_FILTER = {
    "team": FilterField(),
    "status": FilterField.of(cv.STATUS),
    "state": FilterField.of(cv.STATE),
}
CALL_FILTER = {
    "agent": FilterField(
        convert=lambda n: convert.parse_name(n, "agents", "filter"), column="agent_id"
    ),
    "customer": FilterField(
        convert=lambda n: convert.parse_name(n, "customers", "filter"), column="customer_id"
    ),
    "direction": FilterField.of(cv.DIRECTION),
    "result": FilterField.of(cv.RESULT),
    "no_order": _BOOL,
    "parked_for_follow_up": _BOOL,
}
CALLBACK_FILTER = {
    "agent": FilterField(
        convert=lambda n: convert.parse_name(n, "agents", "filter"), column="agent_id"
    ),
    "state": FilterField.of(cv.CALLBACK_STATE),
}


def _principal() -> Principal:
    principal = current_principal.get()
    assert principal is not None, "the auth interceptor sets the principal"
    return principal


def _actor() -> str | None:
    """The user an agent may act as; None for supervisors, who act for any agent."""
    who = _principal()
    return None if who.can("agents.manage") else who.user_name


def _newest_first(order_by: str) -> None:
    _, descending = parse_order_by(order_by, {"create_time"}, "create_time desc")
    if not descending:
        raise InvalidArgument.of("order_by", "only `create_time desc` is supported")


def _authorization(context: Any) -> str:
    for key, value in context.invocation_metadata() or ():
        if key == "authorization":
            return value if isinstance(value, str) else value.decode()
    return ""


class CallCenterServicer(callcenter_pb2_grpc.CallCenterServiceServicer):
    def __init__(
        self,
        uow_factory: Callable[[], CallCenterUnitOfWork],
        deps: Deps,
        page_tokens: PageTokens,
        directory: CustomerDirectory,
        screen_pop_deadline: float,
        stream_poll: float = 0.25,
        changes: AgentWakeups | None = None,
        assigner: CallbackAssigner | None = None,
    ) -> None:
        self._uow = uow_factory
        self._deps = deps
        self._tokens = page_tokens
        self._directory = directory
        self._deadline = screen_pop_deadline
        self._poll = stream_poll
        self._changes = changes or AgentWakeups()
        self._assigner = assigner

    def _assign_soon(self) -> None:
        """A callback may now be placed: a call was missed or an agent became free."""
        if self._assigner is not None:
            self._assigner.kick()

    async def _run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        # Use cases are synchronous SQLAlchemy code: run them off the event loop.
        return await asyncio.to_thread(partial(fn, self._uow(), *args, **kwargs))

    def _page(self, request: Any, query: str) -> tuple[dict[str, Any] | None, int]:
        return self._tokens.decode(request.page_token, query), page_size(request.page_size)

    def _next(self, items: list[Any], limit: int, query: str) -> str:
        if len(items) <= limit:
            return ""
        last = items[limit - 1]
        del items[limit:]
        return self._tokens.encode(keyset_position(last.created_at, last.id), query)

    # --- agents -------------------------------------------------------------------------------

    async def CreateAgent(self, request: pb.CreateAgentRequest, context: Any) -> pb.Agent:
        values = cv.agent_values(request.agent, "agent")
        agent = await self._run(agents.create_agent, self._deps, values, request.request_id)
        return cv.agent_out(agent)

    async def GetAgent(self, request: pb.GetAgentRequest, context: Any) -> pb.Agent:
        aid = convert.parse_name(request.name, "agents", "name")
        return cv.agent_out(await self._run(agents.get_agent, aid))

    async def UpdateAgent(self, request: pb.UpdateAgentRequest, context: Any) -> pb.Agent:
        aid = convert.parse_name(request.agent.name, "agents", "agent.name")
        values = cv.agent_update_values(request.agent, list(request.update_mask.paths))
        agent = await self._run(agents.update_agent, self._deps, aid, values, request.agent.etag)
        return cv.agent_out(agent)

    async def ListAgents(
        self, request: pb.ListAgentsRequest, context: Any
    ) -> pb.ListAgentsResponse:
        terms = parse_filter(request.filter, AGENT_FILTER)
        _newest_first(request.order_by)
        query = f"agents|{request.filter}"
        after, limit = self._page(request, query)
        found = await self._run(agents.list_agents, terms, after, limit)
        token = self._next(found, limit, query)
        return pb.ListAgentsResponse(agents=[cv.agent_out(a) for a in found], next_page_token=token)

    async def LoginAgent(self, request: pb.LoginAgentRequest, context: Any) -> pb.Agent:
        aid = convert.parse_name(request.name, "agents", "name")
        agent = await self._run(agents.login_agent, self._deps, aid, _actor())
        self._assign_soon()
        return cv.agent_out(agent)

    async def SetAgentStatus(self, request: pb.SetAgentStatusRequest, context: Any) -> pb.Agent:
        aid = convert.parse_name(request.name, "agents", "name")
        if request.status == pb.Agent.STATUS_UNSPECIFIED:
            raise InvalidArgument.of("status", "required")
        status = cv.STATUS.into(request.status, "status")
        agent = await self._run(
            agents.set_agent_status,
            self._deps,
            aid,
            status,
            request.break_reason,
            request.etag,
            _actor(),
        )
        self._assign_soon()
        return cv.agent_out(agent)

    async def StreamAgentEvents(
        self, request: pb.StreamAgentEventsRequest, context: Any
    ) -> AsyncIterator[pb.AgentEvent]:
        """Reads the database when a commit of this replica touched the agent, and at least
        every poll interval: changes made by other replicas or workers reach it too."""
        aid = convert.parse_name(request.agent, "agents", "agent")
        actor, who = _actor(), _principal()
        version = -1
        sent: set[str] = set()
        while True:
            ticket = self._changes.ticket(aid)
            agent, reserved = await self._run(agents.agent_view, aid, actor)
            if agent.version != version:
                version = agent.version
                yield pb.AgentEvent(agent=cv.agent_out(agent))
            for task in reserved:
                key = f"{task.id}:{task.version}"
                if key not in sent:
                    sent.add(key)
                    yield pb.AgentEvent(callback_reserved=cv.callback_out(task, who))
            await Wakeup.wait(ticket, self._poll)

    # --- calls --------------------------------------------------------------------------------

    async def ReportCallEvent(
        self, request: pb.ReportCallEventRequest, context: Any
    ) -> pb.ReportCallEventResponse:
        aid = convert.parse_name(request.agent, "agents", "agent")
        if not request.HasField("event"):
            raise InvalidArgument.of("event", "required")
        data = cv.call_event(request.event, self._deps.region)
        who = _principal()
        pop = None
        if data.type in (model.EventType.INCOMING, model.EventType.RINGING):
            pop = await screen_pop(
                self._directory,
                data.peer_number,
                _authorization(context),
                self._deadline,
                who.sees_pii,
            )
        call, duplicate = await self._run(
            calls.report_call_event,
            self._deps,
            aid,
            data,
            pop.customer_id if pop else None,
            _actor(),
        )
        if not duplicate and data.type is model.EventType.ENDED:
            self._assign_soon()  # a missed call to place, or an agent free again
        reply = pb.ReportCallEventResponse(call=cv.call_out(call, who), duplicate=duplicate)
        if pop is not None:
            reply.screen_pop.CopyFrom(cv.screen_pop_out(pop))
        return reply

    async def GetCall(self, request: pb.GetCallRequest, context: Any) -> pb.Call:
        cid = convert.parse_name(request.name, "calls", "name")
        return cv.call_out(await self._run(calls.get_call, cid), _principal())

    async def ListCalls(self, request: pb.ListCallsRequest, context: Any) -> pb.ListCallsResponse:
        terms = parse_filter(request.filter, CALL_FILTER)
        _newest_first(request.order_by)
        query = f"calls|{request.filter}"
        after, limit = self._page(request, query)
        found = await self._run(calls.list_calls, terms, after, limit)
        token = self._next(found, limit, query)
        who = _principal()
        return pb.ListCallsResponse(
            calls=[cv.call_out(c, who) for c in found], next_page_token=token
        )

    async def WrapUpCall(self, request: pb.WrapUpCallRequest, context: Any) -> pb.Call:
        cid = convert.parse_name(request.name, "calls", "name")
        sales = cv.SALES_RESULT.into(request.sales_result, "sales_result")
        call = await self._run(
            calls.wrap_up_call,
            self._deps,
            cid,
            request.wrap_up_code,
            request.wrap_up_notes,
            request.no_order,
            request.parked_for_follow_up,
            sales,
            request.etag,
            _actor(),
        )
        self._assign_soon()
        return cv.call_out(call, _principal())

    # --- callbacks ----------------------------------------------------------------------------

    async def ListCallbacks(
        self, request: pb.ListCallbacksRequest, context: Any
    ) -> pb.ListCallbacksResponse:
        terms = parse_filter(request.filter, CALLBACK_FILTER)
        _newest_first(request.order_by)
        query = f"callbacks|{request.filter}"
        after, limit = self._page(request, query)
        found = await self._run(callbacks.list_callbacks, terms, after, limit)
        token = self._next(found, limit, query)
        who = _principal()
        return pb.ListCallbacksResponse(
            callbacks=[cv.callback_out(t, who) for t in found], next_page_token=token
        )

    def _names(self, name: str, agent: str) -> tuple[str, str]:
        tid = convert.parse_name(name, "callbacks", "name")
        aid = convert.parse_name(agent, "agents", "agent")
        return tid, aid

    async def AcceptCallback(
        self, request: pb.AcceptCallbackRequest, context: Any
    ) -> pb.CallbackTask:
        tid, aid = self._names(request.name, request.agent)
        task = await self._run(callbacks.accept_callback, self._deps, tid, aid, _actor())
        self._assign_soon()  # the agent is free again for the next one
        return cv.callback_out(task, _principal())

    async def RejectCallback(
        self, request: pb.RejectCallbackRequest, context: Any
    ) -> pb.CallbackTask:
        tid, aid = self._names(request.name, request.agent)
        task = await self._run(callbacks.reject_callback, self._deps, tid, aid, _actor())
        self._assign_soon()
        return cv.callback_out(task, _principal())

    async def CompleteCallback(
        self, request: pb.CompleteCallbackRequest, context: Any
    ) -> pb.CallbackTask:
        tid, aid = self._names(request.name, request.agent)
        task = await self._run(
            callbacks.complete_callback, self._deps, tid, aid, request.result, _actor()
        )
        return cv.callback_out(task, _principal())

    # --- reports ------------------------------------------------------------------------------

    async def GetAgentPerformanceReport(
        self, request: pb.GetAgentPerformanceReportRequest, context: Any
    ) -> pb.AgentPerformanceReport:
        period = cv.report_period(request.period, self._deps.time_zone)
        rows = await self._run(reports.agent_performance, self._deps, period, request.team)
        return pb.AgentPerformanceReport(
            period=cv.report_period_out(period),
            time_zone=period.time_zone,
            agents=[cv.agent_performance_out(r) for r in rows],
        )

    async def GetCallStatisticsReport(
        self, request: pb.GetCallStatisticsReportRequest, context: Any
    ) -> pb.CallStatisticsReport:
        period = cv.report_period(request.period, self._deps.time_zone)
        threshold = service_level_threshold(request.service_level_threshold_seconds)
        stats = await self._run(reports.call_statistics, period, threshold)
        return cv.call_statistics_out(stats)

    async def GetRegionCallReport(
        self, request: pb.GetRegionCallReportRequest, context: Any
    ) -> pb.RegionCallReport:
        period = cv.report_period(request.period, self._deps.time_zone)
        rows = await self._run(reports.region_calls, period)
        return pb.RegionCallReport(
            period=cv.report_period_out(period),
            time_zone=period.time_zone,
            regions=[cv.region_calls_out(r) for r in rows],
        )

    async def GetSalesResultReport(
        self, request: pb.GetSalesResultReportRequest, context: Any
    ) -> pb.SalesResultReport:
        period = cv.report_period(request.period, self._deps.time_zone)
        total, rows = await self._run(reports.sales_results, period, request.team)
        return pb.SalesResultReport(
            period=cv.report_period_out(period),
            time_zone=period.time_zone,
            total=cv.sales_results_out(total),
            agents=[cv.sales_results_out(r) for r in rows],
        )


def add_to_server(servicer: CallCenterServicer, server: grpc.aio.Server) -> None:
    callcenter_pb2_grpc.add_CallCenterServiceServicer_to_server(servicer, server)
