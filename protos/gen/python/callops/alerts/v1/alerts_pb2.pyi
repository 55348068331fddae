import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from google.type import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Alert(_message.Message):
    __slots__ = ("name", "kind", "severity", "state", "subject", "recipient", "threshold", "title", "body", "amount", "phone_number", "due_date", "raise_time", "acknowledge_time", "cancel_time", "deliveries")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[Alert.Kind]
        KIND_CONTRACT_EXPIRY: _ClassVar[Alert.Kind]
        KIND_PAYMENT_DUE: _ClassVar[Alert.Kind]
        KIND_PAYMENT_OVERDUE: _ClassVar[Alert.Kind]
        KIND_PAYMENT_OVERDUE_ESCALATED: _ClassVar[Alert.Kind]
        KIND_APPROVAL_WAITING: _ClassVar[Alert.Kind]
        KIND_APPROVAL_ESCALATED: _ClassVar[Alert.Kind]
        KIND_DELIVERY_DUE: _ClassVar[Alert.Kind]
        KIND_ACCEPTANCE_DUE: _ClassVar[Alert.Kind]
        KIND_CALLBACK_LATE: _ClassVar[Alert.Kind]
        KIND_CALLBACK_EXPIRED: _ClassVar[Alert.Kind]
        KIND_TICKET_RESPONSE_LATE: _ClassVar[Alert.Kind]
        KIND_SURVEY_UNSATISFIED: _ClassVar[Alert.Kind]
        KIND_SURVEY_RESPONSE_LATE: _ClassVar[Alert.Kind]
        KIND_FOLLOW_UP_DUE: _ClassVar[Alert.Kind]
    KIND_UNSPECIFIED: Alert.Kind
    KIND_CONTRACT_EXPIRY: Alert.Kind
    KIND_PAYMENT_DUE: Alert.Kind
    KIND_PAYMENT_OVERDUE: Alert.Kind
    KIND_PAYMENT_OVERDUE_ESCALATED: Alert.Kind
    KIND_APPROVAL_WAITING: Alert.Kind
    KIND_APPROVAL_ESCALATED: Alert.Kind
    KIND_DELIVERY_DUE: Alert.Kind
    KIND_ACCEPTANCE_DUE: Alert.Kind
    KIND_CALLBACK_LATE: Alert.Kind
    KIND_CALLBACK_EXPIRED: Alert.Kind
    KIND_TICKET_RESPONSE_LATE: Alert.Kind
    KIND_SURVEY_UNSATISFIED: Alert.Kind
    KIND_SURVEY_RESPONSE_LATE: Alert.Kind
    KIND_FOLLOW_UP_DUE: Alert.Kind
    class Severity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        SEVERITY_UNSPECIFIED: _ClassVar[Alert.Severity]
        SEVERITY_INFO: _ClassVar[Alert.Severity]
        SEVERITY_WARNING: _ClassVar[Alert.Severity]
        SEVERITY_CRITICAL: _ClassVar[Alert.Severity]
    SEVERITY_UNSPECIFIED: Alert.Severity
    SEVERITY_INFO: Alert.Severity
    SEVERITY_WARNING: Alert.Severity
    SEVERITY_CRITICAL: Alert.Severity
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Alert.State]
        STATE_OPEN: _ClassVar[Alert.State]
        STATE_ACKNOWLEDGED: _ClassVar[Alert.State]
        STATE_CANCELLED: _ClassVar[Alert.State]
    STATE_UNSPECIFIED: Alert.State
    STATE_OPEN: Alert.State
    STATE_ACKNOWLEDGED: Alert.State
    STATE_CANCELLED: Alert.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    RAISE_TIME_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGE_TIME_FIELD_NUMBER: _ClassVar[int]
    CANCEL_TIME_FIELD_NUMBER: _ClassVar[int]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: Alert.Kind
    severity: Alert.Severity
    state: Alert.State
    subject: str
    recipient: str
    threshold: int
    title: str
    body: str
    amount: _money_pb2.Money
    phone_number: str
    due_date: _date_pb2.Date
    raise_time: _timestamp_pb2.Timestamp
    acknowledge_time: _timestamp_pb2.Timestamp
    cancel_time: _timestamp_pb2.Timestamp
    deliveries: _containers.RepeatedCompositeFieldContainer[Delivery]
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[Alert.Kind, str]] = ..., severity: _Optional[_Union[Alert.Severity, str]] = ..., state: _Optional[_Union[Alert.State, str]] = ..., subject: _Optional[str] = ..., recipient: _Optional[str] = ..., threshold: _Optional[int] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., phone_number: _Optional[str] = ..., due_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., raise_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., acknowledge_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cancel_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., deliveries: _Optional[_Iterable[_Union[Delivery, _Mapping]]] = ...) -> None: ...

class Delivery(_message.Message):
    __slots__ = ("channel", "state", "attempts", "last_error", "next_attempt_time", "send_time")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Delivery.State]
        STATE_PENDING: _ClassVar[Delivery.State]
        STATE_SENT: _ClassVar[Delivery.State]
        STATE_FAILED: _ClassVar[Delivery.State]
        STATE_CANCELLED: _ClassVar[Delivery.State]
    STATE_UNSPECIFIED: Delivery.State
    STATE_PENDING: Delivery.State
    STATE_SENT: Delivery.State
    STATE_FAILED: Delivery.State
    STATE_CANCELLED: Delivery.State
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    channel: str
    state: Delivery.State
    attempts: int
    last_error: str
    next_attempt_time: _timestamp_pb2.Timestamp
    send_time: _timestamp_pb2.Timestamp
    def __init__(self, channel: _Optional[str] = ..., state: _Optional[_Union[Delivery.State, str]] = ..., attempts: _Optional[int] = ..., last_error: _Optional[str] = ..., next_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Recipient(_message.Message):
    __slots__ = ("name", "display_name", "email", "im_webhook_url", "supervisor", "groups", "agent", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    IM_WEBHOOK_URL_FIELD_NUMBER: _ClassVar[int]
    SUPERVISOR_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    email: str
    im_webhook_url: str
    supervisor: str
    groups: _containers.RepeatedScalarFieldContainer[str]
    agent: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., email: _Optional[str] = ..., im_webhook_url: _Optional[str] = ..., supervisor: _Optional[str] = ..., groups: _Optional[_Iterable[str]] = ..., agent: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
    __slots__ = ("recipient", "page_size", "page_token", "filter")
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    recipient: str
    page_size: int
    page_token: str
    filter: str
    def __init__(self, recipient: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListAlertsResponse(_message.Message):
    __slots__ = ("alerts", "next_page_token")
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[Alert]
    next_page_token: str
    def __init__(self, alerts: _Optional[_Iterable[_Union[Alert, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetAlertRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class AcknowledgeAlertRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class PutRecipientRequest(_message.Message):
    __slots__ = ("recipient",)
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    recipient: Recipient
    def __init__(self, recipient: _Optional[_Union[Recipient, _Mapping]] = ...) -> None: ...

class GetRecipientRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...
