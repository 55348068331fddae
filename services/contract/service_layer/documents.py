"""Use cases on contract documents (合同文件): upload, list, download, download URL.

The content goes to the object store first and the row to the database after, so a document
is listed only once complete; whatever fails after the object is stored deletes it again.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.common.auth import Principal
from services.common.errors import FailedPrecondition, InvalidArgument, Violations
from services.common.storage import ObjectReader, ObjectStore, put_upload
from services.common.text_extract import document_kind, extract_text
from services.contract.adapters.uow import ContractUnitOfWork
from services.contract.domain import model
from services.contract.domain.document import (
    Document,
    DocumentKind,
    DocumentPolicy,
    Upload,
    check_upload,
)
from services.contract.domain.events import DocumentStored
from services.contract.service_layer.contracts import REQUEST_ID, _may_manage

# Text is extracted from documents up to this size; bigger ones are stored without it.
MAX_EXTRACT_BYTES = 64 * 1024 * 1024
DEFAULT_URL_TTL = timedelta(minutes=15)
MAX_URL_TTL = timedelta(days=7)


class UploadCancelled(FailedPrecondition):
    """The caller went away before the content was complete; nothing was stored."""

    default_reason = "UPLOAD_CANCELLED"


@dataclass(frozen=True)
class DocumentDeps:
    store: ObjectStore
    policy: DocumentPolicy
    clock: Callable[[], datetime]


def begin_upload(
    uow: ContractUnitOfWork,
    deps: DocumentDeps,
    actor: Principal,
    contract_id: str,
    kind: DocumentKind,
    filename: str,
    content_type: str,
    sha256: str,
    request_id: str,
) -> Upload | Document:
    """Checks the metadata and that the actor may add documents to the contract: the Upload
    to stream into `store_document`, or the document a retried request already stored."""
    v = Violations()
    content_type, digest = check_upload(
        v, deps.policy, "upload", kind, filename, content_type, sha256
    )
    if request_id and not REQUEST_ID.match(request_id):
        v.add("upload.request_id", "letters, digits and _.:- only, at most 100")
    v.raise_if_any()
    with uow:
        if request_id and (earlier := uow.created_before(_key(actor, request_id))):
            _, cid, _, did = earlier.split("/")
            return uow.documents.get(cid, did)
        contract = uow.contracts.get(contract_id)
        _may_manage(actor, contract)
        if contract.state is model.ContractState.ARCHIVED:
            raise FailedPrecondition(
                "an archived contract is read only", reason="CONTRACT_ARCHIVED"
            )
    return Upload(contract_id, kind, filename.strip(), content_type, digest, request_id)


def _key(actor: Principal, request_id: str) -> str:
    return f"UploadDocument:{actor.user_id}:{request_id}"


def store_document(
    uow: ContractUnitOfWork,
    deps: DocumentDeps,
    actor: Principal,
    upload: Upload,
    chunks: Iterable[bytes],
    still_wanted: Callable[[], bool] = lambda: True,
) -> Document:
    """Streams `chunks` into the store (never holding them), extracts the text, then writes
    the row and the DocumentStored event. `still_wanted` is asked once the content has ended:
    False (the caller went away) stores nothing."""
    store = deps.store
    key = store.new_key(f"contracts/{upload.contract_id}")
    stored = put_upload(
        store,
        key,
        chunks,
        content_type=upload.content_type,
        max_bytes=deps.policy.max_bytes,
        sha256=upload.sha256,
    )
    try:
        if not still_wanted():
            raise UploadCancelled("the upload was cancelled before it completed")
        text = _text(store, key, stored.size, upload.content_type, upload.filename)
        document = Document(
            id=model.new_id(),
            contract_id=upload.contract_id,
            kind=upload.kind,
            filename=upload.filename,
            content_type=upload.content_type,
            size=stored.size,
            sha256=stored.sha256,
            object_key=key,
            text=text,
            created_by=actor.user_name,
            created_at=deps.clock(),
        )
        with uow:
            contract = uow.contracts.get(upload.contract_id)  # still there
            uow.documents.add(document)
            uow.record_history(
                contract.id,
                "document_added",
                actor.user_name,
                {},
                {
                    "document": document.resource_name,
                    "kind": document.kind.name,
                    "filename": document.filename,
                    "sha256": document.sha256,
                },
            )
            if upload.request_id:
                uow.remember_created(_key(actor, upload.request_id), document.resource_name)
            uow.emit(
                DocumentStored(
                    contract=contract.resource_name,
                    document=document.resource_name,
                    sha256=document.sha256,
                    size=document.size,
                    content_type=document.content_type,
                    text_length=len(text),
                )
            )
            uow.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            store.delete(key)
        raise
    return document


def _text(store: ObjectStore, key: str, size: int, content_type: str, filename: str) -> str:
    """The text for search, read back from the store through a temp file; "" for kinds
    without text and for documents too big to parse here."""
    if document_kind(content_type, filename) is None or size > MAX_EXTRACT_BYTES:
        return ""
    with tempfile.TemporaryFile() as spool:
        with store.open(key) as reader:
            for chunk in reader:
                spool.write(chunk)
        spool.seek(0)
        return extract_text(spool, content_type, filename)


def list_documents(
    uow: ContractUnitOfWork,
    contract_id: str,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[Document]:
    with uow:
        uow.contracts.get(contract_id)  # NotFound for an unknown contract
        return uow.documents.of_contract(contract_id, after, limit)


def get_document(uow: ContractUnitOfWork, contract_id: str, document_id: str) -> Document:
    with uow:
        return uow.documents.get(contract_id, document_id)


def open_document(
    uow: ContractUnitOfWork,
    deps: DocumentDeps,
    contract_id: str,
    document_id: str,
    offset: int,
    length: int,
) -> ObjectReader:
    """The document's bytes from `offset`, `length` of them (0: to the end)."""
    v = Violations()
    if offset < 0:
        v.add("offset", "must not be negative")
    if length < 0:
        v.add("length", "must not be negative; 0 means to the end")
    v.raise_if_any()
    document = get_document(uow, contract_id, document_id)
    return deps.store.open(document.object_key, offset, length or None)


def document_url(
    uow: ContractUnitOfWork,
    deps: DocumentDeps,
    contract_id: str,
    document_id: str,
    ttl: timedelta | None,
) -> tuple[str, datetime]:
    """A download URL and when it expires."""
    ttl = ttl or DEFAULT_URL_TTL
    if ttl <= timedelta(0) or ttl > MAX_URL_TTL:
        raise InvalidArgument.of("ttl", "must be positive and at most 7 days")
    document = get_document(uow, contract_id, document_id)
    url = deps.store.presigned_get_url(document.object_key, ttl)
    return url, deps.clock() + ttl
