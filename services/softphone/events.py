"""The one mapping from softphone call events to the call center's CallEvent, with baresip's
ctrl_tcp framing (netstring JSON). JsSIP / SIP.js equivalents: docs/softphone-integration.md."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from google.protobuf import timestamp_pb2

from callops.callcenter.v1 import callcenter_pb2 as pb

# ctrl_tcp `type` (class `call`) -> CallEvent type. The callee's phone sends CALL_INCOMING
# when it starts ringing; CALL_RINGING is the caller's side hearing the 180.
TYPES = {
    "CALL_INCOMING": pb.CallEvent.TYPE_INCOMING,
    "CALL_OUTGOING": pb.CallEvent.TYPE_OUTBOUND_DIAL,
    "CALL_RINGING": pb.CallEvent.TYPE_RINGING,
    "CALL_ESTABLISHED": pb.CallEvent.TYPE_ANSWERED,
    "CALL_CLOSED": pb.CallEvent.TYPE_ENDED,
    "CALL_HOLD": pb.CallEvent.TYPE_HOLD,
    "CALL_RESUME": pb.CallEvent.TYPE_RESUME,
    "CALL_TRANSFER": pb.CallEvent.TYPE_TRANSFER,
}
DIRECTIONS = {"incoming": pb.DIRECTION_INBOUND, "outgoing": pb.DIRECTION_OUTBOUND}
# Events that show the phone is ringing for the agent: the screen-pop comes with their answer.
RINGING_TYPES = frozenset({pb.CallEvent.TYPE_INCOMING, pb.CallEvent.TYPE_RINGING})
_SIP_CODE = re.compile(r"\b([3-6]\d\d)\b")


def encode_netstring(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, ensure_ascii=False).encode()
    return str(len(body)).encode() + b":" + body + b","


def decode_netstrings(buffer: bytes) -> tuple[list[dict[str, Any]], bytes]:
    """Complete `LEN:{json},` frames from the buffer, and what is left for the next read."""
    messages: list[dict[str, Any]] = []
    while True:
        colon = buffer.find(b":")
        if colon < 0:
            if buffer and not buffer.isdigit():
                raise ValueError("malformed netstring from ctrl_tcp")
            return messages, buffer
        if colon == 0 or not buffer[:colon].isdigit():
            raise ValueError("malformed netstring from ctrl_tcp")
        length = int(buffer[:colon])
        end = colon + 1 + length
        if len(buffer) < end + 1:
            return messages, buffer
        if buffer[end : end + 1] != b",":
            raise ValueError("malformed netstring from ctrl_tcp")
        messages.append(json.loads(buffer[colon + 1 : end]))
        buffer = buffer[end + 1 :]


def end_cause(reason: str, answered: bool, direction: int) -> int:
    """Why a call ended, from CALL_CLOSED's reason text and whether it had been answered.

    A SIP status in the reason decides: 486/600 busy, 603 rejected, 408/480 no answer, 487
    the caller cancelled, other >= 400 failed. baresip gives no status when the call ends
    locally or by the peer's CANCEL/BYE: "Connection reset by user" (this phone hung up) and
    "Connection reset by peer" (the other side did). After an answer any end is normal."""
    match = _SIP_CODE.search(reason)
    code = int(match.group(1)) if match else 0
    text = reason.lower()
    if answered and code < 400:
        return pb.CallEvent.END_CAUSE_UNSPECIFIED
    if code in (486, 600):
        return pb.CallEvent.END_CAUSE_BUSY
    if code == 603 or "declin" in text:
        return pb.CallEvent.END_CAUSE_REJECTED
    if code in (408, 480):
        return pb.CallEvent.END_CAUSE_NO_ANSWER
    if code == 487:
        return pb.CallEvent.END_CAUSE_CALLER_HANGUP
    if code >= 400:
        return pb.CallEvent.END_CAUSE_FAILED
    inbound = direction == pb.DIRECTION_INBOUND
    if "reset by user" in text or "reject" in text:
        # this phone ended it unanswered: the agent declined a ringing call, or gave up
        # on its own outbound call
        return pb.CallEvent.END_CAUSE_REJECTED if inbound else pb.CallEvent.END_CAUSE_CALLER_HANGUP
    if "reset by peer" in text:
        # the caller cancelled while the agent's phone rang, or the callee went away
        return pb.CallEvent.END_CAUSE_CALLER_HANGUP if inbound else pb.CallEvent.END_CAUSE_FAILED
    return pb.CallEvent.END_CAUSE_FAILED


def call_event(
    message: dict[str, Any], received_at: datetime, answered: bool = False
) -> pb.CallEvent | None:
    """The call event for one ctrl_tcp message; None for responses and events that say
    nothing about the call's course (SDP, RTP, RTCP, audio...). ctrl_tcp sends no time: the
    bridge stamps the moment it received the event. `answered`: whether this call id was
    established before (the bridge keeps that), which decides CALL_CLOSED's cause."""
    if not message.get("event") or message.get("class") != "call":
        return None
    type_ = TYPES.get(str(message.get("type", "")))
    call_id = str(message.get("id", ""))
    if type_ is None or not call_id:
        return None
    when = timestamp_pb2.Timestamp()
    when.FromDatetime(received_at)
    direction = DIRECTIONS.get(str(message.get("direction", "")), pb.DIRECTION_UNSPECIFIED)
    event = pb.CallEvent(
        call_id=call_id,
        type=type_,
        direction=direction,
        local_uri=str(message.get("accountaor", "")),
        peer_uri=str(message.get("peeruri", "")),
        peer_display_name=str(message.get("peerdisplayname", "")),
        event_time=when,
    )
    if type_ == pb.CallEvent.TYPE_ENDED:
        cause = end_cause(str(message.get("param", "")), answered, direction)
        event.end_cause = cause  # type: ignore[assignment]
    return event
