"""`callops alerts`: list your alerts (预警提醒) and acknowledge them."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from callops.alerts.v1 import alerts_pb2 as pb
from callops.alerts.v1 import alerts_pb2_grpc
from services.cli import output, values
from services.cli.session import call, current

app = typer.Typer(no_args_is_help=True, help="Alerts (预警提醒): payments, expiry, approvals...")


def _stub() -> alerts_pb2_grpc.AlertServiceStub:
    return alerts_pb2_grpc.AlertServiceStub(current().channel("alerts"))


def _row(a: pb.Alert) -> tuple[Any, ...]:
    return (
        a.name,
        output.enum_label(pb.Alert.Severity.Name(a.severity), "SEVERITY"),
        output.enum_label(pb.Alert.State.Name(a.state), "STATE"),
        a.title,
        output.day(a.due_date),
        output.money(a.amount) if a.HasField("amount") else "",
        a.subject,
    )


def _table(alerts: list[pb.Alert]) -> Any:
    return output.rows(
        "预警提醒",
        ["alert", "severity", "state", "title", "due", "amount", "about"],
        map(_row, alerts),
    )


@app.command("list")
def list_alerts(
    recipient: Annotated[
        str, typer.Option(help="whose alerts, e.g. zhang.san (supervisor, admin); yours")
    ] = "",
    state: Annotated[str, typer.Option(help="open, acknowledged or cancelled")] = "",
    kind: Annotated[str, typer.Option(help="e.g. payment_overdue, contract_expiry")] = "",
    limit: Annotated[int, typer.Option(min=1, max=500, help="at most this many")] = 50,
) -> None:
    """Your alerts (or a recipient's), newest first."""
    terms = []
    if state:
        number = values.choice(pb.Alert.State, "STATE", state, "--state")
        terms.append(f"state = {pb.Alert.State.Name(number)}")
    if kind:
        terms.append(
            f"kind = {pb.Alert.Kind.Name(values.choice(pb.Alert.Kind, 'KIND', kind, '--kind'))}"
        )
    answer = call(
        "alerts",
        _stub().ListAlerts,
        pb.ListAlertsRequest(
            recipient=values.user(recipient) if recipient else "",
            page_size=limit,
            filter=" AND ".join(terms),
        ),
    )
    output.emit(answer, [_table(list(answer.alerts))])


@app.command()
def ack(name: Annotated[str, typer.Argument(help="alerts/ID")]) -> None:
    """Acknowledge one of your alerts: seen and handled."""
    alert = call(
        "alerts",
        _stub().AcknowledgeAlert,
        pb.AcknowledgeAlertRequest(name=values.resource("alerts", name)),
    )
    output.emit(alert, [_table([alert])])
