"""The call center's settings: the common ones plus callback rules and the screen-pop."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from services.callcenter.domain.model import (
    DEFAULT_RECORDING_TYPES,
    CallbackPolicy,
    RecordingPolicy,
)
from services.callcenter.service_layer.deps import Deps
from services.common.config import ServiceSettings


class CallCenterSettings(ServiceSettings):
    service_name: str = "callcenter"
    grpc_port: int = Field(50053, ge=0, le=65535)
    # Where the customer service answers LookupByPhone, and how long the screen-pop waits.
    customer_address: str = "127.0.0.1:50051"
    screen_pop_deadline_ms: int = Field(300, ge=10, le=10_000)
    # Missed calls from one number within this window join one callback task.
    callback_group_window_minutes: int = Field(30, ge=0)
    callback_due_minutes: int = Field(30, ge=1)
    callback_ttl_hours: int = Field(24, ge=1)
    callback_priority_seconds: int = Field(0, ge=0)
    reservation_timeout_seconds: int = Field(30, ge=1)
    call_watchdog_minutes: int = Field(240, ge=1)
    phone_region: str = "CN"
    # How often an agent event stream looks for changes (any replica may make them).
    agent_stream_poll_ms: int = Field(250, ge=10, le=10_000)
    # The service reserves callbacks itself when a call is missed or an agent is freed, and
    # looks again this often; the worker's beat task does the same for every replica.
    callback_assign_poll_seconds: float = Field(5.0, gt=0, le=3600)

    # Where call recordings are stored (services.common.storage.object_store_from_url): ""
    # for files under data_dir/objects, file:///path, or s3://KEY:SECRET@host:port/bucket.
    object_store_url: str = ""
    # The largest recording accepted, in bytes (default 200 MiB: hours of compressed audio).
    recording_max_bytes: int = Field(200 * 1024 * 1024, gt=0)
    # The media types a recording may have, as JSON in CALLOPS_RECORDING_CONTENT_TYPES.
    recording_content_types: list[str] = Field(
        default_factory=lambda: list(DEFAULT_RECORDING_TYPES), min_length=1
    )

    def recording_policy(self) -> RecordingPolicy:
        return RecordingPolicy(
            self.recording_max_bytes,
            tuple(t.strip().lower() for t in self.recording_content_types),
        )

    def deps(self) -> Deps:
        return Deps(
            policy=CallbackPolicy(
                group_window=timedelta(minutes=self.callback_group_window_minutes),
                due_after=timedelta(minutes=self.callback_due_minutes),
                ttl=timedelta(hours=self.callback_ttl_hours),
                reservation_hold=timedelta(seconds=self.reservation_timeout_seconds),
                priority_seconds=self.callback_priority_seconds,
            ),
            call_watchdog=timedelta(minutes=self.call_watchdog_minutes),
            region=self.phone_region,
            time_zone=self.timezone,
        )
