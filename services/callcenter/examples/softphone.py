"""A softphone's side of the call center, runnable against `make run`: register an agent,
play a call (screen-pop, answer, hang-up, wrap-up, or a miss that comes back as a callback
offer). A real baresip is bridged by `callops softphone bridge` (services/softphone).

    python -m services.callcenter.examples.softphone --help
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Annotated, Any

import grpc
import typer
from google.protobuf import timestamp_pb2

from callops.callcenter.v1 import callcenter_pb2 as pb
from callops.callcenter.v1 import callcenter_pb2_grpc

cli = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
Target = Annotated[str, typer.Option(help="the call center's gRPC address")]
Token = Annotated[str, typer.Option(envvar="CALLOPS_TOKEN", help="`callops token` output")]
AgentName = Annotated[str, typer.Option(help="the agent, agents/{id}")]


def _auth(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


def _now() -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.GetCurrentTime()
    return ts


@cli.command()
def setup(
    user: Annotated[str, typer.Option(help="the agent's user id, e.g. wang.wu")],
    name: Annotated[str, typer.Option(help="name on the wallboard")],
    token: Token,
    target: Target = "127.0.0.1:50053",
    extension: str = "8001",
) -> None:
    """Register an agent (needs a supervisor's token) and log it in; prints its name."""

    async def run() -> None:
        async with grpc.aio.insecure_channel(target) as channel:
            stub = callcenter_pb2_grpc.CallCenterServiceStub(channel)
            agent = await stub.CreateAgent(
                pb.CreateAgentRequest(
                    agent=pb.Agent(user=f"users/{user}", display_name=name, extension=extension),
                    request_id=f"softphone-example-{user}",
                ),
                metadata=_auth(token),
            )
            await stub.LoginAgent(pb.LoginAgentRequest(name=agent.name), metadata=_auth(token))
            typer.echo(agent.name)

    asyncio.run(run())


async def _follow(stub: Any, agent: str, token: str) -> None:
    """What the agent's desktop shows: its state, and callbacks offered to it."""
    request = pb.StreamAgentEventsRequest(agent=agent)
    async for event in stub.StreamAgentEvents(request, metadata=_auth(token)):
        if event.HasField("agent"):
            state = pb.Agent.State.Name(event.agent.state)
            typer.echo(f"  stream: {pb.Agent.Status.Name(event.agent.status)} / {state}")
        else:
            task = event.callback_reserved
            typer.echo(f"  stream: callback offered {task.name} for {task.phone_number}")
            await stub.AcceptCallback(
                pb.AcceptCallbackRequest(name=task.name, agent=agent), metadata=_auth(token)
            )
            typer.echo("  accepted: call the customer back now")


@cli.command()
def simulate(
    agent: AgentName,
    token: Token,
    number: Annotated[str, typer.Option(help="the caller's number")] = "13800138000",
    miss: Annotated[bool, typer.Option(help="hang up unanswered: a callback")] = False,
    target: Target = "127.0.0.1:50053",
) -> None:
    """Play one inbound call as the agent's softphone would report it."""

    async def report(stub: Any, call_id: str, type_: Any, **fields: Any) -> Any:
        event = pb.CallEvent(call_id=call_id, type=type_, event_time=_now(), **fields)
        return await stub.ReportCallEvent(
            pb.ReportCallEventRequest(agent=agent, event=event), metadata=_auth(token)
        )

    async def run() -> None:
        async with grpc.aio.insecure_channel(target) as channel:
            stub = callcenter_pb2_grpc.CallCenterServiceStub(channel)
            follower = asyncio.create_task(_follow(stub, agent, token))
            call_id = uuid.uuid4().hex
            started = time.perf_counter()
            reply = await report(
                stub,
                call_id,
                pb.CallEvent.TYPE_INCOMING,
                direction=pb.DIRECTION_INBOUND,
                peer_uri=f"sip:{number}@pbx.example.com",
            )
            pop = reply.screen_pop
            ms = (time.perf_counter() - started) * 1000
            typer.echo(f"screen-pop in {ms:.0f} ms: {pop.phone_number} partial={pop.partial}")
            for m in pop.matches:
                typer.echo(f"  {m.customer_display_name} / {m.contact_display_name}")
            await asyncio.sleep(1)
            if miss:
                cause = pb.CallEvent.END_CAUSE_CALLER_HANGUP
                reply = await report(stub, call_id, pb.CallEvent.TYPE_ENDED, end_cause=cause)
                typer.echo(f"missed: {reply.call.name} {pb.Call.Result.Name(reply.call.result)}")
                await asyncio.sleep(3)  # the offer arrives on the stream
            else:
                await report(stub, call_id, pb.CallEvent.TYPE_ANSWERED)
                await asyncio.sleep(2)
                reply = await report(stub, call_id, pb.CallEvent.TYPE_ENDED)
                call = await stub.WrapUpCall(
                    pb.WrapUpCallRequest(name=reply.call.name, wrap_up_code="inquiry"),
                    metadata=_auth(token),
                )
                typer.echo(f"wrapped up {call.name}: talked {call.talk_seconds} s")
                await asyncio.sleep(1)
            follower.cancel()

    asyncio.run(run())


if __name__ == "__main__":
    cli()
