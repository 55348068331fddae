"""`callops alerts` against the real alert service: alerts its scans raised, listed and
acknowledged by their recipient."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest_asyncio

from services.alerts.bootstrap import AlertApp
from services.alerts.entrypoints import servicer as alerts_servicer
from services.alerts.service_layer import projection
from services.alerts.service_layer.scans import run_scans
from tests.alerts_fixtures import FakeContracts, contract, seed_directory
from tests.e2e.test_cli_customers import Cli, serve

START = date(2026, 3, 2)
NINE = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@pytest_asyncio.fixture
async def alerts_cli(
    sqlite_alerts_app: AlertApp, fake_contracts: FakeContracts
) -> AsyncIterator[Cli]:
    """The alert service on a loopback port, after its scans raised an expiry alert for
    zhang.san: his contract ends in 30 days."""
    app = sqlite_alerts_app
    seed_directory(app, NINE)
    fake_contracts.put(contract(1, end_date=START + timedelta(days=30)))
    projection.handle_event(
        app.engine, app.contracts, str(uuid.uuid4()), "contract.ContractChanged",
        {"contract": "contracts/c0001", "action": "updated"}, NINE,
    )  # fmt: skip
    run_scans(app.engine, app.rules, NINE)
    server, port = await serve(app.settings, alerts_servicer, app.servicer())
    yield Cli(app.settings, {"alerts": f"127.0.0.1:{port}"})
    await server.stop(None)


async def test_the_recipient_lists_and_acknowledges_an_alert(alerts_cli: Cli) -> None:
    listed = await alerts_cli.json("alerts", "list", "--state", "open")
    [alert] = listed["alerts"]
    assert alert["kind"] == "KIND_CONTRACT_EXPIRY" and alert["subject"] == "contracts/c0001"
    assert alert["recipient"] == "users/zhang.san" and alert["amount"]["units"] == "120000"

    human = await alerts_cli("alerts", "list")
    assert human.exit_code == 0 and "预警提醒" in human.stdout and "open" in human.stdout

    someone_else = await alerts_cli("alerts", "ack", alert["name"], user="li.si")
    # Someone else's alert does not exist for them.
    assert someone_else.exit_code == 3 and "NOT_FOUND" in someone_else.stderr
    acknowledged = await alerts_cli.json("alerts", "ack", alert["name"])
    assert acknowledged["state"] == "STATE_ACKNOWLEDGED"
    still_open = await alerts_cli.json("alerts", "list", "--state", "open")
    assert still_open["alerts"] == []

    bad_state = await alerts_cli("alerts", "list", "--state", "closed")
    assert bad_state.exit_code == 2 and "open, acknowledged, cancelled" in bad_state.stderr
