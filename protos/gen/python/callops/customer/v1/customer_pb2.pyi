import datetime

from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
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

class Customer(_message.Message):
    __slots__ = ("name", "code", "full_name", "short_name", "kind", "industry", "province", "city", "address", "source", "category", "sales_method", "ownership_type", "description", "credit_code", "owner", "department", "tags", "lifecycle_stage", "lead_stage", "grade", "credit_rating", "annual_contract_amount", "longest_overdue_days", "cooperation_start_date", "long_term", "possible_duplicates", "contacts", "decision_maker_changes", "create_time", "update_time", "etag")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[Customer.Kind]
        KIND_ENTERPRISE: _ClassVar[Customer.Kind]
        KIND_INDIVIDUAL: _ClassVar[Customer.Kind]
    KIND_UNSPECIFIED: Customer.Kind
    KIND_ENTERPRISE: Customer.Kind
    KIND_INDIVIDUAL: Customer.Kind
    class Grade(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        GRADE_UNSPECIFIED: _ClassVar[Customer.Grade]
        GRADE_NORMAL: _ClassVar[Customer.Grade]
        GRADE_KEY: _ClassVar[Customer.Grade]
        GRADE_STRATEGIC: _ClassVar[Customer.Grade]
    GRADE_UNSPECIFIED: Customer.Grade
    GRADE_NORMAL: Customer.Grade
    GRADE_KEY: Customer.Grade
    GRADE_STRATEGIC: Customer.Grade
    class CreditRating(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        CREDIT_RATING_UNSPECIFIED: _ClassVar[Customer.CreditRating]
        CREDIT_RATING_A: _ClassVar[Customer.CreditRating]
        CREDIT_RATING_B: _ClassVar[Customer.CreditRating]
        CREDIT_RATING_C: _ClassVar[Customer.CreditRating]
    CREDIT_RATING_UNSPECIFIED: Customer.CreditRating
    CREDIT_RATING_A: Customer.CreditRating
    CREDIT_RATING_B: Customer.CreditRating
    CREDIT_RATING_C: Customer.CreditRating
    class LifecycleStage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        LIFECYCLE_STAGE_UNSPECIFIED: _ClassVar[Customer.LifecycleStage]
        LIFECYCLE_STAGE_TRIAL: _ClassVar[Customer.LifecycleStage]
        LIFECYCLE_STAGE_ACTIVE: _ClassVar[Customer.LifecycleStage]
        LIFECYCLE_STAGE_RENEWAL: _ClassVar[Customer.LifecycleStage]
        LIFECYCLE_STAGE_DORMANT: _ClassVar[Customer.LifecycleStage]
        LIFECYCLE_STAGE_LOST: _ClassVar[Customer.LifecycleStage]
    LIFECYCLE_STAGE_UNSPECIFIED: Customer.LifecycleStage
    LIFECYCLE_STAGE_TRIAL: Customer.LifecycleStage
    LIFECYCLE_STAGE_ACTIVE: Customer.LifecycleStage
    LIFECYCLE_STAGE_RENEWAL: Customer.LifecycleStage
    LIFECYCLE_STAGE_DORMANT: Customer.LifecycleStage
    LIFECYCLE_STAGE_LOST: Customer.LifecycleStage
    class LeadStage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        LEAD_STAGE_UNSPECIFIED: _ClassVar[Customer.LeadStage]
        LEAD_STAGE_NEW: _ClassVar[Customer.LeadStage]
        LEAD_STAGE_CONTACTED: _ClassVar[Customer.LeadStage]
        LEAD_STAGE_INTERESTED: _ClassVar[Customer.LeadStage]
        LEAD_STAGE_QUOTED: _ClassVar[Customer.LeadStage]
        LEAD_STAGE_WON: _ClassVar[Customer.LeadStage]
        LEAD_STAGE_LOST: _ClassVar[Customer.LeadStage]
    LEAD_STAGE_UNSPECIFIED: Customer.LeadStage
    LEAD_STAGE_NEW: Customer.LeadStage
    LEAD_STAGE_CONTACTED: Customer.LeadStage
    LEAD_STAGE_INTERESTED: Customer.LeadStage
    LEAD_STAGE_QUOTED: Customer.LeadStage
    LEAD_STAGE_WON: Customer.LeadStage
    LEAD_STAGE_LOST: Customer.LeadStage
    NAME_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    SHORT_NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SALES_METHOD_FIELD_NUMBER: _ClassVar[int]
    OWNERSHIP_TYPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CREDIT_CODE_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    LIFECYCLE_STAGE_FIELD_NUMBER: _ClassVar[int]
    LEAD_STAGE_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    CREDIT_RATING_FIELD_NUMBER: _ClassVar[int]
    ANNUAL_CONTRACT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LONGEST_OVERDUE_DAYS_FIELD_NUMBER: _ClassVar[int]
    COOPERATION_START_DATE_FIELD_NUMBER: _ClassVar[int]
    LONG_TERM_FIELD_NUMBER: _ClassVar[int]
    POSSIBLE_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    DECISION_MAKER_CHANGES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    code: str
    full_name: str
    short_name: str
    kind: Customer.Kind
    industry: str
    province: str
    city: str
    address: str
    source: str
    category: str
    sales_method: str
    ownership_type: str
    description: str
    credit_code: str
    owner: str
    department: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    lifecycle_stage: Customer.LifecycleStage
    lead_stage: Customer.LeadStage
    grade: Customer.Grade
    credit_rating: Customer.CreditRating
    annual_contract_amount: _money_pb2.Money
    longest_overdue_days: int
    cooperation_start_date: _date_pb2.Date
    long_term: bool
    possible_duplicates: _containers.RepeatedScalarFieldContainer[str]
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    decision_maker_changes: _containers.RepeatedCompositeFieldContainer[DecisionMakerChange]
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., code: _Optional[str] = ..., full_name: _Optional[str] = ..., short_name: _Optional[str] = ..., kind: _Optional[_Union[Customer.Kind, str]] = ..., industry: _Optional[str] = ..., province: _Optional[str] = ..., city: _Optional[str] = ..., address: _Optional[str] = ..., source: _Optional[str] = ..., category: _Optional[str] = ..., sales_method: _Optional[str] = ..., ownership_type: _Optional[str] = ..., description: _Optional[str] = ..., credit_code: _Optional[str] = ..., owner: _Optional[str] = ..., department: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., lifecycle_stage: _Optional[_Union[Customer.LifecycleStage, str]] = ..., lead_stage: _Optional[_Union[Customer.LeadStage, str]] = ..., grade: _Optional[_Union[Customer.Grade, str]] = ..., credit_rating: _Optional[_Union[Customer.CreditRating, str]] = ..., annual_contract_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., longest_overdue_days: _Optional[int] = ..., cooperation_start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., long_term: _Optional[bool] = ..., possible_duplicates: _Optional[_Iterable[str]] = ..., contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ..., decision_maker_changes: _Optional[_Iterable[_Union[DecisionMakerChange, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class Contact(_message.Message):
    __slots__ = ("name", "customer", "display_name", "gender", "title", "phone_numbers", "email", "im_ids", "hobbies", "key_decision_maker", "create_time", "update_time", "etag")
    class Gender(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        GENDER_UNSPECIFIED: _ClassVar[Contact.Gender]
        GENDER_MALE: _ClassVar[Contact.Gender]
        GENDER_FEMALE: _ClassVar[Contact.Gender]
    GENDER_UNSPECIFIED: Contact.Gender
    GENDER_MALE: Contact.Gender
    GENDER_FEMALE: Contact.Gender
    NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    IM_IDS_FIELD_NUMBER: _ClassVar[int]
    HOBBIES_FIELD_NUMBER: _ClassVar[int]
    KEY_DECISION_MAKER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    customer: str
    display_name: str
    gender: Contact.Gender
    title: str
    phone_numbers: _containers.RepeatedScalarFieldContainer[str]
    email: str
    im_ids: _containers.RepeatedScalarFieldContainer[str]
    hobbies: str
    key_decision_maker: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., customer: _Optional[str] = ..., display_name: _Optional[str] = ..., gender: _Optional[_Union[Contact.Gender, str]] = ..., title: _Optional[str] = ..., phone_numbers: _Optional[_Iterable[str]] = ..., email: _Optional[str] = ..., im_ids: _Optional[_Iterable[str]] = ..., hobbies: _Optional[str] = ..., key_decision_maker: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class DecisionMakerChange(_message.Message):
    __slots__ = ("change_date", "previous_contact", "new_contact", "note", "recorded_by")
    CHANGE_DATE_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_CONTACT_FIELD_NUMBER: _ClassVar[int]
    NEW_CONTACT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    change_date: _date_pb2.Date
    previous_contact: str
    new_contact: str
    note: str
    recorded_by: str
    def __init__(self, change_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., previous_contact: _Optional[str] = ..., new_contact: _Optional[str] = ..., note: _Optional[str] = ..., recorded_by: _Optional[str] = ...) -> None: ...

class CreateCustomerRequest(_message.Message):
    __slots__ = ("customer", "contacts", "request_id", "allow_duplicate")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOW_DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    customer: Customer
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    request_id: str
    allow_duplicate: bool
    def __init__(self, customer: _Optional[_Union[Customer, _Mapping]] = ..., contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ..., request_id: _Optional[str] = ..., allow_duplicate: _Optional[bool] = ...) -> None: ...

class GetCustomerRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdateCustomerRequest(_message.Message):
    __slots__ = ("customer", "update_mask")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    customer: Customer
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, customer: _Optional[_Union[Customer, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class ListCustomersRequest(_message.Message):
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

class ListCustomersResponse(_message.Message):
    __slots__ = ("customers", "next_page_token")
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    customers: _containers.RepeatedCompositeFieldContainer[Customer]
    next_page_token: str
    def __init__(self, customers: _Optional[_Iterable[_Union[Customer, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteCustomerRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class MergeCustomersRequest(_message.Message):
    __slots__ = ("target", "source", "reason")
    TARGET_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    target: str
    source: str
    reason: str
    def __init__(self, target: _Optional[str] = ..., source: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class LookupByPhoneRequest(_message.Message):
    __slots__ = ("phone_number",)
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    phone_number: str
    def __init__(self, phone_number: _Optional[str] = ...) -> None: ...

class LookupByPhoneResponse(_message.Message):
    __slots__ = ("phone_number", "matches")
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    phone_number: str
    matches: _containers.RepeatedCompositeFieldContainer[PhoneMatch]
    def __init__(self, phone_number: _Optional[str] = ..., matches: _Optional[_Iterable[_Union[PhoneMatch, _Mapping]]] = ...) -> None: ...

class PhoneMatch(_message.Message):
    __slots__ = ("customer", "contact")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    customer: Customer
    contact: Contact
    def __init__(self, customer: _Optional[_Union[Customer, _Mapping]] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class ReportCustomerFiguresRequest(_message.Message):
    __slots__ = ("customer", "annual_contract_amount", "longest_overdue_days", "cooperation_start_date")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    ANNUAL_CONTRACT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LONGEST_OVERDUE_DAYS_FIELD_NUMBER: _ClassVar[int]
    COOPERATION_START_DATE_FIELD_NUMBER: _ClassVar[int]
    customer: str
    annual_contract_amount: _money_pb2.Money
    longest_overdue_days: int
    cooperation_start_date: _date_pb2.Date
    def __init__(self, customer: _Optional[str] = ..., annual_contract_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., longest_overdue_days: _Optional[int] = ..., cooperation_start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ...) -> None: ...

class CreateContactRequest(_message.Message):
    __slots__ = ("contact", "request_id")
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    request_id: str
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateContactRequest(_message.Message):
    __slots__ = ("contact", "update_mask")
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteContactRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ChangeKeyDecisionMakerRequest(_message.Message):
    __slots__ = ("customer", "new_contact", "change_date", "note")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    NEW_CONTACT_FIELD_NUMBER: _ClassVar[int]
    CHANGE_DATE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    customer: str
    new_contact: str
    change_date: _date_pb2.Date
    note: str
    def __init__(self, customer: _Optional[str] = ..., new_contact: _Optional[str] = ..., change_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., note: _Optional[str] = ...) -> None: ...

class Todo(_message.Message):
    __slots__ = ("name", "description", "owner", "due_date", "state", "complete_time", "customer")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Todo.State]
        STATE_OPEN: _ClassVar[Todo.State]
        STATE_DONE: _ClassVar[Todo.State]
    STATE_UNSPECIFIED: Todo.State
    STATE_OPEN: Todo.State
    STATE_DONE: Todo.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    owner: str
    due_date: _date_pb2.Date
    state: Todo.State
    complete_time: _timestamp_pb2.Timestamp
    customer: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., owner: _Optional[str] = ..., due_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., state: _Optional[_Union[Todo.State, str]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., customer: _Optional[str] = ...) -> None: ...

class Interaction(_message.Message):
    __slots__ = ("name", "customer", "occur_time", "channel", "our_participants", "customer_participants", "topic", "summary", "agreements", "todos", "recorded_by", "create_time")
    class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        CHANNEL_UNSPECIFIED: _ClassVar[Interaction.Channel]
        CHANNEL_PHONE: _ClassVar[Interaction.Channel]
        CHANNEL_MEETING: _ClassVar[Interaction.Channel]
        CHANNEL_EMAIL: _ClassVar[Interaction.Channel]
        CHANNEL_VISIT: _ClassVar[Interaction.Channel]
    CHANNEL_UNSPECIFIED: Interaction.Channel
    CHANNEL_PHONE: Interaction.Channel
    CHANNEL_MEETING: Interaction.Channel
    CHANNEL_EMAIL: Interaction.Channel
    CHANNEL_VISIT: Interaction.Channel
    NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    OUR_PARTICIPANTS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_PARTICIPANTS_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    AGREEMENTS_FIELD_NUMBER: _ClassVar[int]
    TODOS_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    customer: str
    occur_time: _timestamp_pb2.Timestamp
    channel: Interaction.Channel
    our_participants: _containers.RepeatedScalarFieldContainer[str]
    customer_participants: _containers.RepeatedScalarFieldContainer[str]
    topic: str
    summary: str
    agreements: _containers.RepeatedScalarFieldContainer[str]
    todos: _containers.RepeatedCompositeFieldContainer[Todo]
    recorded_by: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., customer: _Optional[str] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channel: _Optional[_Union[Interaction.Channel, str]] = ..., our_participants: _Optional[_Iterable[str]] = ..., customer_participants: _Optional[_Iterable[str]] = ..., topic: _Optional[str] = ..., summary: _Optional[str] = ..., agreements: _Optional[_Iterable[str]] = ..., todos: _Optional[_Iterable[_Union[Todo, _Mapping]]] = ..., recorded_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateInteractionRequest(_message.Message):
    __slots__ = ("interaction", "request_id")
    INTERACTION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    interaction: Interaction
    request_id: str
    def __init__(self, interaction: _Optional[_Union[Interaction, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListInteractionsRequest(_message.Message):
    __slots__ = ("customer", "page_size", "page_token")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    customer: str
    page_size: int
    page_token: str
    def __init__(self, customer: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInteractionsResponse(_message.Message):
    __slots__ = ("interactions", "next_page_token")
    INTERACTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    interactions: _containers.RepeatedCompositeFieldContainer[Interaction]
    next_page_token: str
    def __init__(self, interactions: _Optional[_Iterable[_Union[Interaction, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListTodosRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListTodosResponse(_message.Message):
    __slots__ = ("todos", "next_page_token")
    TODOS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    todos: _containers.RepeatedCompositeFieldContainer[Todo]
    next_page_token: str
    def __init__(self, todos: _Optional[_Iterable[_Union[Todo, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CompleteTodoRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class Ticket(_message.Message):
    __slots__ = ("name", "customer", "type", "priority", "title", "description", "state", "assignee", "attachments", "notes", "resolution", "feedback", "response_deadline", "first_response_time", "reporter", "create_time", "update_time", "etag")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Ticket.State]
        STATE_SUBMITTED: _ClassVar[Ticket.State]
        STATE_ASSIGNED: _ClassVar[Ticket.State]
        STATE_IN_PROGRESS: _ClassVar[Ticket.State]
        STATE_RESOLVED: _ClassVar[Ticket.State]
        STATE_CLOSED: _ClassVar[Ticket.State]
    STATE_UNSPECIFIED: Ticket.State
    STATE_SUBMITTED: Ticket.State
    STATE_ASSIGNED: Ticket.State
    STATE_IN_PROGRESS: Ticket.State
    STATE_RESOLVED: Ticket.State
    STATE_CLOSED: Ticket.State
    class Priority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        PRIORITY_UNSPECIFIED: _ClassVar[Ticket.Priority]
        PRIORITY_URGENT: _ClassVar[Ticket.Priority]
        PRIORITY_IMPORTANT: _ClassVar[Ticket.Priority]
        PRIORITY_ROUTINE: _ClassVar[Ticket.Priority]
    PRIORITY_UNSPECIFIED: Ticket.Priority
    PRIORITY_URGENT: Ticket.Priority
    PRIORITY_IMPORTANT: Ticket.Priority
    PRIORITY_ROUTINE: Ticket.Priority
    NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_TIME_FIELD_NUMBER: _ClassVar[int]
    REPORTER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    customer: str
    type: str
    priority: Ticket.Priority
    title: str
    description: str
    state: Ticket.State
    assignee: str
    attachments: _containers.RepeatedScalarFieldContainer[str]
    notes: _containers.RepeatedCompositeFieldContainer[TicketNote]
    resolution: str
    feedback: str
    response_deadline: _timestamp_pb2.Timestamp
    first_response_time: _timestamp_pb2.Timestamp
    reporter: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., customer: _Optional[str] = ..., type: _Optional[str] = ..., priority: _Optional[_Union[Ticket.Priority, str]] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., state: _Optional[_Union[Ticket.State, str]] = ..., assignee: _Optional[str] = ..., attachments: _Optional[_Iterable[str]] = ..., notes: _Optional[_Iterable[_Union[TicketNote, _Mapping]]] = ..., resolution: _Optional[str] = ..., feedback: _Optional[str] = ..., response_deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_response_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reporter: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class TicketNote(_message.Message):
    __slots__ = ("author", "text", "create_time")
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    author: str
    text: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, author: _Optional[str] = ..., text: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateTicketRequest(_message.Message):
    __slots__ = ("ticket", "request_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: Ticket
    request_id: str
    def __init__(self, ticket: _Optional[_Union[Ticket, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetTicketRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListTicketsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListTicketsResponse(_message.Message):
    __slots__ = ("tickets", "next_page_token")
    TICKETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tickets: _containers.RepeatedCompositeFieldContainer[Ticket]
    next_page_token: str
    def __init__(self, tickets: _Optional[_Iterable[_Union[Ticket, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AssignTicketRequest(_message.Message):
    __slots__ = ("name", "assignee", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    assignee: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., assignee: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class StartTicketRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ResolveTicketRequest(_message.Message):
    __slots__ = ("name", "resolution", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    resolution: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., resolution: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class CloseTicketRequest(_message.Message):
    __slots__ = ("name", "feedback", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    feedback: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., feedback: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class AddTicketNoteRequest(_message.Message):
    __slots__ = ("name", "text")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    name: str
    text: str
    def __init__(self, name: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class Survey(_message.Message):
    __slots__ = ("name", "customer", "ticket", "product_quality", "service_response", "cooperation_experience", "value_for_money", "comment", "average_score", "band", "response_deadline", "solution", "responder", "response_time", "create_time")
    class Band(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        BAND_UNSPECIFIED: _ClassVar[Survey.Band]
        BAND_UNSATISFIED: _ClassVar[Survey.Band]
        BAND_SATISFIED: _ClassVar[Survey.Band]
        BAND_VERY_SATISFIED: _ClassVar[Survey.Band]
    BAND_UNSPECIFIED: Survey.Band
    BAND_UNSATISFIED: Survey.Band
    BAND_SATISFIED: Survey.Band
    BAND_VERY_SATISFIED: Survey.Band
    NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    TICKET_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_QUALITY_FIELD_NUMBER: _ClassVar[int]
    SERVICE_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    COOPERATION_EXPERIENCE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FOR_MONEY_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_SCORE_FIELD_NUMBER: _ClassVar[int]
    BAND_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    SOLUTION_FIELD_NUMBER: _ClassVar[int]
    RESPONDER_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    customer: str
    ticket: str
    product_quality: int
    service_response: int
    cooperation_experience: int
    value_for_money: int
    comment: str
    average_score: float
    band: Survey.Band
    response_deadline: _timestamp_pb2.Timestamp
    solution: str
    responder: str
    response_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., customer: _Optional[str] = ..., ticket: _Optional[str] = ..., product_quality: _Optional[int] = ..., service_response: _Optional[int] = ..., cooperation_experience: _Optional[int] = ..., value_for_money: _Optional[int] = ..., comment: _Optional[str] = ..., average_score: _Optional[float] = ..., band: _Optional[_Union[Survey.Band, str]] = ..., response_deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., solution: _Optional[str] = ..., responder: _Optional[str] = ..., response_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SubmitSurveyRequest(_message.Message):
    __slots__ = ("survey", "request_id")
    SURVEY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    survey: Survey
    request_id: str
    def __init__(self, survey: _Optional[_Union[Survey, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListSurveysRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListSurveysResponse(_message.Message):
    __slots__ = ("surveys", "next_page_token")
    SURVEYS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    surveys: _containers.RepeatedCompositeFieldContainer[Survey]
    next_page_token: str
    def __init__(self, surveys: _Optional[_Iterable[_Union[Survey, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RespondToSurveyRequest(_message.Message):
    __slots__ = ("name", "solution")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SOLUTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    solution: str
    def __init__(self, name: _Optional[str] = ..., solution: _Optional[str] = ...) -> None: ...

class FollowUp(_message.Message):
    __slots__ = ("name", "customer", "kind", "due_date", "state", "owner", "interaction", "complete_time")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[FollowUp.Kind]
        KIND_VISIT: _ClassVar[FollowUp.Kind]
        KIND_PHONE: _ClassVar[FollowUp.Kind]
    KIND_UNSPECIFIED: FollowUp.Kind
    KIND_VISIT: FollowUp.Kind
    KIND_PHONE: FollowUp.Kind
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[FollowUp.State]
        STATE_PLANNED: _ClassVar[FollowUp.State]
        STATE_DUE: _ClassVar[FollowUp.State]
        STATE_DONE: _ClassVar[FollowUp.State]
        STATE_CANCELLED: _ClassVar[FollowUp.State]
    STATE_UNSPECIFIED: FollowUp.State
    STATE_PLANNED: FollowUp.State
    STATE_DUE: FollowUp.State
    STATE_DONE: FollowUp.State
    STATE_CANCELLED: FollowUp.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    customer: str
    kind: FollowUp.Kind
    due_date: _date_pb2.Date
    state: FollowUp.State
    owner: str
    interaction: str
    complete_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., customer: _Optional[str] = ..., kind: _Optional[_Union[FollowUp.Kind, str]] = ..., due_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., state: _Optional[_Union[FollowUp.State, str]] = ..., owner: _Optional[str] = ..., interaction: _Optional[str] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListFollowUpsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListFollowUpsResponse(_message.Message):
    __slots__ = ("follow_ups", "next_page_token")
    FOLLOW_UPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    follow_ups: _containers.RepeatedCompositeFieldContainer[FollowUp]
    next_page_token: str
    def __init__(self, follow_ups: _Optional[_Iterable[_Union[FollowUp, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CompleteFollowUpRequest(_message.Message):
    __slots__ = ("name", "interaction")
    NAME_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    interaction: str
    def __init__(self, name: _Optional[str] = ..., interaction: _Optional[str] = ...) -> None: ...
