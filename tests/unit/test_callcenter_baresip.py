"""baresip ctrl_tcp messages read as call events, in the order a real call sends them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from callops.callcenter.v1 import callcenter_pb2 as pb
from services.callcenter.adapters.baresip import call_event, decode_netstrings

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return str(len(body)).encode() + b":" + body + b","


def ev(type_: str, **extra: object) -> dict[str, object]:
    return {
        "event": True,
        "class": "call",
        "type": type_,
        "accountaor": "sip:a@127.0.0.1:5080",
        "direction": "incoming",
        "peeruri": "sip:13800138000@127.0.0.1:5082",
        "id": "abc123",
        **extra,
    }


def test_netstrings_split_across_reads() -> None:
    stream = frame({"response": True, "ok": True}) + frame(ev("CALL_RINGING"))
    first, rest = decode_netstrings(stream[:10])
    assert first == [] and rest == stream[:10]
    messages, rest = decode_netstrings(stream[:-3])
    assert len(messages) == 1 and messages[0]["response"] is True
    messages, rest = decode_netstrings(rest + stream[-3:])
    assert messages[0]["type"] == "CALL_RINGING" and rest == b""
    with pytest.raises(ValueError):
        decode_netstrings(b"2:{}X")


def test_the_seen_order_of_a_call_maps_to_events() -> None:
    seen = [
        "CALL_LOCAL_SDP",
        "CALL_RINGING",
        "CALL_REMOTE_SDP",
        "CALL_ESTABLISHED",
        "CALL_RTPESTAB",
        "CALL_RTCP",
        "CALL_CLOSED",
    ]
    events = [call_event(ev(t), AT) for t in seen]
    kept = [e for e in events if e is not None]
    assert [e.type for e in kept] == [
        pb.CallEvent.TYPE_RINGING,
        pb.CallEvent.TYPE_ANSWERED,
        pb.CallEvent.TYPE_ENDED,
    ]
    assert kept[0].direction == pb.DIRECTION_INBOUND and kept[0].call_id == "abc123"
    assert kept[0].peer_uri == "sip:13800138000@127.0.0.1:5082"
    assert kept[0].event_time.ToDatetime(tzinfo=UTC) == AT
    assert call_event({"response": True, "ok": True}, AT) is None


@pytest.mark.parametrize(
    ("param", "cause"),
    [
        ("486 Busy Here", pb.CallEvent.END_CAUSE_BUSY),
        ("603 Decline", pb.CallEvent.END_CAUSE_REJECTED),
        ("Rejected by user", pb.CallEvent.END_CAUSE_REJECTED),
        ("408 Request Timeout", pb.CallEvent.END_CAUSE_NO_ANSWER),
        ("487 Request Terminated", pb.CallEvent.END_CAUSE_CALLER_HANGUP),
        ("503 Service Unavailable", pb.CallEvent.END_CAUSE_FAILED),
        ("Connection reset by peer", pb.CallEvent.END_CAUSE_UNSPECIFIED),
    ],
)
def test_close_reasons_become_end_causes(param: str, cause: int) -> None:
    event = call_event(ev("CALL_CLOSED", param=param), AT)
    assert event is not None and event.end_cause == cause
