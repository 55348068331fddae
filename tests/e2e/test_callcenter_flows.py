"""The call center over real gRPC with real tokens: bad input with field paths, roles,
masking, the screen-pop with the customer service up, slow and down, and callbacks."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import grpc
import pytest
from google.protobuf import field_mask_pb2, timestamp_pb2

from callops.callcenter.v1 import callcenter_pb2 as pb
from callops.customer.v1 import customer_pb2 as cpb
from services.callcenter.service_layer import callbacks
from tests.callcenter_fixtures import CallCenterCaller, FakeDirectory, LinkedServices
from tests.e2e.helpers import DENIED, FAILED, INVALID, UNKNOWN_ID, contact, customer, expect

NUMBER = "13800138000"
E164 = "+8613800138000"


@pytest.fixture
def callcenter_database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'callcenter.db'}"


def now_ts(offset: float = 0) -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.FromNanoseconds(int((time.time() + offset) * 1e9))
    return ts


async def new_agent(c: CallCenterCaller, user: str = "wang.wu") -> pb.Agent:
    agent = await c.stub.CreateAgent(
        pb.CreateAgentRequest(
            agent=pb.Agent(user=f"users/{user}", display_name="王五", extension="8001"),
            request_id=f"create-{user}",
        ),
        metadata=c.as_("supervisor", user="boss"),
    )
    return await c.stub.LoginAgent(
        pb.LoginAgentRequest(name=agent.name), metadata=c.as_("agent", user=user)
    )


async def report(
    c: CallCenterCaller,
    agent: pb.Agent,
    call_id: str,
    type_: int,
    user: str = "wang.wu",
    roles: tuple[str, ...] = ("agent",),
    **fields: object,
) -> pb.ReportCallEventResponse:
    if type_ in (pb.CallEvent.TYPE_INCOMING, pb.CallEvent.TYPE_RINGING):
        fields.setdefault("direction", pb.DIRECTION_INBOUND)
        fields.setdefault("peer_uri", f"sip:{NUMBER}@127.0.0.1:5060")
    event = pb.CallEvent(call_id=call_id, type=type_, event_time=now_ts(), **fields)  # type: ignore[arg-type]
    return await c.stub.ReportCallEvent(
        pb.ReportCallEventRequest(agent=agent.name, event=event), metadata=c.as_(*roles, user=user)
    )


async def test_bad_input_names_the_fields(grpc_callcenter: CallCenterCaller) -> None:
    c = grpc_callcenter
    boss = c.as_("supervisor", user="boss")
    failure = await expect(
        c.stub.CreateAgent(pb.CreateAgentRequest(agent=pb.Agent(skills=["a b"])), metadata=boss),
        INVALID,
        "agent.user",
    )
    assert {"agent.display_name", "agent.skills[0]"} <= set(failure.fields)
    agent = await new_agent(c)
    failure = await expect(
        c.stub.ReportCallEvent(
            pb.ReportCallEventRequest(agent=agent.name, event=pb.CallEvent()),
            metadata=c.as_("agent", user="wang.wu"),
        ),
        INVALID,
        "event.call_id",
    )
    assert {"event.type", "event.event_time"} <= set(failure.fields)
    await expect(
        c.stub.ReportCallEvent(
            pb.ReportCallEventRequest(
                agent=agent.name,
                event=pb.CallEvent(
                    call_id="x", type=pb.CallEvent.TYPE_INCOMING, event_time=now_ts()
                ),
            ),
            metadata=c.as_("agent", user="wang.wu"),
        ),
        INVALID,
        "event.peer_uri",
    )
    await expect(
        c.stub.ReportCallEvent(pb.ReportCallEventRequest(agent="agents/x"), metadata=boss),
        INVALID,
        "agent",
    )
    await expect(
        c.stub.SetAgentStatus(
            pb.SetAgentStatusRequest(name=agent.name, status=pb.Agent.STATUS_ON_BREAK),
            metadata=c.as_("agent", user="wang.wu"),
        ),
        INVALID,
        "break_reason",
    )
    await expect(
        c.stub.ListCalls(pb.ListCallsRequest(filter="colour = red"), metadata=boss),
        INVALID,
        "filter",
    )
    await expect(
        c.stub.GetCall(pb.GetCallRequest(name=f"calls/{UNKNOWN_ID}"), metadata=boss),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_roles_and_acting_for_another_agent(grpc_callcenter: CallCenterCaller) -> None:
    c = grpc_callcenter
    agent = await new_agent(c)
    await expect(
        c.stub.CreateAgent(
            pb.CreateAgentRequest(agent=pb.Agent(user="users/x", display_name="x")),
            metadata=c.as_("agent"),
        ),
        DENIED,
    )
    await expect(report(c, agent, "c1", pb.CallEvent.TYPE_INCOMING, roles=("sales",)), DENIED)
    await expect(
        report(c, agent, "c1", pb.CallEvent.TYPE_INCOMING, user="li.si"),
        DENIED,
        reason="NOT_YOUR_AGENT",
    )
    # A supervisor may act for any agent.
    reply = await report(
        c, agent, "c1", pb.CallEvent.TYPE_INCOMING, user="boss", roles=("supervisor",)
    )
    assert reply.call.agent == agent.name


async def test_call_record_masking_and_retries(
    grpc_callcenter: CallCenterCaller, fake_directory: FakeDirectory
) -> None:
    c = grpc_callcenter
    agent = await new_agent(c)
    first = await report(c, agent, "c1", pb.CallEvent.TYPE_INCOMING)
    again = await report(c, agent, "c1", pb.CallEvent.TYPE_INCOMING)
    assert not first.duplicate and again.duplicate
    assert first.call.peer_number == "138****8000"
    assert first.screen_pop.phone_number == E164  # the fake does not mask
    assert not first.screen_pop.partial and not first.screen_pop.matches
    assert fake_directory.seen_authorization[0].startswith("Bearer ")
    await report(c, agent, "c1", pb.CallEvent.TYPE_ANSWERED)
    ended = await report(
        c, agent, "c1", pb.CallEvent.TYPE_ENDED, end_cause=pb.CallEvent.END_CAUSE_CALLER_HANGUP
    )
    assert ended.call.result == pb.Call.RESULT_ANSWERED and not ended.HasField("screen_pop")
    boss = c.as_("supervisor", user="boss")
    seen = await c.stub.GetCall(pb.GetCallRequest(name=ended.call.name), metadata=boss)
    assert seen.peer_number == E164
    wrapped = await c.stub.WrapUpCall(
        pb.WrapUpCallRequest(name=seen.name, wrap_up_code="inquiry", no_order=True, etag=seen.etag),
        metadata=c.as_("agent", user="wang.wu"),
    )
    assert wrapped.no_order
    await expect(
        c.stub.WrapUpCall(pb.WrapUpCallRequest(name=seen.name, etag=seen.etag), metadata=boss),
        grpc.StatusCode.ABORTED,
    )
    listed = await c.stub.ListCalls(
        pb.ListCallsRequest(filter=f'agent = "{agent.name}" AND no_order = true'), metadata=boss
    )
    assert [x.name for x in listed.calls] == [seen.name]
    got = await c.stub.GetAgent(pb.GetAgentRequest(name=agent.name), metadata=boss)
    assert got.state == pb.Agent.STATE_IDLE


async def test_screen_pop_is_partial_when_the_directory_is_slow_or_down(
    grpc_callcenter: CallCenterCaller, fake_directory: FakeDirectory
) -> None:
    c = grpc_callcenter
    agent = await new_agent(c)
    fake_directory.delay = 2.0
    started = time.monotonic()
    slow = await report(c, agent, "c1", pb.CallEvent.TYPE_RINGING)
    assert slow.screen_pop.partial and time.monotonic() - started < 1.5
    assert slow.screen_pop.phone_number == "138****8000"
    fake_directory.delay, fake_directory.down = 0.0, True
    down = await report(c, agent, "c2", pb.CallEvent.TYPE_INCOMING)
    assert down.screen_pop.partial and down.call.name


async def test_missed_call_becomes_a_callback_worked_over_grpc(
    grpc_callcenter: CallCenterCaller,
) -> None:
    c = grpc_callcenter
    receiver = await new_agent(c)
    worker = await new_agent(c, "li.si")
    await c.stub.SetAgentStatus(
        pb.SetAgentStatusRequest(
            name=receiver.name, status=pb.Agent.STATUS_ON_BREAK, break_reason="lunch"
        ),
        metadata=c.as_("agent", user="wang.wu"),
    )
    await report(c, receiver, "m1", pb.CallEvent.TYPE_INCOMING)
    await report(
        c, receiver, "m1", pb.CallEvent.TYPE_ENDED, end_cause=pb.CallEvent.END_CAUSE_NO_ANSWER
    )
    me = c.as_("agent", user="li.si")
    [task] = (await c.stub.ListCallbacks(pb.ListCallbacksRequest(), metadata=me)).callbacks
    assert task.state == pb.CallbackTask.STATE_PENDING and task.phone_number == "138****8000"
    assert callbacks.assign_pending(c.app.uow, c.app.deps) == 1
    await expect(
        c.stub.AcceptCallback(
            pb.AcceptCallbackRequest(name=task.name, agent=receiver.name), metadata=me
        ),
        DENIED,
    )
    accepted = await c.stub.AcceptCallback(
        pb.AcceptCallbackRequest(name=task.name, agent=worker.name), metadata=me
    )
    assert accepted.state == pb.CallbackTask.STATE_ASSIGNED and accepted.agent == worker.name
    await expect(
        c.stub.RejectCallback(
            pb.RejectCallbackRequest(name=task.name, agent=worker.name), metadata=me
        ),
        FAILED,
        reason="CALLBACK_STATE",
    )
    # The callback goes out and nobody answers: the agent completes it naming that call.
    dialed = (
        await report(
            c,
            worker,
            "o1",
            pb.CallEvent.TYPE_OUTBOUND_DIAL,
            user="li.si",
            peer_uri=f"sip:{NUMBER}@127.0.0.1:5060",
        )
    ).call
    await report(
        c,
        worker,
        "o1",
        pb.CallEvent.TYPE_ENDED,
        user="li.si",
        end_cause=pb.CallEvent.END_CAUSE_NO_ANSWER,
    )
    # A malformed name, an unknown call, and the inbound missed call itself.
    for wrong in ("calls/nope", f"calls/{'f' * 32}", task.calls[0]):
        await expect(
            c.stub.CompleteCallback(
                pb.CompleteCallbackRequest(
                    name=task.name, agent=worker.name, result="no_answer", call=wrong
                ),
                metadata=me,
            ),
            INVALID,
            "call",
        )
    done = await c.stub.CompleteCallback(
        pb.CompleteCallbackRequest(
            name=task.name, agent=worker.name, result="no_answer", call=dialed.name
        ),
        metadata=me,
    )
    assert done.state == pb.CallbackTask.STATE_COMPLETED and done.callback_call == dialed.name
    got = await c.stub.GetCallback(pb.GetCallbackRequest(name=task.name), metadata=me)
    assert got == done and got.phone_number == "138****8000"
    [listed] = (await c.stub.ListCallbacks(pb.ListCallbacksRequest(), metadata=me)).callbacks
    assert listed.callback_call == dialed.name
    await expect(c.stub.GetCallback(pb.GetCallbackRequest(name="x"), metadata=me), INVALID, "name")


async def test_the_outbound_call_that_connects_is_the_callbacks_call(
    grpc_callcenter: CallCenterCaller,
) -> None:
    c = grpc_callcenter
    agent = await new_agent(c)
    await report(c, agent, "m1", pb.CallEvent.TYPE_INCOMING)
    await report(c, agent, "m1", pb.CallEvent.TYPE_ENDED)
    peer = f"sip:{NUMBER}@127.0.0.1:5060"
    dialed = (await report(c, agent, "o1", pb.CallEvent.TYPE_OUTBOUND_DIAL, peer_uri=peer)).call
    assert dialed.recording == ""
    await report(c, agent, "o1", pb.CallEvent.TYPE_ANSWERED)
    me = c.as_("agent", user="wang.wu")
    [task] = (await c.stub.ListCallbacks(pb.ListCallbacksRequest(), metadata=me)).callbacks
    assert task.state == pb.CallbackTask.STATE_COMPLETED
    assert task.callback_call == dialed.name and task.result == "reached_by_outbound_call"


async def test_screen_pop_from_the_real_customer_service(linked_services: LinkedServices) -> None:
    c = linked_services.callcenter
    created = await linked_services.customer.CreateCustomer(
        cpb.CreateCustomerRequest(
            customer=customer(owner="users/zhang.san"),
            contacts=[contact("李四", NUMBER, title="采购经理")],
        ),
        metadata=c.as_("sales"),
    )
    agent = await new_agent(c)
    reply = await report(c, agent, "c1", pb.CallEvent.TYPE_INCOMING)
    pop = reply.screen_pop
    assert not pop.partial
    assert pop.phone_number == "138****8000"  # masked by the customer service for an agent
    [match] = pop.matches
    assert match.customer == created.name and match.contact_display_name == "李*"
    assert match.contact_title == "采购经理"
    assert reply.call.customer == created.name
    # A supervisor (with `pii`) sees the number and the name.
    sup = await report(
        c, agent, "c2", pb.CallEvent.TYPE_RINGING, user="boss", roles=("supervisor",)
    )
    assert sup.screen_pop.phone_number == E164
    assert sup.screen_pop.matches[0].contact_display_name == "李四"
    unknown = await report(c, agent, "c3", pb.CallEvent.TYPE_INCOMING, peer_uri="13900000001")
    assert not unknown.screen_pop.partial and not unknown.screen_pop.matches

    await linked_services.customer_server.stop(None)
    started = time.monotonic()
    down = await report(c, agent, "c4", pb.CallEvent.TYPE_INCOMING)
    assert down.screen_pop.partial and not down.screen_pop.matches
    assert down.screen_pop.phone_number == "138****8000"
    assert time.monotonic() - started < 1.5


async def test_agent_event_stream_shows_status_changes_and_reservations(
    grpc_callcenter: CallCenterCaller,
) -> None:
    c = grpc_callcenter
    agent = await new_agent(c)
    me = c.as_("agent", user="wang.wu")
    denied = c.stub.StreamAgentEvents(
        pb.StreamAgentEventsRequest(agent=agent.name), metadata=c.as_("agent", user="li.si")
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await denied.read()
    assert caught.value.code() == DENIED
    stream = c.stub.StreamAgentEvents(pb.StreamAgentEventsRequest(agent=agent.name), metadata=me)
    first = await asyncio.wait_for(stream.read(), 5)
    assert first.agent.status == pb.Agent.STATUS_AVAILABLE
    await c.stub.SetAgentStatus(
        pb.SetAgentStatusRequest(
            name=agent.name, status=pb.Agent.STATUS_ON_BREAK, break_reason="lunch"
        ),
        metadata=me,
    )
    second = await asyncio.wait_for(stream.read(), 5)
    assert second.agent.status == pb.Agent.STATUS_ON_BREAK and second.agent.break_reason == "lunch"
    await c.stub.SetAgentStatus(
        pb.SetAgentStatusRequest(name=agent.name, status=pb.Agent.STATUS_AVAILABLE), metadata=me
    )
    await report(c, agent, "m1", pb.CallEvent.TYPE_INCOMING, roles=("supervisor",), user="boss")
    await report(
        c,
        agent,
        "m1",
        pb.CallEvent.TYPE_ENDED,
        roles=("supervisor",),
        user="boss",
        end_cause=pb.CallEvent.END_CAUSE_NO_ANSWER,
    )
    assert callbacks.assign_pending(c.app.uow, c.app.deps) == 1
    reserved = None
    for _ in range(10):
        msg = await asyncio.wait_for(stream.read(), 5)
        if msg.WhichOneof("kind") == "callback_reserved":
            reserved = msg.callback_reserved
            break
    assert reserved is not None and reserved.agent == agent.name
    assert reserved.phone_number == "138****8000"
    stream.cancel()


async def test_update_agent_with_mask_and_the_wallboard(grpc_callcenter: CallCenterCaller) -> None:
    c = grpc_callcenter
    boss = c.as_("supervisor", user="boss")
    agent = await new_agent(c)
    other = await new_agent(c, "li.si")
    change = pb.Agent(
        name=agent.name,
        team="售后一组",
        skills=["billing"],
        owned_customers=[f"customers/{UNKNOWN_ID}"],
        display_name="ignored: not in the mask",
        etag=agent.etag,
    )
    mask = field_mask_pb2.FieldMask(paths=["team", "skills", "owned_customers"])
    updated = await c.stub.UpdateAgent(
        pb.UpdateAgentRequest(agent=change, update_mask=mask), metadata=boss
    )
    assert (updated.team, list(updated.skills), updated.display_name) == (
        "售后一组",
        ["billing"],
        "王五",
    )
    await expect(
        c.stub.UpdateAgent(pb.UpdateAgentRequest(agent=change, update_mask=mask), metadata=boss),
        grpc.StatusCode.ABORTED,
    )
    await expect(
        c.stub.UpdateAgent(
            pb.UpdateAgentRequest(
                agent=pb.Agent(name=agent.name, owned_customers=["customers/nope"]),
                update_mask=field_mask_pb2.FieldMask(paths=["owned_customers"]),
            ),
            metadata=boss,
        ),
        INVALID,
        "agent.owned_customers[0]",
    )
    await expect(
        c.stub.UpdateAgent(
            pb.UpdateAgentRequest(
                agent=pb.Agent(name=agent.name),
                update_mask=field_mask_pb2.FieldMask(paths=["status"]),
            ),
            metadata=boss,
        ),
        INVALID,
        "update_mask",
    )
    await expect(
        c.stub.UpdateAgent(
            pb.UpdateAgentRequest(agent=change, update_mask=mask), metadata=c.as_("agent")
        ),
        DENIED,
    )
    await expect(c.stub.ListAgents(pb.ListAgentsRequest(), metadata=c.as_("agent")), DENIED)
    board = await c.stub.ListAgents(
        pb.ListAgentsRequest(filter='team = "售后一组" AND state = STATE_IDLE'), metadata=boss
    )
    assert [a.name for a in board.agents] == [agent.name]
    page = await c.stub.ListAgents(pb.ListAgentsRequest(page_size=1), metadata=boss)
    assert len(page.agents) == 1 and page.next_page_token
    rest = await c.stub.ListAgents(
        pb.ListAgentsRequest(page_size=1, page_token=page.next_page_token), metadata=boss
    )
    assert {page.agents[0].name, rest.agents[0].name} == {agent.name, other.name}
    await expect(
        c.stub.ListAgents(pb.ListAgentsRequest(order_by="create_time"), metadata=boss),
        INVALID,
        "order_by",
    )
