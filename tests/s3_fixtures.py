"""Pytest plugin: a real S3-protocol server (moto_server) and object stores for tests."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import minio
import pytest

from services.common.storage import LocalObjectStore, MinioObjectStore
from tests.servers import free_port

# moto accepts any credentials; these only have to be well-formed for the client.
ACCESS_KEY = "callops-test"
SECRET_KEY = "callops-test-secret"
REGION = "us-east-1"  # set on the client, so it never asks the server for a bucket's region


@dataclass
class S3Server:
    """A moto_server subprocess on 127.0.0.1; it keeps every object in its own memory."""

    endpoint: str  # host:port, as minio.Minio takes it
    log: Path
    process: subprocess.Popen[bytes]

    def client(self) -> minio.Minio:
        return minio.Minio(self.endpoint, ACCESS_KEY, SECRET_KEY, secure=False, region=REGION)

    def url(self, bucket: str) -> str:
        """The store URL `object_store_from_url` takes for `bucket` on this server."""
        return f"s3://{ACCESS_KEY}:{SECRET_KEY}@{self.endpoint}/{bucket}?secure=false"


def _moto_server_binary() -> Path:
    # The venv running pytest is the one with moto[server]: its bin dir, not PATH.
    binary = Path(sys.executable).parent / "moto_server"
    if not binary.exists():
        pytest.fail(
            f"{binary} not found: install the dev extras (pip install -e '.[dev]', which has "
            "moto[server]) into the venv that runs pytest",
            pytrace=False,
        )
    return binary


def _wait_until_answering(server: S3Server, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"http://{server.endpoint}/", timeout=1) as response:
                if response.status == 200:  # ListBuckets
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    server.process.kill()
    server.process.wait()
    pytest.fail(
        f"moto_server on {server.endpoint} did not answer within {timeout:.0f} s "
        f"(exit code {server.process.returncode}):\n{server.log.read_text(errors='replace')}",
        pytrace=False,
    )


def pending_uploads(client: minio.Minio, bucket: str) -> list[tuple[str, str]]:
    """Multipart uploads begun and neither completed nor aborted: (key, upload id)."""
    # minio has no public call for this; the private one is what its own put_object uses.
    listing = client._list_multipart_uploads(bucket)
    return [(u.object_name or "", u.upload_id or "") for u in listing.uploads]


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    binary = _moto_server_binary()
    workdir = Path(tempfile.mkdtemp(prefix="callops-s3-"))
    log = workdir / "moto_server.log"
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(binary), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=workdir,
        )
    server = S3Server(f"127.0.0.1:{port}", log, process)
    try:
        _wait_until_answering(server)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def minio_store(s3_server: S3Server) -> Iterator[MinioObjectStore]:
    """A MinioObjectStore on a bucket of its own, emptied and removed afterwards (moto keeps
    objects in memory, and the big-upload tests would add up)."""
    client = s3_server.client()
    bucket = f"test-{secrets.token_hex(6)}"
    yield MinioObjectStore(client, bucket)
    for name, upload_id in pending_uploads(client, bucket):
        client._abort_multipart_upload(bucket, name, upload_id)
    for obj in client.list_objects(bucket, recursive=True):
        if obj.object_name is not None:
            client.remove_object(bucket, obj.object_name)
    client.remove_bucket(bucket)


@pytest.fixture
def local_store(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "objects")
