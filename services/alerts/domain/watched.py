"""What the alert workers watch, as read from the other services: a contract with its
milestones and current approval step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

PAYMENT = "PAYMENT"
DELIVERY = "DELIVERY"
ACCEPTANCE = "ACCEPTANCE"


@dataclass(frozen=True)
class Milestone:
    name: str  # contracts/{id}/milestones/{id} or contracts/{id}/deliveryMilestones/{id}
    kind: str  # PAYMENT, DELIVERY, ACCEPTANCE
    title: str
    due_date: date | None
    amount: Decimal | None = None
    received_amount: Decimal | None = None
    # Paid in full, or delivered / accepted: nothing left to remind about.
    settled: bool = False
    completed_date: date | None = None


@dataclass(frozen=True)
class ApprovalWait:
    """The step a contract waits at: who decides ("users/x" or a role), a key that changes
    with every step and round, and since when it waits when the contract says so."""

    waiting_for: str
    key: int
    since: datetime | None


@dataclass(frozen=True)
class ContractSnapshot:
    name: str
    number: str
    title: str
    customer: str
    owner: str
    department: str
    state: str  # ACTIVE, PENDING_APPROVAL, ... (without the STATE_ prefix)
    end_date: date | None
    total_amount: Decimal | None
    version: int
    updated_at: datetime
    approval: ApprovalWait | None = None
    milestones: tuple[Milestone, ...] = field(default_factory=tuple)


def approval_key(round_: int, step: int) -> int:
    """One number per (approval round, step): a resubmitted contract waits anew."""
    return round_ * 100 + step
