"""ContractService over gRPC: validate the shape, convert, call the use case, convert back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import grpc

from callops.contract.v1 import contract_pb2 as pb
from callops.contract.v1 import contract_pb2_grpc
from services.common import convert
from services.common.auth import Principal, current_principal
from services.common.errors import InvalidArgument
from services.common.pagination import (
    FilterField,
    PageTokens,
    keyset_position,
    page_size,
    parse_filter,
    parse_order_by,
)
from services.contract.adapters.uow import ContractUnitOfWork
from services.contract.domain import model
from services.contract.entrypoints import converters as cv
from services.contract.service_layer import contracts
from services.contract.service_layer.contracts import Deps

R = TypeVar("R")
SERVICE = "callops.contract.v1.ContractService"

# Who may call what (rights from services.common.rights); a method missing here is refused.
RIGHTS = {
    "CreateContract": "contracts.write",
    "GetContract": "contracts.read",
    "UpdateContract": "contracts.write",
    "ListContracts": "contracts.read",
    "SubmitContract": "contracts.write",
    "ApproveContract": "contracts.approve",
    "RejectContract": "contracts.approve",
    "SignContract": "contracts.sign",
    "TerminateContract": "contracts.write",
    "RenewContract": "contracts.write",
    "ArchiveContract": "contracts.write",
    "RecordPayment": "payments.write",
    "ListContractHistory": "contracts.read",
    "CreateContractTemplate": "contracts.templates",
    "GetContractTemplate": "contracts.read",
    "ReviseContractTemplate": "contracts.templates",
}
POLICY = {f"/{SERVICE}/{method}": right for method, right in RIGHTS.items()}

_TEXT = FilterField()
CONTRACT_FILTER = {
    "owner": _TEXT,
    "department": _TEXT,
    "customer": FilterField(
        convert=lambda name: convert.parse_name(name, "customers", "filter"), column="customer_id"
    ),
    # Stored as the member name: compare with that.
    "state": FilterField(cv.STATE.filter_values(), convert=lambda v: cv.STATE.from_filter(v).name),
    "kind": FilterField(cv.KIND.filter_values(), convert=lambda v: cv.KIND.from_filter(v).name),
}
CONTRACT_ORDER = {"create_time": "created_at", "number": "number"}


def _principal() -> Principal:
    principal = current_principal.get()
    assert principal is not None, "the auth interceptor sets the principal"
    return principal


def _milestone_name(name: str) -> tuple[str, str]:
    return convert.parse_nested_name(name, "contracts", "milestones", "milestone")


class ContractServicer(contract_pb2_grpc.ContractServiceServicer):
    def __init__(
        self,
        uow_factory: Callable[[], ContractUnitOfWork],
        deps: Deps,
        page_tokens: PageTokens,
    ) -> None:
        self._uow = uow_factory
        self._deps = deps
        self._tokens = page_tokens

    async def _run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        # Use cases are synchronous SQLAlchemy code (and the customer check a blocking
        # call): run them off the event loop.
        return await asyncio.to_thread(partial(fn, self._uow(), *args, **kwargs))

    def _out(self, c: model.Contract) -> pb.Contract:
        return cv.contract_out(c, _principal())

    async def CreateContract(self, request: pb.CreateContractRequest, context: Any) -> pb.Contract:
        values = cv.contract_values(request.contract, None, "contract")
        contract = await self._run(
            contracts.create_contract, self._deps, _principal(), values, request.request_id
        )
        return self._out(contract)

    async def GetContract(self, request: pb.GetContractRequest, context: Any) -> pb.Contract:
        cid = convert.parse_name(request.name, "contracts", "name")
        return self._out(await self._run(contracts.get_contract, cid))

    async def UpdateContract(self, request: pb.UpdateContractRequest, context: Any) -> pb.Contract:
        cid = convert.parse_name(request.contract.name, "contracts", "contract.name")
        mask = cv.mask_paths(request.update_mask)
        values = cv.contract_values(request.contract, mask, "contract")
        contract = await self._run(
            contracts.update_contract,
            self._deps,
            _principal(),
            cid,
            values,
            mask,
            request.contract.etag,
        )
        return self._out(contract)

    async def ListContracts(
        self, request: pb.ListContractsRequest, context: Any
    ) -> pb.ListContractsResponse:
        terms = parse_filter(request.filter, CONTRACT_FILTER)
        order, descending = parse_order_by(
            request.order_by, set(CONTRACT_ORDER), "create_time desc"
        )
        column = CONTRACT_ORDER[order]
        query = f"{request.filter}|{column}|{descending}"
        after = self._tokens.decode(request.page_token, query)
        limit = page_size(request.page_size)
        found = await self._run(contracts.list_contracts, terms, column, descending, after, limit)
        token = ""
        if len(found) > limit:
            del found[limit:]
            last = found[-1]
            token = self._tokens.encode(keyset_position(getattr(last, column), last.id), query)
        return pb.ListContractsResponse(
            contracts=[self._out(c) for c in found], next_page_token=token
        )

    async def SubmitContract(self, request: pb.SubmitContractRequest, context: Any) -> pb.Contract:
        cid = convert.parse_name(request.name, "contracts", "name")
        contract = await self._run(
            contracts.submit_contract, self._deps, _principal(), cid, request.etag
        )
        return self._out(contract)

    async def ApproveContract(
        self, request: pb.ApproveContractRequest, context: Any
    ) -> pb.Contract:
        cid = convert.parse_name(request.name, "contracts", "name")
        contract = await self._run(
            contracts.decide, self._deps, _principal(), cid, True, request.opinion, request.etag
        )
        return self._out(contract)

    async def RejectContract(self, request: pb.RejectContractRequest, context: Any) -> pb.Contract:
        cid = convert.parse_name(request.name, "contracts", "name")
        contract = await self._run(
            contracts.decide, self._deps, _principal(), cid, False, request.opinion, request.etag
        )
        return self._out(contract)

    async def SignContract(self, request: pb.SignContractRequest, context: Any) -> pb.Contract:
        cid = convert.parse_name(request.name, "contracts", "name")
        party = cv.PARTY.into(request.party, "party")
        day = convert.from_date(request.sign_date, "sign_date")
        contract = await self._run(
            contracts.sign_contract,
            self._deps,
            _principal(),
            cid,
            party,
            request.signatory,
            day,
            request.etag,
        )
        return self._out(contract)

    async def TerminateContract(
        self, request: pb.TerminateContractRequest, context: Any
    ) -> pb.Contract:
        cid = convert.parse_name(request.name, "contracts", "name")
        day = convert.from_date(request.termination_date, "termination_date")
        contract = await self._run(
            contracts.terminate_contract,
            self._deps,
            _principal(),
            cid,
            day,
            request.reason,
            request.etag,
        )
        return self._out(contract)

    async def RenewContract(self, request: pb.RenewContractRequest, context: Any) -> pb.Contract:
        cid = convert.parse_name(request.name, "contracts", "name")
        start = convert.from_date(request.start_date, "start_date")
        end = convert.from_date(request.end_date, "end_date")
        contract = await self._run(
            contracts.renew_contract, self._deps, _principal(), cid, start, end, request.request_id
        )
        return self._out(contract)

    async def ArchiveContract(
        self, request: pb.ArchiveContractRequest, context: Any
    ) -> pb.Contract:
        cid = convert.parse_name(request.name, "contracts", "name")
        return self._out(await self._run(contracts.archive_contract, self._deps, _principal(), cid))

    async def RecordPayment(self, request: pb.RecordPaymentRequest, context: Any) -> pb.Contract:
        cid, mid = _milestone_name(request.milestone)
        amount = convert.from_money(request.amount, "amount")
        day = convert.from_date(request.received_date, "received_date")
        contract = await self._run(
            contracts.record_payment,
            self._deps,
            _principal(),
            cid,
            mid,
            amount,
            day,
            request.note,
        )
        return self._out(contract)

    async def ListContractHistory(
        self, request: pb.ListContractHistoryRequest, context: Any
    ) -> pb.ListContractHistoryResponse:
        cid = convert.parse_name(request.name, "contracts", "name")
        after = self._tokens.decode(request.page_token, cid)
        limit = page_size(request.page_size)
        rows = await self._run(contracts.list_history, cid, int(after["id"]) if after else 0, limit)
        token = ""
        if len(rows) > limit:
            del rows[limit:]
            token = self._tokens.encode({"id": rows[-1].id}, cid)
        who = _principal()
        return pb.ListContractHistoryResponse(
            entries=[cv.history_out(r, who) for r in rows], next_page_token=token
        )

    # --- templates ----------------------------------------------------------------------------

    async def CreateContractTemplate(
        self, request: pb.CreateContractTemplateRequest, context: Any
    ) -> pb.ContractTemplate:
        values = cv.template_in(request.contract_template, "contract_template")
        template = await self._run(contracts.create_template, self._deps, _principal(), **values)
        return cv.template_out(template)

    async def ReviseContractTemplate(
        self, request: pb.ReviseContractTemplateRequest, context: Any
    ) -> pb.ContractTemplate:
        tid = convert.parse_name(
            request.contract_template.name, "contractTemplates", "contract_template.name"
        )
        values = cv.template_in(request.contract_template, "contract_template")
        template = await self._run(
            contracts.create_template, self._deps, _principal(), template_id=tid, **values
        )
        return cv.template_out(template)

    async def GetContractTemplate(
        self, request: pb.GetContractTemplateRequest, context: Any
    ) -> pb.ContractTemplate:
        name, _, version = request.name.partition("@")
        tid = convert.parse_name(name, "contractTemplates", "name")
        if version and (not version.isdigit() or len(version) > 9):
            raise InvalidArgument.of("name", "the version after @ is a positive number")
        template = await self._run(contracts.get_template, tid, int(version) if version else None)
        return cv.template_out(template)


def add_to_server(servicer: ContractServicer, server: grpc.aio.Server) -> None:
    contract_pb2_grpc.add_ContractServiceServicer_to_server(servicer, server)
