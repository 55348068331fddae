"""Opaque, signed page tokens and the small AIP-160 filter and order_by subset we accept."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.common.config import ServiceSettings
from services.common.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def page_size(requested: int, field: str = "page_size") -> int:
    if requested < 0:
        raise InvalidArgument.of(field, "must not be negative")
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


class PageTokens:
    """A token says where the next page starts (keyset, never an offset) and is bound to the
    query it came from: reused with another filter or order it is refused."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @classmethod
    def for_service(cls, settings: ServiceSettings) -> PageTokens:
        """Every replica of a service must accept the others' tokens: the key is derived from
        the configuration they share, and differs per service."""
        secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else ""
        label = f"page-tokens:{settings.service_name}:{secret or settings.jwt_issuer}"
        return cls(hashlib.sha256(label.encode()).digest())

    def _sign(self, body: bytes) -> bytes:
        return hmac.new(self._secret, body, hashlib.sha256).digest()[:12]

    def encode(self, position: Mapping[str, Any], query: str) -> str:
        body = json.dumps({"p": position, "q": _fingerprint(query)}, separators=(",", ":"))
        raw = body.encode()
        return base64.urlsafe_b64encode(self._sign(raw) + raw).decode().rstrip("=")

    def decode(self, token: str, query: str, field: str = "page_token") -> dict[str, Any] | None:
        if not token:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            mac, body = raw[:12], raw[12:]
            if not hmac.compare_digest(mac, self._sign(body)):
                raise ValueError("bad signature")
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise InvalidArgument.of(field, "not a page token from this list") from None
        if data.get("q") != _fingerprint(query):
            raise InvalidArgument.of(field, "the filter or order changed since this token was made")
        position: dict[str, Any] = data["p"]
        return position


def keyset_position(value: Any, id_: str) -> dict[str, Any]:
    """Where the next page starts: after this sort value and id (dates as ISO strings)."""
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return {"k": value, "id": id_}


def _fingerprint(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()[:16]


_TERM = re.compile(r'\s*([a-z_][a-z0-9_.]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s"()]+)\s*', re.I)


@dataclass(frozen=True)
class FilterField:
    """A filterable field: its allowed values when it is an enum, or free text; `convert`
    turns the text into the value compared, `column` names what it filters when that differs."""

    enum_values: frozenset[str] | None = None
    prefix: bool = False  # `full_name = "上海*"` means starts-with
    convert: Callable[[str], Any] | None = None
    column: str | None = None

    @classmethod
    def of(cls, enum_map: Any) -> FilterField:
        """An enum field, from a services.common.convert.EnumMap."""
        return cls(enum_map.filter_values(), convert=enum_map.from_filter)


def parse_filter(
    text: str, fields: Mapping[str, FilterField], field: str = "filter"
) -> dict[str, Any]:
    """`a = "x" AND b = ENUM_VALUE` -> {"a": "x", "b": <ENUM_VALUE converted>}. Anything else
    is refused with the reason, never ignored, so a typo cannot return everything."""
    terms: dict[str, Any] = {}
    rest = text.strip()
    while rest:
        match = _TERM.match(rest)
        if match is None:
            raise InvalidArgument.of(field, f"expected `field = value` at: {rest[:40]!r}")
        name, value = match.group(1), match.group(2)
        if value.startswith('"'):
            try:
                value = json.loads(value)
            except ValueError:  # a bad escape such as \q, or a raw control character
                raise InvalidArgument.of(field, f"bad quoted value for {name}") from None
        if "\x00" in value:  # no database column can hold it
            raise InvalidArgument.of(field, f"bad value for {name}: NUL character")
        spec = fields.get(name)
        if spec is None:
            raise InvalidArgument.of(
                field, f"unknown field {name!r}; known: {', '.join(sorted(fields))}"
            )
        if spec.enum_values is not None and value not in spec.enum_values:
            raise InvalidArgument.of(
                field, f"{name} must be one of {', '.join(sorted(spec.enum_values))}"
            )
        key = spec.column or name
        if key in terms:
            raise InvalidArgument.of(field, f"{name} given twice")
        terms[key] = spec.convert(value) if spec.convert else value
        rest = rest[match.end() :]
        if rest:
            if not rest.startswith("AND "):
                raise InvalidArgument.of(field, f"terms are joined by AND; got {rest[:20]!r}")
            rest = rest[4:]
    return terms


def parse_order_by(
    text: str, allowed: set[str], default: str, field: str = "order_by"
) -> tuple[str, bool]:
    """`name` or `name desc` -> (name, descending)."""
    parts = (text.strip() or default).split()
    if (
        len(parts) > 2
        or parts[0] not in allowed
        or (len(parts) == 2 and parts[1] not in ("asc", "desc"))
    ):
        raise InvalidArgument.of(
            field, f"use one of {', '.join(sorted(allowed))}, optionally with desc"
        )
    return parts[0], len(parts) == 2 and parts[1] == "desc"
