"""Parallel approval steps (会签) against real SQLite and PostgreSQL: a stage completes when
all its steps approve, any rejection rejects, and of two concurrent approvals exactly one is
written (the other is told to read again)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest

from services.common.auth import Principal, principal_for
from services.common.errors import PermissionDenied, StaleEtag
from services.common.rights import DEFAULT_ROLE_RIGHTS
from services.contract.bootstrap import ContractApp
from services.contract.domain.approval import (
    DEPARTMENT_REVIEW,
    EXECUTIVE_APPROVAL,
    LEGAL_REVIEW,
    ApprovalRule,
    StepSpec,
    StepState,
)
from services.contract.domain.model import Contract, ContractState
from services.contract.service_layer import contracts
from services.contract.service_layer.contracts import Deps
from tests.integration.test_contract_persistence import (
    ADMIN,
    FINANCE,
    LEGAL,
    SALES,
    SUPERVISOR,
    create,
    known_customer,
    outbox,
)

__all__ = ["known_customer"]  # the autouse fixture: every test here knows the customer
LEGAL_2 = principal_for("fa.wu.er", ["legal"], "法务部", DEFAULT_ROLE_RIGHTS)
FINANCE_REVIEW = StepSpec("财务审核", approver_role="finance", parallel=True)
# Department review, then legal and finance review in parallel, then the executive.
RULES = (ApprovalRule((DEPARTMENT_REVIEW, LEGAL_REVIEW, FINANCE_REVIEW, EXECUTIVE_APPROVAL)),)


@pytest.fixture
def deps(contract_app: ContractApp) -> Deps:
    return replace(contract_app.deps, rules=RULES)


def decide(app: ContractApp, deps: Deps, who: Principal, c: Contract, ok: bool = True) -> Contract:
    return contracts.decide(app.uow(), deps, who, c.id, ok, f"{who.user_id} 意见")


def at_the_parallel_stage(app: ContractApp, deps: Deps) -> Contract:
    c = create(app)
    contracts.submit_contract(app.uow(), deps, SALES, c.id)
    c = decide(app, deps, SUPERVISOR, c)
    assert [(s.display_name, s.stage, s.state) for s in c.approval.steps] == [
        ("部门审核", 0, StepState.APPROVED),
        ("法务审核", 1, StepState.PENDING),
        ("财务审核", 1, StepState.PENDING),
        ("总经理审批", 2, StepState.WAITING),
    ]
    return c


def test_a_stage_completes_when_all_its_steps_approve(
    contract_app: ContractApp, deps: Deps
) -> None:
    app = contract_app
    c = at_the_parallel_stage(app, deps)
    # The executive's turn has not come; finance decides its own step, whatever the order.
    with pytest.raises(PermissionDenied):
        decide(app, deps, ADMIN, c)
    c = decide(app, deps, FINANCE, c)
    assert [s.state for s in c.approval.steps[1:]] == [
        StepState.PENDING,
        StepState.APPROVED,
        StepState.WAITING,
    ]
    with pytest.raises(PermissionDenied):
        decide(app, deps, FINANCE, c)  # its step is decided; nothing else is for finance
    c = decide(app, deps, LEGAL, c)
    assert c.approval.steps[3].state is StepState.PENDING
    c = decide(app, deps, ADMIN, c)
    assert c.state is ContractState.APPROVED
    got = contracts.get_contract(app.uow(), c.id)
    assert [s.stage for s in got.approval.steps] == [0, 1, 1, 2]  # stored with the contract
    approved = [p for t, p in outbox(app) if t == "contract.ContractApproved"]
    # Notified: both parallel approvers when their stage opens, nobody after the first of
    # them, the executive once both approved.
    assert [(p["step"], p["waiting_for"], p["final"]) for p in approved] == [
        ("部门审核", "role:legal,role:finance", False),
        ("财务审核", "", False),
        ("法务审核", "role:admin", False),
        ("总经理审批", "", True),
    ]


def test_any_rejection_rejects(contract_app: ContractApp, deps: Deps) -> None:
    app = contract_app
    c = at_the_parallel_stage(app, deps)
    c = decide(app, deps, LEGAL, c)
    c = decide(app, deps, FINANCE, c, ok=False)
    assert c.state is ContractState.REJECTED
    assert [s.state for s in c.approval.steps] == [
        StepState.APPROVED,
        StepState.APPROVED,
        StepState.REJECTED,
        StepState.WAITING,
    ]
    assert c.approval.current_index == -1
    history = contracts.list_history(app.uow(), c.id, 0, 50)
    assert history[-1].action == "rejected" and history[-1].after["step"] == "财务审核"


def _race(
    app: ContractApp, deps: Deps, c: Contract, monkeypatch: pytest.MonkeyPatch, *who: Principal
) -> list[str]:
    """Both approvers read the same version before either writes."""
    barrier = threading.Barrier(2, timeout=10)
    original = Contract.approve

    def approve_after_both_read(self: Contract, *args: Any, **kwargs: Any) -> Any:
        barrier.wait()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Contract, "approve", approve_after_both_read)

    def attempt(approver: Principal) -> str:
        try:
            decide(app, deps, approver, c)
        except StaleEtag:
            return f"{approver.user_id} lost"
        return f"{approver.user_id} won"

    with ThreadPoolExecutor(2) as pool:
        outcome = list(pool.map(attempt, who))
    monkeypatch.setattr(Contract, "approve", original)
    return outcome


def test_two_concurrent_approvals_of_one_parallel_step_exactly_one_wins(
    contract_app: ContractApp, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = contract_app
    c = at_the_parallel_stage(app, deps)
    outcome = _race(app, deps, c, monkeypatch, LEGAL, LEGAL_2)
    assert sorted(o.split()[1] for o in outcome) == ["lost", "won"]
    got = contracts.get_contract(app.uow(), c.id)
    legal = got.approval.steps[1]
    assert legal.state is StepState.APPROVED
    assert [o for o in outcome if o.endswith("won")] == [f"{legal.decided_by[6:]} won"]
    assert [d.step for d in got.approval.decisions] == ["部门审核", "法务审核"]
    assert got.approval.steps[2].state is StepState.PENDING  # finance still to decide


def test_concurrent_approvals_of_two_parallel_steps_one_retries(
    contract_app: ContractApp, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = contract_app
    c = at_the_parallel_stage(app, deps)
    outcome = _race(app, deps, c, monkeypatch, LEGAL, FINANCE)
    assert sorted(o.split()[1] for o in outcome) == ["lost", "won"]
    loser = LEGAL if "fa.wu lost" in outcome else FINANCE
    # The loser reads the contract again and approves its step: the stage completes.
    again = decide(app, deps, loser, contracts.get_contract(app.uow(), c.id))
    assert [s.state for s in again.approval.steps[1:]] == [
        StepState.APPROVED,
        StepState.APPROVED,
        StepState.PENDING,
    ]
    assert len(again.approval.decisions) == 3
