"""Contract documents over a real gRPC channel, stored on the local disk and in S3 (a real
moto server through the MinIO client): upload, list, download, URLs, limits, cancellation,
rights, and memory that stays flat for a 200 MB upload."""

from __future__ import annotations

import asyncio
import hashlib
import os
import resource
import time
import tracemalloc
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import duration_pb2

from callops.contract.v1 import contract_pb2 as pb
from services.common.storage import LocalObjectStore, MinioObjectStore, ObjectStore
from services.contract.adapters import orm
from tests.contract_fixtures import ContractCaller
from tests.e2e.helpers import DENIED, FAILED, INVALID, UNKNOWN_ID, expect, outbox
from tests.e2e.test_contract_flows import create
from tests.s3_fixtures import pending_uploads

SALES = ("sales",)
MIB = 1024 * 1024
TEXT = ("第一条 甲方向乙方采购服务器十台。\n第二条 乙方于十二月交货。\n" * 200).encode()


@pytest.fixture(params=["local", "minio"])
def contract_store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    """Every test here runs once with files on disk and once with S3 through MinIO."""
    if request.param == "local":
        return LocalObjectStore(tmp_path / "contract-objects")
    store: MinioObjectStore = request.getfixturevalue("minio_store")
    return store


def stored_objects(store: ObjectStore) -> list[str]:
    """Every object (and unfinished upload or temp file) the store holds."""
    if isinstance(store, LocalObjectStore):
        return sorted(str(p.relative_to(store.root)) for p in store.root.rglob("*") if p.is_file())
    assert isinstance(store, MinioObjectStore)
    names = [o.object_name or "" for o in store.client.list_objects(store.bucket, recursive=True)]
    return sorted(names) + [f"pending:{k}" for k, _ in pending_uploads(store.client, store.bucket)]


def upload_meta(contract: str, **fields: Any) -> pb.UploadDocumentRequest:
    fields.setdefault("kind", pb.Document.KIND_ORIGINAL)
    fields.setdefault("filename", "合同.txt")
    fields.setdefault("content_type", "text/plain; charset=utf-8")
    return pb.UploadDocumentRequest(upload=pb.DocumentUpload(parent=contract, **fields))


async def messages(
    first: pb.UploadDocumentRequest, content: bytes, sizes: tuple[int, ...] = (1, 7, 4096)
) -> AsyncIterator[pb.UploadDocumentRequest]:
    """The metadata, then the content in chunks of varying sizes."""
    yield first
    at, i = 0, 0
    while at < len(content):
        size = sizes[i % len(sizes)]
        yield pb.UploadDocumentRequest(chunk=content[at : at + size])
        at, i = at + size, i + 1


async def upload(
    c: ContractCaller, contract: str, content: bytes, *roles: str, **fields: Any
) -> pb.Document:
    return await c.stub.UploadDocument(
        messages(upload_meta(contract, **fields), content), metadata=c.as_(*(roles or SALES))
    )


async def download(c: ContractCaller, name: str, offset: int = 0, length: int = 0) -> bytes:
    call = c.stub.DownloadDocument(
        pb.DownloadDocumentRequest(name=name, offset=offset, length=length),
        metadata=c.as_(*SALES),
    )
    return b"".join([r.chunk async for r in call])


