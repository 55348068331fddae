"""The contract as the search index sees it: flat text and filterable facts, no behaviour."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

CONTRACT_NAME_PREFIX = "contracts/"


@dataclass(frozen=True)
class Clause:
    """One clause of the contract body: its heading (违约责任) and its text."""

    heading: str
    text: str


@dataclass(frozen=True)
class AttachedDocument:
    """A file stored with the contract (a scan, the signed original...) and its text.

    `name` is `contracts/{contract}/documents/{document}`; `filename` as uploaded.
    """

    name: str
    filename: str
    text: str


@dataclass(frozen=True)
class ContractDocument:
    """One contract version, as the contract service's events describe it.

    `id` is the resource name `contracts/{id}`; `version` orders updates so that an older
    event never overwrites a newer one, whatever order the events arrive in.
    """

    id: str
    number: str
    title: str
    kind: str
    state: str
    customer: str
    customer_name: str
    parties: str
    department: str
    owner: str
    amount: Decimal
    signed_date: date | None
    start_date: date | None
    end_date: date | None
    clauses: tuple[Clause, ...] = field(default_factory=tuple)
    text: str = ""
    version: int = 1
    documents: tuple[AttachedDocument, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.id.startswith(CONTRACT_NAME_PREFIX) or self.id == CONTRACT_NAME_PREFIX:
            raise ValueError(f"a contract document id is contracts/{{id}}, got {self.id!r}")
        if self.version < 1:
            raise ValueError("version starts at 1")

    @property
    def year(self) -> int | None:
        """The year a contract counts in for facets: the year it was signed."""
        return self.signed_date.year if self.signed_date else None


def tiebreak(contract_id: str) -> int:
    """A stable signed 63-bit number per id, the last sort key in every engine.

    Both engines break score and field ties on it, so pages never overlap or skip, and a
    number (unlike the id string) can be read from tantivy's fast fields in bulk.
    """
    digest = hashlib.sha256(contract_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1
