"""The port every search engine implements, and the pieces of behaviour they share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from services.common.errors import NotFound, Unavailable
from services.search.domain.documents import ContractDocument
from services.search.domain.query import SearchField
from services.search.domain.requests import Facet, SearchRequest, SearchResult, Visibility

# The index layout both engines share: field names, facets and snippet limits.
TEXT_FIELDS: dict[SearchField, str] = {
    SearchField.TITLE: "title",
    SearchField.NUMBER: "number",
    SearchField.PARTY: "parties",
    SearchField.CLAUSE: "clauses",
    SearchField.TEXT: "body",
    SearchField.DOCUMENT: "documents",
}
KEYWORD_FIELDS = ("id", "kind", "state", "customer", "customer_name", "department", "owner")
FACET_FIELDS: dict[Facet, str] = {
    Facet.STATE: "state",
    Facet.KIND: "kind",
    Facet.DEPARTMENT: "department",
    Facet.YEAR: "year",
}
SNIPPET_CHARS = 120
MAX_CLAUSE_SNIPPETS = 3
MAX_DOCUMENT_SNIPPETS = 3
MAX_FACET_BUCKETS = 50


@dataclass(frozen=True)
class IndexReport:
    """What an index call did: documents written, and ones skipped as not newer."""

    written: int
    skipped_stale: int


@dataclass(frozen=True)
class EngineHealth:
    serving: bool
    documents: int
    detail: str = ""


class ContractNotIndexed(NotFound):
    default_reason = "CONTRACT_NOT_INDEXED"


class EngineUnavailable(Unavailable):
    """The engine cannot answer now: the caller gets UNAVAILABLE, never an older answer."""

    default_reason = "SEARCH_INDEX_UNAVAILABLE"


class SearchEngine(Protocol):
    """Full-text contract search.

    `index` is idempotent by id and ordered by version: a document replaces the stored one
    only when its version is higher, so replayed or reordered events are harmless. With
    `same_version`, an equal version replaces it too: for text that changes without the
    contract's version moving (a customer renamed, a document stored), always read fresh
    from the contract service first.
    """

    def index(
        self, documents: Iterable[ContractDocument], same_version: bool = False
    ) -> IndexReport: ...

    def delete(self, contract_id: str) -> bool: ...

    def search(self, request: SearchRequest) -> SearchResult: ...

    def more_like_this(
        self, contract_id: str, visibility: Visibility, limit: int = 10
    ) -> SearchResult: ...

    def count(self, visibility: Visibility) -> int: ...

    def department_of(self, contract_id: str) -> str | None:
        """The indexed contract's department, None when it is not indexed."""
        ...

    def contracts_of_customer(self, customers: Sequence[str]) -> list[str]:
        """The ids of every indexed contract of these customers (one query)."""
        ...

    def stored_versions(self) -> dict[str, int]:
        """Every indexed id with its version: what the consistency check compares."""
        ...

    def health(self) -> EngineHealth: ...


def can_see(visibility: Visibility, department: str) -> bool:
    return visibility.all_departments or department in visibility.departments


def newest_per_id(documents: Iterable[ContractDocument]) -> Sequence[ContractDocument]:
    """Within one batch, only the highest version of each id counts."""
    newest: dict[str, ContractDocument] = {}
    for doc in documents:
        seen = newest.get(doc.id)
        if seen is None or doc.version > seen.version:
            newest[doc.id] = doc
    return list(newest.values())
