"""The customer service as the call center sees it: who owns a phone number (screen-pop).

The agent's own bearer token is forwarded, so the customer service masks names and numbers
by the agent's rights; the call center never holds a token of its own for this."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import grpc

from callops.customer.v1 import customer_pb2, customer_pb2_grpc
from services.common.logging import get_logger

log = get_logger("callops.callcenter.customer_client")


class CustomerLookupFailed(Exception):
    """The customer service did not answer in time or at all."""


@dataclass(frozen=True)
class CallerMatch:
    customer: str
    customer_display_name: str
    contact: str
    contact_display_name: str
    contact_title: str


@dataclass(frozen=True)
class PhoneOwners:
    phone_number: str  # as the customer service returns it: masked by the caller's rights
    matches: list[CallerMatch] = field(default_factory=list)


class CustomerDirectory(Protocol):
    async def lookup_by_phone(
        self, phone_number: str, authorization: str, timeout: float
    ) -> PhoneOwners:
        """Who owns the number; raises CustomerLookupFailed when the service cannot say."""


class GrpcCustomerDirectory:
    """LookupByPhone over gRPC; the channel is made on first use, inside the event loop."""

    def __init__(self, address: str) -> None:
        self._address = address
        self._channel: grpc.aio.Channel | None = None
        self._stub: customer_pb2_grpc.CustomerServiceStub | None = None

    async def lookup_by_phone(
        self, phone_number: str, authorization: str, timeout: float
    ) -> PhoneOwners:
        if self._stub is None:
            self._channel = grpc.aio.insecure_channel(self._address)
            self._stub = customer_pb2_grpc.CustomerServiceStub(self._channel)
        try:
            reply = await self._stub.LookupByPhone(  # type: ignore[misc]
                customer_pb2.LookupByPhoneRequest(phone_number=phone_number),
                metadata=(("authorization", authorization),),
                timeout=timeout,
            )
        except grpc.aio.AioRpcError as exc:
            log.warning("customer lookup failed", code=exc.code().name, details=exc.details())
            raise CustomerLookupFailed(exc.code().name) from None
        return PhoneOwners(
            phone_number=reply.phone_number,
            matches=[
                CallerMatch(
                    customer=m.customer.name,
                    customer_display_name=m.customer.full_name,
                    contact=m.contact.name,
                    contact_display_name=m.contact.display_name,
                    contact_title=m.contact.title,
                )
                for m in reply.matches
            ],
        )

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close(None)
            self._channel = self._stub = None
