"""Fixtures for the search tests: the generated corpus, a tantivy index built from it, and
the search service over gRPC indexing from the real contract service."""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import grpc
import pytest
import pytest_asyncio
from grpc_health.v1 import health_pb2
from grpc_health.v1._async import HealthServicer

from callops.search.v1 import search_pb2_grpc
from services.common.auth import issue_token
from services.common.migrations import upgrade
from services.common.rights import DEFAULT_ROLE_RIGHTS
from services.common.server import ServiceRegistration, build_server
from services.contract.entrypoints import servicer as contract_servicer
from services.search.adapters.contract_client import GrpcContractSource
from services.search.adapters.tantivy_engine import TantivyEngine
from services.search.bootstrap import MIGRATIONS, SearchApp, bootstrap
from services.search.config import SearchSettings
from services.search.domain.documents import ContractDocument
from services.search.entrypoints import servicer as search_servicer
from services.search.entrypoints.tasks import handle_event
from tests.contract_fixtures import ContractCaller
from tests.customer_fixtures import JWT_SECRET, RecordingPublisher
from tests.search_corpus import generate_corpus


@pytest.fixture(scope="session")
def search_corpus() -> list[ContractDocument]:
    return generate_corpus()


@pytest.fixture(scope="session")
def search_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("search-index")


@pytest.fixture(scope="session")
def tantivy_engine(
    search_corpus: list[ContractDocument], search_index_dir: Path
) -> Iterator[TantivyEngine]:
    """The whole corpus indexed in a shuffled order and in several batches, like events."""
    engine = TantivyEngine(search_index_dir)
    docs = list(search_corpus)
    random.Random(7).shuffle(docs)
    for start in range(0, len(docs), 100):
        engine.index(docs[start : start + 100])
    yield engine
    engine.close()


@pytest.fixture
def empty_tantivy_engine(tmp_path: Path) -> Iterator[TantivyEngine]:
    engine = TantivyEngine(tmp_path / "index")
    yield engine
    engine.close()


# -- a stand-in for Elasticsearch's HTTP API, to see the adapter's requests -----------------


