"""The alert workers' view of the contract service: one contract as the projection stores it,
read with a service token of their own (which shows amounts)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Protocol

import grpc
from google.type import date_pb2, money_pb2

from callops.contract.v1 import contract_pb2 as pb
from callops.contract.v1 import contract_pb2_grpc
from services.alerts.domain.watched import (
    ACCEPTANCE,
    DELIVERY,
    PAYMENT,
    ApprovalWait,
    ContractSnapshot,
    Milestone,
    approval_key,
)
from services.common.auth import ServiceToken
from services.common.config import ServiceSettings
from services.common.errors import Unavailable

SERVICE_USER = "alerts-service"
NANOS = Decimal(1_000_000_000)


class ContractSource(Protocol):
    def get(self, name: str) -> ContractSnapshot | None:
        """The contract's current version; None when it does not exist (any more). Raises
        Unavailable when the contract service cannot answer."""


def _day(value: date_pb2.Date) -> date | None:
    return None if value.year == 0 else date(value.year, value.month, value.day)


def _money(value: money_pb2.Money) -> Decimal | None:
    if not value.currency_code and not value.units and not value.nanos:
        return None
    return Decimal(value.units) + Decimal(value.nanos) / NANOS


def _version(contract: pb.Contract) -> int:
    if contract.etag.isdigit():
        return max(int(contract.etag), 1)
    updated = contract.update_time.ToDatetime(tzinfo=UTC)
    return int((updated - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * 1_000_000) or 1


def _approval(contract: pb.Contract) -> ApprovalWait | None:
    if contract.state != pb.Contract.STATE_PENDING_APPROVAL:
        return None
    index = contract.current_approval_step
    if not 0 <= index < len(contract.approval_steps):
        return None
    step = contract.approval_steps[index]
    waiting_for = step.approver or step.approver_role
    if not waiting_for:
        return None
    # A rejection ends a round; the contract goes back through the chain from the start.
    round_ = 1 + sum(1 for d in contract.approval_decisions if not d.approved)
    since = None
    if index > 0:
        before = contract.approval_steps[index - 1]
        if before.HasField("decide_time"):
            since = before.decide_time.ToDatetime(tzinfo=UTC)
    return ApprovalWait(waiting_for, approval_key(round_, index), since)


def _payment(m: pb.PaymentMilestone) -> Milestone:
    amount, received = _money(m.amount), _money(m.received_amount)
    return Milestone(
        name=m.name,
        kind=PAYMENT,
        title=m.display_name,
        due_date=_day(m.due_date),
        amount=amount,
        received_amount=received,
        settled=amount is not None and (received or Decimal(0)) >= amount,
        completed_date=_day(m.received_date),
    )


def to_snapshot(contract: pb.Contract) -> ContractSnapshot:
    milestones = [_payment(m) for m in contract.payment_milestones]
    for d in contract.delivery_milestones:
        milestones.append(
            Milestone(
                name=f"{contract.name}/deliveryMilestones/{d.id}",
                kind=ACCEPTANCE if d.kind == pb.DeliveryMilestone.KIND_ACCEPTANCE else DELIVERY,
                title=d.title,
                due_date=_day(d.due_date),
                settled=d.state == pb.DeliveryMilestone.STATE_COMPLETED,
                completed_date=_day(d.completed_date),
            )
        )
    return ContractSnapshot(
        name=contract.name,
        number=contract.number,
        title=contract.title,
        customer=contract.customer,
        owner=contract.owner,
        department=contract.department,
        state=pb.Contract.State.Name(contract.state).removeprefix("STATE_"),
        end_date=_day(contract.end_date),
        total_amount=_money(contract.total_amount),
        version=_version(contract),
        updated_at=contract.update_time.ToDatetime(tzinfo=UTC),
        approval=_approval(contract),
        milestones=tuple(milestones),
    )


class GrpcContractSource:
    """GetContract with a `service` token, renewed before it expires."""

    def __init__(self, settings: ServiceSettings, address: str, timeout: float = 10.0) -> None:
        self._channel = grpc.insecure_channel(address)
        self._stub = contract_pb2_grpc.ContractServiceStub(self._channel)
        self._timeout = timeout
        self._token = ServiceToken(settings, SERVICE_USER)

    def _metadata(self) -> tuple[tuple[str, str]]:
        return self._token.metadata()

    def get(self, name: str) -> ContractSnapshot | None:
        try:
            contract = self._stub.GetContract(
                pb.GetContractRequest(name=name), metadata=self._metadata(), timeout=self._timeout
            )
        except grpc.RpcError as exc:
            code = exc.code() if isinstance(exc, grpc.Call) else None
            if code == grpc.StatusCode.NOT_FOUND:
                return None
            raise Unavailable(
                f"the contract service cannot answer now ({code}); retry later",
                reason="CONTRACT_SERVICE_UNAVAILABLE",
            ) from None
        return to_snapshot(contract)

    def close(self) -> None:
        self._channel.close()
