"""AlertService over real gRPC with real tokens: each caller's own alerts, masking by rights,
acknowledging, the directory, and clear errors for bad requests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import grpc
import pytest
from sqlalchemy import update

from callops.alerts.v1 import alerts_pb2 as pb
from services.alerts.adapters import orm
from services.alerts.bootstrap import AlertApp
from services.alerts.service_layer import projection
from services.alerts.service_layer.scans import run_scans
from tests.alerts_fixtures import AlertsCaller, FakeContracts, contract, payment, seed_directory
from tests.e2e.helpers import DENIED, FAILED, INVALID, NOT_FOUND, UNAUTHENTICATED, expect

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _event(app: AlertApp, contracts: FakeContracts, topic: str, **payload: object) -> None:
    projection.handle_event(app.engine, contracts, str(uuid.uuid4()), topic, payload, NOW)


@pytest.fixture
def raised(sqlite_alerts_app: AlertApp, fake_contracts: FakeContracts) -> AlertApp:
    """Payment reminders (with amounts) and a late and an expired callback (with a phone)."""
    app = sqlite_alerts_app
    seed_directory(app, NOW)
    milestones = (payment(1, 1, date(2026, 3, 5)), payment(1, 2, date(2026, 3, 3), "12345.67"))
    fake_contracts.put(contract(1, milestones=milestones, end_date=date(2027, 1, 1)))
    _event(app, fake_contracts, "contract.ContractChanged", contract="contracts/c0001", action="x")
    _event(app, fake_contracts, "callcenter.CallbackExpired", callback="callbacks/b1",
           phone_number="+8613800138000", agent="agents/a1", reason="超过回拨时限",
           at=NOW.isoformat())  # fmt: skip
    run_scans(app.engine, app.rules, NOW)
    return app


async def _list(
    caller: AlertsCaller, *roles: str, user: str, **req: object
) -> pb.ListAlertsResponse:
    return await caller.stub.ListAlerts(
        pb.ListAlertsRequest(**req),  # type: ignore[arg-type]
        metadata=caller.as_(*roles, user=user),
    )


async def test_every_call_needs_a_token(grpc_alerts: AlertsCaller) -> None:
    await expect(grpc_alerts.stub.ListAlerts(pb.ListAlertsRequest()), UNAUTHENTICATED)


async def test_callers_list_their_own_alerts_with_amounts_by_right(
    grpc_alerts: AlertsCaller, raised: AlertApp
) -> None:
    mine = await _list(grpc_alerts, "sales", user="zhang.san")
    assert {a.kind for a in mine.alerts} == {pb.Alert.KIND_PAYMENT_DUE}
    assert {a.recipient for a in mine.alerts} == {"users/zhang.san"}
    assert {(a.amount.units, a.amount.nanos) for a in mine.alerts} == {
        (30000, 0),
        (12345, 670_000_000),
    }
    assert all(a.amount.currency_code == "CNY" for a in mine.alerts)
    assert all("12345" not in a.title + a.body for a in mine.alerts)
    # The e-mail delivery is listed with the alert.
    assert [d.channel for d in mine.alerts[0].deliveries] == ["email"]
    assert mine.alerts[0].deliveries[0].state == pb.Delivery.STATE_PENDING

    # The agent (no pii, no contract_amount) sees the callback with the number masked.
    agent = await _list(grpc_alerts, "agent", user="zhao.liu")
    assert [a.kind for a in agent.alerts] == [pb.Alert.KIND_CALLBACK_EXPIRED]
    assert agent.alerts[0].phone_number == "138****8000"
    assert not agent.alerts[0].HasField("amount")
    boss = await _list(grpc_alerts, "supervisor", user="wang.wu")
    assert [a.phone_number for a in boss.alerts] == ["+8613800138000"]


async def test_paging_and_filters(grpc_alerts: AlertsCaller, raised: AlertApp) -> None:
    first = await _list(grpc_alerts, "finance", user="qian.cai", page_size=1)
    assert len(first.alerts) == 1 and first.next_page_token
    second = await _list(
        grpc_alerts, "finance", user="qian.cai", page_size=1, page_token=first.next_page_token
    )
    assert len(second.alerts) == 1 and not second.next_page_token
    assert first.alerts[0].name != second.alerts[0].name
    assert first.alerts[0].raise_time.ToDatetime() >= second.alerts[0].raise_time.ToDatetime()
    none = await _list(
        grpc_alerts, "finance", user="qian.cai", filter="kind = KIND_CONTRACT_EXPIRY"
    )
    assert list(none.alerts) == []
    await expect(
        _list(grpc_alerts, "finance", user="qian.cai", filter="kind = EXPIRY"), INVALID, "filter"
    )
    await expect(
        _list(grpc_alerts, "finance", user="qian.cai", page_size=1, page_token="forged"),
        INVALID,
        "page_token",
    )


async def test_only_supervisors_and_admins_read_others_alerts(
    grpc_alerts: AlertsCaller, raised: AlertApp
) -> None:
    await expect(
        _list(grpc_alerts, "sales", user="zhang.san", recipient="users/qian.cai"),
        DENIED,
        reason="NOT_OVERSEER",
    )
    seen = await _list(grpc_alerts, "supervisor", user="wang.wu", recipient="users/qian.cai")
    assert len(seen.alerts) == 2
    # A supervisor without contract_amount sees no amounts of others either.
    assert not any(a.HasField("amount") for a in seen.alerts)
    await expect(
        _list(grpc_alerts, "admin", user="root", recipient="qian.cai"), INVALID, "recipient"
    )


async def test_get_and_acknowledge(grpc_alerts: AlertsCaller, raised: AlertApp) -> None:
    stub = grpc_alerts.stub
    mine = (await _list(grpc_alerts, "sales", user="zhang.san")).alerts
    name = mine[0].name
    sales = grpc_alerts.as_("sales", user="zhang.san")
    got = await stub.GetAlert(pb.GetAlertRequest(name=name), metadata=sales)
    assert got == mine[0]
    other = grpc_alerts.as_("finance", user="qian.cai")
    await expect(stub.GetAlert(pb.GetAlertRequest(name=name), metadata=other), NOT_FOUND)
    await expect(
        stub.GetAlert(pb.GetAlertRequest(name="alerts/x"), metadata=sales), INVALID, "name"
    )
    await expect(
        stub.AcknowledgeAlert(pb.AcknowledgeAlertRequest(name=name), metadata=other), NOT_FOUND
    )
    boss = grpc_alerts.as_("supervisor", user="wang.wu")
    await expect(
        stub.AcknowledgeAlert(pb.AcknowledgeAlertRequest(name=name), metadata=boss),
        DENIED,
        reason="NOT_ALERT_RECIPIENT",
    )

    done = await stub.AcknowledgeAlert(pb.AcknowledgeAlertRequest(name=name), metadata=sales)
    assert done.state == pb.Alert.STATE_ACKNOWLEDGED and done.HasField("acknowledge_time")
    again = await stub.AcknowledgeAlert(pb.AcknowledgeAlertRequest(name=name), metadata=sales)
    assert again.acknowledge_time == done.acknowledge_time

    cancelled = mine[1].name
    with raised.engine.begin() as conn:
        conn.execute(
            update(orm.alerts)
            .where(orm.alerts.c.id == int(cancelled.removeprefix("alerts/")))
            .values(state="CANCELLED", cancelled_at=NOW + timedelta(hours=1))
        )
    await expect(
        stub.AcknowledgeAlert(pb.AcknowledgeAlertRequest(name=cancelled), metadata=sales),
        FAILED,
        reason="ALERT_CANCELLED",
    )
    await expect(stub.GetAlert(pb.GetAlertRequest(name="alerts/999999"), metadata=sales), NOT_FOUND)


async def test_the_directory_is_for_admins(grpc_alerts: AlertsCaller) -> None:
    stub = grpc_alerts.stub
    admin = grpc_alerts.as_("admin", user="root")
    entry = pb.Recipient(
        name="recipients/sun.qi",
        display_name="孙七",
        email="sun.qi@example.cn",
        im_webhook_url="https://oapi.dingtalk.com/robot/send?access_token=t",
        supervisor="users/wang.wu",
        groups=["finance", "supervisor"],
        agent="agents/a9",
    )
    stored = await stub.PutRecipient(pb.PutRecipientRequest(recipient=entry), metadata=admin)
    assert stored.display_name == "孙七" and list(stored.groups) == ["finance", "supervisor"]
    assert stored.HasField("update_time")
    got = await stub.GetRecipient(pb.GetRecipientRequest(name="recipients/sun.qi"), metadata=admin)
    assert got == stored
    entry.ClearField("groups")
    replaced = await stub.PutRecipient(pb.PutRecipientRequest(recipient=entry), metadata=admin)
    assert list(replaced.groups) == []

    sales = grpc_alerts.as_("sales", user="zhang.san")
    await expect(
        stub.PutRecipient(pb.PutRecipientRequest(recipient=entry), metadata=sales),
        DENIED,
        reason="PERMISSION_DENIED",
    )
    await expect(
        stub.GetRecipient(pb.GetRecipientRequest(name="recipients/sun.qi"), metadata=sales), DENIED
    )
    bad = pb.Recipient(name="recipients/sun.qi", email="not-an-address", groups=["Finance!"])
    failure = await expect(
        stub.PutRecipient(pb.PutRecipientRequest(recipient=bad), metadata=admin), INVALID
    )
    assert set(failure.fields) == {"recipient.email", "recipient.groups[0]"}
    await expect(
        stub.PutRecipient(pb.PutRecipientRequest(recipient=pb.Recipient()), metadata=admin),
        INVALID,
        "recipient.name",
    )
    await expect(
        stub.GetRecipient(pb.GetRecipientRequest(name="recipients/nobody"), metadata=admin),
        NOT_FOUND,
    )
    await expect(
        stub.GetRecipient(pb.GetRecipientRequest(name="users/x"), metadata=admin), INVALID, "name"
    )


async def test_bad_input_never_breaks_the_server(grpc_alerts: AlertsCaller) -> None:
    sales = grpc_alerts.as_("sales", user="zhang.san")
    for name in (
        "",
        "alerts/",
        "alerts/0",
        "alerts/-1",
        "alerts/99999999999999999999",
        "alerts/1\n",
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await grpc_alerts.stub.GetAlert(pb.GetAlertRequest(name=name), metadata=sales)
        assert caught.value.code() == INVALID, name
