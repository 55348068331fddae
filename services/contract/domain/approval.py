"""Approval chains (审批流程): rules that pick the steps by kind, amount and department."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


class ContractKind(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    PRODUCT_SALE = "PRODUCT_SALE"
    SERVICE_OUTSOURCING = "SERVICE_OUTSOURCING"
    FRAMEWORK_AGREEMENT = "FRAMEWORK_AGREEMENT"


class StepState(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    WAITING = "WAITING"
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


@dataclass(frozen=True)
class StepSpec:
    """One step of a chain: who decides, by role (`legal`) or by person (`users/x`)."""

    display_name: str
    approver_role: str = ""
    approver: str = ""
    # Only an approver of the contract's own department may decide (部门审核).
    same_department: bool = False
    # Decided at the same time as the step before it (会签): one stage holds consecutive
    # parallel steps, and the next stage opens once every step of it approved.
    parallel: bool = False


@dataclass(frozen=True)
class ApprovalRule:
    """Applies when every given condition holds; the first matching rule wins.

    Empty `kinds` or `departments` match any; the amount range is [min_amount, max_amount).
    """

    steps: tuple[StepSpec, ...]
    kinds: frozenset[ContractKind] = frozenset()
    departments: frozenset[str] = frozenset()
    min_amount: Decimal = Decimal(0)
    max_amount: Decimal | None = None

    def matches(self, kind: ContractKind, amount: Decimal, department: str) -> bool:
        return (
            (not self.kinds or kind in self.kinds)
            and (not self.departments or department in self.departments)
            and amount >= self.min_amount
            and (self.max_amount is None or amount < self.max_amount)
        )


DEPARTMENT_REVIEW = StepSpec("部门审核", approver_role="supervisor", same_department=True)
LEGAL_REVIEW = StepSpec("法务审核", approver_role="legal")
EXECUTIVE_APPROVAL = StepSpec("总经理审批", approver_role="admin")


def default_rules(executive_amount: Decimal = Decimal(500_000)) -> tuple[ApprovalRule, ...]:
    """Department and legal review always; executive approval from `executive_amount` CNY."""
    return (
        ApprovalRule(
            (DEPARTMENT_REVIEW, LEGAL_REVIEW, EXECUTIVE_APPROVAL), min_amount=executive_amount
        ),
        ApprovalRule((DEPARTMENT_REVIEW, LEGAL_REVIEW)),
    )


def chain_for(
    rules: tuple[ApprovalRule, ...], kind: ContractKind, amount: Decimal, department: str
) -> tuple[StepSpec, ...]:
    for rule in rules:
        if rule.matches(kind, amount, department):
            return rule.steps
    # No rule matched: the safest chain rather than none.
    return (DEPARTMENT_REVIEW, LEGAL_REVIEW, EXECUTIVE_APPROVAL)


@dataclass
class ApprovalStep:
    """A step of the current approval round, with its decision once made."""

    display_name: str
    approver_role: str = ""
    approver: str = ""
    state: StepState = StepState.WAITING
    decided_by: str = ""
    opinion: str = ""
    decided_at: datetime | None = None
    # Set when only approvers of this department may decide.
    department: str = ""
    # Steps of one stage are decided in parallel; stages follow one another from 0.
    stage: int = 0

    @classmethod
    def of(cls, spec: StepSpec, department: str, stage: int) -> ApprovalStep:
        return cls(
            spec.display_name,
            spec.approver_role,
            spec.approver,
            department=department if spec.same_department else "",
            stage=stage,
        )

    @property
    def waiting_for(self) -> str:
        if self.approver:
            return self.approver
        where = f"@{self.department}" if self.department else ""
        return f"role:{self.approver_role}{where}"

    def may_decide(self, user_name: str, roles: frozenset[str], department: str) -> bool:
        if self.approver:
            return user_name == self.approver
        if self.department and department != self.department:
            return False
        return self.approver_role in roles


@dataclass(frozen=True)
class ApprovalDecision:
    """One decision, kept across rounds."""

    round: int
    step: str
    decided_by: str
    approved: bool
    opinion: str
    decided_at: datetime


@dataclass
class ApprovalChain:
    """The steps of the current round and every decision ever made."""

    round: int = 0
    steps: list[ApprovalStep] = field(default_factory=list)
    decisions: list[ApprovalDecision] = field(default_factory=list)

    def start(self, specs: tuple[StepSpec, ...], department: str) -> None:
        self.round += 1
        self.steps = []
        stage = 0
        for i, spec in enumerate(specs):
            if i and not spec.parallel:
                stage += 1
            self.steps.append(ApprovalStep.of(spec, department, stage))
        self._open(0)

    def _open(self, stage: int) -> None:
        for step in self.steps:
            if step.stage == stage:
                step.state = StepState.PENDING

    @property
    def current_index(self) -> int:
        """The first step waiting for a decision; -1 when none."""
        for i, step in enumerate(self.steps):
            if step.state is StepState.PENDING:
                return i
        return -1

    @property
    def pending(self) -> list[ApprovalStep]:
        """Every step waiting for a decision: all those of the open stage not yet decided."""
        return [s for s in self.steps if s.state is StepState.PENDING]

    @property
    def waiting_for(self) -> str:
        """Who the pending steps wait for, comma-separated: who is notified."""
        return ",".join(dict.fromkeys(s.waiting_for for s in self.pending))

    def step_for(self, user_name: str, roles: frozenset[str], department: str) -> int | None:
        """The first pending step this user may decide; None when there is none."""
        for i, step in enumerate(self.steps):
            if step.state is StepState.PENDING and step.may_decide(user_name, roles, department):
                return i
        return None

    def decide(
        self, index: int, approved: bool, user_name: str, opinion: str, now: datetime
    ) -> bool:
        """Records the decision on a pending step; True when it completed the whole chain.
        A rejection ends the round: the other pending steps of the stage go back to waiting.
        An approval that completes its stage opens the next one."""
        step = self.steps[index]
        assert step.state is StepState.PENDING, "decide only a pending step"
        step.state = StepState.APPROVED if approved else StepState.REJECTED
        step.decided_by, step.opinion, step.decided_at = user_name, opinion, now
        self.decisions.append(
            ApprovalDecision(self.round, step.display_name, user_name, approved, opinion, now)
        )
        if not approved:
            for other in self.pending:
                other.state = StepState.WAITING
            return False
        if any(s.state is not StepState.APPROVED for s in self.steps if s.stage == step.stage):
            return False
        later = [s.stage for s in self.steps if s.stage > step.stage]
        if not later:
            return True
        self._open(min(later))
        return False
