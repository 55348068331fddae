"""The same behaviour from both object stores: local files and MinIO (a real moto_server)."""

from __future__ import annotations

import hashlib
import os
import re
import time
import tracemalloc
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import grpc
import minio
import pytest
import urllib3

from services.common import errors
from services.common.rpc_errors import status_code_for
from services.common.storage import (
    PART_SIZE,
    ChecksumMismatch,
    InvalidObjectKey,
    LocalObjectStore,
    MinioObjectStore,
    ObjectNotFound,
    ObjectStore,
    ObjectStoreUnavailable,
    ObjectTooLarge,
    object_store_from_url,
)
from tests.s3_fixtures import S3Server, pending_uploads

MiB = 1024 * 1024
# Bigger than one part, so the MinIO store goes through create/upload-part/complete (or abort).
MULTIPART = PART_SIZE + 3 * MiB + 5


@pytest.fixture(params=["local", "minio"])
def store(request: pytest.FixtureRequest) -> ObjectStore:
    fixture: ObjectStore = request.getfixturevalue(f"{request.param}_store")
    return fixture


def leftovers(store: ObjectStore) -> list[str]:
    """Everything the backend holds: for local every file (temp and metadata files too), for
    MinIO every object and every multipart upload not completed or aborted."""
    if isinstance(store, LocalObjectStore):
        return sorted(str(p.relative_to(store.root)) for p in store.root.rglob("*") if p.is_file())
    assert isinstance(store, MinioObjectStore)
    objects = [o.object_name or "" for o in store.client.list_objects(store.bucket, recursive=True)]
    uploads = [f"upload:{key}" for key, _ in pending_uploads(store.client, store.bucket)]
    return sorted(objects + uploads)


