"""A customer renamed in the customer service: its indexed contracts are found by the new
company name once the customer event reaches the search indexer."""

from __future__ import annotations

import asyncio

from google.protobuf import field_mask_pb2

from callops.customer.v1 import customer_pb2 as custpb
from callops.search.v1 import search_pb2 as pb
from services.customer.bootstrap import CustomerApp
from services.search.service_layer import indexing
from tests.e2e.test_search_flows import CONTRACTS, create, names, search
from tests.search_fixtures import SearchCaller


async def _rename(s: SearchCaller, customer: str, full_name: str) -> None:
    c = s.contracts
    current = await c.customers.GetCustomer(
        custpb.GetCustomerRequest(name=customer), metadata=c.as_("sales")
    )
    await c.customers.UpdateCustomer(
        custpb.UpdateCustomerRequest(
            customer=custpb.Customer(name=customer, full_name=full_name, etag=current.etag),
            update_mask=field_mask_pb2.FieldMask(paths=["full_name"]),
        ),
        metadata=c.as_("sales"),
    )


async def _deliver(s: SearchCaller, customer_app: CustomerApp) -> list[str]:
    await asyncio.to_thread(customer_app.relay.publish_pending)
    return await s.deliver_events()


async def test_a_renamed_customer_is_found_by_its_new_name(
    grpc_search: SearchCaller, customer_app: CustomerApp
) -> None:
    s = grpc_search
    ours = [await create(s, CONTRACTS[0])]
    other = await create(s, CONTRACTS[2])  # another customer's
    await _deliver(s, customer_app)
    legal = s.as_("legal")
    old_name = (
        await s.contracts.customers.GetCustomer(
            custpb.GetCustomerRequest(name=ours[0].customer), metadata=s.contracts.as_("sales")
        )
    ).full_name
    found = await s.stub.SearchContracts(search(f'party:"{old_name}"'), metadata=legal)
    assert names(found) == {ours[0].name}
    versions = s.app.engine.stored_versions()

    await _rename(s, ours[0].customer, "杭州钱塘新辰信息技术有限公司")
    topics = await _deliver(s, customer_app)
    assert "customer.CustomerUpdated" in topics

    found = await s.stub.SearchContracts(search("party:钱塘新辰"), metadata=legal)
    assert names(found) == {ours[0].name}
    assert found.results[0].contract.customer_display_name == "杭州钱塘新辰信息技术有限公司"
    gone = await s.stub.SearchContracts(search(f'party:"{old_name}"'), metadata=legal)
    assert names(gone) == set()
    # The contract's version did not move, and no other contract was touched.
    assert s.app.engine.stored_versions() == versions
    untouched = await s.stub.SearchContracts(search("不可抗力"), metadata=legal)
    assert names(untouched) == {other.name}

    # Delivered again (a redelivered event): nothing changes.
    changed = await asyncio.to_thread(
        indexing.refresh_customers,
        s.app.engine,
        s.app.contracts,
        [ours[0].customer],
        s.app.policy,
    )
    assert changed == 1  # rewritten at the same version, with the same text
    again = await s.stub.SearchContracts(search("party:钱塘新辰"), metadata=legal)
    assert names(again) == {ours[0].name}


async def test_customer_events_that_change_nothing_indexed_are_ignored(
    grpc_search: SearchCaller, customer_app: CustomerApp
) -> None:
    s = grpc_search
    contract = await create(s, CONTRACTS[0])
    await _deliver(s, customer_app)
    c = s.contracts
    current = await c.customers.GetCustomer(
        custpb.GetCustomerRequest(name=contract.customer), metadata=c.as_("sales")
    )
    await c.customers.UpdateCustomer(
        custpb.UpdateCustomerRequest(
            customer=custpb.Customer(name=contract.customer, city="无锡", etag=current.etag),
            update_mask=field_mask_pb2.FieldMask(paths=["city"]),
        ),
        metadata=c.as_("sales"),
    )
    await asyncio.to_thread(customer_app.relay.publish_pending)
    pending = s.publisher.published[s.delivered :]
    assert [t for _, t, _ in pending] == ["customer.CustomerUpdated"]
    assert indexing.customers_in_event(pending[0][1], pending[0][2]) == []
    await s.deliver_events()
    found = await s.stub.SearchContracts(
        pb.SearchContractsRequest(query="数据中心"), metadata=s.as_("legal")
    )
    assert names(found) == {contract.name}
