"""The Elasticsearch full reindex: one at a time under a Redis lock (the real Redis), a fresh
index then one alias swap (requests seen by a stand-in for Elasticsearch's HTTP API), and the
`reindex` command doing both."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
import redis
from elasticsearch import Elasticsearch
from redis.exceptions import LockNotOwnedError
from typer.testing import CliRunner

from services.search.__main__ import cli
from services.search.adapters.elasticsearch_engine import ElasticsearchEngine
from services.search.adapters.reindex_lock import LOCK_NAME, ReindexLock, ReindexRunning
from services.search.domain.documents import ContractDocument
from services.search.service_layer import indexing
from tests.customer_fixtures import JWT_SECRET
from tests.e2e.test_search_flows import CONTRACTS, create
from tests.search_fixtures import FakeElasticsearch, SearchCaller


class ListedContracts:
    """The contract service's pages, as the indexer reads them; `on_page` runs after each."""

    def __init__(self, docs: list[ContractDocument], page: int = 10) -> None:
        self.docs = docs
        self.page = page
        self.on_page = lambda: None

    def get(self, name: str) -> ContractDocument | None:
        return next((d for d in self.docs if d.id == name), None)

    def pages(self) -> Iterator[list[ContractDocument]]:
        for start in range(0, len(self.docs), self.page):
            yield self.docs[start : start + self.page]
            self.on_page()

    def forget_customers(self, customers: object) -> None:
        pass


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def _calls(fake_es: FakeElasticsearch) -> list[tuple[str, str]]:
    return [(m, path.split("?")[0]) for m, path, _ in fake_es.requests]


def test_only_one_holder_at_a_time(redis_client: redis.Redis, redis_url: str) -> None:
    first, second = ReindexLock(redis_client), ReindexLock(redis.Redis.from_url(redis_url))
    with first.held() as renew:
        with pytest.raises(ReindexRunning), second.held():
            pass
        renew()  # still ours
        assert redis_client.exists(LOCK_NAME)
    assert not redis_client.exists(LOCK_NAME)
    with second.held():
        assert redis_client.exists(LOCK_NAME)


def test_an_abandoned_lock_expires(redis_client: redis.Redis) -> None:
    # A reindex that died holding the lock does not block the next one for good.
    with ReindexLock(redis_client, timeout=300).held():
        ttl = redis_client.pttl(LOCK_NAME)
        assert 0 < ttl <= 300_000


def test_a_rebuild_while_another_runs_sends_nothing(
    redis_client: redis.Redis, fake_es: FakeElasticsearch, search_corpus: list[ContractDocument]
) -> None:
    engine = ElasticsearchEngine(Elasticsearch(fake_es.url))
    with ReindexLock(redis_client).held(), pytest.raises(ReindexRunning):
        indexing.rebuild(
            engine,
            ListedContracts(search_corpus[:5]),
            indexing.IndexingPolicy(),
            ReindexLock(redis_client),
        )
    assert fake_es.requests == []


def test_a_rebuild_that_lost_its_lock_does_not_swap(
    redis_client: redis.Redis, fake_es: FakeElasticsearch, search_corpus: list[ContractDocument]
) -> None:
    engine = ElasticsearchEngine(Elasticsearch(fake_es.url))
    source = ListedContracts(search_corpus[:30], page=10)
    pages: list[int] = []

    def expire_and_take() -> None:
        pages.append(1)
        if len(pages) == 2:  # the lock expired and another reindex took it
            redis_client.delete(LOCK_NAME)
            redis_client.set(LOCK_NAME, b"someone-else", px=60_000)

    source.on_page = expire_and_take
    with pytest.raises(LockNotOwnedError):
        indexing.rebuild(
            engine,
            source,
            indexing.IndexingPolicy(),
            ReindexLock(redis_client, timeout=60),
            progress=lambda _: None,
        )
    calls = _calls(fake_es)
    created = next(p for m, p in calls if m == "PUT" and p.startswith("/contracts-"))
    assert calls[-1] == ("DELETE", created)
    assert ("POST", "/_aliases") not in calls
    # The other holder's lock is left alone.
    assert redis_client.get(LOCK_NAME) == b"someone-else"


def test_a_rebuild_indexes_what_the_policy_wants(
    redis_client: redis.Redis, fake_es: FakeElasticsearch, search_corpus: list[ContractDocument]
) -> None:
    docs = search_corpus[:25]
    heard: list[int] = []
    name = indexing.rebuild(
        ElasticsearchEngine(Elasticsearch(fake_es.url)),
        ListedContracts(docs),
        indexing.IndexingPolicy(keep_archived=False),
        ReindexLock(redis_client),
        progress=heard.append,
    )
    sent = [
        json.loads(line)["index"]["_id"]
        for _, path, raw in fake_es.requests
        if path.startswith("/_bulk")
        for line in raw.splitlines()[::2]
    ]
    wanted = [d.id for d in docs if d.state != "ARCHIVED"]
    assert sent == wanted and sum(heard) == len(wanted)
    assert ("POST", "/_aliases") in _calls(fake_es) and name.startswith("contracts-")
    assert not redis_client.exists(LOCK_NAME)


async def test_reindex_command_with_elasticsearch(
    grpc_search: SearchCaller, redis_url: str, fake_es: FakeElasticsearch
) -> None:
    s = grpc_search
    made = [await create(s, spec, submit=False) for spec in CONTRACTS]
    settings = s.app.settings
    env = {
        "CALLOPS_JWT_SECRET": JWT_SECRET,
        "CALLOPS_DATA_DIR": str(settings.data_dir),
        "CALLOPS_DATABASE_URL": settings.database_url,
        "CALLOPS_CONTRACT_ADDRESS": settings.contract_address,
        "CALLOPS_CUSTOMER_ADDRESS": settings.customer_address,
        "CALLOPS_ELASTICSEARCH_URL": fake_es.url,
        "CALLOPS_BROKER_URL": redis_url,
    }
    runner = CliRunner()
    with ReindexLock(redis.Redis.from_url(redis_url)).held():
        busy = await asyncio.to_thread(runner.invoke, cli, ["reindex"], env=env)
    assert busy.exit_code == 4 and "another full reindex is running" in busy.output, busy.output
    assert fake_es.requests == []

    done = await asyncio.to_thread(runner.invoke, cli, ["reindex"], env=env)
    assert done.exit_code == 0, done.output
    assert "indexed 3 contracts into contracts-" in done.output
    sent = {
        json.loads(line)["index"]["_id"]
        for _, path, raw in fake_es.requests
        if path.startswith("/_bulk")
        for line in raw.splitlines()[::2]
    }
    assert sent == {c.name for c in made}
    assert ("DELETE", "/contracts-old") in _calls(fake_es)
