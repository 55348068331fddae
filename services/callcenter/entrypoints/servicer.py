"""CallCenterService over gRPC: validate the shape, convert, call the use case, convert back."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
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
from services.callcenter.entrypoints.wakeups import (
    AgentWakeups,
    AgentWatch,
    CallbackAssigner,
    Wakeup,
)
from services.callcenter.service_layer import agents, callbacks, calls, recordings, reports
from services.callcenter.service_layer.deps import Deps
from services.callcenter.service_layer.recordings import RecordingDeps, RecordingUpload
from services.callcenter.service_layer.screen_pop import screen_pop
from services.common import convert
from services.common.auth import Principal, current_principal
from services.common.errors import FailedPrecondition, InvalidArgument
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
    "GetWallboard": "wallboard.read",
    "ReportCallEvent": "calls.write",
    "GetCall": "calls.read",
    "ListCalls": "calls.read",
    "WrapUpCall": "calls.write",
    # Recordings: the call's agent or a supervisor (checked in the use case).
    "UploadCallRecording": "calls.write",
    "DownloadCallRecording": "calls.read",
    "GetCallRecordingUrl": "calls.read",
    "GetCallback": "calls.read",
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


# With the agent watch running, a stream reads at least this often even if not woken.
_STREAM_SAFETY_SECONDS = 30.0
# How often an upload's worker thread, waiting for the next chunk, looks for a cancellation.
_UPLOAD_POLL_SECONDS = 0.2


class UploadCancelled(FailedPrecondition):
    """The caller went away before the content was complete; nothing was stored."""

    default_reason = "UPLOAD_CANCELLED"


async def _next_message(
    messages: AsyncIterator[pb.UploadCallRecordingRequest],
) -> pb.UploadCallRecordingRequest | None:
    return await anext(messages, None)


def _recording_chunks(
    messages: AsyncIterator[pb.UploadCallRecordingRequest],
    loop: asyncio.AbstractEventLoop,
    cancelled: threading.Event,
) -> Iterator[bytes]:
    """The upload's bytes for the synchronous store, in the worker thread: each message is
    pulled from the event loop when the store asks, so gRPC flow control paces the sender."""
    while True:
        future = asyncio.run_coroutine_threadsafe(_next_message(messages), loop)
        while True:
            try:
                message = future.result(timeout=_UPLOAD_POLL_SECONDS)
                break
            except concurrent.futures.TimeoutError:
                if cancelled.is_set():
                    future.cancel()
                    raise UploadCancelled("the upload was cancelled") from None
            except concurrent.futures.CancelledError:
                raise UploadCancelled("the upload was cancelled") from None
        if message is None:
            return
        if message.WhichOneof("part") != "chunk":
            raise InvalidArgument.of("upload", "only the first message carries the metadata")
        yield message.chunk


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
        recordings: RecordingDeps | None = None,
        watch: AgentWatch | None = None,
    ) -> None:
        self._uow = uow_factory
        self._deps = deps
        self._tokens = page_tokens
        self._directory = directory
        self._deadline = screen_pop_deadline
        self._poll = stream_poll
        self._changes = changes or AgentWakeups()
        self._assigner = assigner
        self._recordings = recordings
        self._watch = watch

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
        """Reads the database when a commit of this replica touched the agent, or when the
        agent watch saw another replica or a worker change it (without a watch: at least
        every poll interval). Offers
        and alerts are read by sequence, so each is sent once per stream and a resumed
        stream sends what the client has not seen."""
        aid = convert.parse_name(request.agent, "agents", "agent")
        if request.resume_after_sequence < 0:
            raise InvalidArgument.of("resume_after_sequence", "must not be negative")
        actor, who = _actor(), _principal()
        resuming = request.HasField("resume_after_sequence")
        after = request.resume_after_sequence if resuming else None  # None: a new session
        sent = request.resume_after_sequence  # the last offer or alert sent
        version = -1
        while True:
            ticket = self._changes.ticket(aid)
            feed = await self._run(agents.agent_feed, aid, after, actor)
            if feed.agent.version != version:
                version = feed.agent.version
                yield pb.AgentEvent(agent=cv.agent_out(feed.agent), sequence=sent)
            for notice, task in feed.notices:
                sent = notice.sequence
                yield cv.notice_out(notice, task, who)
            after = feed.read_up_to
            await Wakeup.wait(ticket, self._stream_wait())

    def _stream_wait(self) -> float:
        """How long a stream waits for a wake-up before it reads anyway: the watch wakes it
        for others' changes when it runs; the long wait is only a safety net then."""
        if self._watch is not None and self._watch.running:
            return max(self._poll, _STREAM_SAFETY_SECONDS)
        return self._poll

    async def GetWallboard(self, request: pb.GetWallboardRequest, context: Any) -> pb.Wallboard:
        board = await self._run(reports.wallboard, self._deps)
        return cv.wallboard_out(board, _principal())

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

    # --- recordings ---------------------------------------------------------------------------

    def _recording_deps(self) -> RecordingDeps:
        assert self._recordings is not None, "bootstrap wires the object store"
        return self._recordings

    async def UploadCallRecording(
        self, request_iterator: AsyncIterator[pb.UploadCallRecordingRequest], context: Any
    ) -> pb.CallRecording:
        first = await anext(request_iterator, None)
        if first is None or first.WhichOneof("part") != "upload":
            raise InvalidArgument.of("upload", "the first message must carry the metadata")
        cid = convert.parse_name(first.upload.call, "calls", "upload.call")
        deps = self._recording_deps()
        began = await self._run(
            recordings.begin_upload,
            deps,
            cid,
            first.upload.content_type,
            first.upload.sha256,
            _actor(),
        )
        if not isinstance(began, RecordingUpload):
            return cv.recording_out(began)  # a retry: the content is not read again
        loop, cancelled = asyncio.get_running_loop(), threading.Event()
        chunks = _recording_chunks(request_iterator, loop, cancelled)
        run = partial(
            contextvars.copy_context().run,
            recordings.store_recording,
            self._uow(),
            deps,
            began,
            chunks,
            _principal().user_name,
        )
        try:
            recording = await asyncio.to_thread(run)
        except asyncio.CancelledError:
            cancelled.set()  # the thread stops at its next look and stores nothing
            raise
        return cv.recording_out(recording)

    async def DownloadCallRecording(
        self, request: pb.DownloadCallRecordingRequest, context: Any
    ) -> AsyncIterator[pb.DownloadCallRecordingResponse]:
        cid = cv.recording_call(request.name)
        _, reader = await self._run(
            recordings.open_recording, self._recording_deps(), cid, _actor()
        )
        try:
            while True:
                chunk = await asyncio.to_thread(next, reader, None)
                if chunk is None:
                    return
                yield pb.DownloadCallRecordingResponse(chunk=chunk)
        finally:
            await asyncio.to_thread(reader.close)

    async def GetCallRecordingUrl(
        self, request: pb.GetCallRecordingUrlRequest, context: Any
    ) -> pb.GetCallRecordingUrlResponse:
        cid = cv.recording_call(request.name)
        ttl: timedelta | None = None
        if request.HasField("ttl"):
            try:
                ttl = request.ttl.ToTimedelta()
            except OverflowError:  # seconds beyond what a timedelta holds: not INTERNAL
                raise InvalidArgument.of("ttl", "must be positive and at most 7 days") from None
        url, expires = await self._run(
            recordings.recording_url, self._recording_deps(), cid, ttl, _actor()
        )
        return pb.GetCallRecordingUrlResponse(url=url, expire_time=convert.timestamp(expires))

    # --- callbacks ----------------------------------------------------------------------------

    async def GetCallback(self, request: pb.GetCallbackRequest, context: Any) -> pb.CallbackTask:
        tid = convert.parse_name(request.name, "callbacks", "name")
        return cv.callback_out(await self._run(callbacks.get_callback, tid), _principal())

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
        call = convert.parse_name(request.call, "calls", "call") if request.call else ""
        task = await self._run(
            callbacks.complete_callback, self._deps, tid, aid, request.result, _actor(), call
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
