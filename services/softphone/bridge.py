"""The bridge beside an agent's baresip: its call events go to the call center (through the
spool, so none is lost or doubled across restarts), the screen-pop is shown as soon as the
phone rings, and a callback the agent accepted is dialled on the phone."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import grpc
import phonenumbers

from callops.callcenter.v1 import callcenter_pb2 as pb
from callops.callcenter.v1 import callcenter_pb2_grpc
from services.softphone.events import (
    RINGING_TYPES,
    call_event,
    decode_netstrings,
    encode_netstring,
)
from services.softphone.spool import Spool

log = logging.getLogger("callops.softphone")

# Worth sending again later; anything else is the event's own fault and is dropped (logged).
RETRYABLE = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.UNAUTHENTICATED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.CANCELLED,
    }
)
RPC_TIMEOUT_S = 5.0
COMMAND_TIMEOUT_S = 5.0
MAX_BACKOFF_S = 5.0
# Find a restarted call center within seconds, not gRPC's default of up to two minutes.
CHANNEL_OPTIONS = (
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
    ("grpc.use_local_subchannel_pool", 1),
)


@dataclass(frozen=True)
class ScreenPopShown:
    """A screen-pop as the bridge shows it; the times are time.monotonic() readings."""

    call_id: str
    call: pb.Call
    screen_pop: pb.ScreenPop
    read_at: float  # when the bridge read the ringing event from baresip
    shown_at: float


@dataclass
class Display:
    """Where the bridge shows things to the agent: a terminal by default, a test's lists."""

    screen_pop: Callable[[ScreenPopShown], None]
    offer: Callable[[pb.CallbackTask], None]
    dialled: Callable[[pb.CallbackTask, str], None]
    note: Callable[[str], None]


def describe_screen_pop(shown: ScreenPopShown) -> list[str]:
    pop = shown.screen_pop
    waited = (shown.shown_at - shown.read_at) * 1000
    lines = [f"来电 {pop.phone_number}  ({shown.call.name}, {waited:.0f} ms)"]
    lines += [
        f"  {m.customer_display_name} / {m.contact_display_name} {m.contact_title}".rstrip()
        for m in pop.matches
    ]
    if not pop.matches:
        lines.append("  (unknown number)" if not pop.partial else "  (customer service slow)")
    return lines


def dial_uri(template: str, phone_number: str) -> str:
    """The URI for a callback's number by the operator's template (`sip:{national}@pbx`,
    `sip:{e164}@pbx`); '' when the number is masked for this agent or the template unset."""
    if not template or "*" in phone_number:
        return ""
    try:
        number = phonenumbers.parse(phone_number, "CN")
    except phonenumbers.NumberParseException:
        return ""
    return template.format(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        national=str(number.national_number),
    )


