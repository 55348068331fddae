"""Amendments (合同变更) of contracts in force, and the versions they produce. Pure Python."""

from __future__ import annotations

import difflib
import enum
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.common.errors import FailedPrecondition, PermissionDenied
from services.contract.domain.approval import ApprovalChain, ApprovalDecision, StepState

# What an amendment may change: the rest (line items, milestones) carries payments.
AMENDABLE_FIELDS = frozenset(
    {"title", "end_date", "payment_terms", "breach_liability", "dispute_resolution"}
)
# Compared line by line in a diff.
TEXT_FIELDS = ("title", "payment_terms", "breach_liability")


class AmendmentState(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    PENDING_APPROVAL = "PENDING_APPROVAL"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


def snapshot_values(values: dict[str, Any]) -> dict[str, Any]:
    """Amendable domain values as JSON values, as in Contract.snapshot()."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, date):
            out[name] = value.isoformat()
        elif isinstance(value, enum.Enum):
            out[name] = value.name
        else:
            out[name] = value
    return out


@dataclass
class Amendment:
    id: str
    contract_id: str
    reason: str
    impact: str
    evidence: list[str]
    changes: dict[str, Any]  # JSON values of the changed fields, after the change
    base_version: int
    created_by: str
    created_at: datetime
    state: AmendmentState = AmendmentState.PENDING_APPROVAL
    approval: ApprovalChain = field(default_factory=ApprovalChain)
    result_version: int = 0
    revision: int = 0  # compare-and-set: of two concurrent decisions one wins

    @property
    def resource_name(self) -> str:
        return f"contracts/{self.contract_id}/amendments/{self.id}"

    def decide(
        self,
        approved: bool,
        user_name: str,
        roles: frozenset[str],
        department: str,
        opinion: str,
        now: datetime,
    ) -> bool:
        """Approves or rejects the current step; True when the whole chain is approved."""
        if self.state is not AmendmentState.PENDING_APPROVAL:
            raise FailedPrecondition(
                f"the amendment is {self.state.name}, not waiting for a decision",
                reason="ILLEGAL_STATE_TRANSITION",
                metadata={"state": self.state.name},
            )
        index = self.approval.current_index
        step = self.approval.steps[index]
        if not step.may_decide(user_name, roles, department):
            raise PermissionDenied(
                f"step {step.display_name} waits for {step.waiting_for}",
                reason="NOT_CURRENT_APPROVER",
                metadata={"step": step.display_name, "waiting_for": step.waiting_for},
            )
        step.state = StepState.APPROVED if approved else StepState.REJECTED
        step.decided_by, step.opinion, step.decided_at = user_name, opinion, now
        self.approval.decisions.append(
            ApprovalDecision(
                self.approval.round, step.display_name, user_name, approved, opinion, now
            )
        )
        if not approved:
            self.state = AmendmentState.REJECTED
            return False
        if index == len(self.approval.steps) - 1:
            self.state = AmendmentState.APPROVED
            return True
        self.approval.steps[index + 1].state = StepState.PENDING
        return False


@dataclass(frozen=True)
class ContractVersion:
    contract_id: str
    version: int
    values: dict[str, Any]  # Contract.snapshot() of that version
    amendment_id: str | None
    created_by: str
    created_at: datetime

    @property
    def resource_name(self) -> str:
        return f"contracts/{self.contract_id}@{self.version}"


def diff_versions(
    older: dict[str, Any], newer: dict[str, Any]
) -> tuple[list[tuple[str, Any, Any]], str]:
    """The changed fields (name, before, after) by name, and a unified diff of the texts."""
    changed = [
        (k, older.get(k), newer.get(k))
        for k in sorted(set(older) | set(newer))
        if older.get(k) != newer.get(k)
    ]
    lines: list[str] = []
    for name in TEXT_FIELDS:
        before, after = str(older.get(name, "")), str(newer.get(name, ""))
        if before != after:
            lines.extend(
                difflib.unified_diff(
                    before.splitlines(),
                    after.splitlines(),
                    fromfile=f"{name}@before",
                    tofile=f"{name}@after",
                    lineterm="",
                )
            )
    return changed, "\n".join(lines)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
