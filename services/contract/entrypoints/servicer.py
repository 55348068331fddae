"""ContractService over gRPC: validate the shape, convert, call the use case, convert back."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

import grpc

from callops.contract.v1 import contract_pb2 as pb
from callops.contract.v1 import contract_pb2_grpc
from services.common import convert
from services.common.auth import Principal, current_principal
from services.common.errors import InvalidArgument, PermissionDenied
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
from services.contract.domain.amendment import to_json
from services.contract.domain.document import Upload
from services.contract.entrypoints import converters as cv
from services.contract.service_layer import amendments, contracts, documents, rendering, reports
from services.contract.service_layer.contracts import Deps
from services.contract.service_layer.documents import DocumentDeps, UploadCancelled

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
    "CompleteDeliveryMilestone": "contracts.write",
    "RenderContract": "contracts.read",
    "RenderApprovalSheet": "contracts.read",
    "GetSignedAmountReport": "contracts.report",
    "GetReceivablesReport": "contracts.report",
    "GetGoodsReport": "contracts.report",
    "ListContractHistory": "contracts.read",
    "CreateContractTemplate": "contracts.templates",
    "GetContractTemplate": "contracts.read",
    "ReviseContractTemplate": "contracts.templates",
    "UploadDocument": "contracts.write",
    "ListDocuments": "contracts.read",
    "DownloadDocument": "contracts.read",
    "GetDocumentDownloadUrl": "contracts.read",
    "GetDocumentText": "contracts.read",
    "AmendContract": "contracts.write",
    "ApproveContractAmendment": "contracts.approve",
    "RejectContractAmendment": "contracts.approve",
    "ListContractVersions": "contracts.read",
    "DiffContractVersions": "contracts.read",
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


def _may_read_document() -> None:
    """A stored document is the signed original or a scan: its amounts cannot be masked, so
    only callers who may see amounts read it."""
    if not _principal().sees_amounts:
        raise PermissionDenied(
            "contract documents show amounts: the contract_amount right is needed",
            reason="DOCUMENT_SHOWS_AMOUNTS",
        )


def _principal() -> Principal:
    principal = current_principal.get()
    assert principal is not None, "the auth interceptor sets the principal"
    return principal


def _milestone_name(name: str) -> tuple[str, str]:
    return convert.parse_nested_name(name, "contracts", "milestones", "milestone")


def _document_name(name: str, field: str = "name") -> tuple[str, str]:
    return convert.parse_nested_name(name, "contracts", "documents", field)


def _amendment_name(name: str) -> tuple[str, str]:
    return convert.parse_nested_name(name, "contracts", "amendments", "name")


# Rendered files are streamed in chunks of this size.
_RENDER_CHUNK = 1024 * 1024
# How often a waiting upload thread looks whether its call was cancelled.
_POLL_SECONDS = 0.2
# How long an upload whose stream ended waits for a cancellation that may be on its way.
_SETTLE_SECONDS = 0.01


async def _next_message(
    messages: AsyncIterator[pb.UploadDocumentRequest],
) -> pb.UploadDocumentRequest | None:
    return await anext(messages, None)


def _upload_chunks(
    messages: AsyncIterator[pb.UploadDocumentRequest],
    loop: asyncio.AbstractEventLoop,
    cancelled: threading.Event,
) -> Iterator[bytes]:
    """The content of an upload for the synchronous store, in the worker thread: each chunk is
    pulled from the event loop when the store asks for it, so at most one message is held here
    and gRPC flow control slows the sender down to the store's pace."""
    while True:
        future = asyncio.run_coroutine_threadsafe(_next_message(messages), loop)
        while True:
            try:
                message = future.result(timeout=_POLL_SECONDS)
                break
            except TimeoutError:
                if cancelled.is_set():
                    future.cancel()
                    raise UploadCancelled("the upload was cancelled before it completed") from None
        if cancelled.is_set():
            raise UploadCancelled("the upload was cancelled before it completed")
        if message is None:
            return
        if message.WhichOneof("part") != "chunk":
            raise InvalidArgument.of("upload", "only the first message carries the metadata")
        if message.chunk:
            yield message.chunk


