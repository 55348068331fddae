"""Shared helpers for the customer end-to-end tests: error decoding and request builders."""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import date
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from google.type import date_pb2, money_pb2
from grpc_status import rpc_status
from sqlalchemy import select

from callops.customer.v1 import customer_pb2 as pb
from services.customer.adapters import orm
from services.customer.domain.credit_code import check_character

INVALID = grpc.StatusCode.INVALID_ARGUMENT
NOT_FOUND = grpc.StatusCode.NOT_FOUND
ABORTED = grpc.StatusCode.ABORTED
FAILED = grpc.StatusCode.FAILED_PRECONDITION
EXISTS = grpc.StatusCode.ALREADY_EXISTS
DENIED = grpc.StatusCode.PERMISSION_DENIED
UNAUTHENTICATED = grpc.StatusCode.UNAUTHENTICATED

# Codes that mean "the server broke", never an answer to a bad request.
SERVER_FAULTS = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN}

UNKNOWN_ID = "0123456789abcdef0123456789abcdef"

_serial = itertools.count(1)


@dataclass
class Failure:
    """A failed call with its status details decoded."""

    code: grpc.StatusCode
    message: str
    info: error_details_pb2.ErrorInfo
    fields: list[str]


def decode(err: grpc.aio.AioRpcError) -> Failure:
    """The google.rpc.Status details of a failed call: ErrorInfo and BadRequest fields."""
    status = rpc_status.from_call(err)
    assert status is not None, f"{err.code()} without status details: {err.details()}"
    info = error_details_pb2.ErrorInfo()
    fields: list[str] = []
    seen_info = False
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            detail.Unpack(info)
            seen_info = True
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields.extend(v.field for v in bad.field_violations)
    assert seen_info, f"no ErrorInfo in {err.code()}: {err.details()}"
    assert info.domain == "callops"
    return Failure(err.code(), err.details() or "", info, fields)


async def expect(
    call: Awaitable[Any],
    code: grpc.StatusCode,
    field: str | None = None,
    reason: str | None = None,
) -> Failure:
    """Awaits a call that must fail with `code` (and, when given, the field and reason)."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    err = caught.value
    assert err.code() not in SERVER_FAULTS, f"server fault {err.code()}: {err.details()}"
    failure = decode(err)
    assert err.code() == code, f"expected {code}, got {err.code()}: {err.details()}"
    if code == INVALID:
        assert failure.fields, f"INVALID_ARGUMENT without BadRequest: {err.details()}"
    if field is not None:
        assert field in failure.fields, f"{field!r} not among {failure.fields}: {err.details()}"
    if reason is not None:
        assert failure.info.reason == reason, f"reason {failure.info.reason!r}: {err.details()}"
    return failure


# --- builders -------------------------------------------------------------------------------


def serial() -> int:
    return next(_serial)


def credit_code(n: int | None = None) -> str:
    """A valid unified social credit code, different for each n."""
    body = f"91330106{(n if n is not None else serial()):09d}"
    return body + check_character(body)


def mobile(n: int | None = None) -> str:
    """A valid mainland mobile number (11 digits, no country code), different for each n."""
    return f"139{(n if n is not None else serial()) % 100_000_000:08d}"


def unique_name(stem: str = "测试") -> str:
    """A company name whose duplicate key no other test shares."""
    return f"{stem}{serial()}号科技有限公司"


def customer(full_name: str | None = None, **fields: Any) -> pb.Customer:
    fields.setdefault("kind", pb.Customer.KIND_ENTERPRISE)
    fields.setdefault("owner", "users/zhang.san")
    return pb.Customer(full_name=full_name or unique_name(), **fields)


def contact(display_name: str = "李四", *phones: str, **fields: Any) -> pb.Contact:
    return pb.Contact(display_name=display_name, phone_numbers=list(phones), **fields)


def day(d: date) -> date_pb2.Date:
    return date_pb2.Date(year=d.year, month=d.month, day=d.day)


def cny(units: int, nanos: int = 0) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", units=units, nanos=nanos)


async def create(
    c: Any,
    full_name: str | None = None,
    contacts: list[pb.Contact] | tuple[()] = (),
    *,
    user: str = "zhang.san",
    roles: tuple[str, ...] = ("sales",),
    **fields: Any,
) -> pb.Customer:
    """Creates a customer as a sales person (the owner by default) and returns it."""
    fields.setdefault("owner", f"users/{user}")
    return await c.stub.CreateCustomer(
        pb.CreateCustomerRequest(customer=customer(full_name, **fields), contacts=list(contacts)),
        metadata=c.as_(*roles, user=user),
    )


async def interaction(
    c: Any,
    customer_name: str,
    *,
    todos: list[pb.Todo] | tuple[()] = (),
    roles: tuple[str, ...] = ("agent",),
    **fields: Any,
) -> pb.Interaction:
    i = pb.Interaction(
        customer=customer_name,
        channel=pb.Interaction.CHANNEL_PHONE,
        topic=fields.pop("topic", "回访"),
        todos=list(todos),
        **fields,
    )
    i.occur_time.FromJsonString("2026-11-20T02:00:00Z")
    return await c.stub.CreateInteraction(
        pb.CreateInteractionRequest(interaction=i), metadata=c.as_(*roles)
    )


async def ticket(
    c: Any, customer_name: str, priority: int = pb.Ticket.PRIORITY_ROUTINE, **fields: Any
) -> pb.Ticket:
    t = pb.Ticket(
        customer=customer_name,
        type=fields.pop("type", "complaint"),
        priority=priority,
        title=fields.pop("title", "打印机卡纸"),
        **fields,
    )
    return await c.stub.CreateTicket(pb.CreateTicketRequest(ticket=t), metadata=c.as_("agent"))


async def survey(c: Any, customer_name: str, *scores: int, **fields: Any) -> pb.Survey:
    q, r, e, v = scores
    s = pb.Survey(
        customer=customer_name,
        product_quality=q,
        service_response=r,
        cooperation_experience=e,
        value_for_money=v,
        **fields,
    )
    return await c.stub.SubmitSurvey(pb.SubmitSurveyRequest(survey=s), metadata=c.as_("agent"))


async def list_all(call: Any, request: Any, items: str, metadata: Any) -> list[Any]:
    """Every item of a paged list, following next_page_token to the end."""
    found: list[Any] = []
    while True:
        page = await call(request, metadata=metadata)
        found.extend(getattr(page, items))
        if not page.next_page_token:
            return found
        request.page_token = page.next_page_token


def outbox(app: Any) -> list[tuple[str, dict[str, Any]]]:
    """(topic, payload) of every event written to the outbox, in order."""
    with app.engine.connect() as conn:
        rows = conn.execute(
            select(orm.outbox.c.topic, orm.outbox.c.payload).order_by(orm.outbox.c.seq)
        ).all()
    return [(topic, json.loads(payload)) for topic, payload in rows]
