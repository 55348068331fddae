"""Call recordings through the object store, on local files and on a real S3-protocol server
(moto): stored whole and checked, one per call, nothing left behind when anything fails, and
listened to only by the call's agent or a supervisor."""

from __future__ import annotations

import hashlib
import urllib.request
from collections.abc import Iterator
from datetime import timedelta

import pytest

from services.callcenter.bootstrap import CallCenterApp
from services.callcenter.domain.model import (
    CallEventData,
    Direction,
    EventType,
    RecordingPolicy,
)
from services.callcenter.service_layer import agents, calls, recordings
from services.callcenter.service_layer.agents import AgentValues
from services.callcenter.service_layer.recordings import RecordingDeps, RecordingUpload
from services.common.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from services.common.storage import (
    ChecksumMismatch,
    LocalObjectStore,
    MinioObjectStore,
    ObjectStore,
    ObjectTooLarge,
)

AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 40


@pytest.fixture
def callcenter_database_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/callcenter.db"


@pytest.fixture(params=["local", "s3"])
def callcenter_store(request: pytest.FixtureRequest, local_store: LocalObjectStore) -> ObjectStore:
    if request.param == "local":
        return local_store
    store: MinioObjectStore = request.getfixturevalue("minio_store")
    return store


def _objects(store: ObjectStore) -> list[str]:
    if isinstance(store, LocalObjectStore):
        return [
            str(p.relative_to(store.root))
            for p in store.root.rglob("*")
            if p.is_file() and ".meta" not in p.parts and not p.name.startswith(".")
        ]
    assert isinstance(store, MinioObjectStore)
    client, bucket = store.client, store.bucket
    return [o.object_name or "" for o in client.list_objects(bucket, recursive=True)]


def _chunks(data: bytes, size: int = 1000) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


@pytest.fixture
def call(callcenter_app: CallCenterApp) -> str:
    app = callcenter_app
    a = agents.create_agent(app.uow(), app.deps, AgentValues("users/wang.wu", "王五"))
    agents.login_agent(app.uow(), app.deps, a.id)
    data = CallEventData(
        "r1", EventType.INCOMING, app.deps.clock(), Direction.INBOUND, peer_number="+8613800138000"
    )
    record, _ = calls.report_call_event(app.uow(), app.deps, a.id, data)
    return record.id


def _begin(app: CallCenterApp, call_id: str, sha: str, actor: str | None = "users/wang.wu"):  # type: ignore[no-untyped-def]
    return recordings.begin_upload(app.uow(), app.recordings, call_id, "audio/wav", sha, actor)


def test_a_recording_is_stored_checked_and_listened_to(
    callcenter_app: CallCenterApp, call: str, callcenter_store: ObjectStore
) -> None:
    app = callcenter_app
    sha = hashlib.sha256(AUDIO).hexdigest()
    upload = _begin(app, call, sha.upper())  # any case of hex
    assert isinstance(upload, RecordingUpload)
    stored = recordings.store_recording(
        app.uow(), app.recordings, upload, _chunks(AUDIO), "users/wang.wu"
    )
    assert (stored.size, stored.sha256, stored.content_type) == (len(AUDIO), sha, "audio/wav")
    assert _objects(callcenter_store) == [stored.object_key]
    # A retry declaring the same content gets the stored one; other content is refused.
    assert _begin(app, call, sha) == stored
    with pytest.raises(AlreadyExists):
        _begin(app, call, hashlib.sha256(b"other").hexdigest())
    for actor in ("users/wang.wu", None):  # the call's agent, a supervisor
        _, reader = recordings.open_recording(app.uow(), app.recordings, call, actor)
        assert reader.read_all() == AUDIO
    with pytest.raises(PermissionDenied):
        recordings.open_recording(app.uow(), app.recordings, call, "users/li.si")
    url, expires = recordings.recording_url(app.uow(), app.recordings, call, None, None)
    assert expires == app.deps.clock() + timedelta(minutes=15)
    if isinstance(callcenter_store, MinioObjectStore):
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == AUDIO
    with pytest.raises(InvalidArgument):
        recordings.recording_url(app.uow(), app.recordings, call, timedelta(days=8), None)


def test_nothing_is_left_when_an_upload_fails(
    callcenter_app: CallCenterApp, call: str, callcenter_store: ObjectStore
) -> None:
    app = callcenter_app
    sha = hashlib.sha256(AUDIO).hexdigest()
    upload = _begin(app, call, sha)
    assert isinstance(upload, RecordingUpload)
    with pytest.raises(ChecksumMismatch) as mismatch:  # a truncated upload
        recordings.store_recording(
            app.uow(), app.recordings, upload, _chunks(AUDIO[:-10]), "users/wang.wu"
        )
    assert mismatch.value.violations[0].field == "upload.sha256"
    small = RecordingDeps(callcenter_store, RecordingPolicy(max_bytes=100), app.deps.clock)
    with pytest.raises(ObjectTooLarge):
        recordings.store_recording(app.uow(), small, upload, _chunks(AUDIO), "users/wang.wu")

    def broken() -> Iterator[bytes]:  # the sender goes away mid-stream
        yield AUDIO[:500]
        raise ConnectionResetError("client gone")

    with pytest.raises(ConnectionResetError):
        recordings.store_recording(app.uow(), app.recordings, upload, broken(), "users/wang.wu")
    # Stored, then the row cannot be written (another upload won): the bytes are removed.
    recordings.store_recording(app.uow(), app.recordings, upload, _chunks(AUDIO), "users/wang.wu")
    [kept] = _objects(callcenter_store)
    with pytest.raises(AlreadyExists):
        recordings.store_recording(
            app.uow(), app.recordings, upload, _chunks(AUDIO), "users/wang.wu"
        )
    assert _objects(callcenter_store) == [kept]
    with pytest.raises(NotFound):
        recordings.get_recording(app.uow(), "0" * 32, None)


def test_metadata_is_checked_before_any_byte(callcenter_app: CallCenterApp, call: str) -> None:
    app = callcenter_app
    with pytest.raises(InvalidArgument) as bad:
        recordings.begin_upload(app.uow(), app.recordings, call, "video/mp4", "abc", None)
    assert {v.field for v in bad.value.violations} == {"upload.content_type", "upload.sha256"}
    with pytest.raises(PermissionDenied):
        _begin(app, call, "a" * 64, "users/li.si")
    with pytest.raises(NotFound):
        recordings.get_recording(app.uow(), call, None)
