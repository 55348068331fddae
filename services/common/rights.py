"""Roles and the rights they carry; the default policy, overridable by configuration."""

from __future__ import annotations

from collections.abc import Mapping

# Rights that unlock data rather than actions: without them the data is masked.
PII = "pii"
CONTRACT_AMOUNT = "contract_amount"

ROLES = ("agent", "supervisor", "sales", "legal", "finance", "admin", "service")

# Everyone reads customers and the alerts addressed to them.
_READ = {"customers.read", "alerts.read"}
_FRONT_LINE = _READ | {"interactions.write", "tickets.write", "surveys.write"}
# Call center: agents report their softphone's events and work callbacks.
_AGENT_CALLS = {"calls.read", "calls.write", "callbacks.work"}
_SUPERVISE_CALLS = _AGENT_CALLS | {"agents.manage", "wallboard.read", "calls.report"}
# Contracts: sales draft and sign, approvers decide, finance records payments.
_CONTRACT_READ = {"contracts.read"}

DEFAULT_ROLE_RIGHTS: Mapping[str, frozenset[str]] = {
    # Agents see who calls but, by default, not the full number or name (隐私信息保护).
    "agent": frozenset(_FRONT_LINE | _AGENT_CALLS),
    "supervisor": frozenset(
        _FRONT_LINE
        | _SUPERVISE_CALLS
        | _CONTRACT_READ
        | {"customers.write", "surveys.respond", "contracts.approve", "alerts.oversee", PII}
    ),
    "sales": frozenset(
        _FRONT_LINE
        | _CONTRACT_READ
        | {"customers.write", "contracts.write", "contracts.sign", "contracts.report", PII}
        | {CONTRACT_AMOUNT}
    ),
    "legal": frozenset(
        _READ
        | _CONTRACT_READ
        | {"contracts.approve", "contracts.templates", "contracts.search"}
        | {CONTRACT_AMOUNT}
    ),
    "finance": frozenset(
        _READ | _CONTRACT_READ | {"payments.write", "contracts.report", CONTRACT_AMOUNT}
    ),
    "admin": frozenset(
        _FRONT_LINE
        | _SUPERVISE_CALLS
        | _CONTRACT_READ
        | {"customers.write", "customers.delete", "customers.merge", "customers.figures"}
        | {"surveys.respond", "contracts.write", "contracts.approve", "contracts.sign"}
        | {"contracts.templates", "contracts.report", "contracts.search", "payments.write"}
        | {"alerts.oversee", "alerts.directory", PII, CONTRACT_AMOUNT}
    ),
    # Other services act for themselves; they mask for their own users.
    "service": frozenset(
        _READ
        | _CONTRACT_READ
        | {"customers.figures", "calls.read", "contracts.search"}
        | {PII, CONTRACT_AMOUNT}
    ),
}
