"""A first walk through the customer service over a real channel."""

import grpc
import pytest

from callops.customer.v1 import customer_pb2 as pb


async def test_create_then_lookup_by_phone_masks_for_agents(grpc_customer):
    c = grpc_customer
    created = await c.stub.CreateCustomer(
        pb.CreateCustomerRequest(
            customer=pb.Customer(
                full_name="杭州西湖软件有限公司",
                kind=pb.Customer.KIND_ENTERPRISE,
                owner="users/zhang.san",
            ),
            contacts=[pb.Contact(display_name="李四", phone_numbers=["138-0013-8000"])],
        ),
        metadata=c.as_("sales"),
    )
    found = await c.stub.LookupByPhone(
        pb.LookupByPhoneRequest(phone_number="+8613800138000"), metadata=c.as_("agent", user="a1")
    )
    assert [m.customer.name for m in found.matches] == [created.name]
    assert found.matches[0].contact.phone_numbers == ["138****8000"]
    assert found.matches[0].contact.display_name == "李*"


async def test_missing_token_is_unauthenticated(grpc_customer):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await grpc_customer.stub.GetCustomer(pb.GetCustomerRequest(name="customers/" + "0" * 32))
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