async def test_upload_list_download_and_url(
    grpc_contract: ContractCaller, contract_store: ObjectStore
) -> None:
    c = grpc_contract
    contract = await create(c)
    digest = hashlib.sha256(TEXT).hexdigest()
    doc = await upload(c, contract.name, TEXT, sha256=digest.upper(), request_id="up-1")
    assert doc.name.startswith(f"{contract.name}/documents/")
    assert (doc.size_bytes, doc.sha256, doc.kind) == (len(TEXT), digest, pb.Document.KIND_ORIGINAL)
    assert doc.filename == "合同.txt" and doc.create_user == "users/zhang.san"
    assert doc.text_length > 0  # plain text is extracted for search
    # A retry with the same request id returns the first document, storing nothing new.
    objects = stored_objects(contract_store)
    again = await upload(c, contract.name, TEXT, request_id="up-1")
    assert again.name == doc.name and stored_objects(contract_store) == objects

    listed = await c.stub.ListDocuments(
        pb.ListDocumentsRequest(parent=contract.name), metadata=c.as_("legal", user="fa.wu")
    )
    assert [d.name for d in listed.documents] == [doc.name]
    assert await download(c, doc.name) == TEXT
    assert await download(c, doc.name, 10, 100) == TEXT[10:110]
    assert await download(c, doc.name, len(TEXT) - 5) == TEXT[-5:]
    assert await download(c, doc.name, len(TEXT) + 10) == b""

    got = await c.stub.GetDocumentDownloadUrl(
        pb.GetDocumentDownloadUrlRequest(name=doc.name, ttl=duration_pb2.Duration(seconds=60)),
        metadata=c.as_(*SALES),
    )
    assert got.expire_time.seconds > 0
    if isinstance(contract_store, LocalObjectStore):
        assert got.url.startswith("file://")  # only on the server's machine; never expires
    with urllib.request.urlopen(got.url, timeout=10) as response:
        assert response.read() == TEXT

    events = [p for t, p in outbox(c.app) if t == "contract.DocumentStored"]
    assert events == [
        {
            "contract": contract.name,
            "document": doc.name,
            "sha256": digest,
            "size": len(TEXT),
            "content_type": "text/plain; charset=utf-8",
            "text_length": doc.text_length,
        }
    ]


async def test_documents_are_not_read_without_the_amount_right(
    grpc_contract: ContractCaller,
) -> None:
    """A signed original shows its amounts, which cannot be masked in a file: a supervisor
    (contracts.read without contract_amount) lists it but neither reads nor downloads it."""
    c = grpc_contract
    contract = await create(c)
    doc = await upload(c, contract.name, TEXT)
    supervisor = c.as_("supervisor", user="zhu.guan")
    listed = await c.stub.ListDocuments(
        pb.ListDocumentsRequest(parent=contract.name), metadata=supervisor
    )
    assert [d.name for d in listed.documents] == [doc.name]
    refused = "DOCUMENT_SHOWS_AMOUNTS"
    call = c.stub.DownloadDocument(pb.DownloadDocumentRequest(name=doc.name), metadata=supervisor)
    await expect(call.read(), DENIED, reason=refused)
    await expect(
        c.stub.GetDocumentText(pb.GetDocumentTextRequest(name=doc.name), metadata=supervisor),
        DENIED,
        reason=refused,
    )
    await expect(
        c.stub.GetDocumentDownloadUrl(
            pb.GetDocumentDownloadUrlRequest(name=doc.name), metadata=supervisor
        ),
        DENIED,
        reason=refused,
    )


