"""`callops customers` against the real customer service: JSON for scripts, aligned Chinese
tables for people, masking, and one line plus a documented exit code for each failure."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from typer.testing import CliRunner, Result

from services.cli import app
from services.common.auth import issue_token
from services.common.config import ServiceSettings
from services.common.server import ServiceRegistration, build_server
from tests.contract_fixtures import ContractCaller
from tests.servers import free_port

WEST_LAKE = "杭州西湖软件有限公司"


@dataclass
class Cli:
    """Runs `callops` in a worker thread (the servers run on the test's event loop) with
    the services' addresses and a token for any user and role."""

    settings: ServiceSettings
    addresses: dict[str, str]

    def token(self, *roles: str, user: str = "zhang.san", department: str = "华东销售部") -> str:
        return issue_token(self.settings, user, list(roles), department)

    async def __call__(self, *args: str, as_: tuple[str, ...] = ("sales",), **who: str) -> Result:
        argv = [a for svc, addr in self.addresses.items() for a in (f"--{svc}-address", addr)]
        if as_:
            argv += ["--token", self.token(*as_, **who)]
        runner = CliRunner(env={"CALLOPS_TOKEN": None})
        return await asyncio.to_thread(runner.invoke, app, [*argv, *args])

    async def json(self, *args: str, **kwargs: Any) -> Any:
        result = await self("--json", *args, **kwargs)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


async def serve(settings: ServiceSettings, module: Any, servicer: Any) -> tuple[Any, int]:
    """A service's servicer (`module` its entrypoints.servicer) behind the real interceptors
    on a loopback port, started: the server, to stop, and its port."""
    server, _, port = build_server(
        settings,
        ServiceRegistration(
            [module.SERVICE], lambda s: module.add_to_server(servicer, s), module.POLICY
        ),
        access_log=False,
    )
    await server.start()
    return server, port


def cli_for(caller: ContractCaller, **more: str) -> Cli:
    """The CLI pointed at a ContractCaller's customer service (and any other addresses)."""
    return Cli(caller.settings, {"customer": caller.settings.customer_address, **more})


async def create_west_lake(cli: Cli, phone: str = "138 0013 8000") -> dict[str, Any]:
    made: dict[str, Any] = await cli.json(
        "customers", "create", "--full-name", WEST_LAKE, "--owner", "zhang.san",
        "--department", "华东销售部", "--credit-code", "91350100M000100Y43",
        "--contact", "王芳", "--contact-title", "采购经理", "--phone", phone,
        "--tag", "高潜力客户",
    )  # fmt: skip
    return made


async def test_create_then_find_by_phone_in_another_format_and_show(
    grpc_contract: ContractCaller,
) -> None:
    cli = cli_for(grpc_contract)
    made = await create_west_lake(cli)
    assert made["name"].startswith("customers/") and made["full_name"] == WEST_LAKE
    assert made["contacts"][0]["phone_numbers"] == ["+8613800138000"]

    found = await cli.json("customers", "find-phone", "+86 138-0013-8000")
    assert [m["customer"]["name"] for m in found["matches"]] == [made["name"]]
    assert found["matches"][0]["contact"]["display_name"] == "王芳"

    shown = await cli.json("customers", "show", made["name"].removeprefix("customers/"))
    assert shown["tags"] == ["高潜力客户"] and shown["owner"] == "users/zhang.san"


async def test_people_get_a_table_with_chinese_aligned(grpc_contract: ContractCaller) -> None:
    cli = cli_for(grpc_contract)
    made = await create_west_lake(cli)
    result = await cli("customers", "show", made["name"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(WEST_LAKE in line for line in lines)
    contact_row = next(line for line in lines if "王芳" in line)
    assert "采购经理" in contact_row and "+8613800138000" in contact_row
    # Every row of a table is as wide on screen as its border: wide characters counted
    # as two columns, so the columns line up.
    border = next(line for line in lines if line.startswith("┏"))
    table = lines[lines.index(border) : lines.index(border) + 4]
    assert {cell_len(line) for line in table} == {cell_len(border)}


async def test_an_agent_sees_the_number_masked(grpc_contract: ContractCaller) -> None:
    cli = cli_for(grpc_contract)
    await create_west_lake(cli)
    found = await cli.json("customers", "find-phone", "13800138000", as_=("agent",))
    assert found["phone_number"] == "138****8000"
    contact = found["matches"][0]["contact"]
    assert contact["phone_numbers"] == ["138****8000"] and contact["display_name"] == "王*"


async def test_failures_are_one_line_with_the_field_and_a_documented_exit_code(
    grpc_contract: ContractCaller,
) -> None:
    cli = cli_for(grpc_contract)
    bad = await cli(
        "customers", "create", "--full-name", WEST_LAKE, "--owner", "zhang.san",
        "--credit-code", "91350100M000100Y44",
    )  # fmt: skip
    assert bad.exit_code == 4
    assert bad.stderr.startswith("callops: INVALID_ARGUMENT: customer.credit_code: ")
    assert len(bad.stderr.strip().splitlines()) == 1

    await create_west_lake(cli)
    duplicate = await cli(
        "customers", "create", "--full-name", "西湖软件（杭州）", "--owner", "li.si",
        "--contact", "王芳", "--phone", "13800138000",
    )  # fmt: skip
    assert duplicate.exit_code == 6 and "ALREADY_EXISTS" in duplicate.stderr

    missing = await cli("customers", "show", "customers/" + "0" * 32)
    assert missing.exit_code == 3 and "NOT_FOUND" in missing.stderr

    denied = await cli("customers", "create", "--full-name", "某公司", "--owner", "x",
                       as_=("agent",))  # fmt: skip
    assert denied.exit_code == 5 and "PERMISSION_DENIED" in denied.stderr

    no_token = await cli("customers", "show", "customers/" + "0" * 32, as_=())
    assert no_token.exit_code == 5 and "CALLOPS_TOKEN" in no_token.stderr

    usage = await cli("customers", "create", "--full-name", "某公司", "--owner", "x",
                      "--kind", "company")  # fmt: skip
    assert usage.exit_code == 2 and "enterprise, individual" in usage.stderr

    down = Cli(cli.settings, {"customer": f"127.0.0.1:{free_port()}"})
    unreachable = await down("customers", "show", "customers/" + "0" * 32)
    assert unreachable.exit_code == 7
    assert "UNAVAILABLE" in unreachable.stderr and "customer service" in unreachable.stderr
