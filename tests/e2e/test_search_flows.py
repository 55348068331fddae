"""The search service over real gRPC with real tokens, indexing from the real contract service
through the event handler the Celery worker runs: visibility, masking, snippets, facets,
paging, bad input, idempotent and ordered indexing, the consistency check, an engine down."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import grpc
import pytest
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from callops.contract.v1 import contract_pb2 as cpb
from callops.customer.v1 import customer_pb2 as custpb
from callops.search.v1 import search_pb2 as pb
from callops.search.v1 import search_pb2_grpc
from services.search.__main__ import cli
from services.search.adapters.elasticsearch_engine import ElasticsearchEngine
from services.search.bootstrap import SearchApp, bootstrap
from services.search.entrypoints.tasks import handle_event
from services.search.service_layer import indexing
from tests.customer_fixtures import JWT_SECRET
from tests.e2e.helpers import DENIED, INVALID, cny, customer, expect
from tests.search_fixtures import SearchCaller, start_search
from tests.servers import free_port

NOT_FOUND = grpc.StatusCode.NOT_FOUND
UNAVAILABLE = grpc.StatusCode.UNAVAILABLE
EAST, SOUTH = "华东销售部", "华南销售部"

CONTRACTS: list[dict[str, Any]] = [
    {
        "title": "数据中心服务器采购合同",
        "department": EAST,
        "breach_liability": "乙方逾期交付的，每逾期一日按合同金额的千分之三向甲方支付违约金。",
        "price": 1000,
    },
    {
        "title": "呼叫中心坐席系统服务外包合同",
        "department": EAST,
        "kind": cpb.Contract.KIND_SERVICE_OUTSOURCING,
        "breach_liability": "违约方应当赔偿守约方因此遭受的全部损失，包括诉讼费及律师费。",
        "price": 2000,
    },
    {
        "title": "工业传感器框架协议",
        "department": SOUTH,
        "customer": "深圳鹏城精密传感科技有限公司",
        "kind": cpb.Contract.KIND_FRAMEWORK_AGREEMENT,
        "breach_liability": "因不可抗力不能履行合同的，应在十日内书面通知对方；"
        "任何一方违约的，应向守约方支付违约金。",
        "price": 3000,
    },
]


def draft(customer_name: str, spec: dict[str, Any]) -> cpb.Contract:
    amount = spec["price"] * 10
    msg = cpb.Contract(
        title=spec["title"],
        kind=spec.get("kind", cpb.Contract.KIND_PRODUCT_SALE),
        customer=customer_name,
        owner="users/zhang.san",
        department=spec["department"],
        payment_terms="预付30%，验收合格后付70%",
        breach_liability=spec["breach_liability"],
        dispute_resolution=cpb.Contract.DISPUTE_RESOLUTION_ARBITRATION,
        line_items=[
            cpb.LineItem(
                display_name="服务器",
                quantity="10",
                unit="台",
                unit_price=cny(spec["price"]),
                tax_rate="0.13",
            )
        ],
        payment_milestones=[cpb.PaymentMilestone(display_name="全款", amount=cny(amount))],
    )
    msg.start_date.year, msg.start_date.month, msg.start_date.day = 2026, 12, 1
    msg.end_date.year, msg.end_date.month, msg.end_date.day = 2027, 11, 30
    msg.payment_milestones[0].due_date.year = 2027
    msg.payment_milestones[0].due_date.month = 1
    msg.payment_milestones[0].due_date.day = 10
    return msg


async def create(s: SearchCaller, spec: dict[str, Any], submit: bool = True) -> cpb.Contract:
    c = s.contracts
    made = await c.customers.CreateCustomer(
        custpb.CreateCustomerRequest(customer=customer(spec.get("customer"))),
        metadata=c.as_("sales"),
    )
    contract = await c.stub.CreateContract(
        cpb.CreateContractRequest(contract=draft(made.name, spec)),
        metadata=c.as_("sales", department=spec["department"]),
    )
    if submit:  # creation emits no event; submission does
        contract = await c.stub.SubmitContract(
            cpb.SubmitContractRequest(name=contract.name), metadata=c.as_("sales")
        )
    return contract


@pytest.fixture
async def indexed(grpc_search: SearchCaller) -> list[cpb.Contract]:
    """The three contracts, submitted, their events delivered to the indexer."""
    made = [await create(grpc_search, spec) for spec in CONTRACTS]
    topics = await grpc_search.deliver_events()
    assert topics.count("contract.ContractSubmitted") == 3
    return made


def search(query: str = "", **fields: Any) -> pb.SearchContractsRequest:
    return pb.SearchContractsRequest(query=query, **fields)


def names(response: Any) -> set[str]:
    return {r.contract.name for r in response.results}


async def test_legal_finds_contracts_with_highlighted_snippets_and_facets(
    grpc_search: SearchCaller, indexed: list[cpb.Contract]
) -> None:
    s = grpc_search
    found = await s.stub.SearchContracts(
        search("违约金", facets=[pb.FACET_DEPARTMENT, pb.FACET_STATE]), metadata=s.as_("legal")
    )
    assert names(found) == {indexed[0].name, indexed[2].name}
    assert found.total_size == 2
    for result in found.results:
        clause = [sn for sn in result.snippets if sn.clause_heading == "违约责任"]
        assert clause and "<em>违约金</em>" in clause[0].fragment
        assert result.contract.state == "STATE_PENDING_APPROVAL"
        assert result.contract.total_amount.units in (10000, 30000)  # legal sees amounts
        assert result.contract.version == int(
            next(c.etag for c in indexed if c.name == result.contract.name)
        )
    facets = {f.facet: {b.value: b.count for b in f.buckets} for f in found.facets}
    assert facets[pb.FACET_DEPARTMENT] == {EAST: 1, SOUTH: 1}
    assert facets[pb.FACET_STATE] == {"STATE_PENDING_APPROVAL": 2}

    phrase = await s.stub.SearchContracts(
        search('title:"坐席系统" OR 不可抗力 NEAR/20 通知'), metadata=s.as_("legal")
    )
    assert names(phrase) == {indexed[1].name, indexed[2].name}

    # Parties are searched by the company's name, looked up in the customer service.
    party = await s.stub.SearchContracts(search("party:鹏城精密"), metadata=s.as_("legal"))
    assert names(party) == {indexed[2].name}
    assert party.results[0].contract.customer_display_name == "深圳鹏城精密传感科技有限公司"
    assert any("<em>鹏城精密</em>" in sn.fragment for sn in party.results[0].snippets)


async def test_another_department_sees_only_its_own_and_facets_do_not_leak(
    grpc_search: SearchCaller, indexed: list[cpb.Contract]
) -> None:
    s = grpc_search
    south = s.as_("sales", user="nan.fang", department=SOUTH)
    found = await s.stub.SearchContracts(
        search("违约金", facets=[pb.FACET_DEPARTMENT]), metadata=south
    )
    assert names(found) == {indexed[2].name} and found.total_size == 1
    assert [(b.value, b.count) for b in found.facets[0].buckets] == [(SOUTH, 1)]
    hidden = await s.stub.SearchContracts(
        search("title:服务器", facets=[pb.FACET_DEPARTMENT, pb.FACET_KIND]), metadata=south
    )
    assert hidden.total_size == 0 and not hidden.results
    assert all(not f.buckets for f in hidden.facets)
    # Filtering by another department cannot widen what the caller sees.
    widened = await s.stub.SearchContracts(
        search(filter=pb.ContractFilter(departments=[EAST])), metadata=south
    )
    assert widened.total_size == 0
    # A caller without a department sees nothing rather than everything.
    nowhere = await s.stub.SearchContracts(search(), metadata=s.as_("sales", department=""))
    assert nowhere.total_size == 0


async def test_amounts_are_masked_without_the_contract_amount_right(
    grpc_search: SearchCaller, indexed: list[cpb.Contract]
) -> None:
    s = grpc_search
    paralegal = s.as_("paralegal", user="zhu.li", department=EAST)
    found = await s.stub.SearchContracts(search("合同"), metadata=paralegal)
    assert names(found) == {indexed[0].name, indexed[1].name}
    assert all(not r.contract.HasField("total_amount") for r in found.results)
    # Neither sorting nor filtering may reveal amounts either.
    await expect(s.stub.SearchContracts(search(order_by="amount desc"), metadata=paralegal), DENIED)
    await expect(
        s.stub.SearchContracts(
            search(filter=pb.ContractFilter(min_amount=cny(15000))), metadata=paralegal
        ),
        DENIED,
    )
    ranked = await s.stub.SearchContracts(search(order_by="amount asc"), metadata=s.as_("legal"))
    assert [r.contract.total_amount.units for r in ranked.results] == [10000, 20000, 30000]


async def test_bad_input_and_wrong_roles(
    grpc_search: SearchCaller, indexed: list[cpb.Contract]
) -> None:
    s = grpc_search
    legal = s.as_("legal")
    failure = await expect(
        s.stub.SearchContracts(search('"不可抗力 通知'), metadata=legal), INVALID, "query"
    )
    assert failure.info.reason == "INVALID_QUERY" and failure.info.metadata["position"] == "0"
    await expect(s.stub.SearchContracts(search("title:"), metadata=legal), INVALID, "query")
    await expect(
        s.stub.SearchContracts(search(order_by="price"), metadata=legal), INVALID, "order_by"
    )
    await expect(
        s.stub.SearchContracts(search(filter=pb.ContractFilter(states=["ACTIVE"])), metadata=legal),
        INVALID,
        "filter.states",
    )
    await expect(
        s.stub.SearchContracts(search(page_token="not-a-token"), metadata=legal),
        INVALID,
        "page_token",
    )
    for role in ("finance", "agent", "supervisor"):
        await expect(s.stub.SearchContracts(search("违约"), metadata=s.as_(role)), DENIED)
        await expect(
            s.stub.MoreLikeThis(pb.MoreLikeThisRequest(name=indexed[0].name), metadata=s.as_(role)),
            DENIED,
        )


async def test_pages_follow_tokens_without_overlap(
    grpc_search: SearchCaller, indexed: list[cpb.Contract]
) -> None:
    s = grpc_search
    legal = s.as_("legal")
    first = await s.stub.SearchContracts(search("违约", page_size=2), metadata=legal)
    assert len(first.results) == 2 and first.total_size == 3 and first.next_page_token
    second = await s.stub.SearchContracts(
        search("违约", page_size=2, page_token=first.next_page_token), metadata=legal
    )
    assert len(second.results) == 1 and not second.next_page_token
    assert names(first) | names(second) == {c.name for c in indexed}
    await expect(
        s.stub.SearchContracts(
            search("违约金", page_size=2, page_token=first.next_page_token), metadata=legal
        ),
        INVALID,
        "page_token",
    )


async def test_more_like_this_respects_visibility(
    grpc_search: SearchCaller, indexed: list[cpb.Contract]
) -> None:
    s = grpc_search
    similar = await s.stub.MoreLikeThis(
        pb.MoreLikeThisRequest(name=indexed[0].name), metadata=s.as_("legal")
    )
    assert names(similar) and indexed[0].name not in names(similar)
    south = s.as_("sales", department=SOUTH)
    own = await s.stub.MoreLikeThis(pb.MoreLikeThisRequest(name=indexed[2].name), metadata=south)
    assert not names(own) - {indexed[2].name}  # nothing of the east, and never itself
    # Another department's contract is not found: its wording must not leak.
    await expect(
        s.stub.MoreLikeThis(pb.MoreLikeThisRequest(name=indexed[0].name), metadata=south),
        NOT_FOUND,
    )
    east = await s.stub.MoreLikeThis(
        pb.MoreLikeThisRequest(name=indexed[0].name),
        metadata=s.as_("sales", department=EAST),
    )
    assert names(east) <= {indexed[1].name}
    await expect(
        s.stub.MoreLikeThis(
            pb.MoreLikeThisRequest(name="contracts/" + "0" * 32), metadata=s.as_("legal")
        ),
        NOT_FOUND,
    )
    await expect(
        s.stub.MoreLikeThis(pb.MoreLikeThisRequest(name="合同"), metadata=s.as_("legal")),
        INVALID,
        "name",
    )


async def test_indexing_is_idempotent_and_never_goes_back_a_version(
    grpc_search: SearchCaller,
) -> None:
    s = grpc_search
    contract = await create(s, CONTRACTS[0])
    await s.deliver_events()
    before = await asyncio.to_thread(s.app.contracts.get, contract.name)
    assert before is not None and before.version == int(contract.etag)

    # The same event delivered again changes nothing.
    event_id, topic, payload = next(
        e for e in reversed(s.publisher.published) if e[1] == "contract.ContractSubmitted"
    )
    outcome = await asyncio.to_thread(
        indexing.refresh_contract, s.app.engine, s.app.contracts, contract.name, s.app.policy
    )
    assert outcome == "unchanged"
    await asyncio.to_thread(handle_event, s.app, event_id, topic, payload)
    assert s.app.engine.stored_versions()[contract.name] == before.version

    # A newer version arrives: the approval.
    approved = await s.contracts.stub.ApproveContract(
        cpb.ApproveContractRequest(name=contract.name, opinion="同意"),
        metadata=s.contracts.as_("supervisor", user="zhu.guan"),
    )
    assert "contract.ContractApproved" in await s.deliver_events()
    assert s.app.engine.stored_versions()[contract.name] == int(approved.etag) > before.version

    # The old version arriving late (or the old event replayed) is ignored.
    report = s.app.engine.index([before])
    assert report.written == 0 and report.skipped_stale == 1
    await asyncio.to_thread(handle_event, s.app, event_id, topic, payload)
    found = await s.stub.SearchContracts(search("数据中心"), metadata=s.as_("legal"))
    assert [r.contract.version for r in found.results] == [int(approved.etag)]

    # Events of no contract are acknowledged and dropped.
    await asyncio.to_thread(handle_event, s.app, "e-1", "customer.CustomerCreated", {})
    await asyncio.to_thread(
        handle_event, s.app, "e-2", "contract.CustomerFiguresChanged", {"customer": "c"}
    )


async def test_check_compares_with_the_contract_service_and_repairs(
    grpc_search: SearchCaller, indexed: list[cpb.Contract]
) -> None:
    s = grpc_search
    # A draft emits no event: only the check finds it. An entry the service never had, and
    # one at an older version, are found too.
    quiet = await create(s, CONTRACTS[1], submit=False)
    ghost = dataclasses.replace(
        await asyncio.to_thread(s.app.contracts.get, indexed[0].name),  # type: ignore[type-var]
        id="contracts/" + "f" * 32,
    )
    s.app.engine.index([ghost])
    s.app.engine.delete(indexed[1].name)
    older = await asyncio.to_thread(s.app.contracts.get, indexed[1].name)
    assert older is not None
    s.app.engine.index([dataclasses.replace(older, version=older.version - 1)])

    diff = await asyncio.to_thread(
        indexing.check, s.app.engine, s.app.contracts, s.app.policy, False
    )
    assert diff.missing == [quiet.name]
    assert diff.stale == [indexed[1].name]
    assert diff.extra == [ghost.id]
    assert s.app.engine.stored_versions()[ghost.id]  # nothing repaired yet

    diff = await asyncio.to_thread(indexing.check, s.app.engine, s.app.contracts, s.app.policy)
    assert not diff.clean
    again = await asyncio.to_thread(indexing.check, s.app.engine, s.app.contracts, s.app.policy)
    assert again.clean
    found = await s.stub.SearchContracts(search("坐席系统"), metadata=s.as_("legal"))
    assert names(found) == {indexed[1].name, quiet.name}
    assert {r.contract.state for r in found.results} == {"STATE_DRAFT", "STATE_PENDING_APPROVAL"}


def _dead_elasticsearch(s: SearchCaller) -> SearchApp:
    client = Elasticsearch(f"http://127.0.0.1:{free_port()}", request_timeout=1, max_retries=0)
    return bootstrap(s.app.settings, engine=ElasticsearchEngine(client), contracts=s.app.contracts)


async def test_engine_down_search_is_unavailable_writes_succeed_and_the_index_catches_up(
    grpc_search: SearchCaller,
) -> None:
    s = grpc_search
    down = _dead_elasticsearch(s)
    server, port = await start_search(down)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = search_pb2_grpc.SearchServiceStub(channel)
            failure = await expect(
                stub.SearchContracts(search("违约"), metadata=s.as_("legal")), UNAVAILABLE
            )
            assert failure.info.reason == "SEARCH_INDEX_UNAVAILABLE"
            await expect(
                stub.MoreLikeThis(
                    pb.MoreLikeThisRequest(name="contracts/" + "a" * 32), metadata=s.as_("legal")
                ),
                UNAVAILABLE,
            )
    finally:
        await server.stop(None)

    # The contract service does not wait for search: the write succeeds, its event fails
    # to index (Celery retries it) and, once the engine is back, the event indexes it.
    contract = await create(s, CONTRACTS[2])
    await asyncio.to_thread(s.contracts.app.relay.publish_pending)
    pending = s.publisher.published[s.delivered :]
    assert {t for _, t, _ in pending} == {"contract.ContractChanged", "contract.ContractSubmitted"}
    with pytest.raises(Exception):  # noqa: B017 - whatever the client raises, Celery retries
        await asyncio.to_thread(handle_event, down, *pending[-1])
    await s.deliver_events()
    found = await s.stub.SearchContracts(search("不可抗力"), metadata=s.as_("legal"))
    assert names(found) == {contract.name}


async def test_reindex_and_check_commands(grpc_search: SearchCaller) -> None:
    s = grpc_search
    made = [await create(s, spec, submit=False) for spec in CONTRACTS]  # no events at all
    settings = s.app.settings
    env = {
        "CALLOPS_JWT_SECRET": JWT_SECRET,
        "CALLOPS_DATA_DIR": str(settings.data_dir),
        "CALLOPS_DATABASE_URL": settings.database_url,
        "CALLOPS_CONTRACT_ADDRESS": settings.contract_address,
        "CALLOPS_CUSTOMER_ADDRESS": settings.customer_address,
        "CALLOPS_ELASTICSEARCH_URL": "",
    }
    runner = CliRunner()
    check = await asyncio.to_thread(runner.invoke, cli, ["check", "--no-repair"], env=env)
    assert check.exit_code == 1 and "missing: 3" in check.output, check.output
    done = await asyncio.to_thread(runner.invoke, cli, ["reindex"], env=env)
    assert done.exit_code == 0 and "indexed 3 contracts" in done.output, done.output
    deadline = asyncio.get_running_loop().time() + 5
    while set(s.app.engine.stored_versions()) != {c.name for c in made}:
        assert asyncio.get_running_loop().time() < deadline, "the server's reader never reloaded"
        await asyncio.sleep(0.1)
    clean = await asyncio.to_thread(runner.invoke, cli, ["check"], env=env)
    assert clean.exit_code == 0 and "matches" in clean.output, clean.output
