"""Bare echo gRPC service (generic handler, raw bytes) run in its own process, and its client."""

from __future__ import annotations

import asyncio
import functools
import multiprocessing as mp
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

import grpc

from bench.loadgen import Call, get_from

SERVICE = "bench.Echo"
METHOD = f"/{SERVICE}/Echo"
PAYLOAD = bytes(range(100))
CALL_TIMEOUT_S = 5.0  # a deadline on every call, so a stuck server shows up as errors
START_TIMEOUT_S = 30.0


async def _echo(request: bytes, context: grpc.aio.ServicerContext[bytes, bytes]) -> bytes:
    return request


async def _serve(port: int, out: Any) -> None:
    # so_reuseport lets several processes share one port; the harness uses distinct ports.
    server = grpc.aio.server(options=(("grpc.so_reuseport", 1),))
    # No (de)serializers: gRPC then hands bytes through untouched, the identity on bytes
    # without a Python call per message, which keeps the baseline bare.
    handler = grpc.unary_unary_rpc_method_handler(_echo)
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(SERVICE, {"Echo": handler}),)
    )
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    out.put(bound)
    await server.wait_for_termination()


def _serve_main(port: int, out: Any) -> None:
    asyncio.run(_serve(port, out))


@dataclass
class ServerProcess:
    """A server running in a child process, listening on 127.0.0.1:port."""

    process: BaseProcess
    port: int

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)


def wait_serving(address: str, timeout_s: float = START_TIMEOUT_S) -> None:
    """Return once an echo call to address succeeds; raise grpc.RpcError after timeout_s."""
    with grpc.insecure_channel(address) as channel:
        rpc = channel.unary_unary(METHOD, request_serializer=None, response_deserializer=None)
        rpc(PAYLOAD, timeout=timeout_s, wait_for_ready=True)


def start_echo_server(port: int = 0) -> ServerProcess:
    """Start an echo server process on 127.0.0.1:port (0 picks a free port); blocks until ready."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_serve_main, args=(port, out), name="bench-echo", daemon=True)
    proc.start()
    server = ServerProcess(proc, 0)
    try:
        server.port = get_from(out, [proc], time.monotonic() + START_TIMEOUT_S)
        if not server.port:
            raise RuntimeError(f"echo server could not bind 127.0.0.1:{port}")
        wait_serving(f"127.0.0.1:{server.port}")
    except (grpc.RpcError, RuntimeError):
        server.stop()
        raise
    return server


async def echo_client(channel: grpc.aio.Channel) -> Call:
    """Client factory: one echo call of PAYLOAD per invocation."""
    rpc = channel.unary_unary(METHOD, request_serializer=None, response_deserializer=None)
    # A partial returns the awaitable call object directly: no extra coroutine per call.
    return functools.partial(rpc, PAYLOAD, timeout=CALL_TIMEOUT_S)
