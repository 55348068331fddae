"""The contract service over a real gRPC channel with real tokens, checking customers with
the real customer service: the lifecycle, bad input, rights and masking."""

from __future__ import annotations

from datetime import date
from typing import Any

import grpc
import pytest
from google.protobuf import field_mask_pb2

from callops.contract.v1 import contract_pb2 as pb
from callops.customer.v1 import customer_pb2 as cpb
from services.common.errors import Unavailable
from services.contract.adapters.customer_client import GrpcCustomerDirectory
from tests.contract_fixtures import ContractCaller, contract_settings
from tests.e2e.helpers import (
    DENIED,
    FAILED,
    INVALID,
    UNKNOWN_ID,
    cny,
    customer,
    day,
    expect,
    outbox,
)
from tests.servers import free_port

ABORTED = grpc.StatusCode.ABORTED
SALES = ("sales",)


async def new_customer(c: ContractCaller) -> str:
    made = await c.customers.CreateCustomer(
        cpb.CreateCustomerRequest(customer=customer()), metadata=c.as_("sales")
    )
    return made.name


def draft(
    customer_name: str, price: int = 1000, quantity: str = "10", **fields: Any
) -> pb.Contract:
    amount = price * int(quantity)
    msg = pb.Contract(
        title="服务器采购合同",
        kind=pb.Contract.KIND_PRODUCT_SALE,
        customer=customer_name,
        owner="users/zhang.san",
        department="华东销售部",
        payment_terms="预付30%，验收后付70%",
        breach_liability="逾期每日万分之五",
        dispute_resolution=pb.Contract.DISPUTE_RESOLUTION_ARBITRATION,
        line_items=[
            pb.LineItem(
                display_name="服务器",
                model="R750",
                spec="2U",
                quantity=quantity,
                unit="台",
                unit_price=cny(price),
                tax_rate="0.13",
            )
        ],
        payment_milestones=[
            pb.PaymentMilestone(display_name="预付款", amount=cny(amount * 3 // 10)),
            pb.PaymentMilestone(display_name="尾款", amount=cny(amount - amount * 3 // 10)),
        ],
        **fields,
    )
    msg.start_date.year, msg.start_date.month, msg.start_date.day = 2026, 12, 1
    msg.end_date.year, msg.end_date.month, msg.end_date.day = 2027, 11, 30
    for m, (month, year) in zip(msg.payment_milestones, ((12, 2026), (3, 2027)), strict=True):
        m.due_date.year, m.due_date.month, m.due_date.day = year, month, 10
    return msg


async def create(c: ContractCaller, **fields: Any) -> pb.Contract:
    name = await new_customer(c)
    return await c.stub.CreateContract(
        pb.CreateContractRequest(contract=draft(name, **fields)), metadata=c.as_(*SALES)
    )


async def approve_all(c: ContractCaller, contract: pb.Contract) -> pb.Contract:
    contract = await c.stub.SubmitContract(
        pb.SubmitContractRequest(name=contract.name), metadata=c.as_(*SALES)
    )
    users = {"supervisor": "zhu.guan", "legal": "fa.wu", "admin": "zong.jing.li"}
    while contract.state == pb.Contract.STATE_PENDING_APPROVAL:
        role = contract.approval_steps[contract.current_approval_step].approver_role
        contract = await c.stub.ApproveContract(
            pb.ApproveContractRequest(name=contract.name, opinion=f"{role} 同意"),
            metadata=c.as_(role, user=users[role]),
        )
    return contract


async def sign_both(c: ContractCaller, contract: pb.Contract) -> pb.Contract:
    for party, who in ((pb.Signature.PARTY_OURS, "王总"), (pb.Signature.PARTY_CUSTOMER, "李总")):
        contract = await c.stub.SignContract(
            pb.SignContractRequest(name=contract.name, party=party, signatory=who),
            metadata=c.as_(*SALES),
        )
    return contract


async def test_the_whole_lifecycle(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await create(c)
    assert contract.number == "HT-2026-000001"
    assert contract.state == pb.Contract.STATE_DRAFT
    assert contract.total_amount.units == 10000
    assert contract.line_items[0].amount.units == 10000
    assert contract.line_items[0].tax_amount.units == 1150  # 10000 * 0.13 / 1.13 = 1150.44
    contract = await approve_all(c, contract)
    assert contract.state == pb.Contract.STATE_APPROVED
    assert [s.approver_role for s in contract.approval_steps] == ["supervisor", "legal"]
    assert [d.opinion for d in contract.approval_decisions] == ["supervisor 同意", "legal 同意"]
    contract = await sign_both(c, contract)
    assert contract.state == pb.Contract.STATE_ACTIVE
    contract = await c.stub.RecordPayment(
        pb.RecordPaymentRequest(milestone=contract.payment_milestones[0].name, amount=cny(3000)),
        metadata=c.as_("finance", user="cai.wu"),
    )
    assert contract.payment_progress_percent == 30.0
    assert contract.payment_milestones[0].received_amount.units == 3000
    successor = await c.stub.RenewContract(
        pb.RenewContractRequest(name=contract.name, end_date=day(date(2028, 11, 30))),
        metadata=c.as_(*SALES),
    )
    assert successor.predecessor == contract.name
    old = await c.stub.GetContract(
        pb.GetContractRequest(name=contract.name), metadata=c.as_(*SALES)
    )
    assert old.state == pb.Contract.STATE_RENEWED and old.successor == successor.name
    old = await c.stub.ArchiveContract(
        pb.ArchiveContractRequest(name=contract.name), metadata=c.as_(*SALES)
    )
    assert old.state == pb.Contract.STATE_ARCHIVED
    history = await c.stub.ListContractHistory(
        pb.ListContractHistoryRequest(name=contract.name), metadata=c.as_(*SALES)
    )
    assert [e.action for e in history.entries] == [
        "created",
        "submitted",
        "approved",
        "approved",
        "signed",
        "signed",
        "payment_recorded",
        "renewed",
        "archived",
    ]
    topics = [t for t, _ in outbox(c.app)]
    assert "contract.CustomerFiguresChanged" in topics and "contract.ContractRenewed" in topics


async def test_a_pending_change_restarts_and_a_stale_etag_is_aborted(
    grpc_contract: ContractCaller,
) -> None:
    c = grpc_contract
    contract = await create(c)
    contract = await c.stub.SubmitContract(
        pb.SubmitContractRequest(name=contract.name), metadata=c.as_(*SALES)
    )
    contract = await c.stub.ApproveContract(
        pb.ApproveContractRequest(name=contract.name, opinion="部门同意", etag=contract.etag),
        metadata=c.as_("supervisor"),
    )
    await expect(
        c.stub.ApproveContract(
            pb.ApproveContractRequest(name=contract.name, etag="1"), metadata=c.as_("legal")
        ),
        ABORTED,
    )
    bigger = draft(contract.customer, price=100_000, quantity="6", name=contract.name)
    contract = await c.stub.UpdateContract(
        pb.UpdateContractRequest(
            contract=bigger,
            update_mask=field_mask_pb2.FieldMask(paths=["line_items", "payment_milestones"]),
        ),
        metadata=c.as_(*SALES),
    )
    assert contract.current_approval_step == 0
    assert len(contract.approval_steps) == 3  # 600,000 CNY: the executive too
    assert [d.opinion for d in contract.approval_decisions] == ["部门同意"]


async def test_illegal_transitions_are_failed_precondition(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await create(c)
    await expect(
        c.stub.SignContract(
            pb.SignContractRequest(
                name=contract.name, party=pb.Signature.PARTY_OURS, signatory="王总"
            ),
            metadata=c.as_(*SALES),
        ),
        FAILED,
        reason="ILLEGAL_STATE_TRANSITION",
    )
    await expect(
        c.stub.ArchiveContract(
            pb.ArchiveContractRequest(name=contract.name), metadata=c.as_(*SALES)
        ),
        FAILED,
    )
    contract = await sign_both(c, await approve_all(c, contract))
    bigger = draft(contract.customer, name=contract.name)
    bigger.title = "改"
    await expect(
        c.stub.UpdateContract(
            pb.UpdateContractRequest(
                contract=bigger, update_mask=field_mask_pb2.FieldMask(paths=["title"])
            ),
            metadata=c.as_(*SALES),
        ),
        FAILED,
        reason="CONTRACT_NOT_EDITABLE",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "contract.title"),
        ({"kind": 0}, "contract.kind"),
        ({"kind": 99}, "contract.kind"),
        ({"owner": "zhang"}, "contract.owner"),
        ({"customer": "customers/bad"}, "contract.customer"),
        ({"customer": ""}, "contract.customer"),
    ],
)
async def test_bad_fields_are_named(
    grpc_contract: ContractCaller, change: dict[str, Any], field: str
) -> None:
    c = grpc_contract
    msg = draft(await new_customer(c))
    for k, v in change.items():
        setattr(msg, k, v)
    await expect(
        c.stub.CreateContract(pb.CreateContractRequest(contract=msg), metadata=c.as_(*SALES)),
        INVALID,
        field,
    )


async def test_bad_nested_values_are_named_with_their_path(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    msg = draft(await new_customer(c))
    msg.line_items[0].quantity = "十"
    msg.line_items[0].tax_rate = "13%"
    msg.line_items[0].unit_price.currency_code = "USD"
    msg.payment_milestones[1].due_date.month = 13
    msg.end_date.year = 2025
    failure = await expect(
        c.stub.CreateContract(pb.CreateContractRequest(contract=msg), metadata=c.as_(*SALES)),
        INVALID,
    )
    # Conversion stops at the first malformed value; the rest are checked once it converts.
    assert failure.fields == ["contract.line_items[0].unit_price.currency_code"]
    msg.line_items[0].unit_price.currency_code = "CNY"
    failure = await expect(
        c.stub.CreateContract(pb.CreateContractRequest(contract=msg), metadata=c.as_(*SALES)),
        INVALID,
    )
    assert failure.fields == ["contract.payment_milestones[1].due_date"]
    msg.payment_milestones[1].due_date.month = 3
    failure = await expect(
        c.stub.CreateContract(pb.CreateContractRequest(contract=msg), metadata=c.as_(*SALES)),
        INVALID,
    )
    assert set(failure.fields) == {
        "contract.line_items[0].quantity",
        "contract.line_items[0].tax_rate",
    }
    msg.line_items[0].quantity, msg.line_items[0].tax_rate = "10", "0.13"
    await expect(
        c.stub.CreateContract(pb.CreateContractRequest(contract=msg), metadata=c.as_(*SALES)),
        INVALID,
        "contract.end_date",
    )
    msg.end_date.year = 2027
    msg.total_amount.CopyFrom(cny(9999))
    await expect(
        c.stub.CreateContract(pb.CreateContractRequest(contract=msg), metadata=c.as_(*SALES)),
        INVALID,
        "contract.total_amount",
        reason="TOTAL_MISMATCH",
    )


async def test_an_unknown_customer_is_refused_by_the_customer_service(
    grpc_contract: ContractCaller,
) -> None:
    c = grpc_contract
    await expect(
        c.stub.CreateContract(
            pb.CreateContractRequest(contract=draft(f"customers/{UNKNOWN_ID}")),
            metadata=c.as_(*SALES),
        ),
        INVALID,
        "contract.customer",
        reason="UNKNOWN_CUSTOMER",
    )


def test_a_customer_service_that_is_down_is_unavailable() -> None:
    settings = contract_settings("sqlite://")
    directory = GrpcCustomerDirectory(settings, f"127.0.0.1:{free_port()}", timeout=1.0)
    with pytest.raises(Unavailable):
        directory.check_exists(f"customers/{UNKNOWN_ID}", "contract.customer")
    directory.close()


@pytest.mark.parametrize(
    ("roles", "method", "message"),
    [
        (("agent",), "GetContract", pb.GetContractRequest(name=f"contracts/{UNKNOWN_ID}")),
        (("legal",), "CreateContract", pb.CreateContractRequest()),
        (("sales",), "ApproveContract", pb.ApproveContractRequest(name=f"contracts/{UNKNOWN_ID}")),
        (("finance",), "SignContract", pb.SignContractRequest(name=f"contracts/{UNKNOWN_ID}")),
        (("sales",), "RecordPayment", pb.RecordPaymentRequest()),
    ],
)
async def test_wrong_role_is_permission_denied(
    grpc_contract: ContractCaller, roles: tuple[str, ...], method: str, message: Any
) -> None:
    c = grpc_contract
    await expect(getattr(c.stub, method)(message, metadata=c.as_(*roles)), DENIED)


async def test_the_wrong_approver_for_the_step_is_permission_denied(
    grpc_contract: ContractCaller,
) -> None:
    c = grpc_contract
    contract = await create(c)
    await c.stub.SubmitContract(
        pb.SubmitContractRequest(name=contract.name), metadata=c.as_(*SALES)
    )
    await expect(
        c.stub.ApproveContract(
            pb.ApproveContractRequest(name=contract.name), metadata=c.as_("legal")
        ),
        DENIED,
        reason="NOT_CURRENT_APPROVER",
    )


@pytest.mark.parametrize(
    ("role", "sees"), [("supervisor", False), ("sales", True), ("legal", True)]
)
async def test_amounts_are_masked_without_the_right(
    grpc_contract: ContractCaller, role: str, sees: bool
) -> None:
    c = grpc_contract
    contract = await sign_both(c, await approve_all(c, await create(c)))
    await c.stub.RecordPayment(
        pb.RecordPaymentRequest(milestone=contract.payment_milestones[0].name, amount=cny(100)),
        metadata=c.as_("finance"),
    )
    got = await c.stub.GetContract(pb.GetContractRequest(name=contract.name), metadata=c.as_(role))
    listed = await c.stub.ListContracts(pb.ListContractsRequest(), metadata=c.as_(role))
    history = await c.stub.ListContractHistory(
        pb.ListContractHistoryRequest(name=contract.name), metadata=c.as_(role)
    )
    for msg in (got, listed.contracts[0]):
        assert msg.HasField("total_amount") is sees
        assert msg.line_items[0].HasField("unit_price") is sees
        assert msg.line_items[0].HasField("amount") is sees
        assert msg.payment_milestones[0].HasField("amount") is sees
        assert msg.payment_milestones[0].HasField("received_amount") is sees
        assert msg.payment_milestones[0].payments[0].HasField("amount") is sees
        assert (msg.payment_progress_percent > 0) is sees
        assert msg.line_items[0].quantity == "10"
    assert ("total_amount" in history.entries[0].after_json) is sees


async def test_lists_filter_order_and_page(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    made = [await create(c) for _ in range(3)]
    first = await c.stub.ListContracts(
        pb.ListContractsRequest(page_size=2, order_by="number", filter="state = STATE_DRAFT"),
        metadata=c.as_(*SALES),
    )
    assert [x.name for x in first.contracts] == [m.name for m in made[:2]]
    second = await c.stub.ListContracts(
        pb.ListContractsRequest(
            page_size=2,
            order_by="number",
            filter="state = STATE_DRAFT",
            page_token=first.next_page_token,
        ),
        metadata=c.as_(*SALES),
    )
    assert [x.name for x in second.contracts] == [made[2].name] and not second.next_page_token
    one = await c.stub.ListContracts(
        pb.ListContractsRequest(filter=f'customer = "{made[1].customer}"'),
        metadata=c.as_(*SALES),
    )
    assert [x.name for x in one.contracts] == [made[1].name]
    await expect(
        c.stub.ListContracts(
            pb.ListContractsRequest(filter="colour = red"), metadata=c.as_(*SALES)
        ),
        INVALID,
        "filter",
    )


async def test_a_supervisor_of_another_department_cannot_review(
    grpc_contract: ContractCaller,
) -> None:
    c = grpc_contract
    contract = await create(c)
    contract = await c.stub.SubmitContract(
        pb.SubmitContractRequest(name=contract.name), metadata=c.as_(*SALES)
    )
    assert contract.approval_steps[0].approver_department == "华东销售部"
    await expect(
        c.stub.ApproveContract(
            pb.ApproveContractRequest(name=contract.name),
            metadata=c.as_("supervisor", user="nan.zhu.guan", department="华南销售部"),
        ),
        DENIED,
        reason="NOT_CURRENT_APPROVER",
    )


async def test_history_pages_oldest_first(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await approve_all(c, await create(c))
    request = pb.ListContractHistoryRequest(name=contract.name, page_size=2)
    first = await c.stub.ListContractHistory(request, metadata=c.as_(*SALES))
    assert [e.action for e in first.entries] == ["created", "submitted"]
    request.page_token = first.next_page_token
    second = await c.stub.ListContractHistory(request, metadata=c.as_(*SALES))
    assert [e.action for e in second.entries] == ["approved", "approved"]
    assert all(e.actor.startswith("users/") and e.HasField("create_time") for e in second.entries)
    assert '"state": "PENDING_APPROVAL"' in second.entries[1].before_json
    assert '"state": "APPROVED"' in second.entries[1].after_json
    await expect(
        c.stub.ListContractHistory(
            pb.ListContractHistoryRequest(name=f"contracts/{UNKNOWN_ID}"), metadata=c.as_(*SALES)
        ),
        grpc.StatusCode.NOT_FOUND,
    )
