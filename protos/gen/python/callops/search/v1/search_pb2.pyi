import datetime

from google.protobuf import empty_pb2 as _empty_pb2
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

class Facet(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FACET_UNSPECIFIED: _ClassVar[Facet]
    FACET_STATE: _ClassVar[Facet]
    FACET_KIND: _ClassVar[Facet]
    FACET_DEPARTMENT: _ClassVar[Facet]
    FACET_YEAR: _ClassVar[Facet]
FACET_UNSPECIFIED: Facet
FACET_STATE: Facet
FACET_KIND: Facet
FACET_DEPARTMENT: Facet
FACET_YEAR: Facet

class DateRange(_message.Message):
    __slots__ = ("first_day", "last_day")
    FIRST_DAY_FIELD_NUMBER: _ClassVar[int]
    LAST_DAY_FIELD_NUMBER: _ClassVar[int]
    first_day: _date_pb2.Date
    last_day: _date_pb2.Date
    def __init__(self, first_day: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., last_day: _Optional[_Union[_date_pb2.Date, _Mapping]] = ...) -> None: ...

class ContractFilter(_message.Message):
    __slots__ = ("states", "kinds", "customers", "departments", "owners", "min_amount", "max_amount", "signed_date", "start_date", "end_date")
    STATES_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    OWNERS_FIELD_NUMBER: _ClassVar[int]
    MIN_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    SIGNED_DATE_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    states: _containers.RepeatedScalarFieldContainer[str]
    kinds: _containers.RepeatedScalarFieldContainer[str]
    customers: _containers.RepeatedScalarFieldContainer[str]
    departments: _containers.RepeatedScalarFieldContainer[str]
    owners: _containers.RepeatedScalarFieldContainer[str]
    min_amount: _money_pb2.Money
    max_amount: _money_pb2.Money
    signed_date: DateRange
    start_date: DateRange
    end_date: DateRange
    def __init__(self, states: _Optional[_Iterable[str]] = ..., kinds: _Optional[_Iterable[str]] = ..., customers: _Optional[_Iterable[str]] = ..., departments: _Optional[_Iterable[str]] = ..., owners: _Optional[_Iterable[str]] = ..., min_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., max_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., signed_date: _Optional[_Union[DateRange, _Mapping]] = ..., start_date: _Optional[_Union[DateRange, _Mapping]] = ..., end_date: _Optional[_Union[DateRange, _Mapping]] = ...) -> None: ...

class SearchContractsRequest(_message.Message):
    __slots__ = ("query", "filter", "facets", "order_by", "page_size", "page_token")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    FACETS_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    query: str
    filter: ContractFilter
    facets: _containers.RepeatedScalarFieldContainer[Facet]
    order_by: str
    page_size: int
    page_token: str
    def __init__(self, query: _Optional[str] = ..., filter: _Optional[_Union[ContractFilter, _Mapping]] = ..., facets: _Optional[_Iterable[_Union[Facet, str]]] = ..., order_by: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ContractSummary(_message.Message):
    __slots__ = ("name", "number", "title", "kind", "state", "customer", "customer_display_name", "department", "owner", "total_amount", "signed_date", "start_date", "end_date", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TOTAL_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    SIGNED_DATE_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    number: str
    title: str
    kind: str
    state: str
    customer: str
    customer_display_name: str
    department: str
    owner: str
    total_amount: _money_pb2.Money
    signed_date: _date_pb2.Date
    start_date: _date_pb2.Date
    end_date: _date_pb2.Date
    version: int
    def __init__(self, name: _Optional[str] = ..., number: _Optional[str] = ..., title: _Optional[str] = ..., kind: _Optional[str] = ..., state: _Optional[str] = ..., customer: _Optional[str] = ..., customer_display_name: _Optional[str] = ..., department: _Optional[str] = ..., owner: _Optional[str] = ..., total_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., signed_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., end_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., version: _Optional[int] = ...) -> None: ...

class Snippet(_message.Message):
    __slots__ = ("field", "fragment", "clause_heading", "document", "document_filename")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    FRAGMENT_FIELD_NUMBER: _ClassVar[int]
    CLAUSE_HEADING_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FILENAME_FIELD_NUMBER: _ClassVar[int]
    field: str
    fragment: str
    clause_heading: str
    document: str
    document_filename: str
    def __init__(self, field: _Optional[str] = ..., fragment: _Optional[str] = ..., clause_heading: _Optional[str] = ..., document: _Optional[str] = ..., document_filename: _Optional[str] = ...) -> None: ...

class SearchResult(_message.Message):
    __slots__ = ("contract", "relevance_score", "snippets")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    RELEVANCE_SCORE_FIELD_NUMBER: _ClassVar[int]
    SNIPPETS_FIELD_NUMBER: _ClassVar[int]
    contract: ContractSummary
    relevance_score: float
    snippets: _containers.RepeatedCompositeFieldContainer[Snippet]
    def __init__(self, contract: _Optional[_Union[ContractSummary, _Mapping]] = ..., relevance_score: _Optional[float] = ..., snippets: _Optional[_Iterable[_Union[Snippet, _Mapping]]] = ...) -> None: ...

class FacetBucket(_message.Message):
    __slots__ = ("value", "count")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    value: str
    count: int
    def __init__(self, value: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class FacetResult(_message.Message):
    __slots__ = ("facet", "buckets")
    FACET_FIELD_NUMBER: _ClassVar[int]
    BUCKETS_FIELD_NUMBER: _ClassVar[int]
    facet: Facet
    buckets: _containers.RepeatedCompositeFieldContainer[FacetBucket]
    def __init__(self, facet: _Optional[_Union[Facet, str]] = ..., buckets: _Optional[_Iterable[_Union[FacetBucket, _Mapping]]] = ...) -> None: ...

class SearchContractsResponse(_message.Message):
    __slots__ = ("results", "next_page_token", "total_size", "facets")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    FACETS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[SearchResult]
    next_page_token: str
    total_size: int
    facets: _containers.RepeatedCompositeFieldContainer[FacetResult]
    def __init__(self, results: _Optional[_Iterable[_Union[SearchResult, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ..., facets: _Optional[_Iterable[_Union[FacetResult, _Mapping]]] = ...) -> None: ...

class MoreLikeThisRequest(_message.Message):
    __slots__ = ("name", "page_size")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    name: str
    page_size: int
    def __init__(self, name: _Optional[str] = ..., page_size: _Optional[int] = ...) -> None: ...

class MoreLikeThisResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[SearchResult]
    def __init__(self, results: _Optional[_Iterable[_Union[SearchResult, _Mapping]]] = ...) -> None: ...

class SavedSearch(_message.Message):
    __slots__ = ("name", "display_name", "query", "filter", "order_by", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    query: str
    filter: ContractFilter
    order_by: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., query: _Optional[str] = ..., filter: _Optional[_Union[ContractFilter, _Mapping]] = ..., order_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateSavedSearchRequest(_message.Message):
    __slots__ = ("parent", "saved_search", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    SAVED_SEARCH_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    saved_search: SavedSearch
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., saved_search: _Optional[_Union[SavedSearch, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListSavedSearchesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSavedSearchesResponse(_message.Message):
    __slots__ = ("saved_searches", "next_page_token")
    SAVED_SEARCHES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    saved_searches: _containers.RepeatedCompositeFieldContainer[SavedSearch]
    next_page_token: str
    def __init__(self, saved_searches: _Optional[_Iterable[_Union[SavedSearch, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteSavedSearchRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...
