"""Scenario: CreateContract from a template, each call checking its customer with a real
customer service over gRPC (as in production), on SQLite.

Setup starts a customer service and a contract service (each its own process), creates
BENCH_CUSTOMERS customers (default 50) through CreateCustomer and one template through
CreateContractTemplate. Each call drafts a contract for one of the customers with the
template's blanks filled in, two line items and two payment milestones. Every call inserts:
the figures are write throughput (one SQLite writer), and grow the database as they run.

Run just this one: `python -m bench.contract_creation [--duration 10 --concurrency 8,32]`
(it takes the harness's arguments).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from functools import partial
from itertools import count
from pathlib import Path

import grpc
from google.type import date_pb2, money_pb2
from pydantic import SecretStr

from bench.customer_lookup import _wait_serving, free_port
from bench.loadgen import ClientFactory
from bench.scenarios import Servers
from callops.contract.v1 import contract_pb2 as pb
from callops.contract.v1 import contract_pb2_grpc
from callops.customer.v1 import customer_pb2 as cpb
from callops.customer.v1 import customer_pb2_grpc
from services.common.auth import issue_token
from services.common.config import ServiceSettings
from services.common.migrations import upgrade
from services.contract.bootstrap import MIGRATIONS as CONTRACT_MIGRATIONS
from services.customer.bootstrap import MIGRATIONS as CUSTOMER_MIGRATIONS

SECRET = "bench-secret-bench-secret-bench-secret"
WORKDIR = Path("var/bench/contract-creation")
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "50"))
B = pb.TemplateBlank


def _metadata(role: str, user: str) -> tuple[tuple[str, str], ...]:
    token = issue_token(
        ServiceSettings(jwt_secret=SecretStr(SECRET)), user, [role], "华东销售部", ttl_seconds=7200
    )
    return (("authorization", f"Bearer {token}"),)


def _day(year: int, month: int, day: int) -> date_pb2.Date:
    return date_pb2.Date(year=year, month=month, day=day)


def _cny(units: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", units=units)


def template() -> pb.ContractTemplate:
    return pb.ContractTemplate(
        display_name="产品销售合同（示范文本）",
        kind=pb.Contract.KIND_PRODUCT_SALE,
        clauses=[
            "甲方向乙方采购本合同标的所列货物，乙方应于{{delivery_date}}前交货。",
            "合同总价{{price}}，验收合格后三十日内付清尾款。",
            "因本合同引起的争议，提交{{court}}仲裁。",
        ],
        blanks=[
            B(key="delivery_date", display_name="交货日期", type=B.TYPE_DATE, required=True),
            B(key="price", display_name="合同总价", type=B.TYPE_MONEY, required=True),
            B(
                key="court",
                display_name="仲裁机构",
                type=B.TYPE_CHOICE,
                required=True,
                choices=["上海仲裁委员会", "杭州仲裁委员会"],
            ),
        ],
    )


def draft(customer: str, template_name: str) -> pb.Contract:
    """A contract of 12,000 CNY from the template: two items, two payment milestones."""
    msg = pb.Contract(
        title="服务器及交换机采购合同",
        customer=customer,
        template=template_name,
        owner="users/zhang.san",
        department="华东销售部",
        start_date=_day(2026, 12, 1),
        end_date=_day(2027, 11, 30),
        payment_terms="预付30%，验收后付70%",
        dispute_resolution=pb.Contract.DISPUTE_RESOLUTION_ARBITRATION,
        line_items=[
            pb.LineItem(
                display_name="服务器",
                model="R750",
                quantity="2",
                unit="台",
                unit_price=_cny(4500),
                tax_rate="0.13",
            ),
            pb.LineItem(
                display_name="交换机",
                quantity="1",
                unit="台",
                unit_price=_cny(3000),
                tax_rate="0.13",
            ),
        ],
        payment_milestones=[
            pb.PaymentMilestone(
                display_name="预付款", due_date=_day(2026, 12, 10), amount=_cny(3600)
            ),
            pb.PaymentMilestone(display_name="尾款", due_date=_day(2027, 3, 10), amount=_cny(8400)),
        ],
    )
    msg.blanks["delivery_date"].date.CopyFrom(_day(2026, 12, 31))
    msg.blanks["price"].money.CopyFrom(_cny(12000))
    msg.blanks["court"].choice = "上海仲裁委员会"
    return msg


async def create_client(
    channel: grpc.aio.Channel, customers: tuple[str, ...], template_name: str
) -> Callable[[], Awaitable[object]]:
    """Runs in each client process: sales people drafting contracts for the customers."""
    stub = contract_pb2_grpc.ContractServiceStub(channel)
    metadata = _metadata("sales", "zhang.san")
    drafts = [draft(c, template_name) for c in customers]
    turn = count()

    async def call() -> object:
        n = next(turn)
        reply = await stub.CreateContract(
            pb.CreateContractRequest(contract=drafts[n % len(drafts)]),
            metadata=metadata,
            timeout=30,
        )
        if reply.total_amount.units != 12000:
            raise AssertionError(f"total {reply.total_amount}")
        return reply

    return call


def _serve(module: str, port: int, db: Path, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", module, "serve"],
        env={
            **os.environ,
            "CALLOPS_JWT_SECRET": SECRET,
            "CALLOPS_GRPC_PORT": str(port),
            "CALLOPS_DATABASE_URL": f"sqlite:///{db}",
            "CALLOPS_LOG_LEVEL": "WARNING",
            "CALLOPS_BROKER_URL": "redis://127.0.0.1:1/0",
            **env,
        },
        stdout=subprocess.DEVNULL,
    )


class ContractCreation:
    name = "contract_creation"
    # SQLite has one writer: a second contract process would only queue on its lock.
    server_processes = 1

    def __init__(self) -> None:
        self._procs: list[subprocess.Popen[bytes]] = []
        self._customers: tuple[str, ...] = ()
        self._template = ""

    async def setup(self) -> Servers:
        shutil.rmtree(WORKDIR, ignore_errors=True)
        WORKDIR.mkdir(parents=True)
        customer_db, contract_db = WORKDIR / "customer.db", WORKDIR / "contract.db"
        await asyncio.to_thread(upgrade, CUSTOMER_MIGRATIONS, f"sqlite:///{customer_db}")
        await asyncio.to_thread(upgrade, CONTRACT_MIGRATIONS, f"sqlite:///{contract_db}")
        customer_port, contract_port = free_port(), free_port()
        self._procs.append(_serve("services.customer", customer_port, customer_db))
        self._procs.append(
            _serve(
                "services.contract",
                contract_port,
                contract_db,
                CALLOPS_CUSTOMER_ADDRESS=f"127.0.0.1:{customer_port}",
                CALLOPS_DATA_DIR=str((WORKDIR / "data").resolve()),
            )
        )
        await _wait_serving(customer_port)
        await _wait_serving(contract_port)
        await self._load(customer_port, contract_port)
        # The contract process serves; the customer process answers its checks: both count.
        return Servers(f"127.0.0.1:{contract_port}", tuple(p.pid for p in self._procs))

    async def _load(self, customer_port: int, contract_port: int) -> None:
        async with (
            grpc.aio.insecure_channel(f"127.0.0.1:{customer_port}") as customers,
            grpc.aio.insecure_channel(f"127.0.0.1:{contract_port}") as contracts,
        ):
            stub = customer_pb2_grpc.CustomerServiceStub(customers)
            sales = _metadata("sales", "zhang.san")
            names = []
            for n in range(CUSTOMERS):
                made = await stub.CreateCustomer(
                    cpb.CreateCustomerRequest(
                        customer=cpb.Customer(
                            full_name=f"杭州西湖压测科技有限公司{n:04d}",
                            kind=cpb.Customer.KIND_ENTERPRISE,
                            owner="users/zhang.san",
                        )
                    ),
                    metadata=sales,
                    timeout=30,
                )
                names.append(made.name)
            self._customers = tuple(names)
            made_template = await contract_pb2_grpc.ContractServiceStub(
                contracts
            ).CreateContractTemplate(
                pb.CreateContractTemplateRequest(contract_template=template()),
                metadata=_metadata("legal", "fa.wu"),
                timeout=30,
            )
            self._template = made_template.name

    def client_factory(self) -> ClientFactory:
        return partial(create_client, customers=self._customers, template_name=self._template)

    async def teardown(self) -> None:
        for proc in self._procs:
            proc.terminate()
        for proc in self._procs:
            proc.wait(timeout=15)
        self._procs.clear()
        shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    from bench.__main__ import main

    sys.exit(main(["--only", "contract_creation", *sys.argv[1:]]))
