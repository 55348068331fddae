"""The search service's view of the contract service: one contract, or all of them, as the
documents the index stores."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

import grpc
from google.type import date_pb2

from callops.contract.v1 import contract_pb2 as pb
from callops.contract.v1 import contract_pb2_grpc
from callops.customer.v1 import customer_pb2, customer_pb2_grpc
from services.common.auth import ServiceToken
from services.common.config import ServiceSettings
from services.common.errors import Unavailable
from services.common.server import MAX_MESSAGE_BYTES
from services.search.domain.documents import AttachedDocument, Clause, ContractDocument

SERVICE_USER = "search-service"
LIST_PAGE_SIZE = 500
NANOS = Decimal(1_000_000_000)
# Customer names are looked up once per this many seconds at most; a rename's event makes
# the indexer forget the name first.
CUSTOMER_NAME_TTL_SECONDS = 300.0
DISPUTE_LABELS = {
    pb.Contract.DISPUTE_RESOLUTION_NEGOTIATION: "协商解决",
    pb.Contract.DISPUTE_RESOLUTION_MEDIATION: "调解",
    pb.Contract.DISPUTE_RESOLUTION_ARBITRATION: "仲裁",
    pb.Contract.DISPUTE_RESOLUTION_LITIGATION: "诉讼",
}


class ContractSource(Protocol):
    """Where the indexer reads contracts from; both raise Unavailable when it cannot answer."""

    def get(self, name: str) -> ContractDocument | None:
        """The contract's current version, or None when it does not exist (any more)."""

    def pages(self) -> Iterator[list[ContractDocument]]:
        """Every contract, a page at a time."""

    def forget_customers(self, customers: Sequence[str]) -> None:
        """Drops what is remembered of these customers: the next read asks again."""


def _day(value: date_pb2.Date) -> date | None:
    if value.year == 0:
        return None
    return date(value.year, value.month, value.day)


