"""baresip ctrl_tcp messages read as call events, in the order real calls send them (the
messages below are copied from baresip 1.0.0 on loopback)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from callops.callcenter.v1 import callcenter_pb2 as pb
from services.softphone.events import call_event, decode_netstrings, encode_netstring

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
Cause = pb.CallEvent


def ev(type_: str, direction: str = "incoming", **extra: object) -> dict[str, object]:
    return {
        "event": True,
        "class": "call",
        "type": type_,
        "accountaor": "sip:agent1@127.0.0.1:47137",
        "direction": direction,
        "peeruri": "sip:13800138000@127.0.0.1:60635",
        "id": "913ad520f6365a68",
        "param": "sip:13800138000@127.0.0.1:60635",
        **extra,
    }


def test_netstrings_split_across_reads() -> None:
    stream = encode_netstring({"response": True, "ok": True}) + encode_netstring(
        ev("CALL_INCOMING", peerdisplayname="王芳")
    )
    first, rest = decode_netstrings(stream[:1])
    assert first == [] and rest == stream[:1]
    messages, rest = decode_netstrings(stream[:-3])
    assert len(messages) == 1 and messages[0]["response"] is True
    messages, rest = decode_netstrings(rest + stream[-3:])
    assert messages[0]["peerdisplayname"] == "王芳" and rest == b""


@pytest.mark.parametrize("garbage", [b"2:{}X", b"x3:{},", b":{}", b"{}"])
def test_a_broken_frame_is_refused(garbage: bytes) -> None:
    with pytest.raises(ValueError, match="malformed"):
        decode_netstrings(garbage)


def test_the_seen_order_of_an_answered_call_maps_to_events() -> None:
    seen = [
        {**ev("CALL_LOCAL_SDP"), "class": "other"},
        ev("CALL_INCOMING"),
        {**ev("CALL_REMOTE_SDP"), "class": "other"},
        ev("CALL_ESTABLISHED"),
        {**ev("CALL_RTPESTAB"), "class": "other"},
        ev("CALL_RTCP"),
        {**ev("AUDIO_ERROR"), "class": "other"},
    ]
    kept = [e for e in (call_event(m, AT) for m in seen) if e is not None]
    closed = call_event(ev("CALL_CLOSED", param="Connection reset by user"), AT, answered=True)
    assert closed is not None
    assert [e.type for e in [*kept, closed]] == [
        Cause.TYPE_INCOMING,
        Cause.TYPE_ANSWERED,
        Cause.TYPE_ENDED,
    ]
    incoming = kept[0]
    assert incoming.direction == pb.DIRECTION_INBOUND and incoming.call_id == "913ad520f6365a68"
    assert incoming.peer_uri == "sip:13800138000@127.0.0.1:60635"
    assert incoming.local_uri == "sip:agent1@127.0.0.1:47137"
    assert incoming.event_time.ToDatetime(tzinfo=UTC) == AT
    assert closed.end_cause == Cause.END_CAUSE_UNSPECIFIED  # a normal end after an answer
    assert call_event({"response": True, "ok": True}, AT) is None
    assert call_event({**ev("CALL_INCOMING"), "id": ""}, AT) is None


def test_an_outbound_call_starts_with_ringing() -> None:
    event = call_event(ev("CALL_RINGING", direction="outgoing"), AT)
    assert event is not None
    assert (event.type, event.direction) == (Cause.TYPE_RINGING, pb.DIRECTION_OUTBOUND)


@pytest.mark.parametrize(
    ("param", "direction", "cause"),
    [
        # what baresip 1.0.0 said on loopback
        ("Connection reset by peer", "incoming", Cause.END_CAUSE_CALLER_HANGUP),
        ("Connection reset by user", "incoming", Cause.END_CAUSE_REJECTED),
        ("486 Rejected", "outgoing", Cause.END_CAUSE_BUSY),
        ("Connection reset by user", "outgoing", Cause.END_CAUSE_CALLER_HANGUP),
        ("Connection reset by peer", "outgoing", Cause.END_CAUSE_FAILED),
        # SIP statuses from a PBX or a far phone
        ("486 Busy Here", "outgoing", Cause.END_CAUSE_BUSY),
        ("600 Busy Everywhere", "outgoing", Cause.END_CAUSE_BUSY),
        ("603 Decline", "outgoing", Cause.END_CAUSE_REJECTED),
        ("408 Request Timeout", "outgoing", Cause.END_CAUSE_NO_ANSWER),
        ("480 Temporarily Unavailable", "outgoing", Cause.END_CAUSE_NO_ANSWER),
        ("487 Request Terminated", "incoming", Cause.END_CAUSE_CALLER_HANGUP),
        ("503 Service Unavailable", "outgoing", Cause.END_CAUSE_FAILED),
        ("end of file", "incoming", Cause.END_CAUSE_FAILED),
    ],
)
def test_unanswered_close_reasons_become_end_causes(param: str, direction: str, cause: int) -> None:
    event = call_event(ev("CALL_CLOSED", direction, param=param), AT, answered=False)
    assert event is not None and event.end_cause == cause


def test_after_an_answer_only_a_sip_error_is_a_cause() -> None:
    normal = call_event(ev("CALL_CLOSED", param="Connection reset by peer"), AT, answered=True)
    failed = call_event(ev("CALL_CLOSED", param="503 Service Unavailable"), AT, answered=True)
    assert normal is not None and normal.end_cause == Cause.END_CAUSE_UNSPECIFIED
    assert failed is not None and failed.end_cause == Cause.END_CAUSE_FAILED


def test_hold_resume_transfer_keep_their_names() -> None:
    types = [call_event(ev(t), AT) for t in ("CALL_HOLD", "CALL_RESUME", "CALL_TRANSFER")]
    assert [e.type for e in types if e is not None] == [
        Cause.TYPE_HOLD,
        Cause.TYPE_RESUME,
        Cause.TYPE_TRANSFER,
    ]
    assert json.loads(encode_netstring({"a": "王"})[3:-1]) == {"a": "王"}
