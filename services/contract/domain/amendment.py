"""Amendments (合同变更) of contracts in force, and the versions they produce. Pure Python."""

from __future__ import annotations

import difflib
import enum
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from services.common.errors import FailedPrecondition, PermissionDenied, Violations
from services.contract.domain.approval import ApprovalChain, ApprovalStep
from services.contract.domain.model import (
    Contract,
    DeliveryKind,
    DeliveryMilestone,
    DisputeResolution,
    LineItem,
    PaymentMilestone,
    check_consistency,
)

# What an amendment may change. Milestones named after existing ones keep their payments
# (or completion); the total follows the line items and the milestones must add up to it.
AMENDABLE_FIELDS = frozenset(
    {
        "title",
        "end_date",
        "payment_terms",
        "breach_liability",
        "dispute_resolution",
        "line_items",
        "payment_milestones",
        "delivery_milestones",
    }
)
# Compared line by line in a diff.
TEXT_FIELDS = ("title", "payment_terms", "breach_liability")


class AmendmentState(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    PENDING_APPROVAL = "PENDING_APPROVAL"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


def snapshot_values(values: dict[str, Any]) -> dict[str, Any]:
    """Amendable domain values as JSON values, as in Contract.snapshot(); milestones with
    their ids, which say which existing ones they keep."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, date):
            out[name] = value.isoformat()
        elif isinstance(value, enum.Enum):
            out[name] = value.name
        elif name == "line_items":
            out[name] = [i.to_json() for i in value]
        elif name == "payment_milestones":
            out[name] = [
                {
                    "id": m.id,
                    "display_name": m.display_name,
                    "due_date": m.due_date.isoformat(),
                    "amount": str(m.amount),
                }
                for m in value
            ]
        elif name == "delivery_milestones":
            out[name] = [
                {
                    "id": m.id,
                    "kind": m.kind.name,
                    "title": m.title,
                    "due_date": m.due_date.isoformat(),
                }
                for m in value
            ]
        else:
            out[name] = value
    return out


def keep_milestones(
    v: Violations,
    prefix: str,
    contract: Contract,
    checked: dict[str, Any],
    refs: dict[str, list[str]],
) -> None:
    """Gives proposed milestones that name an existing one (`refs`: its id, or "") that id,
    so the amendment keeps it with its payments or completion."""
    for field_name, existing in (
        ("payment_milestones", {m.id for m in contract.payment_milestones}),
        ("delivery_milestones", {m.id for m in contract.delivery_milestones}),
    ):
        seen: set[str] = set()
        for i, ref in enumerate(refs.get(field_name, [])):
            if not ref:
                continue
            path = f"{prefix}.{field_name}[{i}]"
            if ref not in existing:
                v.add(path, "names no milestone of this contract")
            elif ref in seen:
                v.add(path, "names a milestone another one already keeps")
            else:
                seen.add(ref)
                checked[field_name][i].id = ref


def apply_changes(contract: Contract, changes: dict[str, Any], prefix: str) -> None:
    """Sets an amendment's values (JSON, as stored) on the contract. Kept payment milestones
    keep their payments and may not drop below them; kept delivery milestones keep their
    completion; one with payments or completed may not be left out. Then the rules across
    fields (the milestones add up to the total) are checked. InvalidArgument on what fails."""
    v = Violations()
    for name, value in changes.items():
        if name == "end_date":
            contract.end_date = date.fromisoformat(value)
        elif name == "dispute_resolution":
            contract.dispute_resolution = DisputeResolution[value]
        elif name == "line_items":
            contract.line_items = [LineItem.from_json(i) for i in value]
        elif name == "payment_milestones":
            paid = {m.id: m for m in contract.payment_milestones}
            contract.payment_milestones = []
            for i, m in enumerate(value):
                old = paid.pop(m["id"], None)
                milestone = PaymentMilestone(
                    m["id"],
                    m["display_name"],
                    date.fromisoformat(m["due_date"]),
                    Decimal(m["amount"]),
                    list(old.payments) if old else [],
                )
                if milestone.amount < milestone.received_amount:
                    v.add(
                        f"{prefix}.payment_milestones[{i}].amount",
                        f"less than the {milestone.received_amount} already received",
                    )
                contract.payment_milestones.append(milestone)
            for left in paid.values():
                if left.payments:
                    v.add(
                        f"{prefix}.payment_milestones",
                        f"{left.display_name} has payments: keep it by naming it",
                    )
        elif name == "delivery_milestones":
            done = {m.id: m for m in contract.delivery_milestones}
            contract.delivery_milestones = []
            for m in value:
                old_delivery = done.pop(m["id"], None)
                contract.delivery_milestones.append(
                    DeliveryMilestone(
                        m["id"],
                        DeliveryKind[m["kind"]],
                        m["title"],
                        date.fromisoformat(m["due_date"]),
                        old_delivery.completed_date if old_delivery else None,
                        old_delivery.completed_by if old_delivery else "",
                    )
                )
            for left_delivery in done.values():
                if left_delivery.completed_date is not None:
                    v.add(
                        f"{prefix}.delivery_milestones",
                        f"{left_delivery.title} is completed: keep it by its id",
                    )
        else:
            setattr(contract, name, value)
    v.raise_if_any()
    check_consistency(contract, prefix)


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
    ) -> tuple[bool, ApprovalStep]:
        """Approves or rejects the first pending step the user may decide: (whether the whole
        chain is now approved, the step decided)."""
        if self.state is not AmendmentState.PENDING_APPROVAL:
            raise FailedPrecondition(
                f"the amendment is {self.state.name}, not waiting for a decision",
                reason="ILLEGAL_STATE_TRANSITION",
                metadata={"state": self.state.name},
            )
        index = self.approval.step_for(user_name, roles, department)
        if index is None:
            raise PermissionDenied(
                "the pending steps wait for " + self.approval.waiting_for,
                reason="NOT_CURRENT_APPROVER",
                metadata={
                    "step": ",".join(s.display_name for s in self.approval.pending),
                    "waiting_for": self.approval.waiting_for,
                },
            )
        step = self.approval.steps[index]
        final = self.approval.decide(index, approved, user_name, opinion, now)
        if not approved:
            self.state = AmendmentState.REJECTED
        elif final:
            self.state = AmendmentState.APPROVED
        return final, step


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
