"""What users type, turned into request values; a bad one is a usage error (exit 2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import typer
from google.type import date_pb2, money_pb2

NANOS = Decimal(1_000_000_000)


def choice(wrapper: Any, prefix: str, text: str, param: str) -> Any:
    """`enterprise` or `KIND_ENTERPRISE` -> the enum number of `wrapper` (typed Any: the
    generated stubs give each enum its own type)."""
    wanted = text.strip().upper().replace("-", "_")
    full = wanted if wanted.startswith(prefix + "_") else f"{prefix}_{wanted}"
    # An enum wrapper is not a dict: keys() is its API.
    names = [n for n in wrapper.keys() if not n.endswith("_UNSPECIFIED")]  # noqa: SIM118
    if full not in names:
        allowed = ", ".join(n.removeprefix(prefix + "_").lower() for n in names)
        raise typer.BadParameter(f"{text!r} is not one of: {allowed}", param_hint=param)
    return int(wrapper.Value(full))


def resource(collection: str, value: str) -> str:
    """`c0ffee...` or `customers/c0ffee...` -> `customers/c0ffee...`."""
    value = value.strip()
    return value if value.startswith(collection + "/") else f"{collection}/{value}"


def user(value: str) -> str:
    return resource("users", value)


def money(text: str, param: str) -> money_pb2.Money:
    """`150000`, `150,000.50` or `¥150000` -> CNY money."""
    try:
        amount = Decimal(text.replace(",", "").replace("¥", "").strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():  # Decimal reads "NaN" and "Infinity" too
        raise typer.BadParameter(f"{text!r} is not an amount such as 150000.00", param_hint=param)
    units = int(amount)
    return money_pb2.Money(currency_code="CNY", units=units, nanos=int((amount - units) * NANOS))


def day(text: str, param: str) -> date_pb2.Date:
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date such as 2026-12-31", param_hint=param
        ) from None
    return date_pb2.Date(year=value.year, month=value.month, day=value.day)


def pairs(items: list[str], param: str) -> dict[str, str]:
    """`key=value` options -> a dict."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{item!r} is not KEY=VALUE", param_hint=param)
        out[key.strip()] = value
    return out


def fields(text: str, count: int, param: str, example: str) -> list[str]:
    """`a:b:c` -> its parts, at least `count` of them."""
    parts = [p.strip() for p in text.split(":")]
    if len(parts) < count or not all(parts[:count]):
        raise typer.BadParameter(f"{text!r} does not read like {example}", param_hint=param)
    return parts
