"""Server interceptors: request id, access log and metrics, authentication and authorization,
and the mapping of domain errors to gRPC status. Each wraps the handler's behaviour, so the
same code serves unary and streaming methods."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any, NoReturn

import grpc
from prometheus_client import Counter, Histogram

from services.common import errors, rpc_errors
from services.common.auth import AuthenticationFailed, TokenVerifier, current_principal
from services.common.logging import get_logger, request_id

log = get_logger("callops.rpc")

# Health and reflection stay open so probes and grpcurl-style tools work without a token.
OPEN_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")

RPC_SECONDS = Histogram(
    "callops_rpc_seconds",
    "RPC latency by method and status code",
    ["method", "code"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
RPC_TOTAL = Counter("callops_rpc_total", "RPCs by method and status code", ["method", "code"])

Context = grpc.aio.ServicerContext[Any, Any]
_caller: ContextVar[dict[str, str]] = ContextVar("rpc_caller")
if TYPE_CHECKING:  # grpc-stubs make these generic; grpc's own classes take no parameters
    Handler = grpc.RpcMethodHandler[Any, Any]
    _ServerInterceptor = grpc.aio.ServerInterceptor[Any, Any]
else:
    Handler = grpc.RpcMethodHandler
    _ServerInterceptor = grpc.aio.ServerInterceptor
Around = Callable[[str, Context], contextlib.AbstractAsyncContextManager[None]]


class _WrappingInterceptor(_ServerInterceptor):
    """Runs `around(method, context)` around every call of every handler it sees."""

    def around(self, method: str, context: Context) -> contextlib.AbstractAsyncContextManager[None]:
        raise NotImplementedError

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler]],
        details: grpc.HandlerCallDetails,
    ) -> Handler:
        handler = await continuation(details)
        if handler is None:  # unknown method: grpc answers UNIMPLEMENTED
            return handler
        return _wrap(handler, details.method, self.around)


def _wrap(handler: Handler, method: str, around: Around) -> Handler:
    if handler.unary_unary or handler.stream_unary:
        inner: Any = handler.unary_unary or handler.stream_unary

        async def unary(request: Any, context: Context) -> Any:
            async with around(method, context):
                return await inner(request, context)

        make = (
            grpc.unary_unary_rpc_method_handler
            if handler.unary_unary
            else grpc.stream_unary_rpc_method_handler
        )
        return make(unary, handler.request_deserializer, handler.response_serializer)

    inner_stream: Any = handler.unary_stream or handler.stream_stream

    async def streaming(request: Any, context: Context) -> AsyncIterator[Any]:
        async with around(method, context):
            async for item in inner_stream(request, context):
                yield item

    make_stream = (
        grpc.unary_stream_rpc_method_handler
        if handler.unary_stream
        else grpc.stream_stream_rpc_method_handler
    )
    return make_stream(streaming, handler.request_deserializer, handler.response_serializer)


def _metadata(context: Context, key: str) -> str | None:
    for k, v in context.invocation_metadata() or ():
        if k == key:
            return v if isinstance(v, str) else v.decode()
    return None


class RequestIdInterceptor(_WrappingInterceptor):
    """Takes the caller's x-request-id (or makes one) and returns it to the caller."""

    @contextlib.asynccontextmanager
    async def around(self, method: str, context: Context) -> AsyncIterator[None]:
        rid = _metadata(context, "x-request-id") or uuid.uuid4().hex
        token = request_id.set(rid[:64])
        try:
            await context.send_initial_metadata((("x-request-id", rid[:64]),))
            yield
        finally:
            _reset(request_id, token)


