"""Keeping the index in step with the contract service: per event, in bulk, and by checking.

The indexer never trusts an event's payload for the contract's content: it reads the
contract's current version from the contract service and lets the engine keep the higher
version. So a replayed event changes nothing, and an old event arriving after a newer one
re-reads the current contract, which the engine already holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from services.search.adapters.contract_client import ContractSource
from services.search.adapters.engine import SearchEngine
from services.search.domain.documents import CONTRACT_NAME_PREFIX, ContractDocument

# Payload fields of contract events that name contracts (a renewal names two).
CONTRACT_FIELDS = ("contract", "successor", "predecessor")
ARCHIVED = "ARCHIVED"
# Customer fields the index holds something of: the company name (only for a company).
INDEXED_CUSTOMER_FIELDS = frozenset({"full_name", "kind"})
CUSTOMER_PREFIX = "customers/"
# Contract events whose change does not move the contract's version: the entry is written
# again at the same version.
UNVERSIONED_TOPICS = frozenset({"contract.DocumentStored"})


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


def customers_in_event(topic: str, payload: dict[str, Any]) -> list[str]:
    """The customers whose contracts a `customer.*` event changes in the index.

    A rename (or a change of kind, which decides whether the name is indexed) and a merge
    (both sides: the source is gone, the target may be named differently) count; every
    other customer event changes nothing the index holds.
    """
    if topic == "customer.CustomerUpdated":
        fields = payload.get("fields")
        if isinstance(fields, list) and not INDEXED_CUSTOMER_FIELDS.intersection(fields):
            return []
        names = [payload.get("customer")]
    elif topic == "customer.CustomerMerged":
        names = [payload.get("target"), payload.get("source")]
    else:
        return []
    return sorted({n for n in names if isinstance(n, str) and n.startswith(CUSTOMER_PREFIX)})


def refresh_customers(
    engine: SearchEngine, source: ContractSource, customers: list[str], policy: IndexingPolicy
) -> int:
    """Re-reads every indexed contract of these customers and indexes it again, although its
    version did not move (the customer's name is not part of the contract's version).

    One query finds them in the index; contracts the index does not hold yet get indexed
    by their own events or by `check`. Returns how many entries changed.
    """
    names = engine.contracts_of_customer(customers)
    if not names:
        return 0
    source.forget_customers(customers)
    current: list[ContractDocument] = []
    removed = 0
    for name in names:
        doc = source.get(name)
        if doc is None or not policy.wanted(doc):
            removed += engine.delete(name)
        else:
            current.append(doc)
    return engine.index(current, same_version=True).written + removed


def refresh_contract(
    engine: SearchEngine,
    source: ContractSource,
    name: str,
    policy: IndexingPolicy,
    same_version: bool = False,
) -> str:
    """Brings one contract's entry up to date: `indexed`, `unchanged` or `removed`."""
    doc = source.get(name)
    if doc is None or not policy.wanted(doc):
        return "removed" if engine.delete(name) else "unchanged"
    report = engine.index([doc], same_version=same_version)
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


class IndexRebuilder(Protocol):
    """An engine that can fill a fresh index and switch readers to it in one step."""

    def rebuild(
        self, documents: Iterable[ContractDocument], progress: Callable[[int], None]
    ) -> str: ...


class ExclusiveLock(Protocol):
    def held(self) -> AbstractContextManager[Callable[[], None]]: ...


def rebuild(
    engine: IndexRebuilder,
    source: ContractSource,
    policy: IndexingPolicy,
    lock: ExclusiveLock,
    progress: Callable[[int], None] = lambda _: None,
) -> str:
    """Indexes every contract into a fresh index and swaps to it, holding `lock` throughout
    (renewed after each chunk, and so just before the swap); returns the new index's name.

    Events indexed into the old index while this runs are not in the new one unless this
    read the contract after the change; the periodic `check` repairs the rest.
    """

    def wanted() -> Iterator[ContractDocument]:
        for page in source.pages():
            yield from (doc for doc in page if policy.wanted(doc))

    with lock.held() as renew:

        def written(count: int) -> None:
            renew()
            progress(count)

        return engine.rebuild(wanted(), written)


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
