"""gRPC server bootstrap: interceptors, health, reflection, graceful stop, several processes."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection
from prometheus_client import start_http_server

from services.common.auth import TokenVerifier
from services.common.config import ServiceSettings
from services.common.interceptors import (
    AuthInterceptor,
    ErrorInterceptor,
    ObservabilityInterceptor,
    RequestIdInterceptor,
)
from services.common.logging import configure_logging, get_logger

log = get_logger("callops.server")

MAX_MESSAGE_BYTES = 16 * 1024 * 1024


@dataclass
class ServiceRegistration:
    """What a service hands to `serve`: how to add its servicers, and who may call what."""

    service_names: Sequence[str]
    add_to_server: Callable[[grpc.aio.Server], None]
    policy: Mapping[str, str]
    on_start: Callable[[], Awaitable[None]] | None = None
    on_stop: Callable[[], Awaitable[None]] | None = None
    background: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)
    # Jobs that set a service's health status themselves (e.g. NOT_SERVING while the search
    # engine is unreachable), so readiness probes take the replica out of rotation.
    health_watchers: list[Callable[[HealthServicer], Coroutine[Any, Any, None]]] = field(
        default_factory=list
    )


def build_server(
    settings: ServiceSettings, registration: ServiceRegistration, access_log: bool = True
) -> tuple[grpc.aio.Server, HealthServicer, int]:
    interceptors = [
        RequestIdInterceptor(),
        ObservabilityInterceptor(access_log=access_log),
        AuthInterceptor(TokenVerifier(settings), registration.policy),
        ErrorInterceptor(),
    ]
    server = grpc.aio.server(
        interceptors=interceptors,
        options=[
            # Shared only by our own worker processes: with one process, another server
            # binding the same port must fail rather than silently take half the calls.
            ("grpc.so_reuseport", 1 if settings.grpc_workers > 1 else 0),
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ],
    )
    registration.add_to_server(server)
    health_servicer = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        [*registration.service_names, health.SERVICE_NAME, reflection.SERVICE_NAME], server
    )
    port = server.add_insecure_port(f"{settings.grpc_host}:{settings.grpc_port}")
    return server, health_servicer, port


async def serve(settings: ServiceSettings, registration: ServiceRegistration) -> None:
    """Runs until SIGTERM or SIGINT: then health says NOT_SERVING and in-flight calls get the
    grace period before the server stops."""
    server, health_servicer, port = build_server(settings, registration)
    if registration.on_start:
        await registration.on_start()
    await server.start()
    for name in ("", *registration.service_names):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    tasks = [asyncio.create_task(job()) for job in registration.background]
    tasks += [asyncio.create_task(watch(health_servicer)) for watch in registration.health_watchers]
    log.info("serving", address=f"{settings.grpc_host}:{port}", pid=os.getpid())

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()

    log.info("stopping", grace_seconds=settings.shutdown_grace_seconds)
    await health_servicer.enter_graceful_shutdown()
    await server.stop(settings.shutdown_grace_seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if registration.on_stop:
        await registration.on_stop()
    log.info("stopped")


def run(
    settings: ServiceSettings, make_registration: Callable[[ServiceSettings], ServiceRegistration]
) -> None:
    """Starts `grpc_workers` processes on one port (SO_REUSEPORT), so every core serves."""
    configure_logging(settings.log_level, settings.service_name)
    if settings.metrics_port:
        start_http_server(settings.metrics_port, addr=settings.grpc_host)
    if settings.grpc_workers == 1:
        asyncio.run(serve(settings, make_registration(settings)))
        return
    ctx = multiprocessing.get_context("spawn")
    workers = [
        ctx.Process(target=_worker, args=(settings, make_registration), daemon=False)
        for _ in range(settings.grpc_workers)
    ]
    for w in workers:
        w.start()

    def forward(signum: int, _: object) -> None:
        for w in workers:
            if w.pid is not None and w.is_alive():
                os.kill(w.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for w in workers:
        w.join()


def _worker(
    settings: ServiceSettings, make_registration: Callable[[ServiceSettings], ServiceRegistration]
) -> None:
    configure_logging(settings.log_level, settings.service_name)
    asyncio.run(serve(settings, make_registration(settings)))