class ObservabilityInterceptor(_WrappingInterceptor):
    """One access-log line and the Prometheus figures for every RPC."""

    def __init__(self, access_log: bool = True) -> None:
        self._access_log = access_log

    @contextlib.asynccontextmanager
    async def around(self, method: str, context: Context) -> AsyncIterator[None]:
        start = time.perf_counter()
        code = "OK"
        # The auth interceptor inside fills this in; its own context is gone by the time the
        # access-log line is written.
        caller: dict[str, str] = {}
        facts = _caller.set(caller)
        try:
            yield
        except BaseException:
            code = _code_name(context, default="CANCELLED")
            raise
        else:
            code = _code_name(context, default="OK")
        finally:
            seconds = time.perf_counter() - start
            RPC_SECONDS.labels(method, code).observe(seconds)
            RPC_TOTAL.labels(method, code).inc()
            _reset(_caller, facts)
            if self._access_log:
                log.info(
                    "rpc",
                    method=method,
                    code=code,
                    ms=round(seconds * 1000, 3),
                    user=caller.get("user"),
                )


def _code_name(context: Context, default: str) -> str:
    code = context.code()
    if isinstance(code, grpc.StatusCode):
        return code.name
    return default


class AuthInterceptor(_WrappingInterceptor):
    """Every RPC needs `authorization: Bearer <JWT>` and the right its method requires.

    `policy` maps full method names to the right each needs; a method missing from it is
    refused, so a new RPC is closed until someone decides who may call it.
    """

    def __init__(self, verifier: TokenVerifier, policy: Mapping[str, str]) -> None:
        self._verifier = verifier
        self._policy = policy

    @contextlib.asynccontextmanager
    async def around(self, method: str, context: Context) -> AsyncIterator[None]:
        if method.startswith(OPEN_PREFIXES):
            yield
            return
        header = _metadata(context, "authorization")
        if not header or not header.startswith("Bearer "):
            await _abort(
                context,
                grpc.StatusCode.UNAUTHENTICATED,
                "UNAUTHENTICATED",
                "missing 'authorization: Bearer <token>' metadata",
            )
        try:
            principal = self._verifier.verify(header[len("Bearer ") :].strip())
        except AuthenticationFailed as exc:
            await _abort(context, grpc.StatusCode.UNAUTHENTICATED, "UNAUTHENTICATED", str(exc))
        right = self._policy.get(method)
        if right is None or not principal.can(right):
            await _abort(
                context,
                grpc.StatusCode.PERMISSION_DENIED,
                "PERMISSION_DENIED",
                f"roles {sorted(principal.roles)} may not call {method}",
                {"method": method, "right": right or ""},
            )
        _caller.get({})["user"] = principal.user_id
        token = current_principal.set(principal)
        try:
            yield
        finally:
            _reset(current_principal, token)


def _reset(var: ContextVar[Any], token: Token[Any]) -> None:
    # A cancelled stream is finalized in another context, where the token is not valid; the
    # RPC's context goes away with it, so there is nothing left to restore.
    with contextlib.suppress(ValueError):
        var.reset(token)


class ErrorInterceptor(_WrappingInterceptor):
    """Domain errors become their status with details; anything else is INTERNAL, logged
    with its traceback, and the caller gets the request id instead of our internals."""

    @contextlib.asynccontextmanager
    async def around(self, method: str, context: Context) -> AsyncIterator[None]:
        try:
            yield
        except errors.DomainError as exc:
            code, status = rpc_errors.status_for(exc)
            await context.abort(code, status.message, rpc_errors.trailing_metadata(status))
        except (grpc.aio.AbortError, grpc.aio.UsageError):
            raise
        except Exception:
            with contextlib.suppress(Exception):  # logging must not turn INTERNAL into UNKNOWN
                log.exception("rpc failed", method=method)
            await _abort(
                context,
                grpc.StatusCode.INTERNAL,
                "INTERNAL",
                f"internal error (request id {request_id.get()})",
            )


async def _abort(
    context: Context,
    code: grpc.StatusCode,
    reason: str,
    message: str,
    metadata: dict[str, str] | None = None,
) -> NoReturn:
    status = rpc_errors.rich_status(code, message, reason, metadata)
    await context.abort(code, message, rpc_errors.trailing_metadata(status))
