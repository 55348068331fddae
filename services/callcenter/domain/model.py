"""Call-center entities and their rules: agents (status and state), call records built from
softphone events, and callback tasks made from missed calls. Pure Python."""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.callcenter.domain import events
from services.common.errors import FailedPrecondition, InvalidArgument, StaleEtag, Violations
from services.common.events import Event

USER_NAME = re.compile(r"^users/[A-Za-z0-9_.@-]{1,64}$")
CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def new_id() -> str:
    return uuid.uuid4().hex


class AgentStatus(enum.Enum):
    """What the agent chooses."""

    UNSPECIFIED = "UNSPECIFIED"
    LOGGED_OUT = "LOGGED_OUT"
    AVAILABLE = "AVAILABLE"
    ON_BREAK = "ON_BREAK"


class AgentState(enum.Enum):
    """What the calls and reservations drive."""

    UNSPECIFIED = "UNSPECIFIED"
    IDLE = "IDLE"
    RESERVED = "RESERVED"
    RINGING = "RINGING"
    ON_CALL = "ON_CALL"
    WRAP_UP = "WRAP_UP"


class Direction(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"


class EventType(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    INCOMING = "INCOMING"
    RINGING = "RINGING"
    ANSWERED = "ANSWERED"
    ENDED = "ENDED"
    HOLD = "HOLD"
    RESUME = "RESUME"
    TRANSFER = "TRANSFER"
    OUTBOUND_DIAL = "OUTBOUND_DIAL"


OFFER_EVENTS = (EventType.INCOMING, EventType.RINGING, EventType.OUTBOUND_DIAL)


class EndCause(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    CALLER_HANGUP = "CALLER_HANGUP"
    NO_ANSWER = "NO_ANSWER"
    REJECTED = "REJECTED"
    BUSY = "BUSY"
    FAILED = "FAILED"


class CallResult(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    ANSWERED = "ANSWERED"
    MISSED = "MISSED"
    NO_ANSWER = "NO_ANSWER"
    BUSY = "BUSY"
    FAILED = "FAILED"


class SalesResult(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    INTERESTED = "INTERESTED"
    DECLINED = "DECLINED"
    CALL_BACK_LATER = "CALL_BACK_LATER"
    ORDER_PLACED = "ORDER_PLACED"


class CallbackState(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    PENDING = "PENDING"
    RESERVED = "RESERVED"
    ASSIGNED = "ASSIGNED"
    COMPLETED = "COMPLETED"
    EXPIRED = "EXPIRED"
    CANCELED = "CANCELED"


OPEN_CALLBACK_STATES = (CallbackState.PENDING, CallbackState.RESERVED, CallbackState.ASSIGNED)


def check_etag(etag: str, version: int, resource: str) -> None:
    if etag and etag != str(version):
        raise StaleEtag(f"{resource} changed since it was read", metadata={"etag": str(version)})


# --- agents -----------------------------------------------------------------------------------


@dataclass(eq=False)
class AgentStateChange:
    """One row of the agent state log: every status or state change, with its time."""

    agent_id: str
    at: datetime
    status: AgentStatus
    state: AgentState
    reason: str = ""
    id: int | None = None


@dataclass(eq=False)
class Agent:
    id: str
    user: str
    display_name: str
    created_at: datetime
    extension: str = ""
    sip_uri: str = ""
    team: str = ""
    skills: list[str] = field(default_factory=list)
    owned_customers: list[str] = field(default_factory=list)  # customer ids
    status: AgentStatus = AgentStatus.LOGGED_OUT
    break_reason: str = ""
    state: AgentState = AgentState.IDLE
    state_since: datetime | None = None
    # The call that drives the state, and the phone's time of its latest event: the phone's
    # clock orders calls, the server's clock stamps the state log.
    current_call: str = ""
    call_event_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    events: list[Event] = field(default_factory=list)
    changes: list[AgentStateChange] = field(default_factory=list)

    @property
    def resource_name(self) -> str:
        return f"agents/{self.id}"

    @staticmethod
    def validate(user: str, display_name: str, skills: Sequence[str], prefix: str) -> None:
        v = Violations()
        if not USER_NAME.fullmatch(user):
            v.add(f"{prefix}.user", "required, a user name like users/zhang.san")
        if not display_name.strip() or len(display_name) > 100:
            v.add(f"{prefix}.display_name", "required, at most 100 characters")
        for i, skill in enumerate(skills):
            if not CODE.fullmatch(skill):
                v.add(f"{prefix}.skills[{i}]", "letters, digits, _ . - only, at most 40")
        v.raise_if_any()

    def update(self, values: dict[str, object], etag: str, now: datetime) -> None:
        """Changes the descriptive fields given; status and state have their own methods."""
        check_etag(etag, self.version, self.resource_name)
        display_name = str(values.get("display_name", self.display_name))
        skills = values.get("skills", self.skills)
        assert isinstance(skills, list)
        Agent.validate(self.user, display_name, skills, "agent")
        for name, value in values.items():
            if isinstance(value, str):
                value = value.strip()
            elif isinstance(value, list):
                value = list(dict.fromkeys(value))
            setattr(self, name, value)
        self.updated_at = now

    @property
    def ready(self) -> bool:
        """Free for a callback reservation."""
        return self.status is AgentStatus.AVAILABLE and self.state is AgentState.IDLE

    def _record(self, now: datetime, reason: str) -> None:
        self.updated_at = now
        self.changes.append(AgentStateChange(self.id, now, self.status, self.state, reason))
        self.events.append(
            events.AgentStateChanged(
                self.resource_name, self.status.name, self.state.name, reason, now
            )
        )

    def login(self, now: datetime) -> None:
        if self.status is not AgentStatus.LOGGED_OUT:
            return  # a retried login changes nothing
        self.status, self.break_reason = AgentStatus.AVAILABLE, ""
        self.state, self.state_since = AgentState.IDLE, now
        self._record(now, "login")

    def set_status(self, status: AgentStatus, reason: str, now: datetime) -> None:
        if status is AgentStatus.UNSPECIFIED:
            raise FailedPrecondition("a status is needed")
        if status is AgentStatus.ON_BREAK and not CODE.fullmatch(reason):
            raise InvalidArgument.of("break_reason", "required for ON_BREAK, a code like lunch")
        if self.status is AgentStatus.LOGGED_OUT and status is AgentStatus.ON_BREAK:
            raise FailedPrecondition(
                "a logged-out agent cannot go on break; log in first", reason="NOT_LOGGED_IN"
            )
        if status is AgentStatus.LOGGED_OUT and self.state in (
            AgentState.RINGING,
            AgentState.ON_CALL,
        ):
            raise FailedPrecondition("cannot log out during a call", reason="ON_CALL")
        reason_code = reason if status is AgentStatus.ON_BREAK else ""
        if status is self.status and reason_code == self.break_reason:
            return
        self.status, self.break_reason = status, reason_code
        if status is AgentStatus.LOGGED_OUT:
            self.state, self.state_since = AgentState.IDLE, now
        self._record(now, reason_code or status.name.lower())

    def follow_call(self, call: Call, event: CallEventData, now: datetime) -> None:
        """Moves the state with a call event. A late event of an older call is ignored, and
        so are events that do not change the call's phase (hold, resume, transfer)."""
        if event.type not in (*OFFER_EVENTS, EventType.ANSWERED, EventType.ENDED):
            return
        if (
            call.call_id != self.current_call
            and self.call_event_at is not None
            and event.at < self.call_event_at
        ):
            return
        self.current_call = call.call_id
        self.call_event_at = max(self.call_event_at or event.at, event.at)
        driven = call.agent_state()
        if self.state is AgentState.RESERVED and driven not in (
            AgentState.RINGING,
            AgentState.ON_CALL,
        ):
            return  # a reservation yields only to a call that rings or is answered
        self.set_state(driven, now, f"call_{event.type.name.lower()}")

    def set_state(self, state: AgentState, now: datetime, reason: str) -> None:
        if state is self.state:
            return
        self.state, self.state_since = state, now
        self._record(now, reason)


# --- calls ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallEventData:
    """One softphone event, already validated."""

    call_id: str
    type: EventType
    at: datetime
    direction: Direction = Direction.UNSPECIFIED
    end_cause: EndCause = EndCause.UNSPECIFIED
    local_uri: str = ""
    peer_number: str = ""
    peer_display_name: str = ""


def _seconds(start: datetime | None, end: datetime | None) -> int:
    if start is None or end is None:
        return 0
    return max(0, int((end - start).total_seconds()))


@dataclass(eq=False)
class Call:
    """A call record. Fields follow from the set of events seen, whatever their order:
    applying the same events in any order gives the same record."""

    id: str
    call_id: str
    agent_id: str
    created_at: datetime
    direction: Direction = Direction.UNSPECIFIED
    peer_number: str = ""
    peer_display_name: str = ""
    local_uri: str = ""
    customer_id: str | None = None
    offered_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    end_cause: EndCause = EndCause.UNSPECIFIED
    result: CallResult = CallResult.UNSPECIFIED
    ring_seconds: int = 0
    talk_seconds: int = 0
    wrap_up_code: str = ""
    wrap_up_notes: str = ""
    no_order: bool = False
    parked_for_follow_up: bool = False
    sales_result: SalesResult = SalesResult.UNSPECIFIED
    # Read from the recordings when loaded (never written with the call): a client sees
    # that a recording exists without asking for it.
    has_recording: bool = False
    updated_at: datetime | None = None
    version: int = 1
    events: list[Event] = field(default_factory=list)

    @property
    def resource_name(self) -> str:
        return f"calls/{self.id}"

    @property
    def recording_name(self) -> str:
        """`calls/{id}/recording` when the call has a recording, else empty."""
        return f"{self.resource_name}/recording" if self.has_recording else ""

    def apply(self, e: CallEventData) -> None:
        if e.type is EventType.OUTBOUND_DIAL:
            self.direction = Direction.OUTBOUND
        elif self.direction is Direction.UNSPECIFIED and e.direction is not Direction.UNSPECIFIED:
            self.direction = e.direction
        if e.peer_number and not self.peer_number:
            self.peer_number = e.peer_number
        if e.peer_display_name and not self.peer_display_name:
            self.peer_display_name = e.peer_display_name
        if e.local_uri and not self.local_uri:
            self.local_uri = e.local_uri
        if e.type in OFFER_EVENTS:
            self.offered_at = e.at if self.offered_at is None else min(self.offered_at, e.at)
        elif e.type is EventType.ANSWERED:
            self.answered_at = e.at if self.answered_at is None else min(self.answered_at, e.at)
        elif e.type is EventType.ENDED:
            self.ended_at = e.at
            self.end_cause = e.end_cause
        self._recompute()

    def _recompute(self) -> None:
        ring_end = self.answered_at or self.ended_at
        self.ring_seconds = _seconds(self.offered_at, ring_end)
        self.talk_seconds = _seconds(self.answered_at, self.ended_at)
        if self.answered_at is not None:
            self.result = CallResult.ANSWERED
        elif self.ended_at is None:
            self.result = CallResult.UNSPECIFIED
        elif self.direction is not Direction.OUTBOUND:
            self.result = CallResult.MISSED
        elif self.end_cause in (EndCause.BUSY, EndCause.REJECTED):
            self.result = CallResult.BUSY
        elif self.end_cause is EndCause.FAILED:
            self.result = CallResult.FAILED
        else:
            self.result = CallResult.NO_ANSWER

    @property
    def missed(self) -> bool:
        return self.result is CallResult.MISSED

    def agent_state(self) -> AgentState:
        """The state this call puts its agent in."""
        if self.ended_at is not None:
            return AgentState.WRAP_UP if self.answered_at is not None else AgentState.IDLE
        if self.answered_at is not None:
            return AgentState.ON_CALL
        return AgentState.RINGING

    def close_by_watchdog(self, now: datetime) -> None:
        """No end event came in time: the phone crashed or lost its network."""
        self.ended_at = now
        self.end_cause = EndCause.FAILED
        self._recompute()
        if self.result is CallResult.ANSWERED:
            return
        self.result = CallResult.FAILED

    def wrap_up(
        self,
        code: str,
        notes: str,
        no_order: bool,
        parked: bool,
        sales_result: SalesResult,
        etag: str,
        now: datetime,
    ) -> None:
        check_etag(etag, self.version, self.resource_name)
        v = Violations()
        if code and not CODE.fullmatch(code):
            v.add("wrap_up_code", "letters, digits, _ . - only, at most 40 characters")
        if len(notes) > 2000:
            v.add("wrap_up_notes", "at most 2000 characters")
        v.raise_if_any()
        if self.ended_at is None:
            raise FailedPrecondition("the call has not ended", reason="CALL_NOT_ENDED")
        self.wrap_up_code, self.wrap_up_notes = code, notes
        self.no_order, self.parked_for_follow_up = no_order, parked
        self.sales_result = sales_result
        self.updated_at = now


# --- callback tasks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackPolicy:
    """How missed calls become callbacks: grouping window, deadlines, reservation hold."""

    group_window: timedelta = timedelta(minutes=30)
    due_after: timedelta = timedelta(minutes=30)
    ttl: timedelta = timedelta(hours=24)
    reservation_hold: timedelta = timedelta(seconds=30)
    priority_seconds: int = 0


@dataclass(eq=False)
class CallbackTask:
    id: str
    phone_number: str
    first_missed_at: datetime
    last_missed_at: datetime
    due_at: datetime
    expires_at: datetime
    rank_at: datetime  # queue order: first miss minus the priority head start
    created_at: datetime
    customer_id: str | None = None
    skill: str = ""
    missed_count: int = 0
    call_ids: list[str] = field(default_factory=list)
    priority_seconds: int = 0
    state: CallbackState = CallbackState.PENDING
    agent_id: str | None = None
    reserved_at: datetime | None = None
    reservation_expires_at: datetime | None = None
    rejected_by: list[str] = field(default_factory=list)
    result: str = ""
    close_reason: str = ""
    # The outbound call that called the number back (its Call.id), when one closed the task
    # or the agent named it on completion.
    callback_call_id: str | None = None
    late_notified: bool = False
    updated_at: datetime | None = None
    version: int = 1
    events: list[Event] = field(default_factory=list)

    @property
    def resource_name(self) -> str:
        return f"callbacks/{self.id}"

    @classmethod
    def for_missed_call(cls, call: Call, policy: CallbackPolicy, now: datetime) -> CallbackTask:
        at = call.ended_at or call.offered_at or now
        task = cls(
            id=new_id(),
            phone_number=call.peer_number,
            first_missed_at=at,
            last_missed_at=at,
            due_at=at + policy.due_after,
            expires_at=at + policy.ttl,
            rank_at=at - timedelta(seconds=policy.priority_seconds),
            created_at=now,
            customer_id=call.customer_id,
            priority_seconds=policy.priority_seconds,
            updated_at=now,
        )
        task.events.append(
            events.CallbackTaskCreated(
                task.resource_name,
                task.phone_number,
                f"customers/{call.customer_id}" if call.customer_id else "",
            )
        )
        task.join(call, policy, now)
        return task

    @property
    def open(self) -> bool:
        return self.state in OPEN_CALLBACK_STATES

    def takes(self, call: Call) -> bool:
        """A missed call from the number of an open task joins it: a number has at most one
        open task (the database refuses a second), so one agent calls it back."""
        return self.open and call.peer_number == self.phone_number

    def join(self, call: Call, policy: CallbackPolicy, now: datetime) -> None:
        """Adds a missed call. One that comes after the grouping window would have opened a
        task of its own: it gets the time to live that task would have had."""
        if call.id in self.call_ids:
            return
        at = call.ended_at or call.offered_at or now
        if at - self.last_missed_at > policy.group_window:
            self.expires_at = max(self.expires_at, at + policy.ttl)
        self.call_ids = [*self.call_ids, call.id]
        self.missed_count = len(self.call_ids)
        self.last_missed_at = max(self.last_missed_at, at)
        if self.customer_id is None and call.customer_id:
            self.customer_id = call.customer_id
        self.updated_at = now

    def drop_call(self, call_id: str, now: datetime) -> None:
        """A call thought missed turned out answered (its ANSWERED came late)."""
        if call_id not in self.call_ids:
            return
        self.call_ids = [c for c in self.call_ids if c != call_id]
        self.missed_count = len(self.call_ids)
        self.updated_at = now
        if not self.call_ids and self.state in (CallbackState.PENDING, CallbackState.RESERVED):
            self._close(CallbackState.CANCELED, "call was answered", now)

    def _require(self, state: CallbackState, agent_id: str | None, action: str) -> None:
        if self.state is not state:
            raise FailedPrecondition(
                f"cannot {action} a callback in state {self.state.name}",
                reason="CALLBACK_STATE",
                metadata={"state": self.state.name},
            )
        if agent_id is not None and self.agent_id != agent_id:
            raise FailedPrecondition(
                f"the callback is not held by agents/{agent_id}", reason="NOT_YOUR_CALLBACK"
            )

    def reserve(self, agent_id: str, hold: timedelta, now: datetime) -> None:
        self._require(CallbackState.PENDING, None, "reserve")
        self.state, self.agent_id = CallbackState.RESERVED, agent_id
        self.reserved_at, self.reservation_expires_at = now, now + hold
        self.updated_at = now
        self.events.append(events.CallbackReserved(self.resource_name, f"agents/{agent_id}"))

    def accept(self, agent_id: str, now: datetime) -> None:
        self._require(CallbackState.RESERVED, agent_id, "accept")
        self.state, self.reservation_expires_at = CallbackState.ASSIGNED, None
        self.updated_at = now

    def _release(self, now: datetime) -> None:
        assert self.agent_id is not None
        self.rejected_by = [*self.rejected_by, self.agent_id]
        self.state, self.agent_id = CallbackState.PENDING, None
        self.reserved_at = self.reservation_expires_at = None
        self.updated_at = now

    def reject(self, agent_id: str, now: datetime) -> None:
        self._require(CallbackState.RESERVED, agent_id, "reject")
        self._release(now)

    def lapse(self, now: datetime) -> bool:
        """The reserved agent did not answer in time: back to the queue."""
        if (
            self.state is not CallbackState.RESERVED
            or self.reservation_expires_at is None
            or self.reservation_expires_at > now
        ):
            return False
        self._release(now)
        return True

    def complete(
        self,
        agent_id: str | None,
        result: str,
        now: datetime,
        callback_call: Call | None = None,
    ) -> None:
        """Done, with a result; `callback_call` is the outbound call that called back, when
        named: it must be a call to this task's number."""
        if agent_id is not None:
            self._require(CallbackState.ASSIGNED, agent_id, "complete")
        if not CODE.fullmatch(result):
            raise InvalidArgument.of("result", "required, a code like reached, at most 40")
        if callback_call is not None:
            self._check_callback_call(callback_call)
            self.callback_call_id = callback_call.id
        self.result = result
        done_by = agent_id or self.agent_id or ""
        self._close(CallbackState.COMPLETED, "", now)
        self.events.append(
            events.CallbackCompleted(
                self.resource_name, f"agents/{done_by}" if done_by else "", result
            )
        )

    def _check_callback_call(self, call: Call) -> None:
        if call.direction is not Direction.OUTBOUND or call.peer_number != self.phone_number:
            raise InvalidArgument.of(
                "call", f"{call.resource_name} is not an outbound call to the callback's number"
            )

    def close_by_outbound(self, agent_id: str, call: Call, now: datetime) -> None:
        """An outbound call to the number connected: the callback is done, by whoever, and
        that call is its callback call."""
        if not self.open:
            return
        if self.agent_id is None:
            self.agent_id = agent_id
        self.complete(None, "reached_by_outbound_call", now, call)

    def expire(self, now: datetime) -> bool:
        if not self.open or self.expires_at > now:
            return False
        # Who last held it: the current holder, else the last one whose reservation lapsed.
        holder = self.agent_id or (self.rejected_by[-1] if self.rejected_by else "")
        reason = "ttl: not done in time"
        self._close(CallbackState.EXPIRED, reason, now)
        self.events.append(
            events.CallbackExpired(
                self.resource_name,
                self.phone_number,
                f"agents/{holder}" if holder else "",
                reason,
                now,
            )
        )
        return True

    def mark_late(self, now: datetime) -> bool:
        if not self.open or self.late_notified or self.due_at > now:
            return False
        self.late_notified = True
        self.updated_at = now
        self.events.append(events.CallbackLate(self.resource_name, self.due_at))
        return True

    def _close(self, state: CallbackState, reason: str, now: datetime) -> None:
        self.state, self.close_reason = state, reason
        self.reservation_expires_at = None
        self.updated_at = now


def choose_agent(task: CallbackTask, candidates: Sequence[Agent]) -> Agent | None:
    """Who gets a callback: the agent who owns the caller's customer when free; else the
    longest-idle free agent with the skill, preferring those who have not rejected it."""
    free = [a for a in candidates if a.ready]
    if task.customer_id:
        for agent in free:
            if task.customer_id in agent.owned_customers and agent.id not in task.rejected_by:
                return agent
    if task.skill:
        free = [a for a in free if task.skill in a.skills]
    fresh = [a for a in free if a.id not in task.rejected_by]
    pool = fresh or free
    if not pool:
        return None
    return min(pool, key=lambda a: (a.state_since or a.created_at, a.id))


# --- what an agent's desktop is told ----------------------------------------------------------


class NoticeKind(enum.Enum):
    CALLBACK_RESERVED = "CALLBACK_RESERVED"
    ALERT = "ALERT"


@dataclass(frozen=True)
class AgentNotice:
    """One offer or alert for an agent, numbered in the agent's own sequence, so a stream
    that reconnects can say where it stopped."""

    agent_id: str
    sequence: int
    kind: NoticeKind
    subject: str  # callbacks/{id} or alerts/{id}
    created_at: datetime
    payload: dict[str, str] = field(default_factory=dict)


ALERT_FIELDS = ("alert", "kind", "severity", "title", "body", "subject")


@dataclass(frozen=True)
class AgentAlert:
    """An alert the alerts service addressed to a user who is an agent."""

    alert: str
    kind: str = ""
    severity: str = ""
    title: str = ""
    body: str = ""
    subject: str = ""

    @classmethod
    def from_payload(cls, payload: Mapping[str, object]) -> AgentAlert | None:
        """None when the payload names no alert: nothing to show."""
        values = {name: str(payload.get(name) or "") for name in ALERT_FIELDS}
        if not values["alert"].startswith("alerts/"):
            return None
        return cls(**values)

    def payload(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in ALERT_FIELDS}


def notices_to_send(
    notices: Sequence[AgentNotice], held: Sequence[str], alerts: bool = True
) -> list[AgentNotice]:
    """What of `notices` (in sequence order) still matters to the agent: an offer only while
    its callback is still reserved for the agent (`held`: callback names), and then only its
    newest notice; alerts unless left out."""
    newest: dict[str, int] = {}
    for notice in notices:
        if notice.kind is NoticeKind.CALLBACK_RESERVED:
            newest[notice.subject] = notice.sequence
    kept: list[AgentNotice] = []
    for notice in notices:
        if notice.kind is NoticeKind.ALERT:
            if alerts:
                kept.append(notice)
        elif notice.subject in held and newest[notice.subject] == notice.sequence:
            kept.append(notice)
    return kept


# --- call recordings --------------------------------------------------------------------------

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_RECORDING_TYPES = (
    "audio/wav",
    "audio/x-wav",
    "audio/mpeg",
    "audio/ogg",
    "audio/webm",
    "audio/mp4",
)


@dataclass(frozen=True)
class RecordingPolicy:
    max_bytes: int = 200 * 1024 * 1024
    content_types: tuple[str, ...] = DEFAULT_RECORDING_TYPES

    def check(self, content_type: str, sha256: str, prefix: str) -> tuple[str, str]:
        """The media type and digest, normalized; the declared digest is required, so a
        truncated or corrupted upload can never be stored."""
        v = Violations()
        media = content_type.strip().lower()
        digest = sha256.strip().lower()
        if media not in self.content_types:
            v.add(f"{prefix}.content_type", f"one of {', '.join(self.content_types)}")
        if not SHA256_HEX.fullmatch(digest):
            v.add(f"{prefix}.sha256", "required, the content's SHA-256 as 64 hex digits")
        v.raise_if_any()
        return media, digest


@dataclass(frozen=True)
class CallRecording:
    """The recording of one call (录音), stored in the object store under `object_key`."""

    call_id: str
    object_key: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    created_at: datetime

    @property
    def resource_name(self) -> str:
        return f"calls/{self.call_id}/recording"
