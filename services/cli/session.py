"""What every command shares: the addresses, the token, gRPC channels and error exits."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, NoReturn

import grpc
import typer
from google.protobuf import any_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

# Exit codes scripts can rely on (documented in docs/cli.md and `callops --help`).
OK = 0
OTHER = 1
USAGE = 2  # click's own code for a bad command line
NOT_FOUND = 3
INVALID_ARGUMENT = 4
DENIED = 5  # not authenticated, or not allowed
CONFLICT = 6  # failed precondition, stale etag, already exists
UNAVAILABLE = 7  # service not reachable, or timed out

_EXIT_CODES = {
    grpc.StatusCode.NOT_FOUND: NOT_FOUND,
    grpc.StatusCode.INVALID_ARGUMENT: INVALID_ARGUMENT,
    grpc.StatusCode.OUT_OF_RANGE: INVALID_ARGUMENT,
    grpc.StatusCode.UNAUTHENTICATED: DENIED,
    grpc.StatusCode.PERMISSION_DENIED: DENIED,
    grpc.StatusCode.FAILED_PRECONDITION: CONFLICT,
    grpc.StatusCode.ABORTED: CONFLICT,
    grpc.StatusCode.ALREADY_EXISTS: CONFLICT,
    grpc.StatusCode.UNAVAILABLE: UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED: UNAVAILABLE,
}

# The run command's defaults; each overridable by --<svc>-address or CALLOPS_<SVC>_ADDRESS.
DEFAULT_ADDRESSES = {
    "customer": "127.0.0.1:50051",
    "contract": "127.0.0.1:50052",
    "callcenter": "127.0.0.1:50053",
    "search": "127.0.0.1:50054",
    "alerts": "127.0.0.1:50055",
}


@dataclass
class Session:
    """The global options of one invocation and the channels it opened."""

    addresses: dict[str, str]
    token: str
    json_output: bool
    timeout: float
    _channels: dict[str, grpc.Channel] = field(default_factory=dict)

    def channel(self, service: str) -> grpc.Channel:
        if service not in self._channels:
            self._channels[service] = grpc.insecure_channel(self.addresses[service])
        return self._channels[service]

    def metadata(self) -> tuple[tuple[str, str], ...]:
        if not self.token:
            fail(
                "no token: pass --token or set CALLOPS_TOKEN "
                "(for local use: callops token --user USER --role ROLE)",
                DENIED,
            )
        return (("authorization", f"Bearer {self.token}"),)

    def close(self) -> None:
        for channel in self._channels.values():
            channel.close()
        self._channels.clear()


_current: ContextVar[Session | None] = ContextVar("callops_cli_session", default=None)


def begin(session: Session) -> None:
    """Called by the root command: the session of this invocation."""
    _current.set(session)


def current() -> Session:
    """The session the root command made for this invocation."""
    session = _current.get()
    assert session is not None, "the root callback begins the session"
    return session


def fail(message: str, code: int = OTHER) -> NoReturn:
    """One line on stderr, then the exit code."""
    typer.echo(f"callops: {message}", err=True)
    sys.exit(code)


def describe(error: grpc.RpcError, service: str = "") -> tuple[str, int]:
    """One line for a failed call, with the fields at fault, and its exit code."""
    code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
    text = error.details() if isinstance(error, grpc.Call) else str(error)
    violations: list[str] = []
    reason = ""
    status = rpc_status.from_call(error) if isinstance(error, grpc.Call) else None
    details: list[any_pb2.Any] = list(status.details) if status is not None else []
    for detail in details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            violations += [f"{v.field}: {v.description}" for v in bad.field_violations]
        elif detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = info.reason
    # The fields at fault say it best; the message often repeats them.
    parts = [f"{code.name}: {'; '.join(violations) if violations else text}"]
    if reason and reason != code.name:
        parts.append(f"({reason})")
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED) and service:
        where = current().addresses.get(service, "")
        parts.append(f"- is the {service} service running at {where}? (make run)")
    return " ".join(parts), _EXIT_CODES.get(code, OTHER)


@contextlib.contextmanager
def rpc_failures(service: str = "") -> Iterator[None]:
    """Turns a failed gRPC call into one line on stderr and a documented exit code."""
    try:
        yield
    except grpc.RpcError as error:
        line, code = describe(error, service)
        fail(line, code)


def call(service: str, method: Any, request: Any) -> Any:
    """One unary call of `service` with the session's token and timeout; a failure exits."""
    session = current()
    with rpc_failures(service):
        return method(request, metadata=session.metadata(), timeout=session.timeout)


def every_page(fetch: Callable[[str], Any], results: str) -> list[Any]:
    """Follows next_page_token from the first page to the last: `fetch(token)` asks for one
    page, `results` names its repeated field."""
    found: list[Any] = []
    token = ""
    while True:
        page = fetch(token)
        found += getattr(page, results)
        token = page.next_page_token
        if not token:
            return found
