"""Authentication and authorization over the real channel: tokens, role rights, open services."""

from __future__ import annotations

import time

import grpc
import jwt
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from callops.customer.v1 import customer_pb2 as pb
from services.common.auth import issue_token
from services.common.rights import DEFAULT_ROLE_RIGHTS, ROLES
from services.customer.entrypoints.servicer import POLICY, RIGHTS, SERVICE
from tests.customer_fixtures import JWT_SECRET
from tests.e2e.helpers import DENIED, INVALID, UNAUTHENTICATED, UNKNOWN_ID, create, decode, expect

SERVICE_DESCRIPTOR = pb.DESCRIPTOR.services_by_name["CustomerService"]
METHODS = sorted(m.name for m in SERVICE_DESCRIPTOR.methods)


def empty_request(method: str):
    """The method's request message with nothing set."""
    return getattr(pb, SERVICE_DESCRIPTOR.methods_by_name[method].input_type.name)()


def claims(**overrides):
    now = int(time.time())
    base = {
        "sub": "zhang.san",
        "roles": ["admin"],
        "iss": "callops",
        "aud": "callops",
        "iat": now,
        "exp": now + 600,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


# --- the policy covers the whole service ---------------------------------------------------------


def test_every_method_of_the_service_has_a_policy_entry():
    expected = {f"/{SERVICE}/{m}" for m in METHODS}
    assert SERVICE_DESCRIPTOR.full_name == SERVICE
    assert set(POLICY) == expected
    assert set(RIGHTS) == set(METHODS)


def test_every_right_in_the_policy_is_held_by_some_role():
    held = set().union(*DEFAULT_ROLE_RIGHTS.values())
    assert set(POLICY.values()) <= held
    assert set(DEFAULT_ROLE_RIGHTS) == set(ROLES)


# --- authentication ------------------------------------------------------------------------------

BAD_TOKENS = {
    "no header": (),
    "empty bearer": (("authorization", "Bearer "),),
    "basic auth": (("authorization", "Basic emhhbmc6c2Fu"),),
    "lower-case scheme": (("authorization", "bearer x.y.z"),),
    "not a jwt": bearer("not-a-token"),
    "bad signature": bearer(
        jwt.encode(claims(), "another-secret-that-is-long-enough!!", algorithm="HS256")
    ),
    "tampered payload": None,  # filled in by the test: a real token with its payload swapped
    "unsigned alg none": bearer(jwt.encode(claims(), None, algorithm="none")),
    "wrong audience": bearer(jwt.encode(claims(aud="crm"), JWT_SECRET, algorithm="HS256")),
    "wrong issuer": bearer(jwt.encode(claims(iss="someone-else"), JWT_SECRET, algorithm="HS256")),
    "no expiry": bearer(jwt.encode(claims(exp=None), JWT_SECRET, algorithm="HS256")),
    "no subject": bearer(jwt.encode(claims(sub=None), JWT_SECRET, algorithm="HS256")),
    "roles not a list": bearer(jwt.encode(claims(roles="admin"), JWT_SECRET, algorithm="HS256")),
    "roles not strings": bearer(jwt.encode(claims(roles=[1]), JWT_SECRET, algorithm="HS256")),
    "not yet valid": bearer(
        jwt.encode(claims(nbf=int(time.time()) + 3600), JWT_SECRET, algorithm="HS256")
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_bad_credentials_are_unauthenticated(grpc_customer, case):
    c = grpc_customer
    metadata = BAD_TOKENS[case]
    if metadata is None:
        header, _, signature = c.token("admin").split(".")
        _, payload, _ = jwt.encode(
            claims(roles=["admin", "service"]), "x" * 32, algorithm="HS256"
        ).split(".")
        metadata = bearer(f"{header}.{payload}.{signature}")
    failure = await expect(
        c.stub.GetCustomer(
            pb.GetCustomerRequest(name=f"customers/{UNKNOWN_ID}"), metadata=metadata
        ),
        UNAUTHENTICATED,
        reason="UNAUTHENTICATED",
    )
    assert not failure.fields


async def test_expired_token_is_unauthenticated(grpc_customer):
    c = grpc_customer
    expired = issue_token(c.settings, "zhang.san", ["admin"], ttl_seconds=-60)
    failure = await expect(
        c.stub.ListCustomers(pb.ListCustomersRequest(), metadata=bearer(expired)),
        UNAUTHENTICATED,
        reason="UNAUTHENTICATED",
    )
    assert "expired" in failure.message


async def test_authentication_comes_before_input_checks(grpc_customer):
    """A caller without a token learns nothing about the request, not even that it is bad."""
    await expect(
        grpc_customer.stub.GetCustomer(pb.GetCustomerRequest(name="nonsense")), UNAUTHENTICATED
    )


async def test_a_fresh_token_is_accepted(grpc_customer):
    c = grpc_customer
    page = await c.stub.ListCustomers(pb.ListCustomersRequest(), metadata=c.as_("agent"))
    assert list(page.customers) == []


# --- authorization by role -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_reaches_exactly_the_methods_its_rights_allow(grpc_customer, role):
    """Empty requests: an allowed call gets past the auth check (OK or INVALID_ARGUMENT), a
    forbidden one is PERMISSION_DENIED naming the method and the right."""
    c = grpc_customer
    rights = DEFAULT_ROLE_RIGHTS[role]
    for method in METHODS:
        call = getattr(c.stub, method)(empty_request(method), metadata=c.as_(role))
        if RIGHTS[method] in rights:
            try:
                await call
            except grpc.aio.AioRpcError as err:
                assert err.code() == INVALID, f"{role} {method}: {err.code()} {err.details()}"
                assert decode(err).fields
        else:
            failure = await expect(call, DENIED, reason="PERMISSION_DENIED")
            assert failure.info.metadata["method"] == f"/{SERVICE}/{method}"
            assert failure.info.metadata["right"] == RIGHTS[method]


@pytest.mark.parametrize(
    ("method", "allowed"),
    [
        ("GetCustomer", set(ROLES)),
        ("CreateCustomer", {"supervisor", "sales", "admin"}),
        ("DeleteCustomer", {"admin"}),
        ("MergeCustomers", {"admin"}),
        ("ReportCustomerFigures", {"admin", "service"}),
        ("CreateTicket", {"agent", "supervisor", "sales", "admin"}),
        ("RespondToSurvey", {"supervisor", "admin"}),
        ("CompleteFollowUp", {"agent", "supervisor", "sales", "admin"}),
    ],
)
def test_default_rights_match_the_business_roles(method, allowed):
    assert {r for r in ROLES if RIGHTS[method] in DEFAULT_ROLE_RIGHTS[r]} == allowed


async def test_unknown_role_and_no_role_have_no_rights(grpc_customer):
    c = grpc_customer
    for roles in (["intern"], []):
        token = issue_token(c.settings, "zhang.san", roles)
        await expect(
            c.stub.ListCustomers(pb.ListCustomersRequest(), metadata=bearer(token)),
            DENIED,
            reason="PERMISSION_DENIED",
        )


async def test_rights_of_several_roles_add_up(grpc_customer):
    c = grpc_customer
    figures = pb.ReportCustomerFiguresRequest(customer=f"customers/{UNKNOWN_ID}")
    await expect(c.stub.ReportCustomerFigures(figures, metadata=c.as_("agent")), DENIED)
    await expect(
        c.stub.ReportCustomerFigures(figures, metadata=c.as_("agent", "service")),
        grpc.StatusCode.NOT_FOUND,
    )


# --- customer ownership --------------------------------------------------------------------------


def rename(name: str, city: str, etag: str = "") -> pb.UpdateCustomerRequest:
    return pb.UpdateCustomerRequest(
        customer=pb.Customer(name=name, city=city, etag=etag), update_mask={"paths": ["city"]}
    )


async def test_sales_cannot_update_another_sales_persons_customer(grpc_customer):
    c = grpc_customer
    mine = await create(c, user="zhang.san")
    failure = await expect(
        c.stub.UpdateCustomer(rename(mine.name, "宁波"), metadata=c.as_("sales", user="li.si")),
        DENIED,
        reason="NOT_CUSTOMER_OWNER",
    )
    assert failure.info.metadata["owner"] == "users/zhang.san"
    unchanged = await c.stub.GetCustomer(
        pb.GetCustomerRequest(name=mine.name), metadata=c.as_("sales", user="li.si")
    )
    assert unchanged.city == "" and unchanged.etag == mine.etag

    own = await c.stub.UpdateCustomer(
        rename(mine.name, "杭州"), metadata=c.as_("sales", user="zhang.san")
    )
    assert own.city == "杭州"
    for boss in ("supervisor", "admin"):
        done = await c.stub.UpdateCustomer(
            rename(mine.name, f"{boss}市"), metadata=c.as_(boss, user="wang.wu")
        )
        assert done.city == f"{boss}市"


async def test_only_supervisors_hand_a_customer_to_another_owner(grpc_customer):
    c = grpc_customer
    mine = await create(c, user="zhang.san")
    hand_over = pb.UpdateCustomerRequest(
        customer=pb.Customer(name=mine.name, owner="users/li.si"), update_mask={"paths": ["owner"]}
    )
    await expect(
        c.stub.UpdateCustomer(hand_over, metadata=c.as_("sales", user="zhang.san")),
        DENIED,
        reason="NOT_CUSTOMER_OWNER",
    )
    moved = await c.stub.UpdateCustomer(hand_over, metadata=c.as_("supervisor", user="boss"))
    assert moved.owner == "users/li.si"
    await expect(
        c.stub.UpdateCustomer(rename(mine.name, "杭州"), metadata=c.as_("sales", user="zhang.san")),
        DENIED,
        reason="NOT_CUSTOMER_OWNER",
    )
    now_theirs = await c.stub.UpdateCustomer(
        rename(mine.name, "杭州"), metadata=c.as_("sales", user="li.si")
    )
    assert now_theirs.city == "杭州"


# --- what stays open, and request ids ------------------------------------------------------------


async def test_health_check_needs_no_token(grpc_customer):
    health = health_pb2_grpc.HealthStub(grpc_customer.channel)
    answer = await health.Check(health_pb2.HealthCheckRequest())
    assert answer.status == health_pb2.HealthCheckResponse.SERVING


async def test_reflection_lists_services_without_a_token(grpc_customer):
    stub = reflection_pb2_grpc.ServerReflectionStub(grpc_customer.channel)
    call = stub.ServerReflectionInfo()
    await call.write(reflection_pb2.ServerReflectionRequest(list_services=""))
    answer = await call.read()
    await call.done_writing()
    names = {s.name for s in answer.list_services_response.service}
    assert {SERVICE, "grpc.health.v1.Health"} <= names


async def test_request_id_is_echoed_in_initial_metadata(grpc_customer):
    c = grpc_customer
    call = c.stub.ListCustomers(
        pb.ListCustomersRequest(), metadata=(*c.as_("agent"), ("x-request-id", "req-2026-abc"))
    )
    await call
    assert dict(await call.initial_metadata())["x-request-id"] == "req-2026-abc"


async def test_request_id_is_echoed_on_failure_too(grpc_customer):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await grpc_customer.stub.ListCustomers(
            pb.ListCustomersRequest(), metadata=(("x-request-id", "no-token-1"),)
        )
    assert caught.value.code() == UNAUTHENTICATED
    assert dict(caught.value.initial_metadata())["x-request-id"] == "no-token-1"


async def test_request_id_is_made_when_missing_and_capped_when_long(grpc_customer):
    c = grpc_customer
    call = c.stub.ListCustomers(pb.ListCustomersRequest(), metadata=c.as_("agent"))
    await call
    made = dict(await call.initial_metadata())["x-request-id"]
    assert len(made) == 32 and int(made, 16) >= 0
    call = c.stub.ListCustomers(
        pb.ListCustomersRequest(), metadata=(*c.as_("agent"), ("x-request-id", "r" * 500))
    )
    await call
    assert dict(await call.initial_metadata())["x-request-id"] == "r" * 64
