"""Contract templates (合同示范文本): fixed clauses with typed blanks, and filling them in."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from services.common.errors import Violations
from services.contract.domain.approval import ContractKind

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
PARTY = re.compile(r"^customers/[0-9a-f]{32}$")


class BlankType(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    TEXT = "TEXT"
    NUMBER = "NUMBER"
    MONEY = "MONEY"
    DATE = "DATE"
    PARTY = "PARTY"
    CHOICE = "CHOICE"


@dataclass(frozen=True)
class Blank:
    key: str
    display_name: str
    type: BlankType
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class BlankValue:
    """A filled-in value as the drafter gave it: its type (the oneof set) and the value
    (text, Decimal for money, date for dates)."""

    type: BlankType
    value: Any


@dataclass
class ContractTemplate:
    id: str
    version: int
    display_name: str
    kind: ContractKind
    clauses: list[str]
    blanks: list[Blank]
    created_by: str
    created_at: datetime
    events: list[Any] = field(default_factory=list, compare=False, repr=False)

    @property
    def resource_name(self) -> str:
        return f"contractTemplates/{self.id}"

    def fill(self, values: dict[str, BlankValue], prefix: str) -> tuple[str, str]:
        """Checks the values against the blanks and renders the clauses: the full text, and
        one with the amounts hidden for readers without the right. Every fault names
        `prefix["key"]`."""
        v = Violations()
        declared = {b.key: b for b in self.blanks}
        filled: dict[str, str] = {}
        for key in values:
            if key not in declared:
                v.add(f'{prefix}["{key}"]', f"not a blank of {self.resource_name}")
        for blank in self.blanks:
            path = f'{prefix}["{blank.key}"]'
            given = values.get(blank.key)
            if given is None:
                if blank.required:
                    v.add(path, f"required: {blank.display_name or blank.key}")
                continue
            text = _checked(v, path, blank, given)
            if text is not None:
                filled[blank.key] = text
        v.raise_if_any()
        hidden = {b.key: "****" for b in self.blanks if b.type is BlankType.MONEY}
        return self._render(filled), self._render(filled | hidden)

    def _render(self, filled: dict[str, str]) -> str:
        return "\n\n".join(
            PLACEHOLDER.sub(lambda m: filled.get(m.group(1), "____"), clause)
            for clause in self.clauses
        )


def _checked(v: Violations, path: str, blank: Blank, given: BlankValue) -> str | None:
    if given.type is not blank.type:
        v.add(path, f"must be a {blank.type.name.lower()} value, not {given.type.name.lower()}")
        return None
    value = given.value
    if blank.type is BlankType.TEXT:
        text = str(value).strip()
        if not text or len(text) > 2000:
            v.add(path, "1 to 2000 characters")
            return None
        return text
    if blank.type is BlankType.NUMBER:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            v.add(path, "must be a decimal number such as 30 or 0.5")
            return None
        return str(number)
    if blank.type is BlankType.MONEY:
        amount: Decimal = value
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            v.add(path, "must not be negative, in yuan and fen")
            return None
        return f"人民币{amount:,.2f}元"
    if blank.type is BlankType.DATE:
        day: date | None = value
        if day is None:
            v.add(path, "required: a calendar date")
            return None
        return f"{day.year}年{day.month}月{day.day}日"
    if blank.type is BlankType.PARTY:
        if not PARTY.match(str(value)):
            v.add(path, "must be a customer name like customers/<32 hex digits>")
            return None
        return str(value)
    if str(value) not in blank.choices:
        v.add(path, f"must be one of {', '.join(blank.choices)}")
        return None
    return str(value)


def validate_template(
    v: Violations,
    prefix: str,
    display_name: str,
    kind: ContractKind,
    clauses: list[str],
    blanks: list[Blank],
) -> None:
    if not display_name.strip() or len(display_name) > 200:
        v.add(f"{prefix}.display_name", "required, at most 200 characters")
    if kind is ContractKind.UNSPECIFIED:
        v.add(f"{prefix}.kind", "required")
    if not clauses:
        v.add(f"{prefix}.clauses", "at least one clause")
    keys: set[str] = set()
    for i, blank in enumerate(blanks):
        path = f"{prefix}.blanks[{i}]"
        if not KEY.match(blank.key):
            v.add(f"{path}.key", "lowercase letters, digits and _, starting with a letter")
        elif blank.key in keys:
            v.add(f"{path}.key", f"{blank.key} is declared twice")
        keys.add(blank.key)
        if blank.type is BlankType.UNSPECIFIED:
            v.add(f"{path}.type", "required")
        if blank.type is BlankType.CHOICE and not blank.choices:
            v.add(f"{path}.choices", "a choice blank needs at least one choice")
    for i, clause in enumerate(clauses):
        if not clause.strip() or len(clause) > 20_000:
            v.add(f"{prefix}.clauses[{i}]", "1 to 20000 characters")
        for m in PLACEHOLDER.finditer(clause):
            if m.group(1) not in keys:
                v.add(f"{prefix}.clauses[{i}]", f"{{{{{m.group(1)}}}}} is not a declared blank")
