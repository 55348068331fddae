import datetime

from google.protobuf import duration_pb2 as _duration_pb2
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

class ReportPeriod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_PERIOD_UNSPECIFIED: _ClassVar[ReportPeriod]
    REPORT_PERIOD_MONTH: _ClassVar[ReportPeriod]
    REPORT_PERIOD_QUARTER: _ClassVar[ReportPeriod]
    REPORT_PERIOD_YEAR: _ClassVar[ReportPeriod]

class ReportDimension(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_DIMENSION_UNSPECIFIED: _ClassVar[ReportDimension]
    REPORT_DIMENSION_KIND: _ClassVar[ReportDimension]
    REPORT_DIMENSION_DEPARTMENT: _ClassVar[ReportDimension]
    REPORT_DIMENSION_OWNER: _ClassVar[ReportDimension]
REPORT_PERIOD_UNSPECIFIED: ReportPeriod
REPORT_PERIOD_MONTH: ReportPeriod
REPORT_PERIOD_QUARTER: ReportPeriod
REPORT_PERIOD_YEAR: ReportPeriod
REPORT_DIMENSION_UNSPECIFIED: ReportDimension
REPORT_DIMENSION_KIND: ReportDimension
REPORT_DIMENSION_DEPARTMENT: ReportDimension
REPORT_DIMENSION_OWNER: ReportDimension

class Contract(_message.Message):
    __slots__ = ("name", "number", "title", "kind", "customer", "line_items", "total_amount", "start_date", "end_date", "payment_terms", "breach_liability", "dispute_resolution", "owner", "department", "state", "payment_milestones", "payment_progress_percent", "approval_steps", "current_approval_step", "approval_decisions", "signatures", "predecessor", "successor", "termination_date", "termination_reason", "create_time", "update_time", "etag", "template", "template_version", "blanks", "rendered_text", "delivery_milestones")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Contract.State]
        STATE_DRAFT: _ClassVar[Contract.State]
        STATE_PENDING_APPROVAL: _ClassVar[Contract.State]
        STATE_APPROVED: _ClassVar[Contract.State]
        STATE_REJECTED: _ClassVar[Contract.State]
        STATE_SIGNING: _ClassVar[Contract.State]
        STATE_ACTIVE: _ClassVar[Contract.State]
        STATE_EXPIRING: _ClassVar[Contract.State]
        STATE_RENEWED: _ClassVar[Contract.State]
        STATE_EXPIRED: _ClassVar[Contract.State]
        STATE_TERMINATED: _ClassVar[Contract.State]
        STATE_ARCHIVED: _ClassVar[Contract.State]
    STATE_UNSPECIFIED: Contract.State
    STATE_DRAFT: Contract.State
    STATE_PENDING_APPROVAL: Contract.State
    STATE_APPROVED: Contract.State
    STATE_REJECTED: Contract.State
    STATE_SIGNING: Contract.State
    STATE_ACTIVE: Contract.State
    STATE_EXPIRING: Contract.State
    STATE_RENEWED: Contract.State
    STATE_EXPIRED: Contract.State
    STATE_TERMINATED: Contract.State
    STATE_ARCHIVED: Contract.State
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[Contract.Kind]
        KIND_PRODUCT_SALE: _ClassVar[Contract.Kind]
        KIND_SERVICE_OUTSOURCING: _ClassVar[Contract.Kind]
        KIND_FRAMEWORK_AGREEMENT: _ClassVar[Contract.Kind]
    KIND_UNSPECIFIED: Contract.Kind
    KIND_PRODUCT_SALE: Contract.Kind
    KIND_SERVICE_OUTSOURCING: Contract.Kind
    KIND_FRAMEWORK_AGREEMENT: Contract.Kind
    class DisputeResolution(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        DISPUTE_RESOLUTION_UNSPECIFIED: _ClassVar[Contract.DisputeResolution]
        DISPUTE_RESOLUTION_NEGOTIATION: _ClassVar[Contract.DisputeResolution]
        DISPUTE_RESOLUTION_MEDIATION: _ClassVar[Contract.DisputeResolution]
        DISPUTE_RESOLUTION_ARBITRATION: _ClassVar[Contract.DisputeResolution]
        DISPUTE_RESOLUTION_LITIGATION: _ClassVar[Contract.DisputeResolution]
    DISPUTE_RESOLUTION_UNSPECIFIED: Contract.DisputeResolution
    DISPUTE_RESOLUTION_NEGOTIATION: Contract.DisputeResolution
    DISPUTE_RESOLUTION_MEDIATION: Contract.DisputeResolution
    DISPUTE_RESOLUTION_ARBITRATION: Contract.DisputeResolution
    DISPUTE_RESOLUTION_LITIGATION: Contract.DisputeResolution
    class BlanksEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: BlankValue
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[BlankValue, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    LINE_ITEMS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_TERMS_FIELD_NUMBER: _ClassVar[int]
    BREACH_LIABILITY_FIELD_NUMBER: _ClassVar[int]
    DISPUTE_RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_MILESTONES_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_PROGRESS_PERCENT_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_STEPS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_APPROVAL_STEP_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_DECISIONS_FIELD_NUMBER: _ClassVar[int]
    SIGNATURES_FIELD_NUMBER: _ClassVar[int]
    PREDECESSOR_FIELD_NUMBER: _ClassVar[int]
    SUCCESSOR_FIELD_NUMBER: _ClassVar[int]
    TERMINATION_DATE_FIELD_NUMBER: _ClassVar[int]
    TERMINATION_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    BLANKS_FIELD_NUMBER: _ClassVar[int]
    RENDERED_TEXT_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_MILESTONES_FIELD_NUMBER: _ClassVar[int]
    name: str
    number: str
    title: str
    kind: Contract.Kind
    customer: str
    line_items: _containers.RepeatedCompositeFieldContainer[LineItem]
    total_amount: _money_pb2.Money
    start_date: _date_pb2.Date
    end_date: _date_pb2.Date
    payment_terms: str
    breach_liability: str
    dispute_resolution: Contract.DisputeResolution
    owner: str
    department: str
    state: Contract.State
    payment_milestones: _containers.RepeatedCompositeFieldContainer[PaymentMilestone]
    payment_progress_percent: float
    approval_steps: _containers.RepeatedCompositeFieldContainer[ApprovalStep]
    current_approval_step: int
    approval_decisions: _containers.RepeatedCompositeFieldContainer[ApprovalDecision]
    signatures: _containers.RepeatedCompositeFieldContainer[Signature]
    predecessor: str
    successor: str
    termination_date: _date_pb2.Date
    termination_reason: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    template: str
    template_version: int
    blanks: _containers.MessageMap[str, BlankValue]
    rendered_text: str
    delivery_milestones: _containers.RepeatedCompositeFieldContainer[DeliveryMilestone]
    def __init__(self, name: _Optional[str] = ..., number: _Optional[str] = ..., title: _Optional[str] = ..., kind: _Optional[_Union[Contract.Kind, str]] = ..., customer: _Optional[str] = ..., line_items: _Optional[_Iterable[_Union[LineItem, _Mapping]]] = ..., total_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., end_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., payment_terms: _Optional[str] = ..., breach_liability: _Optional[str] = ..., dispute_resolution: _Optional[_Union[Contract.DisputeResolution, str]] = ..., owner: _Optional[str] = ..., department: _Optional[str] = ..., state: _Optional[_Union[Contract.State, str]] = ..., payment_milestones: _Optional[_Iterable[_Union[PaymentMilestone, _Mapping]]] = ..., payment_progress_percent: _Optional[float] = ..., approval_steps: _Optional[_Iterable[_Union[ApprovalStep, _Mapping]]] = ..., current_approval_step: _Optional[int] = ..., approval_decisions: _Optional[_Iterable[_Union[ApprovalDecision, _Mapping]]] = ..., signatures: _Optional[_Iterable[_Union[Signature, _Mapping]]] = ..., predecessor: _Optional[str] = ..., successor: _Optional[str] = ..., termination_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., termination_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., template: _Optional[str] = ..., template_version: _Optional[int] = ..., blanks: _Optional[_Mapping[str, BlankValue]] = ..., rendered_text: _Optional[str] = ..., delivery_milestones: _Optional[_Iterable[_Union[DeliveryMilestone, _Mapping]]] = ...) -> None: ...

class DeliveryMilestone(_message.Message):
    __slots__ = ("id", "kind", "title", "due_date", "completed_date", "state", "completed_by")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[DeliveryMilestone.Kind]
        KIND_DELIVERY: _ClassVar[DeliveryMilestone.Kind]
        KIND_ACCEPTANCE: _ClassVar[DeliveryMilestone.Kind]
    KIND_UNSPECIFIED: DeliveryMilestone.Kind
    KIND_DELIVERY: DeliveryMilestone.Kind
    KIND_ACCEPTANCE: DeliveryMilestone.Kind
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[DeliveryMilestone.State]
        STATE_PENDING: _ClassVar[DeliveryMilestone.State]
        STATE_COMPLETED: _ClassVar[DeliveryMilestone.State]
    STATE_UNSPECIFIED: DeliveryMilestone.State
    STATE_PENDING: DeliveryMilestone.State
    STATE_COMPLETED: DeliveryMilestone.State
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_DATE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: DeliveryMilestone.Kind
    title: str
    due_date: _date_pb2.Date
    completed_date: _date_pb2.Date
    state: DeliveryMilestone.State
    completed_by: str
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[DeliveryMilestone.Kind, str]] = ..., title: _Optional[str] = ..., due_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., completed_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., state: _Optional[_Union[DeliveryMilestone.State, str]] = ..., completed_by: _Optional[str] = ...) -> None: ...