async def test_list_pages_and_unknown_names(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await create(c)
    names = [(await upload(c, contract.name, b"x" * n)).name for n in range(1, 4)]
    first = await c.stub.ListDocuments(
        pb.ListDocumentsRequest(parent=contract.name, page_size=2), metadata=c.as_(*SALES)
    )
    second = await c.stub.ListDocuments(
        pb.ListDocumentsRequest(
            parent=contract.name, page_size=2, page_token=first.next_page_token
        ),
        metadata=c.as_(*SALES),
    )
    # The test clock stands still: same create time, so the order is by id.
    assert [d.name for d in [*first.documents, *second.documents]] == sorted(names)
    assert second.next_page_token == ""
    missing = f"{contract.name}/documents/{UNKNOWN_ID}"
    await expect(download(c, missing), grpc.StatusCode.NOT_FOUND)
    await expect(
        c.stub.GetDocumentDownloadUrl(
            pb.GetDocumentDownloadUrlRequest(name=missing), metadata=c.as_(*SALES)
        ),
        grpc.StatusCode.NOT_FOUND,
    )
    await expect(upload(c, f"contracts/{UNKNOWN_ID}", b"abc"), grpc.StatusCode.NOT_FOUND)


async def test_wrong_sha256_stores_nothing(
    grpc_contract: ContractCaller, contract_store: ObjectStore
) -> None:
    c = grpc_contract
    contract = await create(c)
    wrong = hashlib.sha256(b"something else").hexdigest()
    failure = await expect(upload(c, contract.name, TEXT, sha256=wrong), INVALID, "upload.sha256")
    assert failure.info.reason == "CHECKSUM_MISMATCH"
    assert stored_objects(contract_store) == []
    listed = await c.stub.ListDocuments(
        pb.ListDocumentsRequest(parent=contract.name), metadata=c.as_(*SALES)
    )
    assert list(listed.documents) == []
    assert not [t for t, _ in outbox(c.app) if t == "contract.DocumentStored"]


@pytest.mark.parametrize("contract_overrides", [{"document_max_bytes": 10_000}])
async def test_too_large_is_invalid_and_stores_nothing(
    grpc_contract: ContractCaller, contract_store: ObjectStore
) -> None:
    c = grpc_contract
    contract = await create(c)
    ok = await upload(c, contract.name, b"a" * 10_000)  # exactly the limit is fine
    before = stored_objects(contract_store)
    failure = await expect(upload(c, contract.name, b"a" * 10_001), INVALID, "chunk")
    assert failure.info.reason == "OBJECT_TOO_LARGE"
    assert stored_objects(contract_store) == before
    listed = await c.stub.ListDocuments(
        pb.ListDocumentsRequest(parent=contract.name), metadata=c.as_(*SALES)
    )
    assert [d.name for d in listed.documents] == [ok.name]


async def test_bad_metadata_is_invalid(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await create(c)
    await expect(
        upload(c, contract.name, b"x", kind=pb.Document.KIND_UNSPECIFIED), INVALID, "upload.kind"
    )
    await expect(upload(c, contract.name, b"x", filename="a/b.txt"), INVALID, "upload.filename")
    await expect(
        upload(c, contract.name, b"x", content_type="application/x-msdownload"),
        INVALID,
        "upload.content_type",
    )
    await expect(upload(c, contract.name, b"x", sha256="abc"), INVALID, "upload.sha256")

    async def chunk_first() -> AsyncIterator[pb.UploadDocumentRequest]:
        yield pb.UploadDocumentRequest(chunk=b"x")

    await expect(c.stub.UploadDocument(chunk_first(), metadata=c.as_(*SALES)), INVALID, "upload")
    await expect(
        c.stub.GetDocumentDownloadUrl(
            pb.GetDocumentDownloadUrlRequest(
                name=f"{contract.name}/documents/{UNKNOWN_ID}",
                ttl=duration_pb2.Duration(seconds=8 * 86400),
            ),
            metadata=c.as_(*SALES),
        ),
        INVALID,
        "ttl",
    )
    # Beyond what a timedelta holds: refused, not an internal error.
    await expect(
        c.stub.GetDocumentDownloadUrl(
            pb.GetDocumentDownloadUrlRequest(
                name=f"{contract.name}/documents/{UNKNOWN_ID}",
                ttl=duration_pb2.Duration(seconds=2**40),
            ),
            metadata=c.as_(*SALES),
        ),
        INVALID,
        "ttl",
    )
    await expect(download(c, f"{contract.name}/documents/{UNKNOWN_ID}", -1), INVALID, "offset")


async def test_rights_and_ownership(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await create(c)
    doc = await upload(c, contract.name, b"scan")
    # Agents have no contracts.read; legal reads but does not write.
    await expect(
        c.stub.ListDocuments(
            pb.ListDocumentsRequest(parent=contract.name), metadata=c.as_("agent")
        ),
        DENIED,
    )
    for method, message in [
        ("DownloadDocument", pb.DownloadDocumentRequest(name=doc.name)),
        ("GetDocumentDownloadUrl", pb.GetDocumentDownloadUrlRequest(name=doc.name)),
    ]:
        call = getattr(c.stub, method)(message, metadata=c.as_("agent"))
        if method == "DownloadDocument":
            await expect(_drain(call), DENIED)
        else:
            await expect(call, DENIED)
    await expect(upload(c, contract.name, b"x", "legal"), DENIED)
    # Another sales person may not add files to zhang.san's contract.
    await expect(
        c.stub.UploadDocument(
            messages(upload_meta(contract.name), b"x"), metadata=c.as_(*SALES, user="li.si")
        ),
        DENIED,
        reason="NOT_CONTRACT_OWNER",
    )


async def _drain(call: Any) -> None:
    async for _ in call:
        pass


async def test_archived_contract_takes_no_documents(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await create(c)
    with c.app.engine.begin() as conn:
        conn.execute(
            orm.contracts.update()
            .where(orm.contracts.c.id == contract.name.split("/")[1])
            .values(state="ARCHIVED")
        )
    await expect(upload(c, contract.name, b"x"), FAILED, reason="CONTRACT_ARCHIVED")


async def test_cancelled_upload_leaves_nothing(
    grpc_contract: ContractCaller, contract_store: ObjectStore
) -> None:
    c = grpc_contract
    contract = await create(c)
    sent = asyncio.Event()

    async def half() -> AsyncIterator[pb.UploadDocumentRequest]:
        yield upload_meta(contract.name, content_type="application/octet-stream")
        for _ in range(12):  # 12 MiB: past the first 8 MiB part of a multipart upload
            yield pb.UploadDocumentRequest(chunk=os.urandom(MIB))
        sent.set()
        await asyncio.Event().wait()  # the rest never comes

    call = c.stub.UploadDocument(half(), metadata=c.as_(*SALES))
    await asyncio.wait_for(sent.wait(), 30)
    await asyncio.sleep(0.5)  # let the server take in what was sent
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    deadline = time.monotonic() + 15
    while stored_objects(contract_store) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert stored_objects(contract_store) == []
    listed = await c.stub.ListDocuments(
        pb.ListDocumentsRequest(parent=contract.name), metadata=c.as_(*SALES)
    )
    assert list(listed.documents) == []


def _max_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


async def test_a_200_mb_upload_keeps_memory_flat(
    grpc_contract: ContractCaller, contract_store: ObjectStore
) -> None:
    """Client and server run in this process: tracemalloc sees every Python allocation of
    both, so the peak bounds what the upload holds at once (a few chunks and one S3 part)."""
    c = grpc_contract
    contract = await create(c)
    total = 200 * MIB
    block = os.urandom(MIB)
    digest = hashlib.sha256()

    async def big() -> AsyncIterator[pb.UploadDocumentRequest]:
        yield upload_meta(
            contract.name,
            filename="图纸.zip",
            content_type="application/zip",
            kind=pb.Document.KIND_DRAWING,
        )
        for i in range(total // MIB):
            chunk = block[i % 7 :] + block[: i % 7]  # different chunks, one MiB each
            digest.update(chunk)
            yield pb.UploadDocumentRequest(chunk=chunk)

    rss_before = _max_rss_bytes()
    tracemalloc.start()
    try:
        started = time.perf_counter()
        doc = await c.stub.UploadDocument(big(), metadata=c.as_(*SALES))
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = _max_rss_bytes() - rss_before
    print(
        f"\n200 MiB upload to {type(contract_store).__name__}: {total / MIB / seconds:.0f} MiB/s "
        f"(under tracemalloc), traced peak {peak / MIB:.1f} MiB, "
        f"max RSS growth {rss_growth / MIB:.1f} MiB"
    )
    assert doc.size_bytes == total and doc.sha256 == digest.hexdigest()
    assert peak < 48 * MIB, f"the upload held {peak / MIB:.0f} MiB at once"
    assert rss_growth < 100 * MIB, f"RSS grew by {rss_growth / MIB:.0f} MiB"
    stat = contract_store.stat(stored_key(contract_store))
    assert stat.size == total


def stored_key(store: ObjectStore) -> str:
    keys = [k for k in stored_objects(store) if not k.startswith(".meta/")]
    assert len(keys) == 1, keys
    return keys[0]
