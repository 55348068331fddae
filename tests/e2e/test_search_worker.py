"""The search indexer on a real Celery worker with a real Redis broker: contract events,
published as the contract service's outbox publishes them, reach `search.handle_event`, and
a redelivered event changes nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from callops.search.v1 import search_pb2 as pb
from services.common.config import EVENT_ROUTES
from services.common.outbox import CeleryEventPublisher
from services.search.entrypoints.tasks import make_worker
from tests.e2e.test_search_flows import CONTRACTS, create
from tests.search_fixtures import SearchCaller

pytestmark = pytest.mark.redis


@pytest.fixture
def search_worker(grpc_search: SearchCaller, redis_url: str) -> Iterator[Celery]:
    app = grpc_search.app
    app.settings = app.settings.model_copy(update={"broker_url": redis_url})
    celery = make_worker(app)
    with start_worker(celery, pool="solo", perform_ping_check=False, queues=["search"]):
        yield celery


async def test_contract_events_are_indexed_by_the_worker_once(
    grpc_search: SearchCaller, search_worker: Celery
) -> None:
    s = grpc_search
    contract = await create(s, CONTRACTS[0])
    await asyncio.to_thread(s.contracts.app.relay.publish_pending)
    event = next(e for e in s.publisher.published if e[1] == "contract.ContractSubmitted")
    # The routes the outbox relays use in production: contract.* goes to the `search` queue.
    publisher = CeleryEventPublisher(search_worker, EVENT_ROUTES)
    for _ in range(3):  # the broker may redeliver; the relay may publish again
        publisher.publish(*event)

    deadline = time.monotonic() + 20
    while contract.name not in s.app.engine.stored_versions():
        assert time.monotonic() < deadline, "the worker did not index the contract in time"
        await asyncio.sleep(0.1)  # the loop keeps serving the worker's GetContract calls
    await asyncio.sleep(1)  # let the redeliveries run too
    assert s.app.engine.stored_versions() == {contract.name: int(contract.etag)}
    found = await s.stub.SearchContracts(
        pb.SearchContractsRequest(query="违约金"), metadata=s.as_("legal")
    )
    assert [r.contract.name for r in found.results] == [contract.name]