class BlankValue(_message.Message):
    __slots__ = ("text", "number", "money", "date", "party", "choice")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    MONEY_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    PARTY_FIELD_NUMBER: _ClassVar[int]
    CHOICE_FIELD_NUMBER: _ClassVar[int]
    text: str
    number: str
    money: _money_pb2.Money
    date: _date_pb2.Date
    party: str
    choice: str
    def __init__(self, text: _Optional[str] = ..., number: _Optional[str] = ..., money: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., party: _Optional[str] = ..., choice: _Optional[str] = ...) -> None: ...

class ContractTemplate(_message.Message):
    __slots__ = ("name", "version", "display_name", "kind", "clauses", "blanks", "create_user", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CLAUSES_FIELD_NUMBER: _ClassVar[int]
    BLANKS_FIELD_NUMBER: _ClassVar[int]
    CREATE_USER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: int
    display_name: str
    kind: Contract.Kind
    clauses: _containers.RepeatedScalarFieldContainer[str]
    blanks: _containers.RepeatedCompositeFieldContainer[TemplateBlank]
    create_user: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., version: _Optional[int] = ..., display_name: _Optional[str] = ..., kind: _Optional[_Union[Contract.Kind, str]] = ..., clauses: _Optional[_Iterable[str]] = ..., blanks: _Optional[_Iterable[_Union[TemplateBlank, _Mapping]]] = ..., create_user: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TemplateBlank(_message.Message):
    __slots__ = ("key", "display_name", "type", "required", "choices")
    class Type(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        TYPE_UNSPECIFIED: _ClassVar[TemplateBlank.Type]
        TYPE_TEXT: _ClassVar[TemplateBlank.Type]
        TYPE_NUMBER: _ClassVar[TemplateBlank.Type]
        TYPE_MONEY: _ClassVar[TemplateBlank.Type]
        TYPE_DATE: _ClassVar[TemplateBlank.Type]
        TYPE_PARTY: _ClassVar[TemplateBlank.Type]
        TYPE_CHOICE: _ClassVar[TemplateBlank.Type]
    TYPE_UNSPECIFIED: TemplateBlank.Type
    TYPE_TEXT: TemplateBlank.Type
    TYPE_NUMBER: TemplateBlank.Type
    TYPE_MONEY: TemplateBlank.Type
    TYPE_DATE: TemplateBlank.Type
    TYPE_PARTY: TemplateBlank.Type
    TYPE_CHOICE: TemplateBlank.Type
    KEY_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    key: str
    display_name: str
    type: TemplateBlank.Type
    required: bool
    choices: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, key: _Optional[str] = ..., display_name: _Optional[str] = ..., type: _Optional[_Union[TemplateBlank.Type, str]] = ..., required: _Optional[bool] = ..., choices: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateContractTemplateRequest(_message.Message):
    __slots__ = ("contract_template",)
    CONTRACT_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    contract_template: ContractTemplate
    def __init__(self, contract_template: _Optional[_Union[ContractTemplate, _Mapping]] = ...) -> None: ...

class GetContractTemplateRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ReviseContractTemplateRequest(_message.Message):
    __slots__ = ("contract_template",)
    CONTRACT_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    contract_template: ContractTemplate
    def __init__(self, contract_template: _Optional[_Union[ContractTemplate, _Mapping]] = ...) -> None: ...

class LineItem(_message.Message):
    __slots__ = ("display_name", "model", "spec", "quantity", "unit", "unit_price", "tax_rate", "amount", "tax_amount")
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    TAX_RATE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    TAX_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    display_name: str
    model: str
    spec: str
    quantity: str
    unit: str
    unit_price: _money_pb2.Money
    tax_rate: str
    amount: _money_pb2.Money
    tax_amount: _money_pb2.Money
    def __init__(self, display_name: _Optional[str] = ..., model: _Optional[str] = ..., spec: _Optional[str] = ..., quantity: _Optional[str] = ..., unit: _Optional[str] = ..., unit_price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., tax_rate: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., tax_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class PaymentMilestone(_message.Message):
    __slots__ = ("name", "display_name", "due_date", "amount", "received_amount", "received_date", "payments")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_DATE_FIELD_NUMBER: _ClassVar[int]
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    due_date: _date_pb2.Date
    amount: _money_pb2.Money
    received_amount: _money_pb2.Money
    received_date: _date_pb2.Date
    payments: _containers.RepeatedCompositeFieldContainer[Payment]
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., due_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., received_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., received_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., payments: _Optional[_Iterable[_Union[Payment, _Mapping]]] = ...) -> None: ...

class Payment(_message.Message):
    __slots__ = ("amount", "received_date", "recorded_by", "note")
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_DATE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    amount: _money_pb2.Money
    received_date: _date_pb2.Date
    recorded_by: str
    note: str
    def __init__(self, amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., received_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., recorded_by: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class ApprovalStep(_message.Message):
    __slots__ = ("display_name", "approver_role", "approver", "state", "decided_by", "opinion", "decide_time", "approver_department", "stage")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[ApprovalStep.State]
        STATE_WAITING: _ClassVar[ApprovalStep.State]
        STATE_PENDING: _ClassVar[ApprovalStep.State]
        STATE_APPROVED: _ClassVar[ApprovalStep.State]
        STATE_REJECTED: _ClassVar[ApprovalStep.State]
    STATE_UNSPECIFIED: ApprovalStep.State
    STATE_WAITING: ApprovalStep.State
    STATE_PENDING: ApprovalStep.State
    STATE_APPROVED: ApprovalStep.State
    STATE_REJECTED: ApprovalStep.State
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    APPROVER_ROLE_FIELD_NUMBER: _ClassVar[int]
    APPROVER_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    OPINION_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    APPROVER_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    display_name: str
    approver_role: str
    approver: str
    state: ApprovalStep.State
    decided_by: str
    opinion: str
    decide_time: _timestamp_pb2.Timestamp
    approver_department: str
    stage: int
    def __init__(self, display_name: _Optional[str] = ..., approver_role: _Optional[str] = ..., approver: _Optional[str] = ..., state: _Optional[_Union[ApprovalStep.State, str]] = ..., decided_by: _Optional[str] = ..., opinion: _Optional[str] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., approver_department: _Optional[str] = ..., stage: _Optional[int] = ...) -> None: ...

class ApprovalDecision(_message.Message):
    __slots__ = ("round", "step", "decided_by", "approved", "opinion", "decide_time")
    ROUND_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    APPROVED_FIELD_NUMBER: _ClassVar[int]
    OPINION_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    round: int
    step: str
    decided_by: str
    approved: bool
    opinion: str
    decide_time: _timestamp_pb2.Timestamp
    def __init__(self, round: _Optional[int] = ..., step: _Optional[str] = ..., decided_by: _Optional[str] = ..., approved: _Optional[bool] = ..., opinion: _Optional[str] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Signature(_message.Message):
    __slots__ = ("party", "signatory", "sign_date", "recorded_by")
    class Party(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        PARTY_UNSPECIFIED: _ClassVar[Signature.Party]
        PARTY_OURS: _ClassVar[Signature.Party]
        PARTY_CUSTOMER: _ClassVar[Signature.Party]
    PARTY_UNSPECIFIED: Signature.Party
    PARTY_OURS: Signature.Party
    PARTY_CUSTOMER: Signature.Party
    PARTY_FIELD_NUMBER: _ClassVar[int]
    SIGNATORY_FIELD_NUMBER: _ClassVar[int]
    SIGN_DATE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    party: Signature.Party
    signatory: str
    sign_date: _date_pb2.Date
    recorded_by: str
    def __init__(self, party: _Optional[_Union[Signature.Party, str]] = ..., signatory: _Optional[str] = ..., sign_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., recorded_by: _Optional[str] = ...) -> None: ...

class HistoryEntry(_message.Message):
    __slots__ = ("action", "actor", "create_time", "before_json", "after_json")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    BEFORE_JSON_FIELD_NUMBER: _ClassVar[int]
    AFTER_JSON_FIELD_NUMBER: _ClassVar[int]
    action: str
    actor: str
    create_time: _timestamp_pb2.Timestamp
    before_json: str
    after_json: str
    def __init__(self, action: _Optional[str] = ..., actor: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., before_json: _Optional[str] = ..., after_json: _Optional[str] = ...) -> None: ...

class CreateContractRequest(_message.Message):
    __slots__ = ("contract", "request_id")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    contract: Contract
    request_id: str
    def __init__(self, contract: _Optional[_Union[Contract, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetContractRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdateContractRequest(_message.Message):
    __slots__ = ("contract", "update_mask")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    contract: Contract
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, contract: _Optional[_Union[Contract, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class ListContractsRequest(_message.Message):
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

class ListContractsResponse(_message.Message):
    __slots__ = ("contracts", "next_page_token")
    CONTRACTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    contracts: _containers.RepeatedCompositeFieldContainer[Contract]
    next_page_token: str
    def __init__(self, contracts: _Optional[_Iterable[_Union[Contract, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SubmitContractRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ApproveContractRequest(_message.Message):
    __slots__ = ("name", "opinion", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OPINION_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    opinion: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., opinion: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class RejectContractRequest(_message.Message):
    __slots__ = ("name", "opinion", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OPINION_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    opinion: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., opinion: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class SignContractRequest(_message.Message):
    __slots__ = ("name", "party", "signatory", "sign_date", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARTY_FIELD_NUMBER: _ClassVar[int]
    SIGNATORY_FIELD_NUMBER: _ClassVar[int]
    SIGN_DATE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    party: Signature.Party
    signatory: str
    sign_date: _date_pb2.Date
    etag: str
    def __init__(self, name: _Optional[str] = ..., party: _Optional[_Union[Signature.Party, str]] = ..., signatory: _Optional[str] = ..., sign_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class TerminateContractRequest(_message.Message):
    __slots__ = ("name", "termination_date", "reason", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TERMINATION_DATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    termination_date: _date_pb2.Date
    reason: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., termination_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class RenewContractRequest(_message.Message):
    __slots__ = ("name", "start_date", "end_date", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    start_date: _date_pb2.Date
    end_date: _date_pb2.Date
    request_id: str
    def __init__(self, name: _Optional[str] = ..., start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., end_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ArchiveContractRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class RecordPaymentRequest(_message.Message):
    __slots__ = ("milestone", "amount", "received_date", "note")
    MILESTONE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_DATE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    milestone: str
    amount: _money_pb2.Money
    received_date: _date_pb2.Date
    note: str
    def __init__(self, milestone: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., received_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., note: _Optional[str] = ...) -> None: ...

class CompleteDeliveryMilestoneRequest(_message.Message):
    __slots__ = ("name", "milestone_id", "completed_date", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MILESTONE_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_DATE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    milestone_id: str
    completed_date: _date_pb2.Date
    etag: str
    def __init__(self, name: _Optional[str] = ..., milestone_id: _Optional[str] = ..., completed_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class RenderContractRequest(_message.Message):
    __slots__ = ("name", "format")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    name: str
    format: RenderedFile.Format
    def __init__(self, name: _Optional[str] = ..., format: _Optional[_Union[RenderedFile.Format, str]] = ...) -> None: ...

class RenderApprovalSheetRequest(_message.Message):
    __slots__ = ("name", "format")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    name: str
    format: RenderedFile.Format
    def __init__(self, name: _Optional[str] = ..., format: _Optional[_Union[RenderedFile.Format, str]] = ...) -> None: ...

class RenderedFile(_message.Message):
    __slots__ = ("filename", "content_type", "chunk")
    class Format(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        FORMAT_UNSPECIFIED: _ClassVar[RenderedFile.Format]
        FORMAT_DOCX: _ClassVar[RenderedFile.Format]
        FORMAT_PDF: _ClassVar[RenderedFile.Format]
    FORMAT_UNSPECIFIED: RenderedFile.Format
    FORMAT_DOCX: RenderedFile.Format
    FORMAT_PDF: RenderedFile.Format
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    filename: str
    content_type: str
    chunk: bytes
    def __init__(self, filename: _Optional[str] = ..., content_type: _Optional[str] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class GetSignedAmountReportRequest(_message.Message):
    __slots__ = ("period", "start_date", "end_date", "group_by")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    period: ReportPeriod
    start_date: _date_pb2.Date
    end_date: _date_pb2.Date
    group_by: _containers.RepeatedScalarFieldContainer[ReportDimension]
    def __init__(self, period: _Optional[_Union[ReportPeriod, str]] = ..., start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., end_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., group_by: _Optional[_Iterable[_Union[ReportDimension, str]]] = ...) -> None: ...

class SignedAmountRow(_message.Message):
    __slots__ = ("period", "period_start", "kind", "department", "owner", "contract_count", "signed_amount")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_COUNT_FIELD_NUMBER: _ClassVar[int]
    SIGNED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    period: str
    period_start: _date_pb2.Date
    kind: Contract.Kind
    department: str
    owner: str
    contract_count: int
    signed_amount: _money_pb2.Money
    def __init__(self, period: _Optional[str] = ..., period_start: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., kind: _Optional[_Union[Contract.Kind, str]] = ..., department: _Optional[str] = ..., owner: _Optional[str] = ..., contract_count: _Optional[int] = ..., signed_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class SignedAmountReport(_message.Message):
    __slots__ = ("rows", "total_count", "total_amount")
    ROWS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[SignedAmountRow]
    total_count: int
    total_amount: _money_pb2.Money
    def __init__(self, rows: _Optional[_Iterable[_Union[SignedAmountRow, _Mapping]]] = ..., total_count: _Optional[int] = ..., total_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class GetReceivablesReportRequest(_message.Message):
    __slots__ = ("as_of_date", "customer")
    AS_OF_DATE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    as_of_date: _date_pb2.Date
    customer: str
    def __init__(self, as_of_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., customer: _Optional[str] = ...) -> None: ...

class ReceivablesRow(_message.Message):
    __slots__ = ("customer", "contract_count", "planned_amount", "received_amount", "outstanding_amount", "overdue_amount", "longest_overdue_days", "overdue_milestone_count")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_COUNT_FIELD_NUMBER: _ClassVar[int]
    PLANNED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LONGEST_OVERDUE_DAYS_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_MILESTONE_COUNT_FIELD_NUMBER: _ClassVar[int]
    customer: str
    contract_count: int
    planned_amount: _money_pb2.Money
    received_amount: _money_pb2.Money
    outstanding_amount: _money_pb2.Money
    overdue_amount: _money_pb2.Money
    longest_overdue_days: int
    overdue_milestone_count: int
    def __init__(self, customer: _Optional[str] = ..., contract_count: _Optional[int] = ..., planned_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., received_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., outstanding_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., overdue_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., longest_overdue_days: _Optional[int] = ..., overdue_milestone_count: _Optional[int] = ...) -> None: ...

class ReceivablesReport(_message.Message):
    __slots__ = ("as_of_date", "rows")
    AS_OF_DATE_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    as_of_date: _date_pb2.Date
    rows: _containers.RepeatedCompositeFieldContainer[ReceivablesRow]
    def __init__(self, as_of_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., rows: _Optional[_Iterable[_Union[ReceivablesRow, _Mapping]]] = ...) -> None: ...

class GetGoodsReportRequest(_message.Message):
    __slots__ = ("period", "start_date", "end_date")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    period: ReportPeriod
    start_date: _date_pb2.Date
    end_date: _date_pb2.Date
    def __init__(self, period: _Optional[_Union[ReportPeriod, str]] = ..., start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., end_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ...) -> None: ...

class GoodsRow(_message.Message):
    __slots__ = ("period", "period_start", "display_name", "model", "unit", "contract_count", "quantity", "amount")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_COUNT_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    period: str
    period_start: _date_pb2.Date
    display_name: str
    model: str
    unit: str
    contract_count: int
    quantity: str
    amount: _money_pb2.Money
    def __init__(self, period: _Optional[str] = ..., period_start: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., display_name: _Optional[str] = ..., model: _Optional[str] = ..., unit: _Optional[str] = ..., contract_count: _Optional[int] = ..., quantity: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class GoodsReport(_message.Message):
    __slots__ = ("rows",)
    ROWS_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[GoodsRow]
    def __init__(self, rows: _Optional[_Iterable[_Union[GoodsRow, _Mapping]]] = ...) -> None: ...

class ListContractHistoryRequest(_message.Message):
    __slots__ = ("name", "page_size", "page_token")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    name: str
    page_size: int
    page_token: str
    def __init__(self, name: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListContractHistoryResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[HistoryEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[HistoryEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Document(_message.Message):
    __slots__ = ("name", "kind", "filename", "content_type", "size_bytes", "sha256", "text_length", "create_user", "create_time")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[Document.Kind]
        KIND_ORIGINAL: _ClassVar[Document.Kind]
        KIND_SCAN: _ClassVar[Document.Kind]
        KIND_CHANGE_EVIDENCE: _ClassVar[Document.Kind]
        KIND_DRAWING: _ClassVar[Document.Kind]
        KIND_OTHER: _ClassVar[Document.Kind]
    KIND_UNSPECIFIED: Document.Kind
    KIND_ORIGINAL: Document.Kind
    KIND_SCAN: Document.Kind
    KIND_CHANGE_EVIDENCE: Document.Kind
    KIND_DRAWING: Document.Kind
    KIND_OTHER: Document.Kind
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    TEXT_LENGTH_FIELD_NUMBER: _ClassVar[int]
    CREATE_USER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: Document.Kind
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    text_length: int
    create_user: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[Document.Kind, str]] = ..., filename: _Optional[str] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., text_length: _Optional[int] = ..., create_user: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DocumentUpload(_message.Message):
    __slots__ = ("parent", "kind", "filename", "content_type", "sha256", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    kind: Document.Kind
    filename: str
    content_type: str
    sha256: str
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., kind: _Optional[_Union[Document.Kind, str]] = ..., filename: _Optional[str] = ..., content_type: _Optional[str] = ..., sha256: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UploadDocumentRequest(_message.Message):
    __slots__ = ("upload", "chunk")
    UPLOAD_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    upload: DocumentUpload
    chunk: bytes
    def __init__(self, upload: _Optional[_Union[DocumentUpload, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class ListDocumentsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDocumentsResponse(_message.Message):
    __slots__ = ("documents", "next_page_token")
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    documents: _containers.RepeatedCompositeFieldContainer[Document]
    next_page_token: str
    def __init__(self, documents: _Optional[_Iterable[_Union[Document, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DownloadDocumentRequest(_message.Message):
    __slots__ = ("name", "offset", "length")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    name: str
    offset: int
    length: int
    def __init__(self, name: _Optional[str] = ..., offset: _Optional[int] = ..., length: _Optional[int] = ...) -> None: ...

class DownloadDocumentResponse(_message.Message):
    __slots__ = ("chunk",)
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    chunk: bytes
    def __init__(self, chunk: _Optional[bytes] = ...) -> None: ...

class GetDocumentDownloadUrlRequest(_message.Message):
    __slots__ = ("name", "ttl")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TTL_FIELD_NUMBER: _ClassVar[int]
    name: str
    ttl: _duration_pb2.Duration
    def __init__(self, name: _Optional[str] = ..., ttl: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class GetDocumentDownloadUrlResponse(_message.Message):
    __slots__ = ("url", "expire_time")
    URL_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    url: str
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, url: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetDocumentTextRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DocumentText(_message.Message):
    __slots__ = ("name", "text", "content_type", "sha256")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    name: str
    text: str
    content_type: str
    sha256: str
    def __init__(self, name: _Optional[str] = ..., text: _Optional[str] = ..., content_type: _Optional[str] = ..., sha256: _Optional[str] = ...) -> None: ...

class ContractAmendment(_message.Message):
    __slots__ = ("name", "state", "reason", "impact", "evidence_documents", "changes_json", "base_version", "result_version", "approval_steps", "current_approval_step", "create_user", "create_time")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[ContractAmendment.State]
        STATE_PENDING_APPROVAL: _ClassVar[ContractAmendment.State]
        STATE_APPROVED: _ClassVar[ContractAmendment.State]
        STATE_REJECTED: _ClassVar[ContractAmendment.State]
    STATE_UNSPECIFIED: ContractAmendment.State
    STATE_PENDING_APPROVAL: ContractAmendment.State
    STATE_APPROVED: ContractAmendment.State
    STATE_REJECTED: ContractAmendment.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    IMPACT_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    CHANGES_JSON_FIELD_NUMBER: _ClassVar[int]
    BASE_VERSION_FIELD_NUMBER: _ClassVar[int]
    RESULT_VERSION_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_STEPS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_APPROVAL_STEP_FIELD_NUMBER: _ClassVar[int]
    CREATE_USER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    state: ContractAmendment.State
    reason: str
    impact: str
    evidence_documents: _containers.RepeatedScalarFieldContainer[str]
    changes_json: str
    base_version: int
    result_version: int
    approval_steps: _containers.RepeatedCompositeFieldContainer[ApprovalStep]
    current_approval_step: int
    create_user: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., state: _Optional[_Union[ContractAmendment.State, str]] = ..., reason: _Optional[str] = ..., impact: _Optional[str] = ..., evidence_documents: _Optional[_Iterable[str]] = ..., changes_json: _Optional[str] = ..., base_version: _Optional[int] = ..., result_version: _Optional[int] = ..., approval_steps: _Optional[_Iterable[_Union[ApprovalStep, _Mapping]]] = ..., current_approval_step: _Optional[int] = ..., create_user: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ContractVersion(_message.Message):
    __slots__ = ("name", "version", "values_json", "amendment", "create_user", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VALUES_JSON_FIELD_NUMBER: _ClassVar[int]
    AMENDMENT_FIELD_NUMBER: _ClassVar[int]
    CREATE_USER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: int
    values_json: str
    amendment: str
    create_user: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., version: _Optional[int] = ..., values_json: _Optional[str] = ..., amendment: _Optional[str] = ..., create_user: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AmendContractRequest(_message.Message):
    __slots__ = ("contract", "update_mask", "reason", "impact", "evidence_documents", "request_id")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    IMPACT_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    contract: Contract
    update_mask: _field_mask_pb2.FieldMask
    reason: str
    impact: str
    evidence_documents: _containers.RepeatedScalarFieldContainer[str]
    request_id: str
    def __init__(self, contract: _Optional[_Union[Contract, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., reason: _Optional[str] = ..., impact: _Optional[str] = ..., evidence_documents: _Optional[_Iterable[str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ApproveContractAmendmentRequest(_message.Message):
    __slots__ = ("name", "opinion")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OPINION_FIELD_NUMBER: _ClassVar[int]
    name: str
    opinion: str
    def __init__(self, name: _Optional[str] = ..., opinion: _Optional[str] = ...) -> None: ...

class RejectContractAmendmentRequest(_message.Message):
    __slots__ = ("name", "opinion")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OPINION_FIELD_NUMBER: _ClassVar[int]
    name: str
    opinion: str
    def __init__(self, name: _Optional[str] = ..., opinion: _Optional[str] = ...) -> None: ...

class ListContractVersionsRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListContractVersionsResponse(_message.Message):
    __slots__ = ("versions",)
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedCompositeFieldContainer[ContractVersion]
    def __init__(self, versions: _Optional[_Iterable[_Union[ContractVersion, _Mapping]]] = ...) -> None: ...

class DiffContractVersionsRequest(_message.Message):
    __slots__ = ("name", "from_version", "to_version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FROM_VERSION_FIELD_NUMBER: _ClassVar[int]
    TO_VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    from_version: int
    to_version: int
    def __init__(self, name: _Optional[str] = ..., from_version: _Optional[int] = ..., to_version: _Optional[int] = ...) -> None: ...

class FieldDifference(_message.Message):
    __slots__ = ("field", "before_json", "after_json")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    BEFORE_JSON_FIELD_NUMBER: _ClassVar[int]
    AFTER_JSON_FIELD_NUMBER: _ClassVar[int]
    field: str
    before_json: str
    after_json: str
    def __init__(self, field: _Optional[str] = ..., before_json: _Optional[str] = ..., after_json: _Optional[str] = ...) -> None: ...

class DiffContractVersionsResponse(_message.Message):
    __slots__ = ("fields", "text_diff")
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    TEXT_DIFF_FIELD_NUMBER: _ClassVar[int]
    fields: _containers.RepeatedCompositeFieldContainer[FieldDifference]
    text_diff: str
    def __init__(self, fields: _Optional[_Iterable[_Union[FieldDifference, _Mapping]]] = ..., text_diff: _Optional[str] = ...) -> None: ...
