"""A contract as ContractService returns it, mapped to what the alert workers watch."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from google.type import date_pb2, money_pb2

from callops.contract.v1 import contract_pb2 as pb
from services.alerts.adapters.contract_client import to_snapshot
from services.alerts.domain.watched import approval_key


def _day(d: date) -> date_pb2.Date:
    return date_pb2.Date(year=d.year, month=d.month, day=d.day)


def _cny(units: int, nanos: int = 0) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", units=units, nanos=nanos)


def test_payments_deliveries_and_state_are_mapped() -> None:
    message = pb.Contract(
        name="contracts/c1",
        number="HT-2026-000001",
        title="智能客服系统采购合同",
        owner="users/zhang.san",
        state=pb.Contract.STATE_ACTIVE,
        end_date=_day(date(2026, 12, 31)),
        total_amount=_cny(120000, 500_000_000),
        etag="7",
        payment_milestones=[
            pb.PaymentMilestone(name="contracts/c1/milestones/m1", display_name="首付款",
                                due_date=_day(date(2026, 4, 1)), amount=_cny(36000),
                                received_amount=_cny(36000)),
            pb.PaymentMilestone(name="contracts/c1/milestones/m2", display_name="尾款",
                                due_date=_day(date(2026, 9, 1)), amount=_cny(84000),
                                received_amount=_cny(40000)),
        ],
        delivery_milestones=[
            pb.DeliveryMilestone(id="d1", kind=pb.DeliveryMilestone.KIND_ACCEPTANCE,
                                 title="系统终验", due_date=_day(date(2026, 6, 1)),
                                 state=pb.DeliveryMilestone.STATE_COMPLETED,
                                 completed_date=_day(date(2026, 5, 30))),
        ],
    )  # fmt: skip
    snap = to_snapshot(message)
    assert (snap.state, snap.version, snap.total_amount) == ("ACTIVE", 7, Decimal("120000.5"))
    assert snap.approval is None
    first, last, accept = snap.milestones
    assert (first.kind, first.settled, last.settled) == ("PAYMENT", True, False)
    assert last.received_amount == Decimal(40000)
    assert accept.name == "contracts/c1/deliveryMilestones/d1"
    assert (accept.kind, accept.settled, accept.completed_date) == (
        "ACCEPTANCE",
        True,
        date(2026, 5, 30),
    )


def test_the_step_waiting_and_since_when() -> None:
    decided = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    message = pb.Contract(
        name="contracts/c2",
        state=pb.Contract.STATE_PENDING_APPROVAL,
        current_approval_step=1,
        approval_steps=[
            pb.ApprovalStep(display_name="部门经理", approver="users/wang.wu",
                            state=pb.ApprovalStep.STATE_APPROVED),
            pb.ApprovalStep(display_name="法务", approver_role="legal",
                            state=pb.ApprovalStep.STATE_PENDING),
        ],
        approval_decisions=[
            pb.ApprovalDecision(round=1, step="部门经理", approved=False),
            pb.ApprovalDecision(round=2, step="部门经理", approved=True),
        ],
    )  # fmt: skip
    message.approval_steps[0].decide_time.FromDatetime(decided)
    wait = to_snapshot(message).approval
    assert wait is not None
    # One rejection before: the second round, its second step; waiting since step 1's decision.
    assert (wait.waiting_for, wait.key, wait.since) == ("legal", approval_key(2, 1), decided)
