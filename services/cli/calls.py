"""`callops calls event`: report one softphone event, as a softphone integration would."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from google.protobuf import timestamp_pb2

from callops.callcenter.v1 import callcenter_pb2 as pb
from services.cli import output, values
from services.cli.agents import call, stub

app = typer.Typer(no_args_is_help=True, help="Call records (呼叫记录) and softphone events.")


@app.command()
def event(
    agent: Annotated[str, typer.Option(help="the agent whose phone reports, agents/ID")],
    call_id: Annotated[str, typer.Option(help="the softphone's call id, the same for a call")],
    event_type: Annotated[
        str,
        typer.Option(
            "--type", help="incoming, ringing, answered, ended, hold, resume, outbound_dial"
        ),
    ],
    peer: Annotated[str, typer.Option(help="the other party's number or SIP URI")] = "",
    peer_name: Annotated[str, typer.Option(help="the name the phone shows")] = "",
    direction: Annotated[str, typer.Option(help="inbound or outbound")] = "inbound",
    end_cause: Annotated[
        str, typer.Option(help="for ended: caller_hangup, no_answer, rejected, busy, failed")
    ] = "",
    at: Annotated[str, typer.Option(help="ISO time of the event; now when left out")] = "",
) -> None:
    """Report a softphone event; INCOMING and RINGING answer with the screen-pop."""
    when = timestamp_pb2.Timestamp()
    try:
        moment = datetime.fromisoformat(at) if at else datetime.now(UTC)
    except ValueError:
        raise typer.BadParameter(f"{at!r} is not an ISO time", param_hint="--at") from None
    if moment.tzinfo is None:
        raise typer.BadParameter(
            "give a time zone, e.g. 2026-11-23T09:30:00+08:00", param_hint="--at"
        )
    when.FromDatetime(moment.astimezone(UTC))
    event_msg = pb.CallEvent(
        call_id=call_id,
        type=values.choice(pb.CallEvent.Type, "TYPE", event_type, "--type"),
        direction=values.choice(pb.Direction, "DIRECTION", direction, "--direction"),
        peer_uri=peer,
        peer_display_name=peer_name,
        event_time=when,
    )
    if end_cause:
        event_msg.end_cause = values.choice(
            pb.CallEvent.EndCause, "END_CAUSE", end_cause, "--end-cause"
        )
    answer = call(
        stub().ReportCallEvent,
        pb.ReportCallEventRequest(agent=values.resource("agents", agent), event=event_msg),
    )
    output.emit(answer, _human(answer))


def _human(answer: pb.ReportCallEventResponse) -> list[Any]:
    c = answer.call
    shown: list[Any] = [
        output.fields(
            "呼叫记录" + (" (repeated event)" if answer.duplicate else ""),
            [
                ("call", c.name),
                ("agent", c.agent),
                ("direction", output.enum_label(pb.Direction.Name(c.direction), "DIRECTION")),
                ("number", c.peer_number),
                ("customer", c.customer),
                ("result", output.enum_label(pb.Call.Result.Name(c.result), "RESULT")),
                ("talk seconds", c.talk_seconds),
            ],
        )
    ]
    if answer.HasField("screen_pop"):
        pop = answer.screen_pop
        shown.append(
            output.rows(
                f"来电弹屏 {pop.phone_number}" + (" (partial)" if pop.partial else ""),
                ["customer", "客户名称", "联系人", "title"],
                (
                    (m.customer, m.customer_display_name, m.contact_display_name, m.contact_title)
                    for m in pop.matches
                ),
            )
        )
    return shown
