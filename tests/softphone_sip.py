"""Real baresip softphones on loopback for tests and benchmarks: each instance gets its own
config dir, SIP port and ctrl_tcp port, plays a generated WAV and renders into a null sink."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import time
import wave
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any, TypeVar

import grpc
import pytest
import pytest_asyncio
from pydantic import SecretStr

from callops.callcenter.v1 import callcenter_pb2 as pb
from callops.callcenter.v1 import callcenter_pb2_grpc
from callops.customer.v1 import customer_pb2 as cpb
from callops.customer.v1 import customer_pb2_grpc
from services.callcenter.adapters.customer_client import GrpcCustomerDirectory
from services.callcenter.bootstrap import MIGRATIONS as CALLCENTER_MIGRATIONS
from services.callcenter.bootstrap import bootstrap as callcenter_bootstrap
from services.callcenter.config import CallCenterSettings
from services.callcenter.entrypoints import servicer as callcenter_servicer
from services.common.auth import issue_token
from services.common.config import ServiceSettings
from services.common.migrations import upgrade
from services.common.server import ServiceRegistration, build_server
from services.customer.bootstrap import MIGRATIONS as CUSTOMER_MIGRATIONS
from services.customer.bootstrap import bootstrap as customer_bootstrap
from services.customer.config import CustomerSettings
from services.customer.entrypoints import servicer as customer_servicer
from services.softphone.bridge import Bridge, Display, ScreenPopShown
from services.softphone.events import decode_netstrings, encode_netstring
from services.softphone.spool import Spool

BARESIP = shutil.which("baresip") or "/usr/bin/baresip"
START_TIMEOUT_S = 15.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_sip_port() -> int:
    """A port free on UDP and TCP, with the next one (TLS) free on TCP too."""
    for _ in range(200):
        port = free_port()
        if port > 65000:
            continue
        try:
            with (
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
                socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp,
                socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tls,
            ):
                udp.bind(("127.0.0.1", port))
                tcp.bind(("127.0.0.1", port))
                tls.bind(("127.0.0.1", port + 1))
        except OSError:
            continue
        return port
    raise RuntimeError("no free SIP port pair on 127.0.0.1")


def write_tone(path: Path, seconds: float = 60.0, rate: int = 8000) -> Path:
    """A 16-bit mono PCM WAV (a quiet square wave): aufile needs real PCM to play, and
    baresip hangs up when the file ends, so it lasts longer than any call here."""
    frames = bytearray()
    for i in range(int(seconds * rate)):
        value = 3000 if (i // 20) % 2 else -3000
        frames += value.to_bytes(2, "little", signed=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path


@dataclass
class Softphone:
    """One running baresip: `user` is its account's user part (a phone number for a customer)."""

    user: str
    sip_port: int
    ctrl_port: int
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def uri(self) -> str:
        return f"sip:{self.user}@127.0.0.1:{self.sip_port}"

    @property
    def ctrl_address(self) -> str:
        return f"127.0.0.1:{self.ctrl_port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _config(sip_port: int, ctrl_port: int, tone: Path) -> str:
    return "\n".join(
        [
            "poll_method epoll",
            f"sip_listen 127.0.0.1:{sip_port}",
            "net_interface 127.0.0.1",
            f"audio_source aufile,{tone}",
            "audio_player aubridge,nil",
            "audio_alert aubridge,nil",
            "module_path /usr/lib/baresip/modules",
            "module g711.so",
            "module aufile.so",
            "module aubridge.so",
            "module_app account.so",
            "module_app menu.so",
            "module_app ctrl_tcp.so",
            f"ctrl_tcp_listen 127.0.0.1:{ctrl_port}",
            "",
        ]
    )


