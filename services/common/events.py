"""Domain events: plain dataclasses that say what happened, carrying ids, not objects."""

from __future__ import annotations

import dataclasses
import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar


@dataclasses.dataclass(frozen=True)
class Event:
    """Base of every event. `topic` is `<service>.<EventName>`, e.g. `customer.CustomerCreated`."""

    service: ClassVar[str] = "callops"

    @classmethod
    def topic(cls) -> str:
        return f"{cls.service}.{cls.__name__}"

    def payload(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


def _plain(value: Any) -> Any:
    """JSON-safe values: Decimal and dates as strings so nothing loses precision."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, list | tuple | frozenset | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value
