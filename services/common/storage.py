"""File storage for contract documents and call recordings: one interface, local and MinIO."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self
from urllib.parse import parse_qs, unquote, urlsplit

import minio
import urllib3
from minio.commonconfig import REPLACE, CopySource
from minio.error import InvalidResponseError, S3Error, ServerError

from services.common.errors import FieldViolation, InvalidArgument, NotFound, Unavailable

DEFAULT_CONTENT_TYPE = "application/octet-stream"
READ_CHUNK = 1024 * 1024
# S3's smallest part is 5 MiB; 8 MiB keeps 200 MB to 25 parts while memory stays a few parts.
PART_SIZE = 8 * 1024 * 1024
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_BAD_KEY_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")
# S3 answers with these when it is overloaded or broken; a retry later may succeed.
_RETRYABLE_S3_CODES = frozenset(
    {"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "OperationAborted"}
)


class ObjectTooLarge(InvalidArgument):
    """The upload went past its byte limit; nothing was stored."""

    default_reason = "OBJECT_TOO_LARGE"

    def __init__(self, max_bytes: int, field: str = "content") -> None:
        super().__init__(
            FieldViolation(field, f"is larger than the limit of {max_bytes} bytes"),
            metadata={"max_bytes": str(max_bytes)},
        )
        self.max_bytes = max_bytes


class ChecksumMismatch(InvalidArgument):
    """The bytes received do not hash to the SHA-256 the sender declared; nothing was stored."""

    default_reason = "CHECKSUM_MISMATCH"

    def __init__(self, expected: str, actual: str, field: str = "sha256") -> None:
        super().__init__(
            FieldViolation(field, f"declared {expected}, but the content hashes to {actual}"),
            metadata={"expected_sha256": expected, "actual_sha256": actual},
        )
        self.expected, self.actual = expected, actual


class ObjectNotFound(NotFound):
    default_reason = "OBJECT_NOT_FOUND"

    def __init__(self, key: str) -> None:
        # The key is internal layout, so it stays out of the client-visible message.
        super().__init__("the stored file does not exist")
        self.key = key


class ObjectStoreUnavailable(Unavailable):
    default_reason = "OBJECT_STORE_UNAVAILABLE"


class InvalidObjectKey(ValueError):
    """Not a safe relative key. Keys come from code (`new_key`), so this is a bug, not input."""


@dataclass(frozen=True)
class StoredObject:
    """What the store knows about one object. `sha256` is "" for an object this module did
    not write (the hash is recorded at upload, never recomputed on read)."""

    key: str
    size: int
    sha256: str
    content_type: str


class ObjectReader(Iterator[bytes]):
    """An object's bytes in chunks; `close()` or a `with` block frees the file or connection
    when the reader stops early (reading to the end frees it too)."""

    def __init__(self, chunks: Iterator[bytes], release: Callable[[], None]) -> None:
        self._chunks = chunks
        self._release: Callable[[], None] | None = release

    def __next__(self) -> bytes:
        if self._release is None:
            raise StopIteration
        try:
            return next(self._chunks)
        except BaseException:  # StopIteration included: the end frees the resource as well
            self.close()
            raise

    def read_all(self) -> bytes:
        """Everything left, in memory: for small objects and tests only."""
        with self:
            return b"".join(self)

    def close(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class ObjectStore(Protocol):
    """Where uploaded files live. Keys are written once (`new_key` never repeats), so a reader
    never races a writer; every `put` either stores the whole object or nothing at all."""

    def new_key(self, prefix: str) -> str:
        """A fresh key under `prefix`, e.g. `contracts/2026/11/23/<uuid4 hex>` (UTC date)."""
        ...

    def put(
        self,
        key: str,
        chunks: Iterable[bytes],
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        max_bytes: int,
        expected_sha256: str | None = None,
    ) -> StoredObject:
        """Streams `chunks` into `key` without holding the object in memory.

        Raises ObjectTooLarge past `max_bytes`, ChecksumMismatch when `expected_sha256` is
        given and wrong, or whatever `chunks` raises; in every such case nothing is stored.
        """
        ...

    def open(self, key: str, offset: int = 0, length: int | None = None) -> ObjectReader:
        """The bytes `data[offset:offset + length]` in chunks (to the end when `length` is
        None); a range past the end yields nothing. ObjectNotFound when there is no object."""
        ...

    def stat(self, key: str) -> StoredObject: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Removes the object; deleting a missing key is not an error (retries stay safe)."""
        ...

    def presigned_get_url(self, key: str, expires: timedelta) -> str:
        """A URL that downloads the object without our credentials, until `expires` passes."""
        ...