def start_softphone(
    root: Path, user: str, auto_answer: bool = False, ports: tuple[int, int] | None = None
) -> Softphone:
    """Writes the instance's config dir under root, starts baresip, waits for ctrl_tcp.
    `ports` (SIP, ctrl_tcp) starts it again where a stopped instance was."""
    directory = root / f"baresip-{user}"
    directory.mkdir(parents=True, exist_ok=True)
    tone = directory / "tone.wav"
    if not tone.exists():
        write_tone(tone)
    sip_port, ctrl_port = ports or (free_sip_port(), free_port())
    (directory / "config").write_text(_config(sip_port, ctrl_port, tone))
    answer = ";answermode=auto" if auto_answer else ""
    (directory / "accounts").write_text(f"<sip:{user}@127.0.0.1:{sip_port}>;regint=0{answer}\n")
    log = (directory / "baresip.log").open("wb")
    process = subprocess.Popen(
        [BARESIP, "-f", str(directory)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=directory,
    )
    phone = Softphone(user, sip_port, ctrl_port, directory, process)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"baresip for {user} exited: {(directory / 'baresip.log').read_text()}"
            )
        try:
            with socket.create_connection(("127.0.0.1", ctrl_port), timeout=0.5):
                return phone
        except OSError:
            time.sleep(0.05)
    phone.stop()
    raise TimeoutError(f"baresip for {user} did not open ctrl_tcp in {START_TIMEOUT_S} s")


class PhoneControl:
    """The test's hand on a softphone nobody bridges (the customer's): ctrl_tcp commands,
    and the call events it sent, to wait on. ctrl_tcp takes one connection at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer
        self.events: list[dict[str, Any]] = []
        self._responses: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._changed = asyncio.Event()
        self._tokens = 0
        self._task = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, phone: Softphone) -> PhoneControl:
        reader, writer = await asyncio.open_connection("127.0.0.1", phone.ctrl_port)
        return cls(reader, writer)

    async def _read(self) -> None:
        buffer = b""
        while chunk := await self._reader.read(65536):
            messages, buffer = decode_netstrings(buffer + chunk)
            for message in messages:
                if message.get("response"):
                    future = self._responses.pop(str(message.get("token")), None)
                    if future is not None and not future.done():
                        future.set_result(message)
                else:
                    self.events.append(message)
                    self._changed.set()

    async def command(self, command: str, params: str = "") -> dict[str, Any]:
        self._tokens += 1
        token = f"test-{self._tokens}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._responses[token] = future
        self._writer.write(encode_netstring({"command": command, "params": params, "token": token}))
        await self._writer.drain()
        answer = await asyncio.wait_for(future, 10)
        assert answer.get("ok"), f"baresip refused {command}: {answer}"
        return answer

    async def wait_event(self, type_: str, count: int = 1, timeout: float = 20.0) -> dict[str, Any]:
        """The count-th event of this type (counting from the phone's start)."""
        async with asyncio.timeout(timeout):
            while True:
                seen = [e for e in self.events if e.get("type") == type_]
                if len(seen) >= count:
                    return seen[count - 1]
                self._changed.clear()
                await self._changed.wait()

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._writer.close()


# --- the services the softphones talk to, in this process --------------------------------


JWT_SECRET = "test-secret-that-is-long-enough-for-hs256"


def metadata(user: str, *roles: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token(user, *roles)}"),)


def token(user: str, *roles: str) -> str:
    return issue_token(
        ServiceSettings(jwt_secret=SecretStr(JWT_SECRET)), user, list(roles), "客服部"
    )


class NullPublisher:
    """The broker is not under test here: the outbox relay is not started."""

    def publish(self, event_id: str, topic: str, payload: dict[str, Any]) -> None:
        raise ConnectionError("no broker in this test")


@dataclass
class CallCenterStack:
    """A real customer service and a call center (real clock, in-process callback
    assigner) on loopback ports; the call center can be stopped and started on its port."""

    root: Path
    customer_port: int = 0
    callcenter_port: int = 0
    _customer: grpc.aio.Server | None = None
    _callcenter: grpc.aio.Server | None = None
    _apps: list[Any] = field(default_factory=list)
    _assigner: asyncio.Task[None] | None = None
    _directory: GrpcCustomerDirectory | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.callcenter_port}"

    async def start(self) -> None:
        customer_url = f"sqlite:///{self.root / 'customer.db'}"
        upgrade(CUSTOMER_MIGRATIONS, customer_url)
        customer = customer_bootstrap(
            CustomerSettings(jwt_secret=JWT_SECRET, database_url=customer_url, grpc_port=0),
            publisher=NullPublisher(),
        )
        self._apps.append(customer)
        servicer = customer.servicer()
        registration = ServiceRegistration(
            [customer_servicer.SERVICE],
            lambda server: customer_servicer.add_to_server(servicer, server),
            customer_servicer.POLICY,
        )
        self._customer, _, self.customer_port = build_server(
            customer.settings, registration, access_log=False
        )
        await self._customer.start()
        self.callcenter_port = free_port()
        await self.start_callcenter()

    async def start_callcenter(self) -> None:
        url = f"sqlite:///{self.root / 'callcenter.db'}"
        upgrade(CALLCENTER_MIGRATIONS, url)
        self._directory = GrpcCustomerDirectory(f"127.0.0.1:{self.customer_port}")
        app = callcenter_bootstrap(
            CallCenterSettings(
                jwt_secret=JWT_SECRET, database_url=url, grpc_port=self.callcenter_port
            ),
            publisher=NullPublisher(),
            directory=self._directory,
        )
        self._apps.append(app)
        servicer = app.servicer()
        registration = ServiceRegistration(
            [callcenter_servicer.SERVICE],
            lambda server: callcenter_servicer.add_to_server(servicer, server),
            callcenter_servicer.POLICY,
        )
        self._callcenter, _, port = build_server(app.settings, registration, access_log=False)
        assert port == self.callcenter_port, "the call center's port was taken"
        await self._callcenter.start()
        assert app.assigner is not None
        self._assigner = asyncio.create_task(app.assigner.run())

    async def stop_callcenter(self) -> None:
        if self._assigner is not None:
            self._assigner.cancel()
            await asyncio.gather(self._assigner, return_exceptions=True)
            self._assigner = None
        if self._callcenter is not None:
            await self._callcenter.stop(None)
            self._callcenter = None
        if self._directory is not None:
            await self._directory.close()
            self._directory = None

    async def stop(self) -> None:
        await self.stop_callcenter()
        if self._customer is not None:
            await self._customer.stop(None)
        for app in self._apps:
            app.engine.dispose()