class FakeElasticsearch(ThreadingHTTPServer):
    """A loopback HTTP server that answers like Elasticsearch and records each request.

    Bulk items whose id is in `stale` get 409 (what external versioning answers for an
    older version); `status` overrides the answer for every other item.
    """

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, str, bytes]] = []
        self.stale: set[str] = set()
        self.status = 201

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeElasticsearch

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, body: Any) -> None:
        raw = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append((self.command, self.path, raw))
        if not self.path.startswith("/_bulk") and "_search" not in self.path:
            self._answer({"acknowledged": True})
        elif self.path.startswith("/_bulk"):
            lines = [json.loads(line) for line in raw.splitlines() if line.strip()]
            items = []
            for meta in lines[::2]:
                _id = meta["index"]["_id"]
                status = 409 if _id in self.server.stale else self.server.status
                item: dict[str, Any] = {"_id": _id, "status": status}
                if status >= 300:
                    item["error"] = {"type": "version_conflict_engine_exception"}
                items.append({"index": item})
            self._answer(
                {"took": 1, "errors": any("error" in i["index"] for i in items), "items": items}
            )
        else:
            self._answer({"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}})

    do_PUT = do_POST  # the bulk helper sends PUT
    do_DELETE = do_POST

    def do_GET(self) -> None:
        self.server.requests.append(("GET", self.path, b""))
        if self.path.startswith("/_cat/plugins"):
            self._answer([{"name": "node-1", "component": "analysis-ik", "version": "8.19.0"}])
        else:
            self._answer({"contracts-old": {"aliases": {"contracts": {}}}})


@pytest.fixture
def fake_es() -> Iterator[FakeElasticsearch]:
    server = FakeElasticsearch()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


# -- the search service over gRPC, indexing from the real contract service -----------------

# Beyond the defaults: sales may search (their own department only) and a `paralegal`
# searches without the contract_amount right, so masking and visibility can be seen.
SEARCH_ROLE_RIGHTS = {
    **DEFAULT_ROLE_RIGHTS,
    "sales": DEFAULT_ROLE_RIGHTS["sales"] | {"contracts.search"},
    "paralegal": frozenset({"contracts.search"}),
}


def search_settings(
    tmp_path: Path, contract_address: str, customer_address: str = "", **overrides: Any
) -> SearchSettings:
    return SearchSettings(
        jwt_secret=JWT_SECRET,
        grpc_port=0,
        data_dir=tmp_path / "search-data",
        database_url=f"sqlite:///{tmp_path / 'search.db'}",
        contract_address=contract_address,
        customer_address=customer_address,
        role_rights=SEARCH_ROLE_RIGHTS,
        **overrides,
    )


@dataclass
class SearchCaller:
    """A gRPC client of the running search service, the contract service it indexes from,
    and the wired app whose event handler the tests drive."""

    stub: search_pb2_grpc.SearchServiceStub
    contracts: ContractCaller
    app: SearchApp
    publisher: RecordingPublisher
    delivered: int = 0

    def as_(
        self, *roles: str, user: str = "fa.wu", department: str = "法务部"
    ) -> tuple[tuple[str, str], ...]:
        token = issue_token(self.app.settings, user, list(roles), department)
        return (("authorization", f"Bearer {token}"),)

    async def deliver_events(self, app: SearchApp | None = None) -> list[str]:
        """Relays the contract service's outbox and hands each new event to the search
        event handler, as the Celery worker would; returns the topics delivered."""
        await asyncio.to_thread(self.contracts.app.relay.publish_pending)
        new = self.publisher.published[self.delivered :]
        for event_id, topic, payload in new:
            await asyncio.to_thread(handle_event, app or self.app, event_id, topic, payload)
            self.delivered += 1
        return [topic for _, topic, _ in new]


async def _serve(settings: Any, registration: ServiceRegistration) -> tuple[grpc.aio.Server, int]:
    server, _, port = build_server(settings, registration, access_log=False)
    await server.start()
    return server, port


async def start_search(app: SearchApp) -> tuple[grpc.aio.Server, int]:
    """A search server on `app` behind the real interceptors, on a loopback port."""
    servicer = app.servicer()
    return await _serve(
        app.settings,
        ServiceRegistration(
            [search_servicer.SERVICE],
            lambda server: search_servicer.add_to_server(servicer, server),
            search_servicer.POLICY,
        ),
    )


@dataclass
class RunningSearch:
    """A search server as `serve` runs it: health set to SERVING, then the engine probe."""

    server: grpc.aio.Server
    port: int
    health: HealthServicer
    probe: asyncio.Task[None]

    async def stop(self) -> None:
        self.probe.cancel()
        await asyncio.gather(self.probe, return_exceptions=True)
        await self.server.stop(None)


async def start_search_with_health(app: SearchApp) -> RunningSearch:
    servicer = app.servicer()
    server, health, port = build_server(
        app.settings,
        ServiceRegistration(
            [search_servicer.SERVICE],
            lambda server: search_servicer.add_to_server(servicer, server),
            search_servicer.POLICY,
        ),
        access_log=False,
    )
    await server.start()
    for name in ("", search_servicer.SERVICE):
        await health.set(name, health_pb2.HealthCheckResponse.SERVING)
    probe = asyncio.create_task(app.watch.run(health))
    return RunningSearch(server, port, health, probe)


@pytest_asyncio.fixture
async def grpc_search(
    tmp_path: Path, grpc_contract: ContractCaller, publisher: RecordingPublisher
) -> AsyncIterator[SearchCaller]:
    """The search service (tantivy under tmp_path) behind the real interceptors, reading
    contracts from the real contract service with a `service` token."""
    # The indexer's own way in to the contract service: a second server on the same app
    # (ContractCaller does not say which port the first listens on).
    contracts = grpc_contract.app.servicer()
    contract_server, contract_port = await _serve(
        grpc_contract.settings,
        ServiceRegistration(
            [contract_servicer.SERVICE],
            lambda server: contract_servicer.add_to_server(contracts, server),
            contract_servicer.POLICY,
        ),
    )
    settings = search_settings(
        tmp_path, f"127.0.0.1:{contract_port}", grpc_contract.settings.customer_address
    )
    upgrade(MIGRATIONS, settings.database_url)
    app = bootstrap(settings)
    server, port = await start_search(app)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield SearchCaller(
            search_pb2_grpc.SearchServiceStub(channel), grpc_contract, app, publisher
        )
    await server.stop(None)
    await contract_server.stop(None)
    assert isinstance(app.contracts, GrpcContractSource)
    app.contracts.close()
    if isinstance(app.engine, TantivyEngine):
        app.engine.close()
    app.database.dispose()
