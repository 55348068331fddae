import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Direction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DIRECTION_UNSPECIFIED: _ClassVar[Direction]
    DIRECTION_INBOUND: _ClassVar[Direction]
    DIRECTION_OUTBOUND: _ClassVar[Direction]
DIRECTION_UNSPECIFIED: Direction
DIRECTION_INBOUND: Direction
DIRECTION_OUTBOUND: Direction

class Agent(_message.Message):
    __slots__ = ("name", "user", "display_name", "extension", "sip_uri", "team", "skills", "owned_customers", "status", "break_reason", "state", "state_change_time", "create_time", "update_time", "etag")
    class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATUS_UNSPECIFIED: _ClassVar[Agent.Status]
        STATUS_LOGGED_OUT: _ClassVar[Agent.Status]
        STATUS_AVAILABLE: _ClassVar[Agent.Status]
        STATUS_ON_BREAK: _ClassVar[Agent.Status]
    STATUS_UNSPECIFIED: Agent.Status
    STATUS_LOGGED_OUT: Agent.Status
    STATUS_AVAILABLE: Agent.Status
    STATUS_ON_BREAK: Agent.Status
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Agent.State]
        STATE_IDLE: _ClassVar[Agent.State]
        STATE_RESERVED: _ClassVar[Agent.State]
        STATE_RINGING: _ClassVar[Agent.State]
        STATE_ON_CALL: _ClassVar[Agent.State]
        STATE_WRAP_UP: _ClassVar[Agent.State]
    STATE_UNSPECIFIED: Agent.State
    STATE_IDLE: Agent.State
    STATE_RESERVED: Agent.State
    STATE_RINGING: Agent.State
    STATE_ON_CALL: Agent.State
    STATE_WRAP_UP: Agent.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EXTENSION_FIELD_NUMBER: _ClassVar[int]
    SIP_URI_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    OWNED_CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BREAK_REASON_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATE_CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    user: str
    display_name: str
    extension: str
    sip_uri: str
    team: str
    skills: _containers.RepeatedScalarFieldContainer[str]
    owned_customers: _containers.RepeatedScalarFieldContainer[str]
    status: Agent.Status
    break_reason: str
    state: Agent.State
    state_change_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., user: _Optional[str] = ..., display_name: _Optional[str] = ..., extension: _Optional[str] = ..., sip_uri: _Optional[str] = ..., team: _Optional[str] = ..., skills: _Optional[_Iterable[str]] = ..., owned_customers: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[Agent.Status, str]] = ..., break_reason: _Optional[str] = ..., state: _Optional[_Union[Agent.State, str]] = ..., state_change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class CreateAgentRequest(_message.Message):
    __slots__ = ("agent", "request_id")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    agent: Agent
    request_id: str
    def __init__(self, agent: _Optional[_Union[Agent, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetAgentRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdateAgentRequest(_message.Message):
    __slots__ = ("agent", "update_mask")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    agent: Agent
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, agent: _Optional[_Union[Agent, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class ListAgentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListAgentsResponse(_message.Message):
    __slots__ = ("agents", "next_page_token")
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    agents: _containers.RepeatedCompositeFieldContainer[Agent]
    next_page_token: str
    def __init__(self, agents: _Optional[_Iterable[_Union[Agent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class LoginAgentRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class SetAgentStatusRequest(_message.Message):
    __slots__ = ("name", "status", "break_reason", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BREAK_REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    status: Agent.Status
    break_reason: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., status: _Optional[_Union[Agent.Status, str]] = ..., break_reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class StreamAgentEventsRequest(_message.Message):
    __slots__ = ("agent", "resume_after_sequence")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    RESUME_AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    agent: str
    resume_after_sequence: int
    def __init__(self, agent: _Optional[str] = ..., resume_after_sequence: _Optional[int] = ...) -> None: ...

class AgentEvent(_message.Message):
    __slots__ = ("agent", "callback_reserved", "alert", "sequence")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_RESERVED_FIELD_NUMBER: _ClassVar[int]
    ALERT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    agent: Agent
    callback_reserved: CallbackTask
    alert: AgentAlert
    sequence: int
    def __init__(self, agent: _Optional[_Union[Agent, _Mapping]] = ..., callback_reserved: _Optional[_Union[CallbackTask, _Mapping]] = ..., alert: _Optional[_Union[AgentAlert, _Mapping]] = ..., sequence: _Optional[int] = ...) -> None: ...

class AgentAlert(_message.Message):
    __slots__ = ("alert", "kind", "severity", "title", "body", "subject", "create_time")
    ALERT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    alert: str
    kind: str
    severity: str
    title: str
    body: str
    subject: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, alert: _Optional[str] = ..., kind: _Optional[str] = ..., severity: _Optional[str] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., subject: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetWallboardRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Wallboard(_message.Message):
    __slots__ = ("agents", "callback_backlog", "oldest_callback", "oldest_callback_phone_number", "oldest_callback_age_seconds", "calls_waiting", "longest_wait_seconds", "read_time")
    class AgentCount(_message.Message):
        __slots__ = ("status", "state", "agents")
        STATUS_FIELD_NUMBER: _ClassVar[int]
        STATE_FIELD_NUMBER: _ClassVar[int]
        AGENTS_FIELD_NUMBER: _ClassVar[int]
        status: Agent.Status
        state: Agent.State
        agents: int
        def __init__(self, status: _Optional[_Union[Agent.Status, str]] = ..., state: _Optional[_Union[Agent.State, str]] = ..., agents: _Optional[int] = ...) -> None: ...
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_BACKLOG_FIELD_NUMBER: _ClassVar[int]
    OLDEST_CALLBACK_FIELD_NUMBER: _ClassVar[int]
    OLDEST_CALLBACK_PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    OLDEST_CALLBACK_AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    CALLS_WAITING_FIELD_NUMBER: _ClassVar[int]
    LONGEST_WAIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    READ_TIME_FIELD_NUMBER: _ClassVar[int]
    agents: _containers.RepeatedCompositeFieldContainer[Wallboard.AgentCount]
    callback_backlog: int
    oldest_callback: str
    oldest_callback_phone_number: str
    oldest_callback_age_seconds: int
    calls_waiting: int
    longest_wait_seconds: int
    read_time: _timestamp_pb2.Timestamp
    def __init__(self, agents: _Optional[_Iterable[_Union[Wallboard.AgentCount, _Mapping]]] = ..., callback_backlog: _Optional[int] = ..., oldest_callback: _Optional[str] = ..., oldest_callback_phone_number: _Optional[str] = ..., oldest_callback_age_seconds: _Optional[int] = ..., calls_waiting: _Optional[int] = ..., longest_wait_seconds: _Optional[int] = ..., read_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CallEvent(_message.Message):
    __slots__ = ("call_id", "type", "end_cause", "direction", "local_uri", "peer_uri", "peer_display_name", "event_time")
    class Type(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        TYPE_UNSPECIFIED: _ClassVar[CallEvent.Type]
        TYPE_INCOMING: _ClassVar[CallEvent.Type]
        TYPE_RINGING: _ClassVar[CallEvent.Type]
        TYPE_ANSWERED: _ClassVar[CallEvent.Type]
        TYPE_ENDED: _ClassVar[CallEvent.Type]
        TYPE_HOLD: _ClassVar[CallEvent.Type]
        TYPE_RESUME: _ClassVar[CallEvent.Type]
        TYPE_TRANSFER: _ClassVar[CallEvent.Type]
        TYPE_OUTBOUND_DIAL: _ClassVar[CallEvent.Type]
    TYPE_UNSPECIFIED: CallEvent.Type
    TYPE_INCOMING: CallEvent.Type
    TYPE_RINGING: CallEvent.Type
    TYPE_ANSWERED: CallEvent.Type
    TYPE_ENDED: CallEvent.Type
    TYPE_HOLD: CallEvent.Type
    TYPE_RESUME: CallEvent.Type
    TYPE_TRANSFER: CallEvent.Type
    TYPE_OUTBOUND_DIAL: CallEvent.Type
    class EndCause(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        END_CAUSE_UNSPECIFIED: _ClassVar[CallEvent.EndCause]
        END_CAUSE_CALLER_HANGUP: _ClassVar[CallEvent.EndCause]
        END_CAUSE_NO_ANSWER: _ClassVar[CallEvent.EndCause]
        END_CAUSE_REJECTED: _ClassVar[CallEvent.EndCause]
        END_CAUSE_BUSY: _ClassVar[CallEvent.EndCause]
        END_CAUSE_FAILED: _ClassVar[CallEvent.EndCause]
    END_CAUSE_UNSPECIFIED: CallEvent.EndCause
    END_CAUSE_CALLER_HANGUP: CallEvent.EndCause
    END_CAUSE_NO_ANSWER: CallEvent.EndCause
    END_CAUSE_REJECTED: CallEvent.EndCause
    END_CAUSE_BUSY: CallEvent.EndCause
    END_CAUSE_FAILED: CallEvent.EndCause
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    END_CAUSE_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    LOCAL_URI_FIELD_NUMBER: _ClassVar[int]
    PEER_URI_FIELD_NUMBER: _ClassVar[int]
    PEER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    type: CallEvent.Type
    end_cause: CallEvent.EndCause
    direction: Direction
    local_uri: str
    peer_uri: str
    peer_display_name: str
    event_time: _timestamp_pb2.Timestamp
    def __init__(self, call_id: _Optional[str] = ..., type: _Optional[_Union[CallEvent.Type, str]] = ..., end_cause: _Optional[_Union[CallEvent.EndCause, str]] = ..., direction: _Optional[_Union[Direction, str]] = ..., local_uri: _Optional[str] = ..., peer_uri: _Optional[str] = ..., peer_display_name: _Optional[str] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ReportCallEventRequest(_message.Message):
    __slots__ = ("agent", "event")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    agent: str
    event: CallEvent
    def __init__(self, agent: _Optional[str] = ..., event: _Optional[_Union[CallEvent, _Mapping]] = ...) -> None: ...

class ReportCallEventResponse(_message.Message):
    __slots__ = ("call", "duplicate", "screen_pop")
    CALL_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    SCREEN_POP_FIELD_NUMBER: _ClassVar[int]
    call: Call
    duplicate: bool
    screen_pop: ScreenPop
    def __init__(self, call: _Optional[_Union[Call, _Mapping]] = ..., duplicate: _Optional[bool] = ..., screen_pop: _Optional[_Union[ScreenPop, _Mapping]] = ...) -> None: ...

class ScreenPop(_message.Message):
    __slots__ = ("phone_number", "matches", "partial")
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_FIELD_NUMBER: _ClassVar[int]
    phone_number: str
    matches: _containers.RepeatedCompositeFieldContainer[CallerMatch]
    partial: bool
    def __init__(self, phone_number: _Optional[str] = ..., matches: _Optional[_Iterable[_Union[CallerMatch, _Mapping]]] = ..., partial: _Optional[bool] = ...) -> None: ...

class CallerMatch(_message.Message):
    __slots__ = ("customer", "customer_display_name", "contact", "contact_display_name", "contact_title")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    CONTACT_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_TITLE_FIELD_NUMBER: _ClassVar[int]
    customer: str
    customer_display_name: str
    contact: str
    contact_display_name: str
    contact_title: str
    def __init__(self, customer: _Optional[str] = ..., customer_display_name: _Optional[str] = ..., contact: _Optional[str] = ..., contact_display_name: _Optional[str] = ..., contact_title: _Optional[str] = ...) -> None: ...

class Call(_message.Message):
    __slots__ = ("name", "call_id", "agent", "direction", "peer_number", "local_uri", "customer", "offer_time", "answer_time", "end_time", "ring_seconds", "talk_seconds", "result", "end_cause", "wrap_up_code", "wrap_up_notes", "no_order", "parked_for_follow_up", "sales_result", "create_time", "etag", "recording")
    class Result(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        RESULT_UNSPECIFIED: _ClassVar[Call.Result]
        RESULT_ANSWERED: _ClassVar[Call.Result]
        RESULT_MISSED: _ClassVar[Call.Result]
        RESULT_NO_ANSWER: _ClassVar[Call.Result]
        RESULT_BUSY: _ClassVar[Call.Result]
        RESULT_FAILED: _ClassVar[Call.Result]
    RESULT_UNSPECIFIED: Call.Result
    RESULT_ANSWERED: Call.Result
    RESULT_MISSED: Call.Result
    RESULT_NO_ANSWER: Call.Result
    RESULT_BUSY: Call.Result
    RESULT_FAILED: Call.Result
    class SalesResult(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        SALES_RESULT_UNSPECIFIED: _ClassVar[Call.SalesResult]
        SALES_RESULT_INTERESTED: _ClassVar[Call.SalesResult]
        SALES_RESULT_DECLINED: _ClassVar[Call.SalesResult]
        SALES_RESULT_CALL_BACK_LATER: _ClassVar[Call.SalesResult]
        SALES_RESULT_ORDER_PLACED: _ClassVar[Call.SalesResult]
    SALES_RESULT_UNSPECIFIED: Call.SalesResult
    SALES_RESULT_INTERESTED: Call.SalesResult
    SALES_RESULT_DECLINED: Call.SalesResult
    SALES_RESULT_CALL_BACK_LATER: Call.SalesResult
    SALES_RESULT_ORDER_PLACED: Call.SalesResult
    NAME_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    PEER_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LOCAL_URI_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    OFFER_TIME_FIELD_NUMBER: _ClassVar[int]
    ANSWER_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    RING_SECONDS_FIELD_NUMBER: _ClassVar[int]
    TALK_SECONDS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    END_CAUSE_FIELD_NUMBER: _ClassVar[int]
    WRAP_UP_CODE_FIELD_NUMBER: _ClassVar[int]
    WRAP_UP_NOTES_FIELD_NUMBER: _ClassVar[int]
    NO_ORDER_FIELD_NUMBER: _ClassVar[int]
    PARKED_FOR_FOLLOW_UP_FIELD_NUMBER: _ClassVar[int]
    SALES_RESULT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    RECORDING_FIELD_NUMBER: _ClassVar[int]
    name: str
    call_id: str
    agent: str
    direction: Direction
    peer_number: str
    local_uri: str
    customer: str
    offer_time: _timestamp_pb2.Timestamp
    answer_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    ring_seconds: int
    talk_seconds: int
    result: Call.Result
    end_cause: CallEvent.EndCause
    wrap_up_code: str
    wrap_up_notes: str
    no_order: bool
    parked_for_follow_up: bool
    sales_result: Call.SalesResult
    create_time: _timestamp_pb2.Timestamp
    etag: str
    recording: str
    def __init__(self, name: _Optional[str] = ..., call_id: _Optional[str] = ..., agent: _Optional[str] = ..., direction: _Optional[_Union[Direction, str]] = ..., peer_number: _Optional[str] = ..., local_uri: _Optional[str] = ..., customer: _Optional[str] = ..., offer_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., answer_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ring_seconds: _Optional[int] = ..., talk_seconds: _Optional[int] = ..., result: _Optional[_Union[Call.Result, str]] = ..., end_cause: _Optional[_Union[CallEvent.EndCause, str]] = ..., wrap_up_code: _Optional[str] = ..., wrap_up_notes: _Optional[str] = ..., no_order: _Optional[bool] = ..., parked_for_follow_up: _Optional[bool] = ..., sales_result: _Optional[_Union[Call.SalesResult, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., recording: _Optional[str] = ...) -> None: ...

class GetCallRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListCallsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListCallsResponse(_message.Message):
    __slots__ = ("calls", "next_page_token")
    CALLS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    calls: _containers.RepeatedCompositeFieldContainer[Call]
    next_page_token: str
    def __init__(self, calls: _Optional[_Iterable[_Union[Call, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class WrapUpCallRequest(_message.Message):
    __slots__ = ("name", "wrap_up_code", "wrap_up_notes", "no_order", "parked_for_follow_up", "sales_result", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    WRAP_UP_CODE_FIELD_NUMBER: _ClassVar[int]
    WRAP_UP_NOTES_FIELD_NUMBER: _ClassVar[int]
    NO_ORDER_FIELD_NUMBER: _ClassVar[int]
    PARKED_FOR_FOLLOW_UP_FIELD_NUMBER: _ClassVar[int]
    SALES_RESULT_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    wrap_up_code: str
    wrap_up_notes: str
    no_order: bool
    parked_for_follow_up: bool
    sales_result: Call.SalesResult
    etag: str
    def __init__(self, name: _Optional[str] = ..., wrap_up_code: _Optional[str] = ..., wrap_up_notes: _Optional[str] = ..., no_order: _Optional[bool] = ..., parked_for_follow_up: _Optional[bool] = ..., sales_result: _Optional[_Union[Call.SalesResult, str]] = ..., etag: _Optional[str] = ...) -> None: ...

class CallbackTask(_message.Message):
    __slots__ = ("name", "phone_number", "customer", "missed_count", "calls", "state", "agent", "priority_seconds", "first_missed_time", "due_time", "expire_time", "reservation_expire_time", "result", "close_reason", "create_time", "update_time", "etag", "callback_call")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[CallbackTask.State]
        STATE_PENDING: _ClassVar[CallbackTask.State]
        STATE_RESERVED: _ClassVar[CallbackTask.State]
        STATE_ASSIGNED: _ClassVar[CallbackTask.State]
        STATE_COMPLETED: _ClassVar[CallbackTask.State]
        STATE_EXPIRED: _ClassVar[CallbackTask.State]
        STATE_CANCELED: _ClassVar[CallbackTask.State]
    STATE_UNSPECIFIED: CallbackTask.State
    STATE_PENDING: CallbackTask.State
    STATE_RESERVED: CallbackTask.State
    STATE_ASSIGNED: CallbackTask.State
    STATE_COMPLETED: CallbackTask.State
    STATE_EXPIRED: CallbackTask.State
    STATE_CANCELED: CallbackTask.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    MISSED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CALLS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_SECONDS_FIELD_NUMBER: _ClassVar[int]
    FIRST_MISSED_TIME_FIELD_NUMBER: _ClassVar[int]
    DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESERVATION_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    CLOSE_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_CALL_FIELD_NUMBER: _ClassVar[int]
    name: str
    phone_number: str
    customer: str
    missed_count: int
    calls: _containers.RepeatedScalarFieldContainer[str]
    state: CallbackTask.State
    agent: str
    priority_seconds: int
    first_missed_time: _timestamp_pb2.Timestamp
    due_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    reservation_expire_time: _timestamp_pb2.Timestamp
    result: str
    close_reason: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    callback_call: str
    def __init__(self, name: _Optional[str] = ..., phone_number: _Optional[str] = ..., customer: _Optional[str] = ..., missed_count: _Optional[int] = ..., calls: _Optional[_Iterable[str]] = ..., state: _Optional[_Union[CallbackTask.State, str]] = ..., agent: _Optional[str] = ..., priority_seconds: _Optional[int] = ..., first_missed_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reservation_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., result: _Optional[str] = ..., close_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., callback_call: _Optional[str] = ...) -> None: ...

class GetCallbackRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListCallbacksRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListCallbacksResponse(_message.Message):
    __slots__ = ("callbacks", "next_page_token")
    CALLBACKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    callbacks: _containers.RepeatedCompositeFieldContainer[CallbackTask]
    next_page_token: str
    def __init__(self, callbacks: _Optional[_Iterable[_Union[CallbackTask, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AcceptCallbackRequest(_message.Message):
    __slots__ = ("name", "agent")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    agent: str
    def __init__(self, name: _Optional[str] = ..., agent: _Optional[str] = ...) -> None: ...

class RejectCallbackRequest(_message.Message):
    __slots__ = ("name", "agent")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    agent: str
    def __init__(self, name: _Optional[str] = ..., agent: _Optional[str] = ...) -> None: ...

class CompleteCallbackRequest(_message.Message):
    __slots__ = ("name", "agent", "result", "call")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    CALL_FIELD_NUMBER: _ClassVar[int]
    name: str
    agent: str
    result: str
    call: str
    def __init__(self, name: _Optional[str] = ..., agent: _Optional[str] = ..., result: _Optional[str] = ..., call: _Optional[str] = ...) -> None: ...

class ReportPeriod(_message.Message):
    __slots__ = ("start_date", "end_date")
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    start_date: _date_pb2.Date
    end_date: _date_pb2.Date
    def __init__(self, start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., end_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ...) -> None: ...

class GetAgentPerformanceReportRequest(_message.Message):
    __slots__ = ("period", "team")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    period: ReportPeriod
    team: str
    def __init__(self, period: _Optional[_Union[ReportPeriod, _Mapping]] = ..., team: _Optional[str] = ...) -> None: ...

class AgentStateTime(_message.Message):
    __slots__ = ("state", "seconds")
    STATE_FIELD_NUMBER: _ClassVar[int]
    SECONDS_FIELD_NUMBER: _ClassVar[int]
    state: Agent.State
    seconds: int
    def __init__(self, state: _Optional[_Union[Agent.State, str]] = ..., seconds: _Optional[int] = ...) -> None: ...

class AgentPerformance(_message.Message):
    __slots__ = ("agent", "display_name", "team", "calls_handled", "inbound_handled", "outbound_handled", "talk_seconds", "wrap_up_seconds", "average_handle_seconds", "missed", "callbacks_done", "average_callback_seconds", "logged_in_seconds", "on_break_seconds", "state_times", "occupancy")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    CALLS_HANDLED_FIELD_NUMBER: _ClassVar[int]
    INBOUND_HANDLED_FIELD_NUMBER: _ClassVar[int]
    OUTBOUND_HANDLED_FIELD_NUMBER: _ClassVar[int]
    TALK_SECONDS_FIELD_NUMBER: _ClassVar[int]
    WRAP_UP_SECONDS_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_HANDLE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MISSED_FIELD_NUMBER: _ClassVar[int]
    CALLBACKS_DONE_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_CALLBACK_SECONDS_FIELD_NUMBER: _ClassVar[int]
    LOGGED_IN_SECONDS_FIELD_NUMBER: _ClassVar[int]
    ON_BREAK_SECONDS_FIELD_NUMBER: _ClassVar[int]
    STATE_TIMES_FIELD_NUMBER: _ClassVar[int]
    OCCUPANCY_FIELD_NUMBER: _ClassVar[int]
    agent: str
    display_name: str
    team: str
    calls_handled: int
    inbound_handled: int
    outbound_handled: int
    talk_seconds: int
    wrap_up_seconds: int
    average_handle_seconds: float
    missed: int
    callbacks_done: int
    average_callback_seconds: float
    logged_in_seconds: int
    on_break_seconds: int
    state_times: _containers.RepeatedCompositeFieldContainer[AgentStateTime]
    occupancy: float
    def __init__(self, agent: _Optional[str] = ..., display_name: _Optional[str] = ..., team: _Optional[str] = ..., calls_handled: _Optional[int] = ..., inbound_handled: _Optional[int] = ..., outbound_handled: _Optional[int] = ..., talk_seconds: _Optional[int] = ..., wrap_up_seconds: _Optional[int] = ..., average_handle_seconds: _Optional[float] = ..., missed: _Optional[int] = ..., callbacks_done: _Optional[int] = ..., average_callback_seconds: _Optional[float] = ..., logged_in_seconds: _Optional[int] = ..., on_break_seconds: _Optional[int] = ..., state_times: _Optional[_Iterable[_Union[AgentStateTime, _Mapping]]] = ..., occupancy: _Optional[float] = ...) -> None: ...

class AgentPerformanceReport(_message.Message):
    __slots__ = ("period", "time_zone", "agents")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    period: ReportPeriod
    time_zone: str
    agents: _containers.RepeatedCompositeFieldContainer[AgentPerformance]
    def __init__(self, period: _Optional[_Union[ReportPeriod, _Mapping]] = ..., time_zone: _Optional[str] = ..., agents: _Optional[_Iterable[_Union[AgentPerformance, _Mapping]]] = ...) -> None: ...

class GetCallStatisticsReportRequest(_message.Message):
    __slots__ = ("period", "service_level_threshold_seconds")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    SERVICE_LEVEL_THRESHOLD_SECONDS_FIELD_NUMBER: _ClassVar[int]
    period: ReportPeriod
    service_level_threshold_seconds: int
    def __init__(self, period: _Optional[_Union[ReportPeriod, _Mapping]] = ..., service_level_threshold_seconds: _Optional[int] = ...) -> None: ...

class CallVolume(_message.Message):
    __slots__ = ("inbound", "outbound", "answered", "abandoned", "answered_within_threshold", "answer_wait_seconds")
    INBOUND_FIELD_NUMBER: _ClassVar[int]
    OUTBOUND_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_FIELD_NUMBER: _ClassVar[int]
    ABANDONED_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_WITHIN_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    ANSWER_WAIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    inbound: int
    outbound: int
    answered: int
    abandoned: int
    answered_within_threshold: int
    answer_wait_seconds: int
    def __init__(self, inbound: _Optional[int] = ..., outbound: _Optional[int] = ..., answered: _Optional[int] = ..., abandoned: _Optional[int] = ..., answered_within_threshold: _Optional[int] = ..., answer_wait_seconds: _Optional[int] = ...) -> None: ...

class HourlyCallVolume(_message.Message):
    __slots__ = ("hour", "volume")
    HOUR_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    hour: int
    volume: CallVolume
    def __init__(self, hour: _Optional[int] = ..., volume: _Optional[_Union[CallVolume, _Mapping]] = ...) -> None: ...

class DailyCallVolume(_message.Message):
    __slots__ = ("date", "volume")
    DATE_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    date: _date_pb2.Date
    volume: CallVolume
    def __init__(self, date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., volume: _Optional[_Union[CallVolume, _Mapping]] = ...) -> None: ...

class CallStatisticsReport(_message.Message):
    __slots__ = ("period", "time_zone", "total", "answer_rate", "abandonment_rate", "service_level_threshold_seconds", "service_level", "service_level_target", "average_speed_of_answer_seconds", "by_hour", "by_day")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    ANSWER_RATE_FIELD_NUMBER: _ClassVar[int]
    ABANDONMENT_RATE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_LEVEL_THRESHOLD_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SERVICE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SERVICE_LEVEL_TARGET_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_SPEED_OF_ANSWER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    BY_HOUR_FIELD_NUMBER: _ClassVar[int]
    BY_DAY_FIELD_NUMBER: _ClassVar[int]
    period: ReportPeriod
    time_zone: str
    total: CallVolume
    answer_rate: float
    abandonment_rate: float
    service_level_threshold_seconds: int
    service_level: float
    service_level_target: float
    average_speed_of_answer_seconds: float
    by_hour: _containers.RepeatedCompositeFieldContainer[HourlyCallVolume]
    by_day: _containers.RepeatedCompositeFieldContainer[DailyCallVolume]
    def __init__(self, period: _Optional[_Union[ReportPeriod, _Mapping]] = ..., time_zone: _Optional[str] = ..., total: _Optional[_Union[CallVolume, _Mapping]] = ..., answer_rate: _Optional[float] = ..., abandonment_rate: _Optional[float] = ..., service_level_threshold_seconds: _Optional[int] = ..., service_level: _Optional[float] = ..., service_level_target: _Optional[float] = ..., average_speed_of_answer_seconds: _Optional[float] = ..., by_hour: _Optional[_Iterable[_Union[HourlyCallVolume, _Mapping]]] = ..., by_day: _Optional[_Iterable[_Union[DailyCallVolume, _Mapping]]] = ...) -> None: ...

class GetRegionCallReportRequest(_message.Message):
    __slots__ = ("period",)
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    period: ReportPeriod
    def __init__(self, period: _Optional[_Union[ReportPeriod, _Mapping]] = ...) -> None: ...

class RegionCalls(_message.Message):
    __slots__ = ("region", "inbound", "answered", "abandoned", "outbound")
    REGION_FIELD_NUMBER: _ClassVar[int]
    INBOUND_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_FIELD_NUMBER: _ClassVar[int]
    ABANDONED_FIELD_NUMBER: _ClassVar[int]
    OUTBOUND_FIELD_NUMBER: _ClassVar[int]
    region: str
    inbound: int
    answered: int
    abandoned: int
    outbound: int
    def __init__(self, region: _Optional[str] = ..., inbound: _Optional[int] = ..., answered: _Optional[int] = ..., abandoned: _Optional[int] = ..., outbound: _Optional[int] = ...) -> None: ...

class RegionCallReport(_message.Message):
    __slots__ = ("period", "time_zone", "regions")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    REGIONS_FIELD_NUMBER: _ClassVar[int]
    period: ReportPeriod
    time_zone: str
    regions: _containers.RepeatedCompositeFieldContainer[RegionCalls]
    def __init__(self, period: _Optional[_Union[ReportPeriod, _Mapping]] = ..., time_zone: _Optional[str] = ..., regions: _Optional[_Iterable[_Union[RegionCalls, _Mapping]]] = ...) -> None: ...

class GetSalesResultReportRequest(_message.Message):
    __slots__ = ("period", "team")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    period: ReportPeriod
    team: str
    def __init__(self, period: _Optional[_Union[ReportPeriod, _Mapping]] = ..., team: _Optional[str] = ...) -> None: ...

class SalesResultCount(_message.Message):
    __slots__ = ("sales_result", "calls")
    SALES_RESULT_FIELD_NUMBER: _ClassVar[int]
    CALLS_FIELD_NUMBER: _ClassVar[int]
    sales_result: Call.SalesResult
    calls: int
    def __init__(self, sales_result: _Optional[_Union[Call.SalesResult, str]] = ..., calls: _Optional[int] = ...) -> None: ...

class AgentSalesResults(_message.Message):
    __slots__ = ("agent", "display_name", "outbound_calls", "connected_calls", "results")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    OUTBOUND_CALLS_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_CALLS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    agent: str
    display_name: str
    outbound_calls: int
    connected_calls: int
    results: _containers.RepeatedCompositeFieldContainer[SalesResultCount]
    def __init__(self, agent: _Optional[str] = ..., display_name: _Optional[str] = ..., outbound_calls: _Optional[int] = ..., connected_calls: _Optional[int] = ..., results: _Optional[_Iterable[_Union[SalesResultCount, _Mapping]]] = ...) -> None: ...

class SalesResultReport(_message.Message):
    __slots__ = ("period", "time_zone", "total", "agents")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    period: ReportPeriod
    time_zone: str
    total: AgentSalesResults
    agents: _containers.RepeatedCompositeFieldContainer[AgentSalesResults]
    def __init__(self, period: _Optional[_Union[ReportPeriod, _Mapping]] = ..., time_zone: _Optional[str] = ..., total: _Optional[_Union[AgentSalesResults, _Mapping]] = ..., agents: _Optional[_Iterable[_Union[AgentSalesResults, _Mapping]]] = ...) -> None: ...

class CallRecording(_message.Message):
    __slots__ = ("name", "content_type", "size_bytes", "sha256", "uploaded_by", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_by: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., uploaded_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordingUpload(_message.Message):
    __slots__ = ("call", "content_type", "sha256")
    CALL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    call: str
    content_type: str
    sha256: str
    def __init__(self, call: _Optional[str] = ..., content_type: _Optional[str] = ..., sha256: _Optional[str] = ...) -> None: ...

class UploadCallRecordingRequest(_message.Message):
    __slots__ = ("upload", "chunk")
    UPLOAD_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    upload: RecordingUpload
    chunk: bytes
    def __init__(self, upload: _Optional[_Union[RecordingUpload, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class DownloadCallRecordingRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DownloadCallRecordingResponse(_message.Message):
    __slots__ = ("chunk",)
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    chunk: bytes
    def __init__(self, chunk: _Optional[bytes] = ...) -> None: ...

class GetCallRecordingUrlRequest(_message.Message):
    __slots__ = ("name", "ttl")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TTL_FIELD_NUMBER: _ClassVar[int]
    name: str
    ttl: _duration_pb2.Duration
    def __init__(self, name: _Optional[str] = ..., ttl: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class GetCallRecordingUrlResponse(_message.Message):
    __slots__ = ("url", "expire_time")
    URL_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    url: str
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, url: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
