"""Parallel approval steps (会签) over a real gRPC channel, with the rule and the finance
approver's right from the configuration: each approver decides its own step in any order."""

from __future__ import annotations

import pytest

from callops.contract.v1 import contract_pb2 as pb
from services.common.rights import DEFAULT_ROLE_RIGHTS
from tests.contract_fixtures import ContractCaller
from tests.e2e.helpers import DENIED, FAILED, expect
from tests.e2e.test_contract_flows import create

RULES = [
    {
        "steps": [
            {"display_name": "部门审核", "approver_role": "supervisor", "same_department": True},
            {"display_name": "法务审核", "approver_role": "legal"},
            {"display_name": "财务审核", "approver_role": "finance", "parallel": True},
        ]
    }
]
ROLES = {**DEFAULT_ROLE_RIGHTS, "finance": DEFAULT_ROLE_RIGHTS["finance"] | {"contracts.approve"}}
pytestmark = pytest.mark.parametrize(
    "contract_overrides", [{"approval_rules": RULES, "role_rights": ROLES}]
)
S = pb.ApprovalStep


async def decide(
    c: ContractCaller, name: str, role: str, user: str, ok: bool = True
) -> pb.Contract:
    if ok:
        return await c.stub.ApproveContract(
            pb.ApproveContractRequest(name=name, opinion=f"{user} 同意"),
            metadata=c.as_(role, user=user, department="华东销售部"),
        )
    return await c.stub.RejectContract(
        pb.RejectContractRequest(name=name, opinion=f"{user} 不同意"),
        metadata=c.as_(role, user=user),
    )


async def submitted(c: ContractCaller) -> pb.Contract:
    contract = await create(c)
    contract = await c.stub.SubmitContract(
        pb.SubmitContractRequest(name=contract.name), metadata=c.as_("sales")
    )
    return await decide(c, contract.name, "supervisor", "zhu.guan")


async def test_parallel_steps_in_any_order(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await submitted(c)
    assert [(s.display_name, s.stage, s.state) for s in contract.approval_steps] == [
        ("部门审核", 0, S.STATE_APPROVED),
        ("法务审核", 1, S.STATE_PENDING),
        ("财务审核", 1, S.STATE_PENDING),
    ]
    assert contract.current_approval_step == 1
    contract = await decide(c, contract.name, "finance", "cai.wu")
    assert contract.state == pb.Contract.STATE_PENDING_APPROVAL
    assert [s.state for s in contract.approval_steps] == [
        S.STATE_APPROVED,
        S.STATE_PENDING,
        S.STATE_APPROVED,
    ]
    await expect(
        decide(c, contract.name, "finance", "cai.wu"), DENIED, reason="NOT_CURRENT_APPROVER"
    )
    contract = await decide(c, contract.name, "legal", "fa.wu")
    assert contract.state == pb.Contract.STATE_APPROVED
    assert [d.step for d in contract.approval_decisions] == ["部门审核", "财务审核", "法务审核"]
    await expect(decide(c, contract.name, "legal", "fa.wu"), FAILED)


async def test_one_rejection_rejects(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await submitted(c)
    contract = await decide(c, contract.name, "legal", "fa.wu")
    contract = await decide(c, contract.name, "finance", "cai.wu", ok=False)
    assert contract.state == pb.Contract.STATE_REJECTED
    assert [s.state for s in contract.approval_steps] == [
        S.STATE_APPROVED,
        S.STATE_APPROVED,
        S.STATE_REJECTED,
    ]
    assert contract.current_approval_step == -1
