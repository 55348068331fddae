"""Keeping the index in step with the contract service: per event, in bulk, and by checking.

The indexer never trusts an event's payload for the contract's content: it reads the
contract's current version from the contract service and lets the engine keep the higher
version. So a replayed event changes nothing, and an old event arriving after a newer one
re-reads the current contract, which the engine already holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from services.search.adapters.contract_client import ContractSource
from services.search.adapters.engine import SearchEngine
from services.search.domain.documents import CONTRACT_NAME_PREFIX, ContractDocument

# Payload fields of contract events that name contracts (a renewal names two).
CONTRACT_FIELDS = ("contract", "successor", "predecessor")
ARCHIVED = "ARCHIVED"


@dataclass(frozen=True)
class IndexingPolicy:
    """Archived contracts stay searchable unless `keep_archived` is false."""

    keep_archived: bool = True

    def wanted(self, doc: ContractDocument) -> bool:
        return self.keep_archived or doc.state != ARCHIVED


def contracts_in_event(topic: str, payload: dict[str, Any]) -> list[str]:
    """The contracts a `contract.*` event is about; none for other topics."""
    if not topic.startswith("contract."):
        return []
    names = [payload.get(key) for key in CONTRACT_FIELDS]
    return sorted({n for n in names if isinstance(n, str) and n.startswith(CONTRACT_NAME_PREFIX)})


def refresh_contract(
    engine: SearchEngine, source: ContractSource, name: str, policy: IndexingPolicy
) -> str:
    """Brings one contract's entry up to date: `indexed`, `unchanged` or `removed`."""
    doc = source.get(name)
    if doc is None or not policy.wanted(doc):
        return "removed" if engine.delete(name) else "unchanged"
    report = engine.index([doc])
    return "indexed" if report.written else "unchanged"


def reindex(
    engine: SearchEngine,
    source: ContractSource,
    policy: IndexingPolicy,
    progress: Callable[[int], None] = lambda _: None,
) -> int:
    """Indexes every contract, a page at a time; `progress` hears each page's size."""
    seen = 0
    for page in source.pages():
        engine.index(doc for doc in page if policy.wanted(doc))
        seen += len(page)
        progress(len(page))
    return seen


@dataclass
class Difference:
    """How the index differs from the contract service."""

    missing: list[str] = field(default_factory=list)  # in the service, not in the index
    stale: list[str] = field(default_factory=list)  # the index holds an older version
    ahead: list[str] = field(default_factory=list)  # the index holds a version not (yet) seen
    extra: list[str] = field(default_factory=list)  # in the index, gone from the service

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.ahead or self.extra)


def compare(indexed: dict[str, int], current: Iterable[ContractDocument]) -> Difference:
    diff = Difference()
    seen: set[str] = set()
    for doc in current:
        seen.add(doc.id)
        version = indexed.get(doc.id)
        if version is None:
            diff.missing.append(doc.id)
        elif version < doc.version:
            diff.stale.append(doc.id)
        elif version > doc.version:
            diff.ahead.append(doc.id)
    diff.extra = sorted(set(indexed) - seen)
    return diff


def check(
    engine: SearchEngine,
    source: ContractSource,
    policy: IndexingPolicy,
    repair: bool = True,
    progress: Callable[[int], None] = lambda _: None,
) -> Difference:
    """Compares ids and versions with the contract service and, with `repair`, fixes them."""
    indexed = engine.stored_versions()
    wanted: dict[str, ContractDocument] = {}
    for page in source.pages():
        wanted.update((doc.id, doc) for doc in page if policy.wanted(doc))
        progress(len(page))
    diff = compare(indexed, wanted.values())
    if repair:
        # A version the service does not have (an index restored from elsewhere) cannot be
        # overwritten by a lower one: remove it first.
        for name in diff.ahead + diff.extra:
            engine.delete(name)
        engine.index(wanted[name] for name in diff.missing + diff.stale + diff.ahead)
    return diff
