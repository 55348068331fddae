"""Call recordings (录音): upload into the object store, listen by stream or by a URL.

The bytes go to the store first and the row to the database after, so a recording is shown
only once complete; whatever fails after the bytes are stored deletes them again."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.callcenter.adapters.uow import CallCenterUnitOfWork
from services.callcenter.domain import model
from services.callcenter.service_layer.agents import check_actor
from services.common.errors import AlreadyExists, InvalidArgument, NotFound
from services.common.storage import ObjectReader, ObjectStore, put_upload

DEFAULT_URL_TTL = timedelta(minutes=15)
MAX_URL_TTL = timedelta(days=7)


@dataclass(frozen=True)
class RecordingDeps:
    store: ObjectStore
    policy: model.RecordingPolicy
    clock: Callable[[], datetime]


@dataclass(frozen=True)
class RecordingUpload:
    call_id: str
    content_type: str
    sha256: str


def _call_for(uow: CallCenterUnitOfWork, call_id: str, actor: str | None) -> model.Call:
    """The call, when `actor` may handle its recording: its agent's user, or a supervisor
    (actor None)."""
    call = uow.calls.get(call_id)
    check_actor(uow.agents.get(call.agent_id), actor)
    return call


def begin_upload(
    uow: CallCenterUnitOfWork,
    deps: RecordingDeps,
    call_id: str,
    content_type: str,
    sha256: str,
    actor: str | None,
) -> RecordingUpload | model.CallRecording:
    """Checks the metadata and the caller: the upload to stream into `store_recording`, or
    the recording already stored when a retry declares the same content."""
    media, digest = deps.policy.check(content_type, sha256, "upload")
    with uow:
        _call_for(uow, call_id, actor)
        earlier = uow.recordings.get(call_id)
    if earlier is not None:
        if earlier.sha256 == digest:
            return earlier  # a retried upload: the content is not read again
        raise AlreadyExists(
            f"calls/{call_id} already has a different recording", reason="RECORDING_EXISTS"
        )
    return RecordingUpload(call_id, media, digest)


def store_recording(
    uow: CallCenterUnitOfWork,
    deps: RecordingDeps,
    upload: RecordingUpload,
    chunks: Iterable[bytes],
    uploaded_by: str,
) -> model.CallRecording:
    """Streams `chunks` into the store (never holding them all), checked against the size
    limit and the declared SHA-256, then records the row; nothing is left behind on failure."""
    store = deps.store
    key = store.new_key(f"recordings/{upload.call_id}")
    stored = put_upload(
        store,
        key,
        chunks,
        content_type=upload.content_type,
        max_bytes=deps.policy.max_bytes,
        sha256=upload.sha256,
    )
    try:
        recording = model.CallRecording(
            upload.call_id,
            key,
            upload.content_type,
            stored.size,
            stored.sha256,
            uploaded_by,
            deps.clock(),
        )
        with uow:
            uow.calls.get(upload.call_id)  # still there
            uow.recordings.add(recording)
            uow.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            store.delete(key)
        raise
    return recording


def get_recording(
    uow: CallCenterUnitOfWork, call_id: str, actor: str | None
) -> model.CallRecording:
    with uow:
        _call_for(uow, call_id, actor)
        recording = uow.recordings.get(call_id)
    if recording is None:
        raise NotFound(
            f"calls/{call_id} has no recording",
            reason="NO_RECORDING",
            metadata={"resource": f"calls/{call_id}/recording"},
        )
    return recording


def open_recording(
    uow: CallCenterUnitOfWork, deps: RecordingDeps, call_id: str, actor: str | None
) -> tuple[model.CallRecording, ObjectReader]:
    recording = get_recording(uow, call_id, actor)
    return recording, deps.store.open(recording.object_key)


def recording_url(
    uow: CallCenterUnitOfWork,
    deps: RecordingDeps,
    call_id: str,
    ttl: timedelta | None,
    actor: str | None,
) -> tuple[str, datetime]:
    """A URL to listen without our credentials, and when it expires."""
    ttl = ttl or DEFAULT_URL_TTL
    if ttl <= timedelta(0) or ttl > MAX_URL_TTL:
        raise InvalidArgument.of("ttl", "must be positive and at most 7 days")
    recording = get_recording(uow, call_id, actor)
    return deps.store.presigned_get_url(recording.object_key, ttl), deps.clock() + ttl
