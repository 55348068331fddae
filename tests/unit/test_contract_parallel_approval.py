"""Parallel approval steps (会签) in the domain: stages from the rule, a stage completes when
all its steps approve, any rejection rejects; amendments follow the same chain."""

from __future__ import annotations

import pytest

from services.common.errors import PermissionDenied
from services.contract.config import ContractSettings
from services.contract.domain.amendment import Amendment, AmendmentState
from services.contract.domain.approval import (
    DEPARTMENT_REVIEW,
    EXECUTIVE_APPROVAL,
    LEGAL_REVIEW,
    ApprovalChain,
    ApprovalRule,
    StepSpec,
    StepState,
)
from services.contract.domain.model import ContractState
from tests.unit.test_contract_model import NOW, contract

FINANCE_REVIEW = StepSpec("财务审核", approver_role="finance", parallel=True)
CHAIN = (DEPARTMENT_REVIEW, LEGAL_REVIEW, FINANCE_REVIEW, EXECUTIVE_APPROVAL)
RULES = (ApprovalRule(CHAIN),)
W, P, A, R = StepState.WAITING, StepState.PENDING, StepState.APPROVED, StepState.REJECTED
DEPT = "华东销售部"


def states(chain: ApprovalChain) -> list[StepState]:
    return [s.state for s in chain.steps]


def test_stages_open_one_after_another() -> None:
    chain = ApprovalChain()
    chain.start(CHAIN, DEPT)
    assert [s.stage for s in chain.steps] == [0, 1, 1, 2]
    assert states(chain) == [P, W, W, W]
    assert chain.decide(0, True, "users/zhu.guan", "同意", NOW) is False
    assert states(chain) == [A, P, P, W] and chain.waiting_for == "role:legal,role:finance"
    assert chain.decide(2, True, "users/cai.wu", "同意", NOW) is False
    assert states(chain) == [A, P, A, W] and chain.current_index == 1
    assert chain.decide(1, True, "users/fa.wu", "同意", NOW) is False
    assert states(chain) == [A, A, A, P]
    assert chain.decide(3, True, "users/zong", "同意", NOW) is True
    assert chain.current_index == -1 and [d.step for d in chain.decisions] == [
        "部门审核",
        "财务审核",
        "法务审核",
        "总经理审批",
    ]


def test_a_parallel_first_step_joins_the_first_stage() -> None:
    chain = ApprovalChain()
    chain.start((LEGAL_REVIEW, FINANCE_REVIEW), DEPT)
    assert states(chain) == [P, P]
    assert chain.step_for("users/cai.wu", frozenset({"finance"}), "财务部") == 1
    assert chain.step_for("users/x", frozenset({"admin"}), "总经办") is None


def test_a_rejection_in_a_parallel_stage_rejects_the_contract() -> None:
    c = contract()
    c.submit(RULES, NOW)
    c.approve("users/zhu.guan", frozenset({"supervisor"}), "同意", NOW, department=DEPT)
    step = c.reject("users/cai.wu", frozenset({"finance"}), "预算不足", NOW, department="财务部")
    assert step.display_name == "财务审核"
    assert c.state is ContractState.REJECTED
    assert states(c.approval) == [A, W, R, W]  # legal's pending step is closed, undecided


def test_whoever_has_no_pending_step_is_refused_naming_who_is_waited_for() -> None:
    c = contract()
    c.submit(RULES, NOW)
    c.approve("users/zhu.guan", frozenset({"supervisor"}), "同意", NOW, department=DEPT)
    with pytest.raises(PermissionDenied) as caught:
        c.approve("users/zong", frozenset({"admin"}), "同意", NOW, department="总经办")
    assert caught.value.metadata["waiting_for"] == "role:legal,role:finance"
    assert caught.value.metadata["step"] == "法务审核,财务审核"


def test_an_amendment_waits_for_every_parallel_step() -> None:
    chain = ApprovalChain()
    chain.start((LEGAL_REVIEW, FINANCE_REVIEW), DEPT)
    a = Amendment("a" * 32, "c" * 32, "延期", "工期", [], {}, 1, "users/x", NOW, approval=chain)
    final, step = a.decide(True, "users/fa.wu", frozenset({"legal"}), "法务部", "同意", NOW)
    assert (final, step.display_name, a.state) == (
        False,
        "法务审核",
        AmendmentState.PENDING_APPROVAL,
    )
    final, step = a.decide(True, "users/cai.wu", frozenset({"finance"}), "财务部", "同意", NOW)
    assert (final, step.display_name, a.state) == (True, "财务审核", AmendmentState.APPROVED)


def test_rules_with_parallel_steps_come_from_the_configuration() -> None:
    settings = ContractSettings(
        jwt_secret="x" * 32,
        approval_rules=[
            {
                "steps": [
                    {"display_name": "法务审核", "approver_role": "legal"},
                    {"display_name": "财务审核", "approver_role": "finance", "parallel": True},
                ],
                "kinds": ["SERVICE_OUTSOURCING"],
            }
        ],
    )
    assert settings.rules()[0].steps == (LEGAL_REVIEW, FINANCE_REVIEW)
