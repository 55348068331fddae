"""Conversions between protobuf well-known types and Python values, for every servicer."""

from __future__ import annotations

import enum
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from google.protobuf import timestamp_pb2
from google.type import date_pb2, money_pb2

from services.common.errors import InvalidArgument

E = TypeVar("E", bound=enum.Enum)
NANOS = Decimal(1_000_000_000)
_ID = re.compile(r"^[0-9a-f]{32}$")


def parse_name(name: str, collection: str, field: str) -> str:
    """`customers/0f3a...` -> `0f3a...`; anything else is the request's fault."""
    prefix = collection + "/"
    if not name.startswith(prefix) or not _ID.fullmatch(name[len(prefix) :]):  # no "\n" after $
        raise InvalidArgument.of(
            field, f"must be a resource name like {collection}/<32 hex digits>"
        )
    return name[len(prefix) :]


def parse_nested_name(name: str, parent: str, child: str, field: str) -> tuple[str, str]:
    """`interactions/<id>/todos/<id>` -> (parent id, child id)."""
    match = re.fullmatch(rf"{parent}/([0-9a-f]{{32}})/{child}/([0-9a-f]{{32}})", name)
    if match is None:
        raise InvalidArgument.of(field, f"must be a name like {parent}/<id>/{child}/<id>")
    return match.group(1), match.group(2)


def parse_optional_name(name: str, collection: str, field: str) -> str | None:
    return parse_name(name, collection, field) if name else None


def timestamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(value.astimezone(UTC))
    return ts


def from_timestamp(
    ts: timestamp_pb2.Timestamp, present: bool, field: str = "timestamp"
) -> datetime | None:
    """An unset Timestamp is None; one outside 0001-9999 or with bad nanos is refused."""
    if not present:
        return None
    try:
        return ts.ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise InvalidArgument.of(
            field, "not a valid timestamp (years 1-9999, nanos 0-999999999)"
        ) from None


def to_date(value: date | None) -> date_pb2.Date | None:
    if value is None:
        return None
    return date_pb2.Date(year=value.year, month=value.month, day=value.day)


def from_date(value: date_pb2.Date, field: str) -> date | None:
    """An all-zero Date is unset; a partial or impossible one is refused."""
    if value.year == value.month == value.day == 0:
        return None
    try:
        return date(value.year, value.month, value.day)
    except ValueError:
        raise InvalidArgument.of(
            field, "not a calendar date (year, month and day are needed)"
        ) from None


def to_money(amount: Decimal | None) -> money_pb2.Money | None:
    if amount is None:
        return None
    units = int(amount)
    nanos = int((amount - units) * NANOS)
    return money_pb2.Money(currency_code="CNY", units=units, nanos=nanos)


def from_money(value: money_pb2.Money, field: str) -> Decimal:
    if value.currency_code not in ("", "CNY"):
        raise InvalidArgument.of(f"{field}.currency_code", "only CNY amounts are accepted")
    if not -999_999_999 <= value.nanos <= 999_999_999 or (value.units * value.nanos < 0):
        raise InvalidArgument.of(f"{field}.nanos", "out of range or of the wrong sign")
    return Decimal(value.units) + Decimal(value.nanos) / NANOS


class EnumMap(Generic[E]):
    """A domain enum and its proto twin, matched by name: `Grade.KEY` <-> `GRADE_KEY`."""

    def __init__(self, wrapper: Any, prefix: str, cls: type[E]) -> None:
        self._wrapper, self._prefix, self._cls = wrapper, prefix + "_", cls

    def out(self, value: E) -> Any:
        return self._wrapper.Value(self._prefix + value.name)

    def into(self, number: int, field: str) -> E:
        try:
            name = self._wrapper.Name(number)
        except ValueError:
            raise InvalidArgument.of(field, f"unknown enum value {number}") from None
        return self._cls[name.removeprefix(self._prefix)]

    def filter_values(self) -> frozenset[str]:
        return frozenset(self._wrapper.keys()) - {self._prefix + "UNSPECIFIED"}

    def from_filter(self, value: str) -> E:
        """A value already checked against `filter_values`."""
        return self._cls[value.removeprefix(self._prefix)]
