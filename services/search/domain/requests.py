"""What a search asks for and what it returns, the same for every engine."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from services.search.domain.query import MatchAll, Query

HIGHLIGHT_START = "<em>"
HIGHLIGHT_END = "</em>"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Facet(enum.Enum):
    """Facets with counts, always over the caller's visible, filtered result."""

    STATE = "state"
    KIND = "kind"
    DEPARTMENT = "department"
    YEAR = "year"


class SortField(enum.Enum):
    RELEVANCE = "relevance"
    SIGNED_DATE = "signed_date"
    START_DATE = "start_date"
    END_DATE = "end_date"
    AMOUNT = "amount"
    VERSION = "version"


@dataclass(frozen=True)
class Sort:
    """One sort key; the engines always add the id tiebreak so pages are stable."""

    field: SortField = SortField.RELEVANCE
    descending: bool = True


@dataclass(frozen=True)
class DateRange:
    """Inclusive bounds; None leaves that side open."""

    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class AmountRange:
    """Inclusive bounds in CNY; None leaves that side open."""

    minimum: Decimal | None = None
    maximum: Decimal | None = None


@dataclass(frozen=True)
class Filters:
    """Exact filters; each set is OR within itself, and the filters AND together."""

    states: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    customers: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()
    owners: frozenset[str] = frozenset()
    amount: AmountRange = AmountRange()
    signed: DateRange = DateRange()
    start: DateRange = DateRange()
    end: DateRange = DateRange()


@dataclass(frozen=True)
class Visibility:
    """Which contracts the caller may see: every department, or only the listed ones.

    Engines apply it inside the query, so totals and facet counts never reveal others.
    """

    all_departments: bool = False
    departments: frozenset[str] = frozenset()

    @classmethod
    def everything(cls) -> Visibility:
        return cls(all_departments=True)

    @classmethod
    def only(cls, *departments: str) -> Visibility:
        return cls(departments=frozenset(departments))


@dataclass(frozen=True)
class PagePosition:
    """Where the next page starts: after the hit with this sort value and tiebreak.

    `offset` is how many hits came before; an engine may use it as a hint, never as truth.
    """

    value: float | int | None
    tiebreak: int
    offset: int


@dataclass(frozen=True)
class SearchRequest:
    visibility: Visibility
    query: Query = field(default_factory=MatchAll)
    filters: Filters = Filters()
    facets: frozenset[Facet] = frozenset()
    sort: Sort = Sort()
    page_size: int = DEFAULT_PAGE_SIZE
    after: PagePosition | None = None
    highlight: bool = True


@dataclass(frozen=True)
class Snippet:
    """A fragment of one field with the matches wrapped in HIGHLIGHT_START/END.

    `clause` names the clause heading when the fragment comes from a clause; `document`
    the stored file (`contracts/{c}/documents/{d}`) and `filename` its name, when the
    fragment comes from a document's text.
    """

    field: str
    fragment: str
    clause: str | None = None
    document: str | None = None
    filename: str | None = None


@dataclass(frozen=True)
class ContractSummary:
    """The fields a result list shows; the amount is masked later, by the service layer."""

    number: str
    title: str
    kind: str
    state: str
    customer: str
    customer_name: str
    department: str
    owner: str
    amount: Decimal
    signed_date: date | None
    start_date: date | None
    end_date: date | None
    version: int


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    summary: ContractSummary
    snippets: tuple[Snippet, ...] = ()


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    total: int
    facets: dict[Facet, tuple[FacetCount, ...]]
    next_position: PagePosition | None


def clamp_page_size(requested: int) -> int:
    """0 means the default; larger requests are capped rather than refused."""
    if requested < 0:
        raise ValueError("page_size must not be negative")
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
