"""Amending line items and milestones over a real gRPC channel: the paid milestone kept by
its name, the total checked, amounts masked in the amendment for readers without them."""

from __future__ import annotations

import json
from datetime import date

from google.protobuf import field_mask_pb2

from callops.contract.v1 import contract_pb2 as pb
from tests.contract_fixtures import ContractCaller
from tests.e2e.helpers import INVALID, cny, day, expect
from tests.e2e.test_contract_amendments import active, decide_all

SALES = ("sales",)


def amend(
    contract: pb.Contract, quantity: str, *milestones: pb.PaymentMilestone
) -> pb.AmendContractRequest:
    item = pb.LineItem()
    item.CopyFrom(contract.line_items[0])
    item.quantity = quantity
    item.ClearField("amount")
    item.ClearField("tax_amount")
    return pb.AmendContractRequest(
        contract=pb.Contract(
            name=contract.name,
            etag=contract.etag,
            line_items=[item],
            payment_milestones=list(milestones),
        ),
        update_mask=field_mask_pb2.FieldMask(paths=["line_items", "payment_milestones"]),
        reason="客户追加采购两台",
        impact="总价增加2,000元，尾款相应增加",
    )


def kept(m: pb.PaymentMilestone, units: int) -> pb.PaymentMilestone:
    return pb.PaymentMilestone(
        name=m.name, display_name=m.display_name, due_date=m.due_date, amount=cny(units)
    )


async def test_line_items_and_milestones_amended(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await active(c)
    contract = await c.stub.RecordPayment(
        pb.RecordPaymentRequest(milestone=contract.payment_milestones[0].name, amount=cny(3000)),
        metadata=c.as_("finance", user="cai.wu"),
    )
    first, second = contract.payment_milestones
    request = amend(contract, "12", kept(first, 3000), kept(second, 9000))
    request.contract.total_amount.CopyFrom(cny(12000))
    amendment = await c.stub.AmendContract(request, metadata=c.as_(*SALES))
    changes = json.loads(amendment.changes_json)
    assert changes["line_items"][0]["quantity"] == "12"
    # Readers without amounts see that the schedule changes, not the amounts.
    seen = await c.stub.ApproveContractAmendment(
        pb.ApproveContractAmendmentRequest(name=amendment.name, opinion="同意"),
        metadata=c.as_("supervisor", user="zhu.guan"),
    )
    masked = json.loads(seen.changes_json)
    assert (
        masked["line_items"][0]["quantity"] == "12" and "unit_price" not in masked["line_items"][0]
    )
    assert [m["display_name"] for m in masked["payment_milestones"]] == ["预付款", "尾款"]
    assert "amount" not in seen.changes_json
    assert (await decide_all(c, seen)).state == pb.ContractAmendment.STATE_APPROVED
    got = await c.stub.GetContract(
        pb.GetContractRequest(name=contract.name), metadata=c.as_(*SALES)
    )
    assert got.total_amount.units == 12000 and got.line_items[0].quantity == "12"
    assert [(m.name, m.amount.units, m.received_amount.units) for m in got.payment_milestones] == [
        (first.name, 3000, 3000),
        (second.name, 9000, 0),
    ]
    diff = await c.stub.DiffContractVersions(
        pb.DiffContractVersionsRequest(name=contract.name, from_version=1, to_version=2),
        metadata=c.as_("supervisor", user="zhu.guan"),
    )
    # Only the quantity is told; the milestones changed only in amount, so not at all.
    assert [f.field for f in diff.fields] == ["line_items"]
    assert json.loads(diff.fields[0].after_json)[0] == {
        "display_name": "服务器",
        "model": "R750",
        "spec": "2U",
        "quantity": "12",
        "unit": "台",
        "tax_rate": "0.13",
    }


async def test_bad_schedules_name_the_field(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await active(c)
    contract = await c.stub.RecordPayment(
        pb.RecordPaymentRequest(milestone=contract.payment_milestones[0].name, amount=cny(3000)),
        metadata=c.as_("finance", user="cai.wu"),
    )
    first, second = contract.payment_milestones
    # The milestones do not add up to the new total.
    await expect(
        c.stub.AmendContract(
            amend(contract, "12", kept(first, 3000), kept(second, 7000)), metadata=c.as_(*SALES)
        ),
        INVALID,
        "contract.payment_milestones",
    )
    # A given total that is not the line items' sum.
    wrong_total = amend(contract, "12", kept(first, 3000), kept(second, 9000))
    wrong_total.contract.total_amount.CopyFrom(cny(10000))
    await expect(
        c.stub.AmendContract(wrong_total, metadata=c.as_(*SALES)), INVALID, "contract.total_amount"
    )
    # The paid milestone left out.
    fresh = pb.PaymentMilestone(
        display_name="全款", due_date=day(date(2027, 1, 1)), amount=cny(12000)
    )
    await expect(
        c.stub.AmendContract(amend(contract, "12", fresh), metadata=c.as_(*SALES)),
        INVALID,
        "contract.payment_milestones",
    )
    # A malformed milestone name.
    bad_name = kept(first, 3000)
    bad_name.name = "milestones/x"
    await expect(
        c.stub.AmendContract(
            amend(contract, "12", bad_name, kept(second, 9000)), metadata=c.as_(*SALES)
        ),
        INVALID,
        "contract.payment_milestones[0].name",
    )
