"""Delivery (交付) and acceptance (验收) milestones over a real gRPC channel: drafted with the
contract, read back by every reader, completed by its owner once it is in force."""

from __future__ import annotations

from datetime import date
from typing import Any

import grpc
from google.protobuf import field_mask_pb2

from callops.contract.v1 import contract_pb2 as pb
from tests.contract_fixtures import ContractCaller
from tests.e2e.helpers import DENIED, FAILED, INVALID, day, expect, outbox
from tests.e2e.test_contract_flows import approve_all, draft, new_customer, sign_both

SALES = ("sales",)
D = pb.DeliveryMilestone


def deliveries() -> list[pb.DeliveryMilestone]:
    return [
        D(kind=D.KIND_DELIVERY, title="服务器到货", due_date=day(date(2027, 1, 5))),
        D(kind=D.KIND_ACCEPTANCE, title="系统终验", due_date=day(date(2027, 2, 1))),
    ]


async def create(c: ContractCaller, *milestones: pb.DeliveryMilestone) -> pb.Contract:
    msg = draft(await new_customer(c))
    msg.delivery_milestones.extend(milestones or deliveries())
    return await c.stub.CreateContract(
        pb.CreateContractRequest(contract=msg), metadata=c.as_(*SALES)
    )


def complete(
    c: ContractCaller, contract: pb.Contract, index: int, *roles: str, **fields: object
) -> Any:
    return c.stub.CompleteDeliveryMilestone(
        pb.CompleteDeliveryMilestoneRequest(
            name=contract.name, milestone_id=contract.delivery_milestones[index].id, **fields
        ),
        metadata=c.as_(*(roles or SALES)),
    )


async def test_drafted_read_and_completed(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await create(c)
    assert [(m.kind, m.title, m.state) for m in contract.delivery_milestones] == [
        (D.KIND_DELIVERY, "服务器到货", D.STATE_PENDING),
        (D.KIND_ACCEPTANCE, "系统终验", D.STATE_PENDING),
    ]
    assert all(len(m.id) == 32 for m in contract.delivery_milestones)
    # Not in force yet: nothing to complete.
    await expect(complete(c, contract, 0), FAILED, reason="CONTRACT_NOT_IN_FORCE")
    contract = await sign_both(c, await approve_all(c, contract))
    done = await complete(
        c, contract, 0, completed_date=day(date(2026, 11, 22)), etag=contract.etag
    )
    first = done.delivery_milestones[0]
    assert (first.state, first.completed_by) == (D.STATE_COMPLETED, "users/zhang.san")
    assert (first.completed_date.year, first.completed_date.month, first.completed_date.day) == (
        2026,
        11,
        22,
    )
    # Readers without amounts (a supervisor) see the milestones all the same.
    seen = await c.stub.GetContract(
        pb.GetContractRequest(name=contract.name), metadata=c.as_("supervisor", user="zhu.guan")
    )
    assert list(seen.delivery_milestones) == list(done.delivery_milestones)
    assert not seen.HasField("total_amount")
    await expect(complete(c, done, 0), FAILED, reason="MILESTONE_ALREADY_COMPLETED")
    await expect(
        complete(c, done, 1, completed_date=day(date(2026, 11, 24))),
        INVALID,
        "completed_date",
    )
    await expect(complete(c, done, 1, etag=contract.etag), grpc.StatusCode.ABORTED)
    assert (
        "contract.ContractChanged",
        {"contract": contract.name, "action": "delivery_completed"},
    ) in outbox(c.app)
    history = await c.stub.ListContractHistory(
        pb.ListContractHistoryRequest(name=contract.name), metadata=c.as_(*SALES)
    )
    assert history.entries[-1].action == "delivery_completed"


async def test_bad_input_names_the_field(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    await expect(
        create(c, D(kind=D.KIND_DELIVERY, title="", due_date=day(date(2027, 1, 5)))),
        INVALID,
        "contract.delivery_milestones[0].title",
    )
    await expect(
        create(c, D(kind=D.KIND_DELIVERY, title="到货")),
        INVALID,
        "contract.delivery_milestones[0].due_date",
    )
    await expect(
        create(c, D(title="到货", due_date=day(date(2027, 1, 5)))),
        INVALID,
        "contract.delivery_milestones[0].kind",
    )
    await expect(
        create(c, D(kind=D.KIND_ACCEPTANCE, title="初验", due_date=day(date(2026, 11, 1)))),
        INVALID,
        "contract.delivery_milestones[0].due_date",
    )
    contract = await create(c)
    await expect(
        c.stub.CompleteDeliveryMilestone(
            pb.CompleteDeliveryMilestoneRequest(name=contract.name), metadata=c.as_(*SALES)
        ),
        INVALID,
        "milestone_id",
    )
    await expect(
        c.stub.CompleteDeliveryMilestone(
            pb.CompleteDeliveryMilestoneRequest(name="contracts/", milestone_id="x"),
            metadata=c.as_(*SALES),
        ),
        INVALID,
        "name",
    )
    # Updating a draft replaces them.
    updated = await c.stub.UpdateContract(
        pb.UpdateContractRequest(
            contract=pb.Contract(name=contract.name, delivery_milestones=deliveries()[:1]),
            update_mask=field_mask_pb2.FieldMask(paths=["delivery_milestones"]),
        ),
        metadata=c.as_(*SALES),
    )
    assert [m.title for m in updated.delivery_milestones] == ["服务器到货"]


async def test_rights(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await sign_both(c, await approve_all(c, await create(c)))
    await expect(complete(c, contract, 0, "agent"), DENIED)
    await expect(complete(c, contract, 0, "finance"), DENIED)
    await expect(complete(c, contract, 0, "legal"), DENIED)
    other = c.stub.CompleteDeliveryMilestone(
        pb.CompleteDeliveryMilestoneRequest(
            name=contract.name, milestone_id=contract.delivery_milestones[0].id
        ),
        metadata=c.as_(*SALES, user="li.si"),
    )
    await expect(other, DENIED, reason="NOT_CONTRACT_OWNER")