# --- what the scenarios share ----------------------------------------------------------


T = TypeVar("T")
CUSTOMER_NUMBER = "13800138000"
BOSS = metadata("boss", "supervisor")
AGENT1 = metadata("agent.one", "agent")
WAIT_S = 30.0


async def eventually(check: Callable[[], Awaitable[T | None]], what: str) -> T:
    """Polls check until it gives a value; fails naming what never happened."""
    last: T | None = None
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(WAIT_S):
            while True:
                last = await check()
                if last:
                    return last
                await asyncio.sleep(0.05)
    raise AssertionError(f"{what}: not within {WAIT_S} s (last: {last})")


@dataclass
class Shown:
    """What agent 1's bridge showed."""

    pops: list[ScreenPopShown] = field(default_factory=list)
    offers: list[pb.CallbackTask] = field(default_factory=list)
    dialled: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def display(self) -> Display:
        return Display(
            self.pops.append,
            self.offers.append,
            lambda task, uri: self.dialled.append((task.name, uri)),
            self.notes.append,
        )


def agent_one_bridge(
    stack: CallCenterStack, agent_phone: Softphone, agent1: str, spool: Spool, shown: Shown
) -> Bridge:
    """The bridge beside agent 1's softphone, reporting as agent 1."""
    return Bridge(
        agent_phone.ctrl_address,
        stack.address,
        token("agent.one", "agent"),
        agent1,
        spool,
        shown.display(),
    )


