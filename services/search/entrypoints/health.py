"""The engine probe: the gRPC health of SearchService follows whether the engine can answer,
and searches are refused while it cannot."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from grpc_health.v1 import health_pb2
from grpc_health.v1._async import HealthServicer

from services.common.logging import get_logger
from services.search.adapters.engine import EngineHealth, SearchEngine

log = get_logger("callops.search.health")

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
PROBE_SECONDS = 5.0


class EngineWatch:
    """Asks the engine how it is every `interval` seconds and publishes the answer.

    `serving` is what the servicer checks before each search: a tantivy index deleted or
    corrupted under a running server still answers from the segments it has mapped, an
    answer that can no longer change; refusing it (UNAVAILABLE) is the honest reply.
    """

    def __init__(
        self,
        engine: SearchEngine,
        services: Sequence[str],
        interval: float = PROBE_SECONDS,
    ) -> None:
        self._engine = engine
        self._services = tuple(services)
        self._interval = interval
        self.serving = True
        self.last: EngineHealth | None = None

    async def probe(self, health: HealthServicer | None = None) -> EngineHealth:
        """One probe: updates `serving` and, given one, the health servicer's status."""
        state = await asyncio.to_thread(self._engine.health)
        changed = self.last is None or state.serving != self.last.serving
        self.last = state
        self.serving = state.serving
        if health is not None:
            status = SERVING if state.serving else NOT_SERVING
            for name in self._services:
                await health.set(name, status)
        if changed:
            if state.serving:
                log.info("search engine serving", documents=state.documents, detail=state.detail)
            else:
                log.warning("search engine down", detail=state.detail[:300])
        return state

    async def run(self, health: HealthServicer | None = None) -> None:
        """Probes until cancelled (the server cancels its background jobs on stop)."""
        while True:
            try:
                await self.probe(health)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a probe that fails must not end the watch
                log.warning("search engine probe failed", error=repr(error)[:300])
            await asyncio.sleep(self._interval)