def pattern(size: int, seed: int = 0) -> bytes:
    """Deterministic bytes of every value, different at every offset of a 251-byte cycle."""
    block = bytes((i * 7 + seed) % 256 for i in range(251))
    return (block * (size // len(block) + 1))[:size]


def chunked(data: bytes, *sizes: int) -> Iterator[bytes]:
    """`data` in chunks of the given sizes in turn (uneven on purpose), then the rest."""
    view, i = memoryview(data), 0
    while i < len(data):
        for size in sizes:
            yield bytes(view[i : i + size])
            i += size
            if i >= len(data):
                return


def failing_after(data: bytes, fail_at: int) -> Iterator[bytes]:
    """The upload's source breaks down half-way, like a client that drops its stream."""
    yield data[:fail_at]
    raise ConnectionResetError("client went away")


def test_round_trip_of_binary_data_with_its_hash(store: ObjectStore) -> None:
    data = os.urandom(3 * MiB + 17) + bytes(range(256))
    key = store.new_key("contracts")

    stored = store.put(
        key,
        chunked(data, 1, 65536, 1000, 5 * MiB),
        content_type="application/pdf",
        max_bytes=8 * MiB,
    )

    assert stored.key == key
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.content_type == "application/pdf"
    assert store.stat(key) == stored
    assert store.exists(key)
    assert store.open(key).read_all() == data
    assert leftovers(store) == sorted(
        [key, f".meta/{key}.json"] if isinstance(store, LocalObjectStore) else [key]
    )


def test_multipart_sized_upload_from_one_huge_chunk_and_many_small(store: ObjectStore) -> None:
    data = pattern(MULTIPART)
    key = store.new_key("recordings")
    stored = store.put(key, chunked(data, 9 * MiB, 4096), max_bytes=len(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.content_type == "application/octet-stream"
    with store.open(key) as reader:
        assert hashlib.sha256(b"".join(reader)).hexdigest() == stored.sha256
    # A range across the part boundary comes back exact.
    assert store.open(key, PART_SIZE - 10, 20).read_all() == data[PART_SIZE - 10 : PART_SIZE + 10]


def test_chinese_key_and_empty_object(store: ObjectStore) -> None:
    key = "contracts/2026/合同 附件/报价单（终版）.docx"
    store.put(key, [b"\xe5\x90\x88\xe5\x90\x8c"], max_bytes=100)
    assert store.open(key).read_all() == "合同".encode()
    assert store.stat(key).size == 6

    empty = store.put("contracts/empty", iter(()), max_bytes=0)
    assert empty.size == 0
    assert empty.sha256 == hashlib.sha256(b"").hexdigest()
    assert store.open("contracts/empty").read_all() == b""
    assert store.open("contracts/empty", 3, 5).read_all() == b""


def test_new_keys_are_dated_and_unique(store: ObjectStore) -> None:
    keys = {store.new_key("contracts") for _ in range(1000)}
    assert len(keys) == 1000
    assert all(re.fullmatch(r"contracts/\d{4}/\d{2}/\d{2}/[0-9a-f]{32}", k) for k in keys)


@pytest.mark.parametrize(
    ("offset", "length"),
    [(0, None), (0, 1), (10, 100), (999_990, None), (999_990, 100), (5, 0), (10**6, None),
     (10**6 + 7, 3), (2 * MiB, None)],
)  # fmt: skip
def test_ranged_reads_behave_like_slices(
    store: ObjectStore, offset: int, length: int | None
) -> None:
    data = pattern(10**6, seed=3)
    key = store.new_key("recordings")
    store.put(key, [data], max_bytes=len(data))
    end = None if length is None else offset + length
    assert store.open(key, offset, length).read_all() == data[offset:end]


def test_negative_range_is_a_bug(store: ObjectStore) -> None:
    key = store.new_key("x")
    store.put(key, [b"abc"], max_bytes=3)
    with pytest.raises(ValueError):
        store.open(key, -1)
    with pytest.raises(ValueError):
        store.open(key, 0, -1)


def test_reader_can_stop_early(store: ObjectStore) -> None:
    data = pattern(3 * MiB)
    key = store.new_key("recordings")
    store.put(key, [data], max_bytes=len(data))
    with store.open(key) as reader:
        first = next(reader)
    assert data.startswith(first)
    assert list(reader) == []  # closed: nothing more, no error


@pytest.mark.parametrize("size", [2000, MULTIPART], ids=["one-part", "multipart"])
def test_exceeding_max_bytes_leaves_nothing(store: ObjectStore, size: int) -> None:
    key = store.new_key("contracts")
    with pytest.raises(ObjectTooLarge) as raised:
        store.put(key, chunked(pattern(size), 64 * 1024), max_bytes=size - 1)
    assert raised.value.max_bytes == size - 1
    assert not store.exists(key)
    assert leftovers(store) == []


@pytest.mark.parametrize("size", [2000, MULTIPART], ids=["one-part", "multipart"])
def test_source_failing_half_way_leaves_nothing(store: ObjectStore, size: int) -> None:
    key = store.new_key("recordings")
    data = pattern(size)
    with pytest.raises(ConnectionResetError):
        store.put(key, failing_after(data, size - 100), max_bytes=size)
    assert not store.exists(key)
    assert leftovers(store) == []


@pytest.mark.parametrize("size", [2000, MULTIPART], ids=["one-part", "multipart"])
def test_checksum_mismatch_leaves_nothing(store: ObjectStore, size: int) -> None:
    data = pattern(size)
    key = store.new_key("contracts")
    wrong = hashlib.sha256(data + b"!").hexdigest()
    with pytest.raises(ChecksumMismatch) as raised:
        store.put(key, chunked(data, MiB), max_bytes=size, expected_sha256=wrong)
    assert raised.value.actual == hashlib.sha256(data).hexdigest()
    assert not store.exists(key)
    assert leftovers(store) == []


def test_declared_checksum_is_accepted_in_any_case(store: ObjectStore) -> None:
    data = pattern(5000)
    digest = hashlib.sha256(data).hexdigest()
    key = store.new_key("contracts")
    stored = store.put(key, [data], max_bytes=5000, expected_sha256=digest.upper())
    assert stored.sha256 == digest == store.stat(key).sha256
    with pytest.raises(errors.InvalidArgument):
        store.put(store.new_key("contracts"), [data], max_bytes=5000, expected_sha256="abc")


def test_streamed_50mb_upload_from_a_generator_keeps_python_memory_flat(
    store: ObjectStore,
) -> None:
    block = os.urandom(MiB)
    expected = hashlib.sha256()

    def source() -> Iterator[bytes]:
        for i in range(50 * 16):  # 50 MiB in 64 KiB chunks, each a fresh bytes object
            chunk = block[(i % 16) * 65536 : (i % 16 + 1) * 65536]
            expected.update(chunk)
            yield chunk

    key = store.new_key("recordings")
    tracemalloc.start()
    try:
        stored = store.put(key, source(), content_type="audio/wav", max_bytes=64 * MiB)
        _, upload_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        read_hash = hashlib.sha256()
        with store.open(key) as reader:
            for chunk in reader:
                read_hash.update(chunk)
        _, download_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert stored.size == 50 * MiB
    assert stored.sha256 == expected.hexdigest() == read_hash.hexdigest()
    assert upload_peak < 32 * MiB, f"upload peaked at {upload_peak / MiB:.1f} MiB"
    assert download_peak < 32 * MiB, f"download peaked at {download_peak / MiB:.1f} MiB"


def test_presigned_get_url_downloads_the_object(store: ObjectStore) -> None:
    data = pattern(200_000, seed=9)
    key = store.new_key("contracts")
    store.put(key, [data], content_type="application/pdf", max_bytes=len(data))
    url = store.presigned_get_url(key, timedelta(minutes=5))
    # Local: a file:// URL (no server to sign for); MinIO: a signed http:// URL.
    assert url.startswith("file://" if isinstance(store, LocalObjectStore) else "http://")
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == data


def test_presigned_url_expiry_is_signed_but_moto_does_not_enforce_it(
    minio_store: MinioObjectStore,
) -> None:
    key = minio_store.new_key("contracts")
    minio_store.put(key, [b"secret terms"], max_bytes=100)
    url = minio_store.presigned_get_url(key, timedelta(seconds=1))
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["1"]
    time.sleep(2)
    # Real MinIO and S3 answer 403 AccessDenied ("Request has expired") now. moto checks
    # neither X-Amz-Expires nor the signature, so the download still works against it: the
    # expiry is proven only as far as the URL carrying it. Should moto start enforcing it,
    # this fails with a 403 and the assertion becomes the real check.
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200


def test_missing_key_is_not_found(store: ObjectStore) -> None:
    key = store.new_key("contracts")
    for call in (
        lambda: store.stat(key),
        lambda: store.open(key),
        lambda: store.open(key, 5, 0),
        lambda: store.open(key, 10, 10),
        lambda: store.presigned_get_url(key, timedelta(minutes=1)),
    ):
        with pytest.raises(ObjectNotFound) as raised:
            call()
        assert status_code_for(raised.value) == grpc.StatusCode.NOT_FOUND
        assert key not in raised.value.message  # internal layout stays out of client messages
    assert not store.exists(key)
    store.delete(key)  # deleting what is not there is fine: retries stay safe


def test_delete_removes_object_and_metadata(store: ObjectStore) -> None:
    key = store.new_key("contracts")
    store.put(key, [b"x" * 10], max_bytes=10)
    store.delete(key)
    assert not store.exists(key)
    with pytest.raises(ObjectNotFound):
        store.stat(key)
    assert leftovers(store) == []


@pytest.mark.parametrize(
    "key", ["", "/etc/passwd", "../outside", "a/../../b", "a//b", "a/", "a/.meta", ".x", "a\\b",
            "a/\x00b", "x" * 1025],
)  # fmt: skip
def test_unsafe_keys_are_refused(store: ObjectStore, key: str) -> None:
    with pytest.raises(InvalidObjectKey):
        store.put(key, [b"x"], max_bytes=1)
    with pytest.raises(InvalidObjectKey):
        store.open(key)
    with pytest.raises(InvalidObjectKey):
        store.stat(key)
    with pytest.raises(InvalidObjectKey):
        store.delete(key)
    assert leftovers(store) == []


def test_errors_map_to_client_status_codes() -> None:
    too_large = ObjectTooLarge(1024)
    assert status_code_for(too_large) == grpc.StatusCode.INVALID_ARGUMENT
    assert too_large.reason == "OBJECT_TOO_LARGE"
    assert too_large.violations[0].field == "content"
    mismatch = ChecksumMismatch("a" * 64, "b" * 64)
    assert status_code_for(mismatch) == grpc.StatusCode.INVALID_ARGUMENT
    assert mismatch.reason == "CHECKSUM_MISMATCH"
    unavailable = ObjectStoreUnavailable("down")
    assert status_code_for(unavailable) == grpc.StatusCode.UNAVAILABLE


def test_unreachable_minio_is_unavailable() -> None:
    from tests.servers import free_port

    client = minio.Minio(
        f"127.0.0.1:{free_port()}",
        "k",
        "s",
        secure=False,
        region="us-east-1",
        http_client=urllib3.PoolManager(retries=0),  # the default retries for seconds
    )
    with pytest.raises(ObjectStoreUnavailable):
        MinioObjectStore(client, "contracts")


def test_store_from_url(tmp_path: Path, s3_server: S3Server) -> None:
    default = object_store_from_url("", tmp_path)
    assert isinstance(default, LocalObjectStore)
    assert default.root == (tmp_path / "objects").resolve()

    elsewhere = object_store_from_url((tmp_path / "其他 目录").as_uri(), tmp_path)
    assert isinstance(elsewhere, LocalObjectStore)
    assert elsewhere.root == (tmp_path / "其他 目录").resolve()

    s3 = object_store_from_url(s3_server.url("from-url"), tmp_path)
    assert isinstance(s3, MinioObjectStore)
    assert s3.bucket == "from-url"
    key = s3.new_key("contracts")
    s3.put(key, [b"via url"], max_bytes=100)
    assert s3.open(key).read_all() == b"via url"
    assert object_store_from_url(s3_server.url("from-url"), tmp_path).exists(key)  # bucket kept
    s3.delete(key)
    s3.client.remove_bucket("from-url")


@pytest.mark.parametrize(
    "url",
    [
        "http://host/bucket",
        "file://host/srv",
        "file:relative/path",
        "s3://key:topsecret@host:9000",
        "s3://key:topsecret@host:9000/a/b",
        "s3://key:topsecret@host:9000/bucket?secure=maybe",
        "s3://key:topsecret@host:9000/bucket?sslmode=off",
    ],
)
def test_bad_store_urls_fail_without_echoing_the_secret(tmp_path: Path, url: str) -> None:
    with pytest.raises(ValueError) as raised:
        object_store_from_url(url, tmp_path)
    assert "topsecret" not in str(raised.value)
