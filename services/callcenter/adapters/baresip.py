"""baresip's ctrl_tcp protocol (netstring-framed JSON) read as CallCenter call events: what
a desktop bridge next to the agent's softphone sends to ReportCallEvent."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from google.protobuf import timestamp_pb2

from callops.callcenter.v1 import callcenter_pb2 as pb

_TYPES = {
    "CALL_INCOMING": pb.CallEvent.TYPE_INCOMING,
    "CALL_OUTGOING": pb.CallEvent.TYPE_OUTBOUND_DIAL,
    "CALL_RINGING": pb.CallEvent.TYPE_RINGING,
    "CALL_ESTABLISHED": pb.CallEvent.TYPE_ANSWERED,
    "CALL_CLOSED": pb.CallEvent.TYPE_ENDED,
    "CALL_HOLD": pb.CallEvent.TYPE_HOLD,
    "CALL_RESUME": pb.CallEvent.TYPE_RESUME,
    "CALL_TRANSFER": pb.CallEvent.TYPE_TRANSFER,
}
_DIRECTIONS = {"incoming": pb.DIRECTION_INBOUND, "outgoing": pb.DIRECTION_OUTBOUND}
_SIP_CODE = re.compile(r"\b([3-6]\d\d)\b")


def decode_netstrings(buffer: bytes) -> tuple[list[dict[str, Any]], bytes]:
    """Complete `LEN:{json},` frames from the buffer, and what is left for the next read."""
    messages: list[dict[str, Any]] = []
    while True:
        colon = buffer.find(b":")
        if colon <= 0 or not buffer[:colon].isdigit():
            return messages, buffer
        length = int(buffer[:colon])
        end = colon + 1 + length
        if len(buffer) < end + 1:
            return messages, buffer
        if buffer[end : end + 1] != b",":
            raise ValueError("malformed netstring from ctrl_tcp")
        messages.append(json.loads(buffer[colon + 1 : end]))
        buffer = buffer[end + 1 :]


def _end_cause(param: str) -> int:
    """The SIP status in CALL_CLOSED's reason text, as an end cause."""
    match = _SIP_CODE.search(param)
    code = int(match.group(1)) if match else 0
    if code in (486, 600):
        return pb.CallEvent.END_CAUSE_BUSY
    if code == 603 or "reject" in param.lower() or "declin" in param.lower():
        return pb.CallEvent.END_CAUSE_REJECTED
    if code in (408, 480):
        return pb.CallEvent.END_CAUSE_NO_ANSWER
    if code == 487:
        return pb.CallEvent.END_CAUSE_CALLER_HANGUP  # the caller cancelled while ringing
    if code >= 400:
        return pb.CallEvent.END_CAUSE_FAILED
    return pb.CallEvent.END_CAUSE_UNSPECIFIED


def call_event(message: dict[str, Any], received_at: datetime) -> pb.CallEvent | None:
    """The call event for one ctrl_tcp message; None for responses and events that say
    nothing about the call's course (SDP, RTP, RTCP...). ctrl_tcp sends no time: the
    bridge stamps the moment it received the event."""
    if not message.get("event") or message.get("class") != "call":
        return None
    type_ = _TYPES.get(str(message.get("type", "")))
    if type_ is None:
        return None
    when = timestamp_pb2.Timestamp()
    when.FromDatetime(received_at)
    event = pb.CallEvent(
        call_id=str(message.get("id", "")),
        type=type_,
        direction=_DIRECTIONS.get(str(message.get("direction", "")), pb.DIRECTION_UNSPECIFIED),
        local_uri=str(message.get("accountaor", "")),
        peer_uri=str(message.get("peeruri", "")),
        peer_display_name=str(message.get("peerdisplayname", "")),
        event_time=when,
    )
    if type_ == pb.CallEvent.TYPE_ENDED:
        event.end_cause = _end_cause(str(message.get("param", "")))  # type: ignore[assignment]
    return event
