"""The contract domain on its own: the lifecycle, approval chains, amounts and figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.common.errors import FailedPrecondition, InvalidArgument, PermissionDenied, Violations
from services.contract.domain import events
from services.contract.domain.approval import (
    ApprovalRule,
    ContractKind,
    StepSpec,
    StepState,
    chain_for,
    default_rules,
)
from services.contract.domain.model import (
    TRANSITIONS,
    Contract,
    ContractState,
    LineItem,
    Party,
    PaymentMilestone,
    check_consistency,
    customer_figures,
    validate_fields,
)

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
DEPT = "华东销售部"
RULES = default_rules()
SUPERVISOR = frozenset({"supervisor"})
LEGAL = frozenset({"legal"})
ADMIN = frozenset({"admin"})
S = ContractState


def contract(price: str = "1000", quantity: str = "10", **fields: object) -> Contract:
    values: dict[str, object] = {
        "id": "c" * 32,
        "number": "HT-2026-000001",
        "title": "服务器采购合同",
        "kind": ContractKind.PRODUCT_SALE,
        "customer_id": "a" * 32,
        "line_items": [LineItem("服务器", Decimal(quantity), Decimal(price), Decimal("0.13"))],
        "start_date": date(2026, 12, 1),
        "end_date": date(2027, 11, 30),
        "owner": "users/zhang.san",
        "department": "华东销售部",
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(fields)
    return Contract(**values)  # type: ignore[arg-type]


def approve_all(c: Contract) -> None:
    for roles in (SUPERVISOR, LEGAL, ADMIN)[: len(c.approval.steps)]:
        c.approve("users/x", roles, "同意", NOW, department=DEPT)


def in_state(state: ContractState) -> Contract:
    """A contract brought to `state` through the legal path."""
    c = contract()
    steps: list[tuple[ContractState, Callable[[Contract], object]]] = [
        (S.PENDING_APPROVAL, lambda c: c.submit(RULES, NOW)),
        (S.APPROVED, approve_all),
        (S.SIGNING, lambda c: c.sign(Party.OURS, "王总", date(2026, 11, 24), "users/x", NOW)),
        (S.ACTIVE, lambda c: c.sign(Party.CUSTOMER, "李总", date(2026, 11, 25), "users/x", NOW)),
    ]
    after_active: dict[ContractState, Callable[[Contract], object]] = {
        S.EXPIRING: lambda c: c.mark_by_date(date(2027, 11, 20), 30, NOW),
        S.EXPIRED: lambda c: c.mark_by_date(date(2027, 12, 1), 30, NOW),
        S.TERMINATED: lambda c: c.terminate(date(2027, 1, 1), "客户违约", NOW),
        S.RENEWED: lambda c: c.renew_into("d" * 32, NOW),
    }
    if state is S.REJECTED:
        steps = [
            steps[0],
            (S.REJECTED, lambda c: c.reject("users/x", SUPERVISOR, "不同意", NOW, department=DEPT)),
        ]
    elif state in after_active:
        steps.append((state, after_active[state]))
    elif state is S.ARCHIVED:
        steps += [
            (S.TERMINATED, after_active[S.TERMINATED]),
            (S.ARCHIVED, lambda c: c.archive(NOW)),
        ]
    for reached, step in steps:
        if c.state is state:
            break
        step(c)
        assert c.state is reached
    assert c.state is state
    return c


ACTIONS: dict[str, Callable[[Contract], None]] = {
    "submit": lambda c: c.submit(RULES, NOW),
    "approve": lambda c: c.approve("users/x", SUPERVISOR | LEGAL | ADMIN, "", NOW, department=DEPT),
    "reject": lambda c: c.reject("users/x", SUPERVISOR | LEGAL | ADMIN, "不", NOW, department=DEPT),
    "sign": lambda c: c.sign(Party.CUSTOMER, "李总", date(2026, 11, 24), "users/x", NOW),
    "terminate": lambda c: c.terminate(date(2027, 1, 1), "原因", NOW),
    "renew": lambda c: c.renew_into("d" * 32, NOW),
    "archive": lambda c: c.archive(NOW),
}
# Which actions each state allows; everything else must be FAILED_PRECONDITION.
ALLOWED = {
    S.DRAFT: {"submit"},
    S.PENDING_APPROVAL: {"approve", "reject"},
    S.REJECTED: set(),
    S.APPROVED: {"sign"},
    S.SIGNING: {"sign"},
    S.ACTIVE: {"terminate", "renew"},
    S.EXPIRING: {"terminate", "renew"},
    S.RENEWED: {"archive"},
    S.EXPIRED: {"archive"},
    S.TERMINATED: {"archive"},
    S.ARCHIVED: set(),
}


@pytest.mark.parametrize("state", [s for s in S if s is not S.UNSPECIFIED], ids=lambda s: s.name)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_illegal_transition_is_a_failed_precondition(
    state: ContractState, action: str
) -> None:
    c = in_state(state)
    if action in ALLOWED[state]:
        ACTIONS[action](c)
        assert c.state in TRANSITIONS[state] | {state}
    else:
        with pytest.raises(FailedPrecondition):
            ACTIONS[action](c)
        assert c.state is state


def test_small_contract_needs_department_and_legal_big_one_also_the_executive() -> None:
    small = chain_for(RULES, ContractKind.PRODUCT_SALE, Decimal("499999.99"), "华东销售部")
    big = chain_for(RULES, ContractKind.PRODUCT_SALE, Decimal("500000"), "华东销售部")
    assert [s.approver_role for s in small] == ["supervisor", "legal"]
    assert [s.approver_role for s in big] == ["supervisor", "legal", "admin"]


def test_a_configured_rule_by_kind_and_department_comes_first() -> None:
    ceo = StepSpec("董事长审批", approver="users/dong.shi.zhang")
    rule = ApprovalRule(
        (ceo,),
        kinds=frozenset({ContractKind.FRAMEWORK_AGREEMENT}),
        departments=frozenset({"总部"}),
        max_amount=Decimal(1_000_000),
    )
    rules = (rule, *RULES)
    assert chain_for(rules, ContractKind.FRAMEWORK_AGREEMENT, Decimal(10), "总部") == (ceo,)
    assert chain_for(rules, ContractKind.PRODUCT_SALE, Decimal(10), "总部") != (ceo,)
    assert chain_for(rules, ContractKind.FRAMEWORK_AGREEMENT, Decimal(10), "华东") != (ceo,)
    assert chain_for(rules, ContractKind.FRAMEWORK_AGREEMENT, Decimal(2_000_000), "总部") != (ceo,)


def test_steps_go_in_order_and_only_the_current_approver_decides() -> None:
    c = in_state(S.PENDING_APPROVAL)
    assert c.approval.current_index == 0
    with pytest.raises(PermissionDenied):
        c.approve("users/fa.wu", LEGAL, "先法务", NOW, department=DEPT)
    c.approve("users/zhu.guan", SUPERVISOR, "部门同意", NOW, department=DEPT)
    assert c.approval.current_index == 1
    assert c.approval.steps[0].state is StepState.APPROVED
    assert c.approval.steps[1].state is StepState.PENDING
    c.approve("users/fa.wu", LEGAL, "合规", NOW, department=DEPT)
    assert c.state is S.APPROVED and c.approval.current_index == -1
    assert [d.opinion for d in c.approval.decisions] == ["部门同意", "合规"]
    approved = [e for e in c.events if isinstance(e, events.ContractApproved)]
    assert [e.final for e in approved] == [False, True]
    assert approved[0].waiting_for == "role:legal"


def test_a_person_named_on_a_step_decides_it_whatever_the_role() -> None:
    rule = ApprovalRule((StepSpec("指定审批", approver="users/li.si"),))
    c = contract()
    c.submit((rule,), NOW)
    with pytest.raises(PermissionDenied):
        c.approve("users/zhang.san", ADMIN, "", NOW, department=DEPT)
    c.approve("users/li.si", frozenset(), "好", NOW, department=DEPT)
    assert c.state is S.APPROVED


def test_changing_the_amount_while_pending_restarts_approval_and_keeps_opinions() -> None:
    c = in_state(S.PENDING_APPROVAL)
    c.approve("users/zhu.guan", SUPERVISOR, "部门同意", NOW, department=DEPT)
    before, after = c.edit(
        {"line_items": [LineItem("服务器", Decimal(100), Decimal(6000), Decimal("0.13"))]},
        RULES,
        NOW,
    )
    assert before["total_amount"] == "10000.00" and after["total_amount"] == "600000.00"
    assert c.state is S.PENDING_APPROVAL
    assert c.approval.round == 2 and c.approval.current_index == 0
    assert [s.approver_role for s in c.approval.steps] == ["supervisor", "legal", "admin"]
    assert [d.opinion for d in c.approval.decisions] == ["部门同意"]


def test_changing_only_the_department_while_pending_does_not_restart() -> None:
    c = in_state(S.PENDING_APPROVAL)
    c.approve("users/zhu.guan", SUPERVISOR, "部门同意", NOW, department=DEPT)
    c.edit({"department": "华南销售部"}, RULES, NOW)
    assert c.approval.round == 1 and c.approval.current_index == 1


def test_a_rejected_contract_goes_back_to_draft_when_edited() -> None:
    c = in_state(S.REJECTED)
    c.edit({"title": "服务器采购合同（修订）"}, RULES, NOW)
    assert c.state is S.DRAFT


@pytest.mark.parametrize("state", [S.APPROVED, S.SIGNING, S.ACTIVE, S.TERMINATED, S.ARCHIVED])
def test_no_edits_once_approved(state: ContractState) -> None:
    c = in_state(state)
    with pytest.raises(FailedPrecondition):
        c.edit({"title": "改"}, RULES, NOW)


def test_line_amounts_are_exact_decimals_rounded_to_the_fen() -> None:
    item = LineItem("咨询", Decimal("3"), Decimal("0.1"), Decimal("0.06"))
    assert item.amount == Decimal("0.30")
    odd = LineItem("螺丝", Decimal("3.333"), Decimal("1.005"), Decimal("0.13"))
    assert odd.amount == Decimal("3.35")  # 3.349665 -> 3.35 half up
    assert LineItem("服务器", Decimal(10), Decimal(1130), Decimal("0.13")).tax_amount == Decimal(
        "1300.00"
    )
    c = contract(line_items=[item, LineItem("咨询", Decimal("3"), Decimal("0.1"), Decimal("0.06"))])
    assert c.total_amount == Decimal("0.60")


def test_bad_line_items_name_each_field() -> None:
    v = Violations()
    validate_fields(
        v,
        "contract",
        {
            "line_items": [
                {"display_name": "", "quantity": "abc", "unit_price": Decimal(1)},
                {"display_name": "x", "quantity": "-1", "unit_price": Decimal(-1), "tax_rate": "2"},
            ]
        },
    )
    fields = {x.field for x in v.items}
    assert {
        "contract.line_items[0].display_name",
        "contract.line_items[0].quantity",
        "contract.line_items[1].quantity",
        "contract.line_items[1].unit_price",
        "contract.line_items[1].tax_rate",
    } <= fields


def test_milestones_must_add_up_to_the_total() -> None:
    c = contract(
        payment_milestones=[PaymentMilestone("m1", "预付款", date(2026, 12, 1), Decimal(5000))]
    )
    with pytest.raises(InvalidArgument) as caught:
        check_consistency(c, "contract")
    assert caught.value.violations[0].field == "contract.payment_milestones"


def test_payments_are_partial_and_never_more_than_due() -> None:
    c = in_state(S.ACTIVE)
    c.payment_milestones = [
        PaymentMilestone("m1", "预付款", date(2026, 12, 1), Decimal(3000)),
        PaymentMilestone("m2", "尾款", date(2027, 3, 1), Decimal(7000)),
    ]
    c.record_payment("m1", Decimal(1000), date(2026, 12, 2), "users/cai.wu", "", NOW)
    assert c.payment_progress_percent == 10.0
    with pytest.raises(InvalidArgument):
        c.record_payment("m1", Decimal("2000.01"), date(2026, 12, 2), "users/cai.wu", "", NOW)
    c.record_payment("m1", Decimal(2000), date(2026, 12, 3), "users/cai.wu", "", NOW)
    assert c.payment_milestones[0].received_amount == Decimal(3000)
    assert c.payment_milestones[0].received_date == date(2026, 12, 3)


def test_customer_figures_from_signed_contracts() -> None:
    old = in_state(S.ACTIVE)
    old.signed_date = date(2025, 1, 10)
    recent = in_state(S.ACTIVE)
    recent.id = "e" * 32
    recent.signed_date = date(2026, 6, 1)
    recent.payment_milestones = [
        PaymentMilestone("m1", "预付款", date(2026, 11, 3), Decimal(10000))
    ]
    draft = contract()
    figures = customer_figures("customers/" + "a" * 32, [old, recent, draft], date(2026, 11, 23))
    assert figures.annual_contract_amount == Decimal("10000.00")
    assert figures.longest_overdue_days == 20
    assert figures.cooperation_start_date == date(2025, 1, 10)
    assert figures.payload()["annual_contract_amount"] == "10000.00"
    assert figures.topic() == "contract.CustomerFiguresChanged"


def test_a_party_signs_once_and_both_signatures_activate() -> None:
    c = in_state(S.SIGNING)
    with pytest.raises(FailedPrecondition):
        c.sign(Party.OURS, "王总", date(2026, 11, 24), "users/x", NOW)
    c.sign(Party.CUSTOMER, "李总", date(2026, 11, 26), "users/x", NOW)
    assert c.state is S.ACTIVE and c.signed_date == date(2026, 11, 26)
    assert any(isinstance(e, events.ContractActivated) for e in c.events)


def test_approval_rules_are_configured_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.contract.config import ContractSettings

    monkeypatch.setenv(
        "CALLOPS_APPROVAL_RULES",
        '[{"steps": [{"display_name": "董事长审批", "approver": "users/dong"}],'
        ' "kinds": ["FRAMEWORK_AGREEMENT"], "min_amount": "1000000"}]',
    )
    settings = ContractSettings(jwt_secret="x" * 40, executive_approval_amount=Decimal(200_000))
    rules = settings.rules()
    chain = chain_for(rules, ContractKind.FRAMEWORK_AGREEMENT, Decimal(2_000_000), "")
    assert [s.approver for s in chain] == ["users/dong"]
    chain = chain_for(rules, ContractKind.PRODUCT_SALE, Decimal(200_000), "")
    assert [s.approver_role for s in chain] == ["supervisor", "legal", "admin"]


def test_department_review_is_for_a_supervisor_of_the_contracts_department() -> None:
    c = in_state(S.PENDING_APPROVAL)
    assert c.approval.steps[0].waiting_for == "role:supervisor@华东销售部"
    with pytest.raises(PermissionDenied):
        c.approve("users/nan.zhu.guan", SUPERVISOR, "同意", NOW, department="华南销售部")
    c.approve("users/zhu.guan", SUPERVISOR, "同意", NOW, department=DEPT)
    # Legal review is for any legal reviewer, whatever their department.
    c.approve("users/fa.wu", LEGAL, "合规", NOW, department="法务部")
    assert c.state is S.APPROVED
