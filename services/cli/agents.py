"""`callops agents`: log in, set a status, watch the event stream, accept a callback."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from functools import partial
from typing import Annotated, Any

import typer

from callops.callcenter.v1 import callcenter_pb2 as pb
from callops.callcenter.v1 import callcenter_pb2_grpc
from services.cli import output, values
from services.cli.session import call as call_service
from services.cli.session import current, every_page, rpc_failures

app = typer.Typer(no_args_is_help=True, help="Call-center agents (坐席) and their callbacks.")


def stub() -> callcenter_pb2_grpc.CallCenterServiceStub:
    return callcenter_pb2_grpc.CallCenterServiceStub(current().channel("callcenter"))


call = partial(call_service, "callcenter")


def agent_row(a: pb.Agent) -> tuple[str, ...]:
    status = output.enum_label(pb.Agent.Status.Name(a.status), "STATUS")
    if a.break_reason:
        status += f" ({a.break_reason})"
    return (
        a.name,
        a.display_name,
        a.extension,
        a.team,
        status,
        output.enum_label(pb.Agent.State.Name(a.state), "STATE"),
    )


AGENT_COLUMNS = ["agent", "name", "ext", "team", "status", "state"]


def _agent_view(a: pb.Agent) -> Iterator[Any]:
    yield output.rows("坐席", AGENT_COLUMNS, [agent_row(a)])


@app.command()
def create(
    user: Annotated[str, typer.Option(help="the user the agent logs in as, e.g. li.si")],
    display_name: Annotated[str, typer.Option(help="name on the wallboard, e.g. 李四")],
    extension: Annotated[str, typer.Option(help="phone extension, e.g. 8001")] = "",
    team: Annotated[str, typer.Option(help="e.g. 售后一组")] = "",
    skill: Annotated[list[str] | None, typer.Option(help="repeatable, e.g. billing")] = None,
    request_id: Annotated[str, typer.Option(help="idempotency key")] = "",
) -> None:
    """Register an agent (supervisor)."""
    agent = pb.Agent(
        user=values.user(user),
        display_name=display_name,
        extension=extension,
        team=team,
        skills=skill or [],
    )
    made = call(
        stub().CreateAgent,
        pb.CreateAgentRequest(agent=agent, request_id=request_id or str(uuid.uuid4())),
    )
    output.emit(made, _agent_view(made))


@app.command("list")
def list_agents(
    team: Annotated[str, typer.Option(help="only this team")] = "",
) -> None:
    """The wallboard: every agent with its status and state."""
    found = every_page(
        lambda token: call(
            stub().ListAgents,
            pb.ListAgentsRequest(
                page_size=500, page_token=token, filter=f'team = "{team}"' if team else ""
            ),
        ),
        "agents",
    )
    table = output.rows("坐席", AGENT_COLUMNS, map(agent_row, found))
    output.emit(pb.ListAgentsResponse(agents=found), [table])


@app.command()
def login(agent: Annotated[str, typer.Argument(help="agents/ID")]) -> None:
    """Log an agent in: it becomes AVAILABLE."""
    made = call(stub().LoginAgent, pb.LoginAgentRequest(name=values.resource("agents", agent)))
    output.emit(made, _agent_view(made))


@app.command()
def status(
    agent: Annotated[str, typer.Argument(help="agents/ID")],
    new_status: Annotated[str, typer.Argument(help="available, on_break or logged_out")],
    reason: Annotated[str, typer.Option(help="break reason code, e.g. lunch")] = "",
) -> None:
    """Set the status the agent chooses (示忙 is on_break with a --reason)."""
    made = call(
        stub().SetAgentStatus,
        pb.SetAgentStatusRequest(
            name=values.resource("agents", agent),
            status=values.choice(pb.Agent.Status, "STATUS", new_status, "STATUS"),
            break_reason=reason,
        ),
    )
    output.emit(made, _agent_view(made))


def _event_line(event: pb.AgentEvent) -> str:
    kind = event.WhichOneof("kind")
    if kind == "callback_reserved":
        cb = event.callback_reserved
        return (
            f"callback offered: {cb.name} {cb.phone_number} "
            f"({cb.missed_count} missed) - accept with: callops agents accept {cb.name} "
            f"--agent {cb.agent}"
        )
    if kind == "alert":
        alert = event.alert
        return f"alert ({alert.severity.lower()}): {alert.title} - {alert.alert}"
    if kind == "agent":
        return "agent: " + " ".join(x for x in agent_row(event.agent)[1:] if x)
    return f"event: {kind}"  # a kind newer than this client


_CALLBACK_COLUMNS = ["callback", "number", "customer", "missed", "state", "agent", "due"]


def _callback_row(task: pb.CallbackTask) -> tuple[Any, ...]:
    due = output.moment(task.due_time) if task.HasField("due_time") else ""
    return (
        task.name,
        task.phone_number,
        task.customer,
        task.missed_count,
        output.enum_label(pb.CallbackTask.State.Name(task.state), "STATE"),
        task.agent,
        due,
    )


@app.command()
def callbacks(
    agent: Annotated[str, typer.Argument(help="agents/ID; every agent's when left out")] = "",
    state: Annotated[str, typer.Option(help="pending, reserved, assigned, completed...")] = "",
) -> None:
    """Callback tasks (漏话回拨), newest first: what an agent may accept or must call."""
    terms = []
    if agent:
        terms.append(f'agent = "{values.resource("agents", agent)}"')
    if state:
        number = values.choice(pb.CallbackTask.State, "STATE", state, "--state")
        terms.append(f"state = {pb.CallbackTask.State.Name(number)}")
    answer = call(
        stub().ListCallbacks, pb.ListCallbacksRequest(page_size=500, filter=" AND ".join(terms))
    )
    output.emit(
        answer, [output.rows("漏话回拨", _CALLBACK_COLUMNS, map(_callback_row, answer.callbacks))]
    )


@app.command()
def watch(
    agent: Annotated[str, typer.Argument(help="agents/ID")],
    count: Annotated[int, typer.Option(min=0, help="stop after this many events; 0 never")] = 0,
) -> None:
    """Follow the agent's event stream (state changes, callback offers) until Ctrl-C.

    With --json, one JSON object per line."""
    session = current()
    seen = 0
    replies = stub().StreamAgentEvents(
        pb.StreamAgentEventsRequest(agent=values.resource("agents", agent)),
        metadata=session.metadata(),
    )
    try:
        with rpc_failures("callcenter"):
            for event in replies:
                if session.json_output:
                    print(json.dumps(output.as_dict(event), ensure_ascii=False), flush=True)
                else:
                    print(_event_line(event), flush=True)
                seen += 1
                if count and seen >= count:
                    break
    except KeyboardInterrupt:
        pass
    finally:
        replies.cancel()  # type: ignore[no-untyped-call]  # ends the server's stream now


@app.command()
def accept(
    callback: Annotated[str, typer.Argument(help="callbacks/ID")],
    agent: Annotated[str, typer.Option(help="the agent it was reserved for, agents/ID")],
) -> None:
    """Accept a callback offered to the agent: it is now the agent's to call back."""
    task = call(
        stub().AcceptCallback,
        pb.AcceptCallbackRequest(
            name=values.resource("callbacks", callback), agent=values.resource("agents", agent)
        ),
    )
    output.emit(task, [output.rows("漏话回拨", _CALLBACK_COLUMNS, [_callback_row(task)])])