async def completed_callback(stub: Any) -> pb.CallbackTask | None:
    """The first completed callback task, once there is one (for eventually())."""
    reply = await stub.ListCallbacks(
        pb.ListCallbacksRequest(filter="state = STATE_COMPLETED"), metadata=BOSS, timeout=10
    )
    return reply.callbacks[0] if reply.callbacks else None


async def setup_agents(stack: CallCenterStack, agent_phone: Softphone) -> tuple[str, str, str]:
    return await create_customer_and_agents(
        f"127.0.0.1:{stack.customer_port}", stack.address, agent_phone
    )


async def create_customer_and_agents(
    customer_address: str, callcenter_address: str, agent_phone: Softphone
) -> tuple[str, str, str]:
    """The customer with a contact on the calling number; agent 1 owns it, agent 2 does not."""
    async with grpc.aio.insecure_channel(customer_address) as channel:
        customers = customer_pb2_grpc.CustomerServiceStub(channel)
        customer = await customers.CreateCustomer(
            cpb.CreateCustomerRequest(
                customer=cpb.Customer(
                    full_name="杭州西湖软件有限公司",
                    kind=cpb.Customer.KIND_ENTERPRISE,
                    owner="users/agent.one",
                    credit_code="91350100M000100Y43",
                ),
                contacts=[
                    cpb.Contact(
                        display_name="王芳", title="采购经理", phone_numbers=["138 0013 8000"]
                    )
                ],
                request_id="softphone-e2e",
            ),
            metadata=metadata("zhang.san", "sales"),
            timeout=10,
        )
    async with grpc.aio.insecure_channel(callcenter_address) as channel:
        stub = callcenter_pb2_grpc.CallCenterServiceStub(channel)
        names = []
        for user, owned, uri in (
            ("agent.one", [customer.name], agent_phone.uri),
            ("agent.two", [], "sip:agent2@127.0.0.1"),
        ):
            agent = await stub.CreateAgent(
                pb.CreateAgentRequest(
                    agent=pb.Agent(
                        user=f"users/{user}",
                        display_name=user,
                        sip_uri=uri,
                        owned_customers=owned,
                    ),
                    request_id=f"softphone-e2e-{user}",
                ),
                metadata=BOSS,
                timeout=10,
            )
            await stub.LoginAgent(pb.LoginAgentRequest(name=agent.name), metadata=BOSS, timeout=10)
            names.append(agent.name)
    return customer.name, names[0], names[1]


@contextlib.asynccontextmanager
async def running(bridge: Bridge) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(bridge.run())
    try:
        async with asyncio.timeout(WAIT_S):
            await bridge.baresip_connected.wait()
            await bridge.stream_open.wait()
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def list_calls(stub: Any, agent: str) -> list[pb.Call]:
    reply = await stub.ListCalls(
        pb.ListCallsRequest(filter=f'agent = "{agent}"'), metadata=BOSS, timeout=10
    )
    return list(reversed(reply.calls))  # oldest first


def seconds_between(start: Any, end: Any) -> int:
    return int((end.ToDatetime(tzinfo=UTC) - start.ToDatetime(tzinfo=UTC)).total_seconds())


async def first(items: list[T]) -> T | None:
    return items[0] if items else None


async def nth(items: list[T], n: int) -> T | None:
    return items[n - 1] if len(items) >= n else None


# Fixtures (this module is a pytest plugin, see tests/conftest.py).


@pytest.fixture
def phones(tmp_path: Path) -> Iterator[tuple[Softphone, Softphone]]:
    """The customer's phone and agent 1's softphone, stopped after the test."""
    started = [start_softphone(tmp_path, CUSTOMER_NUMBER)]
    try:
        started.append(start_softphone(tmp_path, "agent1"))
        yield started[0], started[1]
    finally:
        for phone in started:
            phone.stop()


@pytest_asyncio.fixture
async def stack(tmp_path: Path) -> AsyncIterator[CallCenterStack]:
    """Customer and call-center services serving on free ports."""
    services = CallCenterStack(tmp_path)
    await services.start()
    yield services
    await services.stop()
