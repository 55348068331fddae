"""How results are shown: rich tables for people, JSON (proto field names) for scripts."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from datetime import UTC
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from google.type import date_pb2, money_pb2
from rich.console import Console
from rich.table import Table
from rich.text import Text

from services.cli.session import USAGE, current, fail

_EM = re.compile(r"<em>(.*?)</em>", re.S)


def console() -> Console:
    # Made per call so that whatever sys.stdout is now (a pipe, a test runner) is used.
    return Console(soft_wrap=False, highlight=False)


def as_dict(message: Message) -> dict[str, Any]:
    """The proto3 JSON mapping with the .proto's field names; empty lists, zeros and empty
    strings are kept so that scripts find every key. Unset messages (such as an amount
    the caller may not see) stay absent."""
    return MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def print_json(value: Message | dict[str, Any] | list[Any]) -> None:
    data = as_dict(value) if isinstance(value, Message) else value
    print(json.dumps(data, ensure_ascii=False, indent=2), flush=True)


def emit(message: Message | dict[str, Any], human: Iterable[Any]) -> None:
    """`--json`: the message; otherwise the renderables `human` yields (lazily built)."""
    if current().json_output:
        print_json(message)
        return
    out = console()
    for renderable in human:
        out.print(renderable)


def fields(title: str, rows: Sequence[tuple[str, Any]]) -> Table:
    """A two-column table of a resource's fields, empty ones left out."""
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for label, value in rows:
        if value not in ("", None, [], 0):
            table.add_row(label, value if isinstance(value, Text) else str(value))
    return table


def rows(title: str, columns: Sequence[str], values: Iterable[Sequence[Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in values:
        table.add_row(*(v if isinstance(v, Text) else str(v) for v in row))
    return table


def money(value: money_pb2.Money, present: bool = True) -> str:
    """¥1,234.50; a dash when the caller may not see amounts (the field is left empty)."""
    if not present:
        return "—"
    amount = Decimal(value.units) + Decimal(value.nanos) / Decimal(1_000_000_000)
    return f"¥{amount:,.2f}"


def day(value: date_pb2.Date) -> str:
    if not value.year:
        return ""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def moment(value: Timestamp, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A time as the company reads it: in CALLOPS_TIMEZONE (the services' setting, by default
    Asia/Shanghai), not in UTC nor in whatever zone the terminal happens to be set to."""
    zone_name = os.environ.get("CALLOPS_TIMEZONE", "Asia/Shanghai")
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        fail(f"CALLOPS_TIMEZONE={zone_name!r} is not a time zone such as Asia/Shanghai", USAGE)
    return value.ToDatetime(tzinfo=UTC).astimezone(zone).strftime(pattern)


def enum_label(full_name: str, prefix: str) -> str:
    """`STATE_PENDING_APPROVAL` -> `pending_approval`: what users type back."""
    return full_name.removeprefix(prefix + "_").lower()


def highlighted(fragment: str) -> Text:
    """A search snippet with its `<em>` matches shown in bold yellow."""
    text = Text()
    position = 0
    for match in _EM.finditer(fragment):
        text.append(fragment[position : match.start()])
        text.append(match.group(1), style="bold yellow")
        position = match.end()
    text.append(fragment[position:])
    return text
