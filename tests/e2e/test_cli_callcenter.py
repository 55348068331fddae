"""`callops agents` and `callops calls` against the real call center (with its callback
assigner) and the real customer service behind the screen-pop."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio

from services.callcenter.adapters.customer_client import GrpcCustomerDirectory
from services.callcenter.entrypoints import servicer as callcenter_servicer
from services.customer.bootstrap import CustomerApp
from services.customer.entrypoints import servicer as customer_servicer
from tests.callcenter_fixtures import make_callcenter_app
from tests.customer_fixtures import Clock, RecordingPublisher
from tests.e2e.test_cli_customers import WEST_LAKE, Cli, create_west_lake, serve

SUPERVISOR: dict[str, Any] = {"as_": ("supervisor",), "user": "zhu.guan"}
AGENT: dict[str, Any] = {"as_": ("agent",), "user": "wang.wu"}


@pytest_asyncio.fixture
async def desk(
    customer_app: CustomerApp, tmp_path: Path, clock: Clock, publisher: RecordingPublisher
) -> AsyncIterator[Cli]:
    """The customer service and the call center (screen-pop through a real gRPC client,
    callbacks offered by its in-process assigner) on loopback ports."""
    cust_server, cust_port = await serve(
        customer_app.settings, customer_servicer, customer_app.servicer()
    )
    directory = GrpcCustomerDirectory(f"127.0.0.1:{cust_port}")
    app = make_callcenter_app(
        f"sqlite:///{tmp_path / 'callcenter.db'}", clock, publisher, directory
    )
    server, port = await serve(app.settings, callcenter_servicer, app.servicer())
    assert app.assigner is not None
    assigner = asyncio.create_task(app.assigner.run())
    yield Cli(
        customer_app.settings,
        {"customer": f"127.0.0.1:{cust_port}", "callcenter": f"127.0.0.1:{port}"},
    )
    assigner.cancel()
    await server.stop(None)
    await cust_server.stop(None)
    await directory.close()
    app.engine.dispose()


async def test_an_agent_logs_in_takes_a_call_and_accepts_the_callback(desk: Cli) -> None:
    await create_west_lake(desk)
    agent = await desk.json(
        "agents", "create", "--user", "wang.wu", "--display-name", "王五",
        "--extension", "8001", "--team", "售后一组", "--skill", "billing", **SUPERVISOR,
    )  # fmt: skip
    name = agent["name"]
    assert agent["status"] == "STATUS_LOGGED_OUT"

    someone_else = await desk("agents", "login", name, as_=("agent",), user="li.si")
    assert someone_else.exit_code == 5 and "PERMISSION_DENIED" in someone_else.stderr
    logged_in = await desk.json("agents", "login", name, **AGENT)
    assert logged_in["status"] == "STATUS_AVAILABLE"
    no_reason = await desk("agents", "status", name, "on_break", **AGENT)
    assert no_reason.exit_code == 4 and "break_reason" in no_reason.stderr

    ringing = await desk.json(
        "calls", "event", "--agent", name, "--call-id", "sip-0001", "--type", "incoming",
        "--peer", "+86 138 0013 8000", **AGENT,
    )  # fmt: skip
    match = ringing["screen_pop"]["matches"][0]
    assert match["customer_display_name"] == WEST_LAKE
    assert match["contact_display_name"] == "王*"  # an agent has no `pii` right
    assert ringing["call"]["peer_number"] == "138****8000"
    again = await desk.json(
        "calls", "event", "--agent", name, "--call-id", "sip-0001", "--type", "incoming",
        "--peer", "13800138000", **AGENT,
    )  # fmt: skip
    assert again["duplicate"] is True
    ended = await desk.json(
        "calls", "event", "--agent", name, "--call-id", "sip-0001", "--type", "ended",
        "--end-cause", "caller_hangup", **AGENT,
    )  # fmt: skip
    assert ended["call"]["result"] == "RESULT_MISSED"

    # The assigner reserves a callback for the only free agent; the agent's list shows it.
    deadline = asyncio.get_running_loop().time() + 15
    while True:
        mine = await desk.json("agents", "callbacks", name, "--state", "reserved", **AGENT)
        if mine["callbacks"] or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.2)
    [reserved] = mine["callbacks"]
    assert reserved["phone_number"] == "138****8000" and reserved["missed_count"] == 1

    # A new stream starts with the agent as it is, then the offers still held for it.
    watched = await asyncio.wait_for(
        desk("--json", "agents", "watch", name, "--count", "2", **AGENT), timeout=20
    )
    assert watched.exit_code == 0, watched.stderr
    events = [json.loads(line) for line in watched.stdout.splitlines()]
    assert events[0]["agent"]["name"] == name
    assert events[0]["agent"]["state"] == "STATE_RESERVED"
    offered = events[1]["callback_reserved"]
    assert offered["name"] == reserved["name"] and offered["agent"] == name

    accepted = await desk.json("agents", "accept", offered["name"], "--agent", name, **AGENT)
    assert accepted["state"] == "STATE_ASSIGNED"
    twice = await desk("agents", "accept", offered["name"], "--agent", name, **AGENT)
    assert twice.exit_code == 6

    wallboard = await desk("agents", "list", **SUPERVISOR)
    assert wallboard.exit_code == 0 and "王五" in wallboard.stdout
    assert "售后一组" in wallboard.stdout


async def test_bad_events_are_usage_or_invalid_argument(desk: Cli) -> None:
    agent = await desk.json(
        "agents", "create", "--user", "wang.wu", "--display-name", "王五", **SUPERVISOR
    )
    unknown_type = await desk(
        "calls", "event", "--agent", agent["name"], "--call-id", "x", "--type", "dropped",
        **AGENT,
    )  # fmt: skip
    assert unknown_type.exit_code == 2 and "incoming" in unknown_type.stderr
    naive_time = await desk(
        "calls", "event", "--agent", agent["name"], "--call-id", "x", "--type", "incoming",
        "--peer", "13800138000", "--at", "2026-11-23T09:00:00", **AGENT,
    )  # fmt: skip
    assert naive_time.exit_code == 2 and "time zone" in naive_time.stderr
    no_peer = await desk(
        "calls", "event", "--agent", agent["name"], "--call-id", "x", "--type", "incoming",
        **AGENT,
    )  # fmt: skip
    assert no_peer.exit_code == 4 and "event.peer_uri" in no_peer.stderr
