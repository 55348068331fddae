"""Call recordings over real gRPC: a client-streamed upload checked by SHA-256, a streamed
download and a URL, for the call's agent and supervisors only, and nothing stored when the
upload is wrong."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from callops.callcenter.v1 import callcenter_pb2 as pb
from services.common.storage import LocalObjectStore, ObjectStore
from tests.callcenter_fixtures import CallCenterCaller
from tests.e2e.helpers import DENIED, EXISTS, INVALID, NOT_FOUND, UNKNOWN_ID, expect
from tests.e2e.test_callcenter_flows import new_agent, report

AUDIO = b"RIFF\x00\x00\x00\x00WAVEfmt " + bytes(range(256)) * 300  # about 77 KB
SHA = hashlib.sha256(AUDIO).hexdigest()


@pytest.fixture
def callcenter_database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'callcenter.db'}"


async def _messages(
    call: str, data: bytes, sha256: str = SHA, content_type: str = "audio/wav"
) -> AsyncIterator[pb.UploadCallRecordingRequest]:
    yield pb.UploadCallRecordingRequest(
        upload=pb.RecordingUpload(call=call, content_type=content_type, sha256=sha256)
    )
    for i in range(0, len(data), 16 * 1024):
        yield pb.UploadCallRecordingRequest(chunk=data[i : i + 16 * 1024])


async def _download(c: CallCenterCaller, call: str, user: str, role: str = "agent") -> bytes:
    parts = []
    async for part in c.stub.DownloadCallRecording(
        pb.DownloadCallRecordingRequest(name=f"{call}/recording"), metadata=c.as_(role, user=user)
    ):
        parts.append(part.chunk)
    return b"".join(parts)


def _files(store: ObjectStore) -> list[Path]:
    assert isinstance(store, LocalObjectStore)
    return [p for p in store.root.rglob("*") if p.is_file() and ".meta" not in p.parts]


async def test_upload_listen_and_who_may(
    grpc_callcenter: CallCenterCaller, callcenter_store: ObjectStore
) -> None:
    c = grpc_callcenter
    agent = await new_agent(c)
    await new_agent(c, "li.si")
    call = (await report(c, agent, "rec1", pb.CallEvent.TYPE_INCOMING)).call.name
    me = c.as_("agent", user="wang.wu")
    # Wrong first, then right: a wrong upload leaves nothing behind.
    await expect(
        c.stub.UploadCallRecording(_messages(call, AUDIO[:-1]), metadata=me),
        INVALID,
        "upload.sha256",
    )
    assert _files(callcenter_store) == []
    await expect(
        # Refused on the metadata alone; no content sent, so the refusal cannot race a write.
        c.stub.UploadCallRecording(_messages(call, b"", "xyz", "text/plain"), metadata=me),
        INVALID,
        "upload.content_type",
    )
    await expect(
        c.stub.UploadCallRecording(_messages(call, b""), metadata=c.as_("agent", user="li.si")),
        DENIED,
    )
    assert (await c.stub.GetCall(pb.GetCallRequest(name=call), metadata=me)).recording == ""
    stored = await c.stub.UploadCallRecording(_messages(call, AUDIO), metadata=me)
    assert stored.name == f"{call}/recording"
    # The call record now points to its recording, in Get and List alike.
    assert (await c.stub.GetCall(pb.GetCallRequest(name=call), metadata=me)).recording == (
        stored.name
    )
    [listed] = (await c.stub.ListCalls(pb.ListCallsRequest(), metadata=me)).calls
    assert listed.recording == stored.name
    assert (stored.size_bytes, stored.sha256, stored.uploaded_by) == (
        len(AUDIO),
        SHA,
        "users/wang.wu",
    )
    assert len(_files(callcenter_store)) == 1
    again = await c.stub.UploadCallRecording(_messages(call, AUDIO), metadata=me)
    assert again == stored and len(_files(callcenter_store)) == 1  # a retry stores nothing
    other = AUDIO + b"more"
    await expect(
        c.stub.UploadCallRecording(
            _messages(call, b"", hashlib.sha256(other).hexdigest()), metadata=me
        ),
        EXISTS,
    )
    assert await _download(c, call, "wang.wu") == AUDIO
    assert await _download(c, call, "boss", "supervisor") == AUDIO
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await _download(c, call, "li.si")
    assert denied.value.code() == DENIED
    link = await c.stub.GetCallRecordingUrl(
        pb.GetCallRecordingUrlRequest(name=f"{call}/recording"), metadata=me
    )
    assert link.url and link.expire_time.seconds > 0


async def test_recording_names_are_checked(grpc_callcenter: CallCenterCaller) -> None:
    c = grpc_callcenter
    agent = await new_agent(c)
    call = (await report(c, agent, "rec2", pb.CallEvent.TYPE_INCOMING)).call.name
    boss = c.as_("supervisor", user="boss")
    await expect(
        c.stub.GetCallRecordingUrl(pb.GetCallRecordingUrlRequest(name=call), metadata=boss),
        INVALID,
        "name",
    )
    await expect(
        c.stub.GetCallRecordingUrl(
            pb.GetCallRecordingUrlRequest(name=f"{call}/recording"), metadata=boss
        ),
        NOT_FOUND,
    )
    # A ttl past what a timedelta holds is the caller's mistake, not INTERNAL.
    huge = pb.GetCallRecordingUrlRequest(name=f"{call}/recording")
    huge.ttl.seconds = 2**62
    await expect(c.stub.GetCallRecordingUrl(huge, metadata=boss), INVALID, "ttl")
    await expect(
        c.stub.UploadCallRecording(_messages(f"calls/{UNKNOWN_ID}", b""), metadata=boss),
        NOT_FOUND,
    )

    async def chunk_first() -> AsyncIterator[pb.UploadCallRecordingRequest]:
        yield pb.UploadCallRecordingRequest(chunk=b"RIFF")

    await expect(c.stub.UploadCallRecording(chunk_first(), metadata=boss), INVALID, "upload")