@dataclass
class Bridge:
    """One agent's bridge. `run()` until cancelled; each side reconnects on its own."""

    baresip: str  # ctrl_tcp host:port
    callcenter: str  # gRPC address
    token: str
    agent: str  # agents/{id}
    spool: Spool
    display: Display
    auto_accept: bool = False
    dial_template: str = ""
    baresip_connected: asyncio.Event = field(default_factory=asyncio.Event)
    stream_open: asyncio.Event = field(default_factory=asyncio.Event)
    _wake_sender: asyncio.Event = field(default_factory=asyncio.Event)
    _writer: asyncio.StreamWriter | None = None
    _responses: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _tokens: itertools.count[int] = field(default_factory=itertools.count)
    _ringing_read_at: dict[str, float] = field(default_factory=dict)
    _popped: set[str] = field(default_factory=set)

    @property
    def _metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.token}"),)

    async def run(self) -> None:
        async with grpc.aio.insecure_channel(self.callcenter, options=CHANNEL_OPTIONS) as channel:
            stub = callcenter_pb2_grpc.CallCenterServiceStub(channel)
            await asyncio.gather(
                self._follow_baresip(), self._send_events(stub), self._follow_agent(stub)
            )

    # --- baresip side -------------------------------------------------------------------

    async def _follow_baresip(self) -> None:
        host, _, port = self.baresip.rpartition(":")
        for attempt in itertools.count():
            try:
                reader, writer = await asyncio.open_connection(host, int(port))
            except OSError:
                await asyncio.sleep(_backoff(attempt))
                continue
            self._writer = writer
            self.baresip_connected.set()
            self.display.note(f"baresip connected at {self.baresip}")
            try:
                await self._read_baresip(reader)
            except (OSError, ValueError) as error:
                log.warning("baresip connection lost: %s", error)
            finally:
                self.baresip_connected.clear()
                self._writer = None
                writer.close()
                for future in self._responses.values():
                    if not future.done():
                        future.set_exception(ConnectionError("baresip went away"))
                self._responses.clear()
            self.display.note("baresip disconnected; reconnecting")
            await asyncio.sleep(0.2)

    async def _read_baresip(self, reader: asyncio.StreamReader) -> None:
        buffer = b""
        while chunk := await reader.read(65536):
            read_at = time.monotonic()
            messages, buffer = decode_netstrings(buffer + chunk)
            for message in messages:
                if message.get("response"):
                    future = self._responses.pop(str(message.get("token", "")), None)
                    if future is not None and not future.done():
                        future.set_result(message)
                    continue
                self.take(message, read_at)

    def take(self, message: dict[str, Any], read_at: float) -> None:
        """One ctrl_tcp event: spooled (committed) before anything else happens with it."""
        call_id = str(message.get("id", ""))
        event = call_event(message, datetime.now(UTC), self.spool.answered(call_id))
        if event is None:
            return
        if event.type in RINGING_TYPES:
            self._ringing_read_at.setdefault(event.call_id, read_at)
        if self.spool.append(event):
            self._wake_sender.set()

    async def command(self, command: str, params: str = "") -> dict[str, Any]:
        """Runs a ctrl_tcp command (`dial`, `accept`, `hangup`...) and returns its response."""
        writer = self._writer
        if writer is None:
            raise ConnectionError("baresip is not connected")
        token = f"bridge-{next(self._tokens)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._responses[token] = future
        writer.write(encode_netstring({"command": command, "params": params, "token": token}))
        await writer.drain()
        try:
            return await asyncio.wait_for(future, COMMAND_TIMEOUT_S)
        finally:
            self._responses.pop(token, None)

    # --- call center side ---------------------------------------------------------------

    async def _send_events(self, stub: callcenter_pb2_grpc.CallCenterServiceAsyncStub) -> None:
        """Sends the spool in order; a retryable failure holds the queue (order matters for
        the screen-pop and the agent's state) and is retried with backoff."""
        failures = 0
        while True:
            batch = self.spool.pending()
            if not batch:
                self._wake_sender.clear()
                await self._wake_sender.wait()
                continue
            for seq, event in batch:
                try:
                    reply = await stub.ReportCallEvent(
                        pb.ReportCallEventRequest(agent=self.agent, event=event),
                        metadata=self._metadata,
                        timeout=RPC_TIMEOUT_S,
                    )
                except grpc.aio.AioRpcError as error:
                    if error.code() in RETRYABLE:
                        failures += 1
                        log.warning("call center: %s; retrying", error.code().name)
                        await asyncio.sleep(_backoff(failures))
                        break
                    self.display.note(
                        f"call center refused {pb.CallEvent.Type.Name(event.type)} of "
                        f"{event.call_id}: {error.code().name} {error.details()}"
                    )
                    self.spool.acknowledge(seq, event.call_id, "")
                    continue
                failures = 0
                self.spool.acknowledge(seq, event.call_id, reply.call.name)
                self._show_screen_pop(event, reply)

    def _show_screen_pop(self, event: pb.CallEvent, reply: pb.ReportCallEventResponse) -> None:
        if event.type not in RINGING_TYPES or not reply.HasField("screen_pop"):
            return
        if event.direction != pb.DIRECTION_INBOUND or event.call_id in self._popped:
            return
        if self.spool.ended(event.call_id):  # sent late, after a restart: nobody to greet
            return
        self._popped.add(event.call_id)
        read_at = self._ringing_read_at.pop(event.call_id, time.monotonic())
        self.display.screen_pop(
            ScreenPopShown(event.call_id, reply.call, reply.screen_pop, read_at, time.monotonic())
        )

    async def _follow_agent(self, stub: callcenter_pb2_grpc.CallCenterServiceAsyncStub) -> None:
        """The agent's stream, opened again whenever it breaks: offers are shown (and taken
        with auto_accept), and every accepted callback not dialled yet is dialled."""
        failures = 0
        while True:
            try:
                stream = stub.StreamAgentEvents(
                    pb.StreamAgentEventsRequest(agent=self.agent), metadata=self._metadata
                )
                async for item in stream:
                    self.stream_open.set()
                    failures = 0
                    if item.HasField("callback_reserved"):
                        await self._offered(stub, item.callback_reserved)
                    await self._dial_accepted(stub)
            except grpc.aio.AioRpcError as error:
                log.warning("agent stream: %s; reopening", error.code().name)
            except Exception:  # a bug here must not stop the phone's events from flowing
                log.exception("agent stream failed; reopening")
            self.stream_open.clear()
            failures += 1
            await asyncio.sleep(_backoff(failures))

    async def _offered(
        self, stub: callcenter_pb2_grpc.CallCenterServiceAsyncStub, task: pb.CallbackTask
    ) -> None:
        self.display.offer(task)
        if not self.auto_accept:
            return
        try:
            await stub.AcceptCallback(
                pb.AcceptCallbackRequest(name=task.name, agent=self.agent),
                metadata=self._metadata,
                timeout=RPC_TIMEOUT_S,
            )
        except grpc.aio.AioRpcError as error:  # lapsed or taken meanwhile: nothing to dial
            self.display.note(f"could not accept {task.name}: {error.details()}")

    async def _dial_accepted(self, stub: callcenter_pb2_grpc.CallCenterServiceAsyncStub) -> None:
        reply = await stub.ListCallbacks(
            pb.ListCallbacksRequest(
                filter=f'agent = "{self.agent}" AND state = STATE_ASSIGNED', page_size=50
            ),
            metadata=self._metadata,
            timeout=RPC_TIMEOUT_S,
        )
        for task in reply.callbacks:
            if self.spool.dialled(task.name):
                continue
            # The phone that missed the call knows its URI; agents see masked numbers.
            uri = self.spool.peer_uri_of(list(task.calls)) or dial_uri(
                self.dial_template, task.phone_number
            )
            if not uri:
                self.display.note(f"{task.name}: cannot dial {task.phone_number} from here")
                self.spool.mark_dialled(task.name, "")
                continue
            try:
                answer = await self.command("dial", uri)
            except (ConnectionError, TimeoutError) as error:
                self.display.note(f"{task.name}: dial failed ({error}); will retry")
                continue
            if answer.get("ok"):
                self.spool.mark_dialled(task.name, uri)
                self.display.dialled(task, uri)
            else:
                self.display.note(f"{task.name}: baresip refused to dial: {answer.get('data')}")


def _backoff(attempt: int) -> float:
    return float(min(MAX_BACKOFF_S, 0.2 * 2 ** min(attempt, 5)))