def check_key(key: str) -> str:
    """Returns `key` if it is a safe relative path: segments that are not empty and do not
    start with "." (so no `..`, and no clash with the local store's temp and metadata files)."""
    if not key or len(key.encode()) > 1024:
        raise InvalidObjectKey("an object key must be 1-1024 bytes")
    if key.startswith("/") or _BAD_KEY_CHARS.search(key):
        raise InvalidObjectKey(f"an object key must be relative, without \\ or controls: {key!r}")
    if any(not part or part.startswith(".") for part in key.split("/")):
        raise InvalidObjectKey(f"key segments must be non-empty and not start with '.': {key!r}")
    return key


def new_object_key(prefix: str, now: datetime | None = None) -> str:
    """`prefix/YYYY/MM/DD/<uuid4 hex>`: the date (UTC) keeps listings browsable, the uuid
    makes collisions impossible in practice."""
    when = (now or datetime.now(UTC)).astimezone(UTC)
    return check_key(f"{prefix.strip('/')}/{when:%Y/%m/%d}/{uuid.uuid4().hex}")


def _check_range(offset: int, length: int | None) -> None:
    if offset < 0 or (length is not None and length < 0):
        raise ValueError(f"offset and length must not be negative: {offset}, {length}")


def _normalized_sha256(value: str | None) -> str | None:
    if value is None:
        return None
    digest = value.strip().lower()
    if not _SHA256_HEX.fullmatch(digest):
        raise InvalidArgument.of("sha256", "must be 64 hexadecimal digits", "INVALID_SHA256")
    return digest


class _Meter:
    """Counts and hashes bytes as they stream past, enforcing the limit and declared hash."""

    def __init__(self, max_bytes: int, expected_sha256: str | None) -> None:
        if max_bytes < 0:
            raise ValueError(f"max_bytes must not be negative: {max_bytes}")
        self.max_bytes = max_bytes
        self.expected = _normalized_sha256(expected_sha256)
        self.size = 0
        self._hash = hashlib.sha256()

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise ObjectTooLarge(self.max_bytes)
        self._hash.update(chunk)

    def finish(self) -> str:
        digest = self._hash.hexdigest()
        if self.expected is not None and digest != self.expected:
            raise ChecksumMismatch(self.expected, digest)
        return digest


