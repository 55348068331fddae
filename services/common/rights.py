"""Roles and the rights they carry; the default policy, overridable by configuration."""

from __future__ import annotations

from collections.abc import Mapping

# Rights that unlock data rather than actions: without them the data is masked.
PII = "pii"
CONTRACT_AMOUNT = "contract_amount"

ROLES = ("agent", "supervisor", "sales", "legal", "finance", "admin", "service")

_READ = {"customers.read"}
_FRONT_LINE = _READ | {"interactions.write", "tickets.write", "surveys.write"}

DEFAULT_ROLE_RIGHTS: Mapping[str, frozenset[str]] = {
    # Agents see who calls but, by default, not the full number or name (隐私信息保护).
    "agent": frozenset(_FRONT_LINE),
    "supervisor": frozenset(_FRONT_LINE | {"customers.write", "surveys.respond", PII}),
    "sales": frozenset(_FRONT_LINE | {"customers.write", PII, CONTRACT_AMOUNT}),
    "legal": frozenset(_READ | {CONTRACT_AMOUNT}),
    "finance": frozenset(_READ | {CONTRACT_AMOUNT}),
    "admin": frozenset(
        _FRONT_LINE
        | {"customers.write", "customers.delete", "customers.merge", "customers.figures"}
        | {"surveys.respond", PII, CONTRACT_AMOUNT}
    ),
    # Other services act for themselves; they mask for their own users.
    "service": frozenset(_READ | {"customers.figures", PII, CONTRACT_AMOUNT}),
}
