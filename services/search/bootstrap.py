"""Composition root of the search service: engine, contract source, servicer, indexer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import Elasticsearch
from sqlalchemy import Engine

from services.common.db import make_engine as make_database
from services.common.migrations import ensure_migrated
from services.common.pagination import PageTokens
from services.common.server import ServiceRegistration
from services.search.adapters.contract_client import ContractSource, GrpcContractSource
from services.search.adapters.elasticsearch_engine import ElasticsearchEngine
from services.search.adapters.engine import SearchEngine
from services.search.adapters.saved_searches import SavedSearchStore
from services.search.adapters.tantivy_engine import TantivyEngine
from services.search.config import SearchSettings
from services.search.entrypoints.health import EngineWatch
from services.search.entrypoints.servicer import POLICY, SERVICE, SearchServicer, add_to_server
from services.search.service_layer.indexing import IndexingPolicy

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(settings: SearchSettings) -> SearchEngine:
    """Elasticsearch when CALLOPS_ELASTICSEARCH_URL is set, else tantivy on local disk."""
    if settings.elasticsearch_url:
        # Short timeouts and one retry: a search waits seconds at most for a dead cluster,
        # then answers UNAVAILABLE.
        client = Elasticsearch(
            settings.elasticsearch_url, request_timeout=5, max_retries=1, retry_on_timeout=False
        )
        return ElasticsearchEngine(client, settings.elasticsearch_alias)
    # The writer is released after each write, so the worker and a reindex take turns.
    return TantivyEngine(settings.index_directory(), keep_writer=False)


@dataclass
class SearchApp:
    """Everything wired: what the server, the worker, the CLI and the tests use."""

    settings: SearchSettings
    engine: SearchEngine
    contracts: ContractSource
    policy: IndexingPolicy
    database: Engine
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    _prepared: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _watch: EngineWatch | None = None

    @property
    def watch(self) -> EngineWatch:
        """The engine probe shared by the servicer and the server's health status."""
        if self._watch is None:
            self._watch = EngineWatch(self.engine, [SERVICE], self.settings.engine_probe_seconds)
        return self._watch

    def servicer(self) -> SearchServicer:
        return SearchServicer(
            self.engine,
            PageTokens.for_service(self.settings),
            frozenset(self.settings.all_departments_roles),
            SavedSearchStore(self.database),
            self.clock,
            self.watch,
        )

    def writable_engine(self) -> SearchEngine:
        """The engine, with Elasticsearch's index template and alias in place (once)."""
        with self._lock:
            if not self._prepared and isinstance(self.engine, ElasticsearchEngine):
                self.engine.ensure_index()
            self._prepared = True
        return self.engine


def bootstrap(
    settings: SearchSettings,
    *,
    engine: SearchEngine | None = None,
    contracts: ContractSource | None = None,
) -> SearchApp:
    """Wires the app; the database (saved searches only) is connected on first use."""
    return SearchApp(
        settings=settings,
        engine=engine if engine is not None else make_engine(settings),
        contracts=(
            contracts
            if contracts is not None
            else GrpcContractSource(settings, settings.contract_address, settings.customer_address)
        ),
        policy=IndexingPolicy(keep_archived=settings.index_archived),
        database=make_database(settings.database_url_or_default()),
    )


def registration(settings: SearchSettings) -> ServiceRegistration:
    app = bootstrap(settings)
    ensure_migrated(app.database, MIGRATIONS, "search")
    servicer = app.servicer()
    registration = ServiceRegistration(
        service_names=[SERVICE],
        add_to_server=lambda server: add_to_server(servicer, server),
        policy=POLICY,
    )
    # SearchService turns NOT_SERVING while the engine is down.
    registration.health_watchers.append(app.watch.run)
    return registration
