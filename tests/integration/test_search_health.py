"""The search server's gRPC health follows its engine: NOT_SERVING (and searches refused with
UNAVAILABLE) while the index is unusable or Elasticsearch unreachable, SERVING once back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import grpc
import pytest
import pytest_asyncio
from elasticsearch import Elasticsearch
from grpc_health.v1 import health_pb2, health_pb2_grpc

from callops.search.v1 import search_pb2 as pb
from callops.search.v1 import search_pb2_grpc
from services.common.auth import issue_token
from services.common.migrations import upgrade
from services.common.server import build_server
from services.search.adapters.elasticsearch_engine import ElasticsearchEngine
from services.search.adapters.engine import SearchEngine
from services.search.adapters.tantivy_engine import SCHEMA_VERSION, TantivyEngine
from services.search.bootstrap import MIGRATIONS, bootstrap, registration
from services.search.domain.documents import ContractDocument
from services.search.entrypoints.servicer import SERVICE
from tests.e2e.helpers import expect
from tests.search_fixtures import RunningSearch, search_settings, start_search_with_health
from tests.servers import free_port

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class Client:
    def __init__(self, channel: grpc.aio.Channel, token: str) -> None:
        self.health = health_pb2_grpc.HealthStub(channel)
        self.search = search_pb2_grpc.SearchServiceStub(channel)
        self.metadata = (("authorization", f"Bearer {token}"),)

    async def status(self, service: str = SERVICE) -> int:
        answer = await self.health.Check(health_pb2.HealthCheckRequest(service=service))
        return int(answer.status)

    async def until(self, wanted: int) -> None:
        """Waits (a few seconds at most) for the probe to publish `wanted`."""
        deadline = asyncio.get_running_loop().time() + 10
        while await self.status() != wanted:
            assert asyncio.get_running_loop().time() < deadline, f"health never became {wanted}"
            await asyncio.sleep(0.02)

    async def total(self, query: str) -> int:
        found = await self.search.SearchContracts(
            pb.SearchContractsRequest(query=query), metadata=self.metadata
        )
        return int(found.total_size)

    async def refused(self, query: str) -> None:
        """The search is refused as one a client should retry later."""
        failure = await expect(
            self.search.SearchContracts(
                pb.SearchContractsRequest(query=query), metadata=self.metadata
            ),
            grpc.StatusCode.UNAVAILABLE,
        )
        assert failure.info.reason == "SEARCH_INDEX_UNAVAILABLE"


Serve = Callable[[SearchEngine], Awaitable[Client]]


@pytest_asyncio.fixture
async def serve_engine(tmp_path: Path) -> AsyncIterator[Serve]:
    running: list[tuple[RunningSearch, grpc.aio.Channel]] = []

    async def start(engine: SearchEngine) -> Client:
        # Nothing listens at the contract address: these tests only read the index.
        settings = search_settings(tmp_path, f"127.0.0.1:{free_port()}", engine_probe_seconds=0.05)
        upgrade(MIGRATIONS, settings.database_url)
        app = bootstrap(settings, engine=engine)
        server = await start_search_with_health(app)
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.port}")
        running.append((server, channel))
        return Client(channel, issue_token(settings, "fa.wu", ["legal"], "法务部"))

    yield start
    for server, channel in running:
        await channel.close()
        await server.stop()


async def test_tantivy_index_unusable_then_restored(
    serve_engine: Serve, tmp_path: Path, search_corpus: list[ContractDocument]
) -> None:
    engine = TantivyEngine(tmp_path / "index", keep_writer=False)
    engine.index(search_corpus[:40])
    client = await serve_engine(engine)
    await client.until(SERVING)
    expected = await client.total("违约")
    assert expected > 0

    meta = engine.directory / "meta.json"
    good = meta.read_bytes()
    meta.write_text("{ not a tantivy index")
    await client.until(NOT_SERVING)
    await client.refused("违约")
    # Only the search service is out of rotation: the process itself is alive.
    assert await client.status("") == SERVING

    meta.write_bytes(good)
    await client.until(SERVING)
    assert await client.total("违约") == expected
    engine.close()


async def test_elasticsearch_unreachable_is_not_serving(serve_engine: Serve) -> None:
    dead = Elasticsearch(f"http://127.0.0.1:{free_port()}", request_timeout=1, max_retries=0)
    client = await serve_engine(ElasticsearchEngine(dead))
    await client.until(NOT_SERVING)
    await client.refused("违约")


@pytest.mark.parametrize("broken", ["deleted", "corrupted"])
def test_tantivy_health_notices_the_index_going(
    tmp_path: Path, search_corpus: list[ContractDocument], broken: str
) -> None:
    engine = TantivyEngine(tmp_path / "index", keep_writer=False)
    engine.index(search_corpus[:5])
    assert engine.health().serving and engine.health().documents == 5
    if broken == "deleted":
        for path in engine.directory.iterdir():
            path.unlink()
        engine.directory.rmdir()
    else:
        (engine.directory / "meta.json").write_text("garbage")
    state = engine.health()
    assert not state.serving and state.detail


async def test_the_served_registration_runs_the_probe(tmp_path: Path) -> None:
    index = tmp_path / "served-index"
    settings = search_settings(
        tmp_path, f"127.0.0.1:{free_port()}", engine_probe_seconds=0.05, index_dir=index
    )
    upgrade(MIGRATIONS, settings.database_url)
    served = registration(settings)
    server, health, port = build_server(settings, served, access_log=False)
    await server.start()
    # As services.common.server.serve starts them.
    assert served.background == [] and len(served.health_watchers) == 1
    jobs = [asyncio.create_task(watch(health)) for watch in served.health_watchers]
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            client = Client(channel, issue_token(settings, "fa.wu", ["legal"], "法务部"))
            assert await client.total("违约") == 0
            (index / f"schema-{SCHEMA_VERSION}" / "meta.json").write_text("garbage")
            deadline = asyncio.get_running_loop().time() + 10
            while True:
                try:
                    await client.total("违约")
                except grpc.aio.AioRpcError as error:
                    assert error.code() == grpc.StatusCode.UNAVAILABLE
                    break
                assert asyncio.get_running_loop().time() < deadline, "searches never refused"
                await asyncio.sleep(0.02)
            await client.until(NOT_SERVING)
    finally:
        for job in jobs:
            job.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)
        await server.stop(None)
