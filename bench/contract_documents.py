"""Scenario: UploadDocument of the contract service (合同文件) into the local object store.

Each call uploads BENCH_UPLOAD_MIB MiB (default 1) in 256 KiB chunks, so MB/s is rps times
that. Setup first uploads one 200 MB file and prints its MB/s and how much the server's peak
RSS (VmHWM) grew meanwhile. BENCH_OBJECT_STORE_URL (e.g. an s3:// URL of a MinIO) replaces
the local store.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path

import grpc
from pydantic import SecretStr

from bench.customer_lookup import _wait_serving, free_port
from bench.loadgen import ClientFactory
from bench.scenarios import Servers
from callops.contract.v1 import contract_pb2 as pb
from callops.contract.v1 import contract_pb2_grpc
from services.common.auth import issue_token, principal_for
from services.common.config import ServiceSettings
from services.common.migrations import upgrade
from services.common.rights import DEFAULT_ROLE_RIGHTS
from services.common.storage import LocalObjectStore
from services.contract.bootstrap import MIGRATIONS, bootstrap
from services.contract.config import ContractSettings
from services.contract.domain.approval import ContractKind
from services.contract.service_layer import contracts

SECRET = "bench-secret-bench-secret-bench-secret"
WORKDIR = Path("var/bench/contract-documents")
UPLOAD_MIB = int(os.environ.get("BENCH_UPLOAD_MIB", "1"))
BIG_MIB = 200
CHUNK = 256 * 1024
CUSTOMER_ID = "c" * 32


class _AnyCustomer:
    def check_exists(self, customer: str, field: str) -> None:
        return None

    def describe(self, customer: str) -> None:
        return None


class _NoBroker:
    def publish(self, event_id: str, topic: str, payload: dict[str, object]) -> None:
        return None


def _metadata() -> tuple[tuple[str, str], ...]:
    token = issue_token(
        ServiceSettings(jwt_secret=SecretStr(SECRET)), "zhang.san", ["sales"], "华东销售部"
    )
    return (("authorization", f"Bearer {token}"),)


async def _messages(contract: str, mib: int, seed: int) -> AsyncIterator[pb.UploadDocumentRequest]:
    yield pb.UploadDocumentRequest(
        upload=pb.DocumentUpload(
            parent=contract,
            kind=pb.Document.KIND_SCAN,
            filename="扫描件.bin",
            content_type="application/octet-stream",
        )
    )
    block = hashlib.sha256(str(seed).encode()).digest() * (CHUNK // 32)
    for _ in range(mib * 1024 * 1024 // CHUNK):
        yield pb.UploadDocumentRequest(chunk=block)


async def upload_client(
    channel: grpc.aio.Channel, contract: str, mib: int
) -> Callable[[], Awaitable[object]]:
    """Runs in each client process: a sales person uploading scans of `mib` MiB."""
    stub = contract_pb2_grpc.ContractServiceStub(channel)
    metadata = _metadata()
    counter = iter(range(1 << 62))

    async def call() -> object:
        reply = await stub.UploadDocument(
            _messages(contract, mib, next(counter)), metadata=metadata, timeout=60
        )
        if reply.size_bytes != mib * 1024 * 1024:
            raise AssertionError(f"stored {reply.size_bytes} bytes")
        return reply

    return call


def _peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _contract(database_url: str) -> str:
    """One DRAFT contract to attach the documents to, written straight through the use case."""
    settings = ContractSettings(jwt_secret=SecretStr(SECRET), database_url=database_url)
    app = bootstrap(
        settings,
        publisher=_NoBroker(),
        customers=_AnyCustomer(),
        store=LocalObjectStore(WORKDIR / "objects"),
    )
    actor = principal_for("zhang.san", ["sales"], "华东销售部", DEFAULT_ROLE_RIGHTS)
    values = {
        "title": "压测合同",
        "kind": ContractKind.PRODUCT_SALE,
        "customer_id": CUSTOMER_ID,
        "owner": "users/zhang.san",
        "department": "华东销售部",
        "start_date": date(2026, 12, 1),
        "end_date": date(2027, 11, 30),
        "line_items": [
            {
                "display_name": "服务器",
                "quantity": "1",
                "unit_price": Decimal(1000),
                "tax_rate": "0.13",
            }
        ],
    }
    made = contracts.create_contract(app.uow(), app.deps, actor, values)
    app.engine.dispose()
    return made.resource_name


class ContractDocumentUpload:
    name = "contract_document_upload"

    def __init__(self, server_processes: int = 1) -> None:
        self.server_processes = server_processes
        self._procs: list[subprocess.Popen[bytes]] = []
        self._contract = ""

    async def setup(self) -> Servers:
        shutil.rmtree(WORKDIR, ignore_errors=True)
        WORKDIR.mkdir(parents=True)
        db = f"sqlite:///{WORKDIR / 'contract.db'}"
        await asyncio.to_thread(upgrade, MIGRATIONS, db)
        self._contract = await asyncio.to_thread(_contract, db)
        store_url = os.environ.get(
            "BENCH_OBJECT_STORE_URL", f"file://{(WORKDIR / 'objects').resolve()}"
        )
        ports = [free_port() for _ in range(self.server_processes)]
        for port in ports:
            env = {
                **os.environ,
                "CALLOPS_JWT_SECRET": SECRET,
                "CALLOPS_GRPC_PORT": str(port),
                "CALLOPS_DATABASE_URL": db,
                "CALLOPS_OBJECT_STORE_URL": store_url,
                "CALLOPS_LOG_LEVEL": "WARNING",
                "CALLOPS_BROKER_URL": "redis://127.0.0.1:1/0",
            }
            self._procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "services.contract", "serve"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                )
            )
        for port in ports:
            await _wait_serving(port)
        await self._big_upload(ports[0], self._procs[0].pid)
        return Servers(
            "ipv4:" + ",".join(f"127.0.0.1:{p}" for p in ports), tuple(p.pid for p in self._procs)
        )

    async def _big_upload(self, port: int, pid: int) -> None:
        before = _peak_rss(pid)
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            call = await upload_client(channel, self._contract, BIG_MIB)
            started = time.perf_counter()
            await call()
            seconds = time.perf_counter() - started
        after = _peak_rss(pid)
        print(
            f"bench: contract_document_upload: one {BIG_MIB} MiB upload in {seconds:.1f} s = "
            f"{BIG_MIB * 1.048576 / seconds:.0f} MB/s; server peak RSS {before / 2**20:.0f} -> "
            f"{after / 2**20:.0f} MiB",
            file=sys.stderr,
        )

    def client_factory(self) -> ClientFactory:
        return partial(upload_client, contract=self._contract, mib=UPLOAD_MIB)

    async def teardown(self) -> None:
        for proc in self._procs:
            proc.terminate()
        for proc in self._procs:
            proc.wait(timeout=15)
        self._procs.clear()
        shutil.rmtree(WORKDIR, ignore_errors=True)
