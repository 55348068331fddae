"""The contract service's view of the customer service: does a customer exist, what is it
called."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import grpc

from callops.customer.v1 import customer_pb2, customer_pb2_grpc
from services.common.auth import ServiceToken
from services.common.config import ServiceSettings
from services.common.errors import InvalidArgument, Unavailable

SERVICE_USER = "contract-service"


@dataclass(frozen=True)
class CustomerSummary:
    """What a rendered contract names the customer by; `individual` names are personal data."""

    full_name: str
    individual: bool


class CustomerDirectory(Protocol):
    def check_exists(self, customer: str, field: str) -> None:
        """Raises InvalidArgument naming `field` when there is no such customer, and
        Unavailable when the customer service cannot answer."""

    def describe(self, customer: str) -> CustomerSummary | None:
        """The customer's name, or None when it is unknown or cannot be asked now."""


class GrpcCustomerDirectory:
    """Asks CustomerService.GetCustomer with a `service` token of its own."""

    def __init__(self, settings: ServiceSettings, address: str, timeout: float = 5.0) -> None:
        self._channel = grpc.insecure_channel(address)
        self._stub = customer_pb2_grpc.CustomerServiceStub(self._channel)
        self._timeout = timeout
        self._token = ServiceToken(settings, SERVICE_USER)

    def check_exists(self, customer: str, field: str) -> None:
        try:
            self._stub.GetCustomer(
                customer_pb2.GetCustomerRequest(name=customer),
                metadata=self._token.metadata(),
                timeout=self._timeout,
            )
        except grpc.RpcError as exc:
            code = exc.code() if isinstance(exc, grpc.Call) else None
            if code in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
                raise InvalidArgument.of(
                    field, f"no customer {customer}", reason="UNKNOWN_CUSTOMER"
                ) from None
            raise Unavailable(
                f"the customer service cannot check {customer} now ({code}); retry later",
                reason="CUSTOMER_SERVICE_UNAVAILABLE",
            ) from None

    def describe(self, customer: str) -> CustomerSummary | None:
        try:
            found = self._stub.GetCustomer(
                customer_pb2.GetCustomerRequest(name=customer),
                metadata=self._token.metadata(),
                timeout=self._timeout,
            )
        except grpc.RpcError:
            return None  # a document without the name beats no document
        return CustomerSummary(found.full_name, found.kind == customer_pb2.Customer.KIND_INDIVIDUAL)

    def close(self) -> None:
        self._channel.close()
