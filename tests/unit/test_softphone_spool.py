"""The bridge's spool: events kept in order until acknowledged, across reopening the file;
and what the bridge dials for a callback."""

from __future__ import annotations

from pathlib import Path

from callops.callcenter.v1 import callcenter_pb2 as pb
from services.softphone.bridge import dial_uri
from services.softphone.spool import Spool

PEER = "sip:13800138000@127.0.0.1:5062"


def event(call_id: str, type_: int) -> pb.CallEvent:
    return pb.CallEvent(call_id=call_id, type=type_, peer_uri=PEER)  # type: ignore[arg-type]


def test_events_wait_in_order_until_acknowledged_across_restarts(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.db")
    assert spool.append(event("c1", pb.CallEvent.TYPE_INCOMING))
    assert spool.append(event("c1", pb.CallEvent.TYPE_ANSWERED))
    assert not spool.append(event("c1", pb.CallEvent.TYPE_ANSWERED))  # baresip said it twice
    assert spool.append(event("c1", pb.CallEvent.TYPE_ENDED))
    (seq, first), *_ = spool.pending()
    spool.acknowledge(seq, first.call_id, "calls/42")
    spool.close()

    reopened = Spool(tmp_path / "spool.db")
    assert [e.type for _, e in reopened.pending()] == [
        pb.CallEvent.TYPE_ANSWERED,
        pb.CallEvent.TYPE_ENDED,
    ]
    assert reopened.answered("c1") and reopened.ended("c1")
    assert not reopened.answered("c2") and not reopened.ended("c2")
    assert reopened.peer_uri_of(["calls/7", "calls/42"]) == PEER
    assert reopened.peer_uri_of(["calls/7"]) == ""
    assert reopened.peer_uri_of([]) == ""


def test_a_callback_is_dialled_once(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.db")
    assert not spool.dialled("callbacks/1")
    spool.mark_dialled("callbacks/1", PEER)
    spool.mark_dialled("callbacks/1", PEER)
    assert spool.dialled("callbacks/1") and not spool.dialled("callbacks/2")


def test_a_number_is_dialled_by_the_template_unless_masked() -> None:
    template = "sip:{national}@pbx.example.com"
    assert dial_uri(template, "+8613800138000") == "sip:13800138000@pbx.example.com"
    assert dial_uri("sip:{e164}@pbx", "+8613800138000") == "sip:+8613800138000@pbx"
    assert dial_uri(template, "138****8000") == ""  # an agent without the pii right
    assert dial_uri("", "+8613800138000") == ""
    assert dial_uri(template, "not a number") == ""
