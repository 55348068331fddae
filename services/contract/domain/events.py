"""What happens to contracts, as events the customer service, search and alerts react to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.common.events import Event


@dataclass(frozen=True)
class ContractEvent(Event):
    service = "contract"


@dataclass(frozen=True)
class ContractChanged(ContractEvent):
    """Any recorded change of a contract (created, updated, a state change, a payment...):
    the feed search indexes from, so a draft is findable as soon as it is saved."""

    contract: str
    action: str


@dataclass(frozen=True)
class ContractSubmitted(ContractEvent):
    contract: str
    waiting_for: str  # the role or person of the first step: who is notified


@dataclass(frozen=True)
class ContractApproved(ContractEvent):
    """One step approved; `final` when the whole chain is."""

    contract: str
    step: str
    approver: str
    final: bool
    waiting_for: str


@dataclass(frozen=True)
class ContractRejected(ContractEvent):
    contract: str
    step: str
    approver: str


@dataclass(frozen=True)
class ContractSigned(ContractEvent):
    contract: str
    party: str


@dataclass(frozen=True)
class ContractActivated(ContractEvent):
    contract: str
    customer: str


@dataclass(frozen=True)
class ContractTerminated(ContractEvent):
    contract: str
    termination_date: date
    reason: str


@dataclass(frozen=True)
class ContractRenewed(ContractEvent):
    contract: str
    successor: str


@dataclass(frozen=True)
class PaymentReceived(ContractEvent):
    contract: str
    milestone: str
    amount: Decimal
    received_date: date


@dataclass(frozen=True)
class CustomerFiguresChanged(ContractEvent):
    """The payload the customer service consumes to grade and rate the customer."""

    customer: str
    annual_contract_amount: Decimal
    longest_overdue_days: int
    cooperation_start_date: date | None


@dataclass(frozen=True)
class DocumentStored(ContractEvent):
    """A contract document completely stored; search indexes its text from the document."""

    contract: str
    document: str
    sha256: str
    size: int
    content_type: str
    text_length: int


@dataclass(frozen=True)
class ContractAmended(ContractEvent):
    """An approved amendment applied: the contract's values changed and `version` is new."""

    contract: str
    amendment: str
    version: int
    fields: list[str]


@dataclass(frozen=True)
class DeliveryMilestoneCompleted(ContractEvent):
    """A delivery (交付) or acceptance (验收) recorded as done; alerts stop chasing it."""

    contract: str
    milestone_id: str
    kind: str
    title: str
    completed_date: date