class _ChunkReader:
    """A `read(n)` view of a chunk iterator, metered as it goes, for minio's put_object."""

    def __init__(self, chunks: Iterable[bytes], meter: _Meter) -> None:
        self._chunks = iter(chunks)
        self._meter = meter
        self._rest = memoryview(b"")
        self.sha256: str | None = None  # set when the source ends and its hash checks out

    def read(self, size: int) -> bytes:
        pieces: list[memoryview] = []
        wanted = size
        while wanted > 0:
            if not self._rest:
                if self.sha256 is not None:
                    break
                chunk = next(self._chunks, None)
                if chunk is None:
                    # minio reads to the end before it completes an upload, so raising here
                    # aborts the upload: a wrong hash never becomes a visible object.
                    self.sha256 = self._meter.finish()
                    break
                self._meter.add(chunk)
                self._rest = memoryview(chunk)
            piece = self._rest[:wanted]
            self._rest = self._rest[wanted:]
            pieces.append(piece)
            wanted -= len(piece)
        # One copy into the part minio asks for; the memoryviews avoid copying the remainders.
        return b"".join(pieces)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalObjectStore:
    """Objects as files under `root`, for a single machine.

    Each object is written to a hidden temp file beside its final path and renamed into place,
    so readers never see half an object. Its content type and hash live in
    `root/.meta/<key>.json`, written before the object appears. Because a key is a path, one
    key cannot be a "directory" of another (`a/b` and `a/b/c`); `new_key` keys never are.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self._meta_root = self.root / ".meta"

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _meta_path(self, key: str) -> Path:
        return self._meta_root / (check_key(key) + ".json")

    def new_key(self, prefix: str) -> str:
        return new_object_key(prefix)

    def put(
        self,
        key: str,
        chunks: Iterable[bytes],
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        max_bytes: int,
        expected_sha256: str | None = None,
    ) -> StoredObject:
        path, meta_path = self._path(key), self._meta_path(key)
        meter = _Meter(max_bytes, expected_sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{uuid.uuid4().hex}.part"
        meta_tmp = meta_path.parent / f".{uuid.uuid4().hex}.part"
        try:
            with tmp.open("xb") as out:
                for chunk in chunks:
                    meter.add(chunk)
                    out.write(chunk)
                sha256 = meter.finish()
                out.flush()
                os.fsync(out.fileno())  # the data is on disk before the name points at it
            stored = StoredObject(key, meter.size, sha256, content_type)
            meta_tmp.write_bytes(json.dumps(asdict(stored), ensure_ascii=False).encode())
            os.replace(meta_tmp, meta_path)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            meta_tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)
        return stored

    def open(self, key: str, offset: int = 0, length: int | None = None) -> ObjectReader:
        _check_range(offset, length)
        path = self._path(key)
        try:
            file = path.open("rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ObjectNotFound(key) from None
        file.seek(offset)

        def chunks() -> Iterator[bytes]:
            remaining = length
            while remaining is None or remaining > 0:
                data = file.read(READ_CHUNK if remaining is None else min(READ_CHUNK, remaining))
                if not data:
                    return
                if remaining is not None:
                    remaining -= len(data)
                yield data

        return ObjectReader(chunks(), file.close)

    def stat(self, key: str) -> StoredObject:
        path, meta_path = self._path(key), self._meta_path(key)
        try:
            size = path.stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            raise ObjectNotFound(key) from None
        if not path.is_file():
            raise ObjectNotFound(key)
        try:
            meta = json.loads(meta_path.read_bytes())
        except FileNotFoundError:  # a file put there by hand, not through this store
            return StoredObject(key, size, "", DEFAULT_CONTENT_TYPE)
        return StoredObject(key, size, str(meta["sha256"]), str(meta["content_type"]))

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path, meta_path = self._path(key), self._meta_path(key)
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            path.unlink()
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            meta_path.unlink()

    def presigned_get_url(self, key: str, expires: timedelta) -> str:
        """A `file://` URL of the object's file. There is no server to sign for, so it works
        only on this machine, for whoever may read the file, and `expires` is ignored: serve
        downloads to browsers from the MinIO store (or stream them through an RPC)."""
        path = self._path(key)
        if not path.is_file():
            raise ObjectNotFound(key)
        return path.as_uri()


@contextlib.contextmanager
def _s3_errors(key: str) -> Iterator[None]:
    """minio's and urllib3's failures in our terms: missing objects and outages."""
    try:
        yield
    except S3Error as exc:
        if exc.code in ("NoSuchKey", "NoSuchObject"):
            raise ObjectNotFound(key) from exc
        if exc.code in _RETRYABLE_S3_CODES:
            raise ObjectStoreUnavailable(f"object store busy or failing: {exc.code}") from exc
        raise
    except (ServerError, InvalidResponseError, urllib3.exceptions.HTTPError) as exc:
        raise ObjectStoreUnavailable(f"object store unreachable: {type(exc).__name__}") from exc


class MinioObjectStore:
    """Objects in one bucket of MinIO (or any S3), through the official client.

    Uploads stream as multipart uploads of `part_size` parts, one part in flight: minio's
    parallel mode keeps several parts in memory and leaves its threads behind when the source
    fails. The SHA-256 is kept as the object's `x-amz-meta-sha256`.
    """

    def __init__(self, client: minio.Minio, bucket: str, *, part_size: int = PART_SIZE) -> None:
        self.client, self.bucket, self.part_size = client, bucket, part_size
        with _s3_errors(""):
            if not client.bucket_exists(bucket):
                try:
                    client.make_bucket(bucket)
                except S3Error as exc:  # another process created it a moment ago
                    if exc.code != "BucketAlreadyOwnedByYou":
                        raise

    def new_key(self, prefix: str) -> str:
        return new_object_key(prefix)

    def put(
        self,
        key: str,
        chunks: Iterable[bytes],
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        max_bytes: int,
        expected_sha256: str | None = None,
    ) -> StoredObject:
        check_key(key)
        meter = _Meter(max_bytes, expected_sha256)
        reader = _ChunkReader(chunks, meter)
        # A declared hash is verified before the upload completes, so it can be stored at once.
        metadata = {"sha256": meter.expected} if meter.expected else None
        with _s3_errors(key):
            self.client.put_object(
                self.bucket,
                key,
                reader,  # type: ignore[arg-type]  # minio only calls read(n)
                length=-1,
                content_type=content_type,
                metadata=metadata,  # type: ignore[arg-type]  # dict[str, str] is what it takes
                part_size=self.part_size,
                num_parallel_uploads=1,
            )
        if reader.sha256 is None:
            raise RuntimeError("minio finished an upload without reading to the end")
        if metadata is None:
            # S3 fixes metadata when an upload starts, before the hash is known, so a
            # metadata-only self-copy adds it. The key is new and unpublished: nobody sees it
            # without the hash, and if the copy fails the object goes.
            try:
                with _s3_errors(key):
                    self.client.copy_object(
                        self.bucket,
                        key,
                        CopySource(self.bucket, key),
                        metadata={"Content-Type": content_type, "sha256": reader.sha256},
                        metadata_directive=REPLACE,
                    )
            except BaseException:
                with contextlib.suppress(Exception):
                    self.client.remove_object(self.bucket, key)
                raise
        return StoredObject(key, meter.size, reader.sha256, content_type)

    def open(self, key: str, offset: int = 0, length: int | None = None) -> ObjectReader:
        _check_range(offset, length)
        check_key(key)
        if length == 0:  # minio reads length=0 as "to the end"
            self.stat(key)
            return ObjectReader(iter(()), lambda: None)
        try:
            with _s3_errors(key):
                response = self.client.get_object(
                    self.bucket, key, offset=offset, length=length or 0
                )
        except S3Error as exc:
            if exc.code != "InvalidRange":
                raise
            self.stat(key)  # S3 refuses a range past the end; we yield nothing, like a slice
            return ObjectReader(iter(()), lambda: None)

        def chunks() -> Iterator[bytes]:
            with _s3_errors(key):
                yield from response.stream(READ_CHUNK)

        def release() -> None:
            response.close()
            response.release_conn()

        return ObjectReader(chunks(), release)

    def stat(self, key: str) -> StoredObject:
        check_key(key)
        with _s3_errors(key):
            info = self.client.stat_object(self.bucket, key)
        headers = info.metadata or {}
        return StoredObject(
            key,
            info.size or 0,
            str(headers.get("x-amz-meta-sha256", "")),
            info.content_type or DEFAULT_CONTENT_TYPE,
        )

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except ObjectNotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        check_key(key)
        with _s3_errors(key):
            self.client.remove_object(self.bucket, key)

    def presigned_get_url(self, key: str, expires: timedelta) -> str:
        """Signed for the endpoint this client talks to; browsers must be able to reach it."""
        self.stat(key)  # presigning is offline: without this a missing key gives a dead link
        with _s3_errors(key):
            return self.client.presigned_get_object(self.bucket, key, expires=expires)


def put_upload(
    store: ObjectStore,
    key: str,
    chunks: Iterable[bytes],
    *,
    content_type: str,
    max_bytes: int,
    sha256: str | None,
) -> StoredObject:
    """`store.put` for a client-streamed upload: a failure names the field at fault as the
    upload messages do (`chunk`, `upload.sha256`)."""
    try:
        return store.put(
            key, chunks, content_type=content_type, max_bytes=max_bytes, expected_sha256=sha256
        )
    except ObjectTooLarge as exc:
        raise ObjectTooLarge(exc.max_bytes, "chunk") from None
    except ChecksumMismatch as exc:
        raise ChecksumMismatch(exc.expected, exc.actual, "upload.sha256") from None


def object_store_from_url(url: str, data_dir: Path) -> ObjectStore:
    """The store a URL names: "" -> files under `data_dir/objects`; `file:///srv/objects` ->
    files there; `s3://ACCESS:SECRET@host:port/bucket?secure=false&region=cn-east-1` -> MinIO
    or any S3 (https unless secure=false; percent-encode `/` or `@` in the secret)."""
    if not url:
        return LocalObjectStore(data_dir / "objects")
    # Error messages never repeat the URL: it may carry the secret key.
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ValueError("a file:// object store URL needs an absolute path: file:///srv/x")
        return LocalObjectStore(Path(unquote(parts.path)))
    if parts.scheme != "s3":
        raise ValueError(f"object store URL must start with file:// or s3://, not {parts.scheme!r}")
    bucket = parts.path.strip("/")
    if not parts.hostname or not bucket or "/" in bucket:
        raise ValueError("an s3:// object store URL needs a host and one bucket: s3://h:9000/b")
    query = parse_qs(parts.query)
    unknown = set(query) - {"secure", "region"}
    if unknown:
        raise ValueError(f"unknown s3:// URL parameters: {sorted(unknown)}")
    secure_flag = query.get("secure", ["true"])[-1].lower()
    if secure_flag not in ("true", "false", "1", "0"):
        raise ValueError("s3:// URL parameter secure must be true or false")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    client = minio.Minio(
        f"{host}:{parts.port}" if parts.port else host,
        access_key=unquote(parts.username or "") or None,
        secret_key=unquote(parts.password or "") or None,
        secure=secure_flag in ("true", "1"),
        region=query.get("region", [None])[-1],
    )
    return MinioObjectStore(client, bucket)