class ContractServicer(contract_pb2_grpc.ContractServiceServicer):
    def __init__(
        self,
        uow_factory: Callable[[], ContractUnitOfWork],
        deps: Deps,
        page_tokens: PageTokens,
        documents: DocumentDeps,
        upload_threads: int = 16,
        use_case_threads: int = 16,
    ) -> None:
        self._uow = uow_factory
        self._deps = deps
        self._tokens = page_tokens
        self._docs = documents
        self._upload_threads = ThreadPoolExecutor(upload_threads, thread_name_prefix="upload")
        # Not asyncio's default executor (cpu count + 4 threads: 6 on 2 cores): a
        # CreateContract holds its thread while it waits for the customer service, so that
        # was the ceiling on calls in flight. As many as the SQLite pool has connections.
        self._use_case_threads = ThreadPoolExecutor(use_case_threads, thread_name_prefix="use-case")

    async def _run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        # Use cases are synchronous SQLAlchemy code (and the customer check a blocking
        # call): run them off the event loop, in the caller's context (principal, request id).
        call = partial(fn, self._uow(), *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(
            self._use_case_threads, contextvars.copy_context().run, call
        )

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

    async def CompleteDeliveryMilestone(
        self, request: pb.CompleteDeliveryMilestoneRequest, context: Any
    ) -> pb.Contract:
        cid = convert.parse_name(request.name, "contracts", "name")
        day = convert.from_date(request.completed_date, "completed_date")
        contract = await self._run(
            contracts.complete_delivery,
            self._deps,
            _principal(),
            cid,
            request.milestone_id,
            day,
            request.etag,
        )
        return self._out(contract)

    async def _stream(
        self, render: Callable[..., rendering.RenderedFile], request: Any
    ) -> AsyncIterator[pb.RenderedFile]:
        cid = convert.parse_name(request.name, "contracts", "name")
        fmt = cv.RENDER_FORMAT.into(request.format, "format")
        rendered = await self._run(render, self._deps, _principal(), cid, fmt)
        data = rendered.content
        yield pb.RenderedFile(
            filename=rendered.filename,
            content_type=rendered.content_type,
            chunk=data[:_RENDER_CHUNK],
        )
        for at in range(_RENDER_CHUNK, len(data), _RENDER_CHUNK):
            yield pb.RenderedFile(chunk=data[at : at + _RENDER_CHUNK])

    def RenderContract(
        self, request: pb.RenderContractRequest, context: Any
    ) -> AsyncIterator[pb.RenderedFile]:
        return self._stream(rendering.render_contract, request)

    def RenderApprovalSheet(
        self, request: pb.RenderApprovalSheetRequest, context: Any
    ) -> AsyncIterator[pb.RenderedFile]:
        return self._stream(rendering.render_approval_sheet, request)

    # --- reports ------------------------------------------------------------------------------

    async def GetSignedAmountReport(
        self, request: pb.GetSignedAmountReportRequest, context: Any
    ) -> pb.SignedAmountReport:
        period = cv.PERIOD.into(request.period, "period")
        start = convert.from_date(request.start_date, "start_date")
        end = convert.from_date(request.end_date, "end_date")
        dimensions = [
            cv.DIMENSION.into(d, f"group_by[{i}]") for i, d in enumerate(request.group_by)
        ]
        rows = await self._run(
            reports.signed_amount_report, period, start, end, dimensions, viewer=_principal()
        )
        return cv.signed_amount_report_out(rows, period, _principal())

    async def GetReceivablesReport(
        self, request: pb.GetReceivablesReportRequest, context: Any
    ) -> pb.ReceivablesReport:
        as_of = convert.from_date(request.as_of_date, "as_of_date")
        customer = (
            convert.parse_name(request.customer, "customers", "customer")
            if request.customer
            else None
        )
        day, rows = await self._run(
            reports.receivables_report, self._deps, as_of, customer, viewer=_principal()
        )
        return cv.receivables_report_out(day, rows, _principal())

    async def GetGoodsReport(
        self, request: pb.GetGoodsReportRequest, context: Any
    ) -> pb.GoodsReport:
        period = cv.PERIOD.into(request.period, "period")
        start = convert.from_date(request.start_date, "start_date")
        end = convert.from_date(request.end_date, "end_date")
        rows = await self._run(reports.goods_report, period, start, end, viewer=_principal())
        return cv.goods_report_out(rows, period, _principal())

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
        # isascii: "²" is a digit to isdigit() but not to int().
        if version and not (version.isascii() and version.isdigit() and len(version) <= 9):
            raise InvalidArgument.of("name", "the version after @ is a positive number")
        template = await self._run(contracts.get_template, tid, int(version) if version else None)
        return cv.template_out(template)

    # --- documents ----------------------------------------------------------------------------

    async def UploadDocument(
        self, request_iterator: AsyncIterator[pb.UploadDocumentRequest], context: Any
    ) -> pb.Document:
        first = await _next_message(request_iterator)
        if first is None or first.WhichOneof("part") != "upload":
            raise InvalidArgument.of("upload", "the first message must carry the upload metadata")
        upload = first.upload
        cid = convert.parse_name(upload.parent, "contracts", "upload.parent")
        kind = cv.DOCUMENT_KIND.into(upload.kind, "upload.kind")
        began = await self._run(
            documents.begin_upload,
            self._docs,
            _principal(),
            cid,
            kind,
            upload.filename,
            upload.content_type,
            upload.sha256,
            upload.request_id,
        )
        if not isinstance(began, Upload):
            return cv.document_out(began)  # a retry: the content is not read again
        loop = asyncio.get_running_loop()
        cancelled = threading.Event()

        def still_wanted() -> bool:
            # The end of a cancelled stream can look like its normal end; the cancellation
            # is delivered on the loop right after, so look once more, from the loop.
            async def check() -> bool:
                await asyncio.sleep(_SETTLE_SECONDS)
                return not (cancelled.is_set() or context.cancelled())

            return asyncio.run_coroutine_threadsafe(check(), loop).result()

        # Uploads wait on their senders: their own threads keep a slow client from taking
        # the threads every other RPC runs on; past the limit, uploads queue.
        store = loop.run_in_executor(
            self._upload_threads,
            partial(
                contextvars.copy_context().run,
                documents.store_document,
                self._uow(),
                self._docs,
                _principal(),
                began,
                _upload_chunks(request_iterator, loop, cancelled),
                still_wanted,
            ),
        )
        try:
            document = await asyncio.shield(store)
        except asyncio.CancelledError:
            # The client went away: stop the thread and let it delete what it stored.
            cancelled.set()
            with contextlib.suppress(BaseException):
                await store
            raise
        return cv.document_out(document)

    async def ListDocuments(
        self, request: pb.ListDocumentsRequest, context: Any
    ) -> pb.ListDocumentsResponse:
        cid = convert.parse_name(request.parent, "contracts", "parent")
        position = self._tokens.decode(request.page_token, f"documents|{cid}")
        after = (datetime.fromisoformat(position["k"]), position["id"]) if position else None
        limit = page_size(request.page_size)
        found = await self._run(documents.list_documents, cid, after, limit)
        token = ""
        if len(found) > limit:
            del found[limit:]
            last = found[-1]
            token = self._tokens.encode(
                keyset_position(last.created_at, last.id), f"documents|{cid}"
            )
        return pb.ListDocumentsResponse(
            documents=[cv.document_out(d) for d in found], next_page_token=token
        )

    async def DownloadDocument(
        self, request: pb.DownloadDocumentRequest, context: Any
    ) -> AsyncIterator[pb.DownloadDocumentResponse]:
        _may_read_document()
        cid, did = _document_name(request.name)
        reader = await self._run(
            documents.open_document, self._docs, cid, did, request.offset, request.length
        )
        try:
            while True:
                chunk = await asyncio.to_thread(next, reader, None)
                if chunk is None:
                    return
                yield pb.DownloadDocumentResponse(chunk=chunk)
        finally:
            await asyncio.to_thread(reader.close)

    async def GetDocumentDownloadUrl(
        self, request: pb.GetDocumentDownloadUrlRequest, context: Any
    ) -> pb.GetDocumentDownloadUrlResponse:
        _may_read_document()
        cid, did = _document_name(request.name)
        ttl: timedelta | None = None
        if request.HasField("ttl"):
            try:
                ttl = request.ttl.ToTimedelta()
            except OverflowError:  # seconds beyond what a timedelta holds
                raise InvalidArgument.of("ttl", "must be positive and at most 7 days") from None
        url, expires = await self._run(documents.document_url, self._docs, cid, did, ttl)
        return pb.GetDocumentDownloadUrlResponse(url=url, expire_time=convert.timestamp(expires))

    async def GetDocumentText(
        self, request: pb.GetDocumentTextRequest, context: Any
    ) -> pb.DocumentText:
        _may_read_document()
        cid, did = _document_name(request.name)
        return cv.document_text_out(await self._run(documents.get_document, cid, did))

    # --- amendments and versions --------------------------------------------------------------

    async def AmendContract(
        self, request: pb.AmendContractRequest, context: Any
    ) -> pb.ContractAmendment:
        cid = convert.parse_name(request.contract.name, "contracts", "contract.name")
        mask = cv.mask_paths(request.update_mask)
        values = cv.contract_values(request.contract, mask, "contract")
        evidence = [
            _document_name(name, f"evidence_documents[{i}]")
            for i, name in enumerate(request.evidence_documents)
        ]
        amendment = await self._run(
            amendments.amend_contract,
            self._deps,
            _principal(),
            cid,
            values,
            mask,
            request.contract.etag,
            request.reason,
            request.impact,
            evidence,
            request.request_id,
            convert.from_money(request.contract.total_amount, "contract.total_amount")
            if request.contract.HasField("total_amount")
            else None,
        )
        return cv.amendment_out(amendment, _principal())

    async def _decide_amendment(
        self, name: str, approved: bool, opinion: str
    ) -> pb.ContractAmendment:
        cid, aid = _amendment_name(name)
        amendment = await self._run(
            amendments.decide_amendment, self._deps, _principal(), cid, aid, approved, opinion
        )
        return cv.amendment_out(amendment, _principal())

    async def ApproveContractAmendment(
        self, request: pb.ApproveContractAmendmentRequest, context: Any
    ) -> pb.ContractAmendment:
        return await self._decide_amendment(request.name, True, request.opinion)

    async def RejectContractAmendment(
        self, request: pb.RejectContractAmendmentRequest, context: Any
    ) -> pb.ContractAmendment:
        return await self._decide_amendment(request.name, False, request.opinion)

    async def ListContractVersions(
        self, request: pb.ListContractVersionsRequest, context: Any
    ) -> pb.ListContractVersionsResponse:
        cid = convert.parse_name(request.name, "contracts", "name")
        versions = await self._run(amendments.list_versions, cid)
        who = _principal()
        return pb.ListContractVersionsResponse(versions=[cv.version_out(v, who) for v in versions])

    async def DiffContractVersions(
        self, request: pb.DiffContractVersionsRequest, context: Any
    ) -> pb.DiffContractVersionsResponse:
        cid = convert.parse_name(request.name, "contracts", "name")
        changed, text = await self._run(
            amendments.diff, cid, request.from_version, request.to_version
        )
        amounts = _principal().sees_amounts
        fields = []
        for field, before, after in changed:
            if not amounts:
                if field in cv.AMOUNT_KEYS:
                    continue
                before, after = cv.without_amounts(before), cv.without_amounts(after)
                if before == after:
                    continue  # only amounts changed: not even that is told
            fields.append(
                pb.FieldDifference(
                    field=field, before_json=to_json(before), after_json=to_json(after)
                )
            )
        return pb.DiffContractVersionsResponse(fields=fields, text_diff=text)


def add_to_server(servicer: ContractServicer, server: grpc.aio.Server) -> None:
    contract_pb2_grpc.add_ContractServiceServicer_to_server(servicer, server)