def contract_version(contract: pb.Contract) -> int:
    """The contract service's etag is its version number (optimistic locking); should that
    ever change, the update time in microseconds still orders versions of one contract."""
    if contract.etag.isdigit():
        return max(int(contract.etag), 1)
    updated = contract.update_time.ToDatetime(tzinfo=UTC)
    return int((updated - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * 1_000_000) or 1


def to_document(
    contract: pb.Contract,
    customer_name: str = "",
    documents: tuple[AttachedDocument, ...] = (),
) -> ContractDocument:
    """A contract as the contract service returns it to a `service` caller (amounts shown)."""
    amount = Decimal(contract.total_amount.units) + Decimal(contract.total_amount.nanos) / NANOS
    signed = [d for d in (_day(s.sign_date) for s in contract.signatures) if d is not None]
    clauses = [
        Clause(heading, text)
        for heading, text in (
            ("费用及支付方式", contract.payment_terms),
            ("违约责任", contract.breach_liability),
            ("争议解决", DISPUTE_LABELS.get(contract.dispute_resolution, "")),
        )
        if text
    ]
    items = [
        " ".join(part for part in (i.display_name, i.model, i.spec) if part)
        for i in contract.line_items
    ]
    return ContractDocument(
        id=contract.name,
        number=contract.number,
        title=contract.title,
        kind=pb.Contract.Kind.Name(contract.kind).removeprefix("KIND_"),
        state=pb.Contract.State.Name(contract.state).removeprefix("STATE_"),
        customer=contract.customer,
        customer_name=customer_name,
        parties="\n".join(s.signatory for s in contract.signatures),
        department=contract.department,
        owner=contract.owner,
        amount=amount,
        # Signed when the last party signed.
        signed_date=max(signed) if signed else None,
        start_date=_day(contract.start_date),
        end_date=_day(contract.end_date),
        clauses=tuple(clauses),
        text="\n".join([contract.rendered_text, *items]).strip(),
        version=contract_version(contract),
        documents=documents,
    )


class GrpcContractSource:
    """Asks ContractService with a `service` token of its own (which shows amounts), and
    CustomerService for the names of company customers (parties are searched by name).

    A person's name is personal information: it is never indexed, so search results never
    show it to callers without the `pii` right.
    """

    def __init__(
        self,
        settings: ServiceSettings,
        address: str,
        customer_address: str = "",
        timeout: float = 10.0,
    ) -> None:
        # A document's text runs to 2,000,000 characters (6 MB of Chinese): accept what the
        # servers may send, not gRPC's default 4 MB.
        self._channel = grpc.insecure_channel(
            address, options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES)]
        )
        self._stub = contract_pb2_grpc.ContractServiceStub(self._channel)
        self._customer_channel = (
            grpc.insecure_channel(customer_address) if customer_address else None
        )
        self._customers = (
            customer_pb2_grpc.CustomerServiceStub(self._customer_channel)
            if self._customer_channel
            else None
        )
        self._names: dict[str, tuple[str, float]] = {}
        self._timeout = timeout
        self._token = ServiceToken(settings, SERVICE_USER)

    def _metadata(self) -> tuple[tuple[str, str]]:
        return self._token.metadata()

    def get(self, name: str) -> ContractDocument | None:
        try:
            contract = self._stub.GetContract(
                pb.GetContractRequest(name=name), metadata=self._metadata(), timeout=self._timeout
            )
        except grpc.RpcError as exc:
            code = exc.code() if isinstance(exc, grpc.Call) else None
            if code == grpc.StatusCode.NOT_FOUND:
                return None
            raise _unavailable(code) from None
        return self._document(contract)

    def _document(self, contract: pb.Contract) -> ContractDocument:
        return to_document(
            contract, self._customer_name(contract.customer), self._attached(contract.name)
        )

    def _attached(self, contract: str) -> tuple[AttachedDocument, ...]:
        """The text of every document stored with the contract that has any."""
        out: list[AttachedDocument] = []
        token = ""
        while True:
            page = self._call(
                self._stub.ListDocuments,
                pb.ListDocumentsRequest(parent=contract, page_size=500, page_token=token),
            )
            for document in page.documents:
                if document.text_length <= 0:
                    continue  # a scan or a drawing: nothing to search
                text = self._call(
                    self._stub.GetDocumentText, pb.GetDocumentTextRequest(name=document.name)
                )
                out.append(AttachedDocument(document.name, document.filename, text.text))
            token = page.next_page_token
            if not token:
                return tuple(out)

    def _call(self, method: Any, request: Any) -> Any:
        try:
            return method(request, metadata=self._metadata(), timeout=self._timeout)
        except grpc.RpcError as exc:
            # Also NOT_FOUND: a contract or document deleted between two calls; the retry
            # reads the contract afresh.
            raise _unavailable(exc.code() if isinstance(exc, grpc.Call) else None) from None

    def _customer_name(self, customer: str) -> str:
        """The company's full name; "" for a person, an unknown customer or no lookup."""
        if self._customers is None or not customer:
            return ""
        known = self._names.get(customer)
        if known is not None and known[1] > time.monotonic():
            return known[0]
        try:
            found = self._customers.GetCustomer(
                customer_pb2.GetCustomerRequest(name=customer),
                metadata=self._metadata(),
                timeout=self._timeout,
            )
            name = found.full_name if found.kind == customer_pb2.Customer.KIND_ENTERPRISE else ""
        except grpc.RpcError as exc:
            code = exc.code() if isinstance(exc, grpc.Call) else None
            if code != grpc.StatusCode.NOT_FOUND:
                # Indexing without the name would store it at this version for good.
                raise Unavailable(
                    f"the customer service cannot answer now ({code}); retry later",
                    reason="CUSTOMER_SERVICE_UNAVAILABLE",
                ) from None
            name = ""
        if len(self._names) >= 10_000:
            self._names.clear()
        self._names[customer] = (name, time.monotonic() + CUSTOMER_NAME_TTL_SECONDS)
        return name

    def forget_customers(self, customers: Sequence[str]) -> None:
        for customer in customers:
            self._names.pop(customer, None)

    def pages(self) -> Iterator[list[ContractDocument]]:
        token = ""
        while True:
            try:
                page = self._stub.ListContracts(
                    pb.ListContractsRequest(
                        page_size=LIST_PAGE_SIZE, page_token=token, order_by="create_time"
                    ),
                    metadata=self._metadata(),
                    timeout=self._timeout,
                )
            except grpc.RpcError as exc:
                raise _unavailable(exc.code() if isinstance(exc, grpc.Call) else None) from None
            yield [self._document(c) for c in page.contracts]
            token = page.next_page_token
            if not token:
                return

    def close(self) -> None:
        self._channel.close()
        if self._customer_channel is not None:
            self._customer_channel.close()


def _unavailable(code: grpc.StatusCode | None) -> Unavailable:
    return Unavailable(
        f"the contract service cannot answer now ({code}); retry later",
        reason="CONTRACT_SERVICE_UNAVAILABLE",
    )
