"""The contract entity, its line items, payment milestones and its one lifecycle state
machine. Pure Python: persistence and gRPC convert to and from these classes."""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from services.common.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    StaleEtag,
    Violations,
)
from services.common.events import Event
from services.contract.domain import events
from services.contract.domain.approval import (
    ApprovalChain,
    ApprovalRule,
    ApprovalStep,
    ContractKind,
    chain_for,
)
from services.contract.domain.template import BlankType, BlankValue

USER_NAME = re.compile(r"^users/[A-Za-z0-9_.@-]{1,64}$")
FEN = Decimal("0.01")
# Amounts are stored as a BIGINT of 1/10,000 CNY (services.common.db.Amount).
MAX_AMOUNT = Decimal(10) ** 12
MAX_QUANTITY = Decimal(10) ** 9


def new_id() -> str:
    return uuid.uuid4().hex


class ContractState(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    DRAFT = "DRAFT"
    PENDING_APPROVAL = "PENDING_APPROVAL"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    SIGNING = "SIGNING"
    ACTIVE = "ACTIVE"
    EXPIRING = "EXPIRING"
    RENEWED = "RENEWED"
    EXPIRED = "EXPIRED"
    TERMINATED = "TERMINATED"
    ARCHIVED = "ARCHIVED"


class DisputeResolution(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    NEGOTIATION = "NEGOTIATION"
    MEDIATION = "MEDIATION"
    ARBITRATION = "ARBITRATION"
    LITIGATION = "LITIGATION"


class Party(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    OURS = "OURS"
    CUSTOMER = "CUSTOMER"


S = ContractState
# The one lifecycle: every state change goes through `Contract._move`, which checks this.
TRANSITIONS: dict[ContractState, frozenset[ContractState]] = {
    S.DRAFT: frozenset({S.PENDING_APPROVAL}),
    S.PENDING_APPROVAL: frozenset({S.APPROVED, S.REJECTED}),
    S.REJECTED: frozenset({S.DRAFT}),
    S.APPROVED: frozenset({S.SIGNING}),
    S.SIGNING: frozenset({S.ACTIVE}),
    S.ACTIVE: frozenset({S.EXPIRING, S.EXPIRED, S.RENEWED, S.TERMINATED}),
    S.EXPIRING: frozenset({S.RENEWED, S.EXPIRED, S.TERMINATED}),
    S.RENEWED: frozenset({S.ARCHIVED}),
    S.EXPIRED: frozenset({S.ARCHIVED}),
    S.TERMINATED: frozenset({S.ARCHIVED}),
    S.ARCHIVED: frozenset(),
}
EDITABLE = frozenset({S.DRAFT, S.REJECTED, S.PENDING_APPROVAL})
# Once signed the contract is in force: payments count, the customer's figures change.
IN_FORCE = frozenset({S.ACTIVE, S.EXPIRING})
SIGNED = frozenset({S.ACTIVE, S.EXPIRING, S.RENEWED, S.EXPIRED, S.TERMINATED, S.ARCHIVED})

TEXT_FIELDS = {"title": 200, "payment_terms": 4000, "breach_liability": 4000, "department": 100}
# A change to any of these while approval is pending restarts the approval.
SUBSTANCE_FIELDS = frozenset(
    {
        "title",
        "kind",
        "line_items",
        "total_amount",
        "start_date",
        "end_date",
        "payment_terms",
        "breach_liability",
        "dispute_resolution",
        "payment_milestones",
        "delivery_milestones",
        "blanks",
    }
)
EDITABLE_FIELDS = (SUBSTANCE_FIELDS - {"total_amount"}) | {"department"}


@dataclass
class LineItem:
    """One line of the subject matter; the unit price includes tax (含税单价)."""

    display_name: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    model: str = ""
    spec: str = ""
    unit: str = ""

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(FEN, ROUND_HALF_UP)

    @property
    def tax_amount(self) -> Decimal:
        return (self.amount * self.tax_rate / (1 + self.tax_rate)).quantize(FEN, ROUND_HALF_UP)

    def to_json(self) -> dict[str, str]:
        """As stored in the snapshot, the history and amendments (decimals as text)."""
        return {
            "display_name": self.display_name,
            "model": self.model,
            "spec": self.spec,
            "quantity": str(self.quantity),
            "unit": self.unit,
            "unit_price": str(self.unit_price),
            "tax_rate": str(self.tax_rate),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> LineItem:
        return cls(
            display_name=d["display_name"],
            quantity=Decimal(d["quantity"]),
            unit_price=Decimal(d["unit_price"]),
            tax_rate=Decimal(d["tax_rate"]),
            model=d["model"],
            spec=d["spec"],
            unit=d["unit"],
        )


@dataclass
class Payment:
    amount: Decimal
    received_date: date
    recorded_by: str
    note: str = ""


@dataclass
class PaymentMilestone:
    id: str
    display_name: str
    due_date: date
    amount: Decimal
    payments: list[Payment] = field(default_factory=list)

    @property
    def received_amount(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))

    @property
    def received_date(self) -> date | None:
        return self.payments[-1].received_date if self.payments else None

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.received_amount

    def overdue_days(self, today: date) -> int:
        """Days the unpaid rest is past due; 0 when paid or not yet due."""
        if self.outstanding <= 0 or today <= self.due_date:
            return 0
        return (today - self.due_date).days


class DeliveryKind(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    DELIVERY = "DELIVERY"  # 交付
    ACCEPTANCE = "ACCEPTANCE"  # 验收


class DeliveryState(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"


@dataclass
class DeliveryMilestone:
    """A delivery (交付) or acceptance (验收) the contract promises by a due date."""

    id: str
    kind: DeliveryKind
    title: str
    due_date: date
    completed_date: date | None = None
    completed_by: str = ""

    @property
    def state(self) -> DeliveryState:
        return DeliveryState.PENDING if self.completed_date is None else DeliveryState.COMPLETED


@dataclass
class Signature:
    party: Party
    signatory: str
    sign_date: date
    recorded_by: str


@dataclass
class Contract:
    id: str
    number: str
    title: str
    kind: ContractKind
    customer_id: str
    line_items: list[LineItem]
    start_date: date
    end_date: date
    owner: str
    created_at: datetime
    updated_at: datetime
    payment_terms: str = ""
    breach_liability: str = ""
    dispute_resolution: DisputeResolution = DisputeResolution.UNSPECIFIED
    department: str = ""
    state: ContractState = ContractState.DRAFT
    payment_milestones: list[PaymentMilestone] = field(default_factory=list)
    delivery_milestones: list[DeliveryMilestone] = field(default_factory=list)
    approval: ApprovalChain = field(default_factory=ApprovalChain)
    signatures: list[Signature] = field(default_factory=list)
    predecessor_id: str | None = None
    successor_id: str | None = None
    termination_date: date | None = None
    termination_reason: str = ""
    signed_date: date | None = None
    template_id: str | None = None
    template_version: int = 0
    blanks: dict[str, BlankValue] = field(default_factory=dict)
    rendered_text: str = ""
    # The rendered text with money blanks hidden, for readers without `contract_amount`.
    rendered_text_masked: str = ""
    version: int = 1
    events: list[Event] = field(default_factory=list, compare=False, repr=False)

    @property
    def resource_name(self) -> str:
        return f"contracts/{self.id}"

    @property
    def customer(self) -> str:
        return f"customers/{self.customer_id}"

    @property
    def total_amount(self) -> Decimal:
        return sum((item.amount for item in self.line_items), Decimal(0))

    @property
    def received_amount(self) -> Decimal:
        return sum((m.received_amount for m in self.payment_milestones), Decimal(0))

    @property
    def payment_progress_percent(self) -> float:
        total = self.total_amount
        if total <= 0:
            return 0.0
        return float((self.received_amount * 100 / total).quantize(FEN, ROUND_HALF_UP))

    @property
    def etag(self) -> str:
        return str(self.version)

    def check_etag(self, etag: str) -> None:
        if etag and etag != self.etag:
            raise StaleEtag(
                f"{self.resource_name} changed since it was read (etag {self.etag})",
                metadata={"etag": self.etag},
            )

    # --- the state machine ------------------------------------------------------------------

    def _move(self, to: ContractState, action: str) -> None:
        if to not in TRANSITIONS[self.state]:
            raise FailedPrecondition(
                f"cannot {action} a contract in state {self.state.name}",
                reason="ILLEGAL_STATE_TRANSITION",
                metadata={"state": self.state.name, "target_state": to.name, "action": action},
            )
        self.state = to

    def snapshot(self) -> dict[str, Any]:
        """The editable values, comparable before and after a change (for the history)."""
        return {
            "title": self.title,
            "kind": self.kind.name,
            "line_items": [i.to_json() for i in self.line_items],
            "total_amount": str(self.total_amount),
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "payment_terms": self.payment_terms,
            "breach_liability": self.breach_liability,
            "dispute_resolution": self.dispute_resolution.name,
            "payment_milestones": [
                {"display_name": m.display_name, "due_date": m.due_date.isoformat()}
                | {"amount": str(m.amount)}
                for m in self.payment_milestones
            ],
            "delivery_milestones": [
                {"kind": m.kind.name, "title": m.title, "due_date": m.due_date.isoformat()}
                for m in self.delivery_milestones
            ],
            "department": self.department,
            "blanks": {k: blank_text(b) for k, b in sorted(self.blanks.items())},
        }

    def edit(
        self, values: dict[str, Any], rules: tuple[ApprovalRule, ...], now: datetime
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Applies checked values; returns what changed (before, after). A REJECTED contract
        goes back to DRAFT; a pending one whose substance changed starts a new round."""
        if self.state not in EDITABLE:
            raise FailedPrecondition(
                f"a contract in state {self.state.name} can no longer be edited",
                reason="CONTRACT_NOT_EDITABLE",
                metadata={"state": self.state.name},
            )
        before = self.snapshot()
        for name, value in values.items():
            setattr(self, name, value)
        check_consistency(self, "contract")
        after = self.snapshot()
        changed = [k for k in after if after[k] != before[k]]
        if not changed:
            return {}, {}
        if self.state is S.REJECTED:
            self._move(S.DRAFT, "rework")
        elif self.state is S.PENDING_APPROVAL and SUBSTANCE_FIELDS & set(changed):
            self._start_approval(rules)
        self.updated_at = now
        return {k: before[k] for k in changed}, {k: after[k] for k in changed}

    def _start_approval(self, rules: tuple[ApprovalRule, ...]) -> None:
        chain = chain_for(rules, self.kind, self.total_amount, self.department)
        self.approval.start(chain, self.department)
        self.events.append(events.ContractSubmitted(self.resource_name, self.approval.waiting_for))

    def submit(self, rules: tuple[ApprovalRule, ...], now: datetime) -> None:
        self._move(S.PENDING_APPROVAL, "submit")
        self._start_approval(rules)
        self.updated_at = now

    def _step_for(self, user_name: str, roles: frozenset[str], department: str, action: str) -> int:
        if self.state is not S.PENDING_APPROVAL:
            raise FailedPrecondition(
                f"cannot {action} a contract in state {self.state.name}",
                reason="ILLEGAL_STATE_TRANSITION",
                metadata={"state": self.state.name, "action": action},
            )
        index = self.approval.step_for(user_name, roles, department)
        if index is None:
            pending = self.approval.pending
            raise PermissionDenied(
                "the pending steps wait for " + self.approval.waiting_for,
                reason="NOT_CURRENT_APPROVER",
                metadata={
                    "step": ",".join(s.display_name for s in pending),
                    "waiting_for": self.approval.waiting_for,
                },
            )
        return index

    def approve(
        self,
        user_name: str,
        roles: frozenset[str],
        opinion: str,
        now: datetime,
        *,
        department: str = "",
    ) -> ApprovalStep:
        """Approves the first pending step the user may decide; returns it."""
        index = self._step_for(user_name, roles, department, "approve")
        step = self.approval.steps[index]
        final = self.approval.decide(index, True, user_name, opinion, now)
        self.updated_at = now
        if final:
            self._move(S.APPROVED, "approve")
        # Whom to notify: the approvers of a stage that just opened, nobody otherwise.
        opened = any(s.stage > step.stage for s in self.approval.pending)
        self.events.append(
            events.ContractApproved(
                self.resource_name,
                step.display_name,
                user_name,
                final,
                self.approval.waiting_for if opened else "",
            )
        )
        return step

    def reject(
        self,
        user_name: str,
        roles: frozenset[str],
        opinion: str,
        now: datetime,
        *,
        department: str = "",
    ) -> ApprovalStep:
        """Rejects at the first pending step the user may decide; returns it."""
        index = self._step_for(user_name, roles, department, "reject")
        step = self.approval.steps[index]
        self.approval.decide(index, False, user_name, opinion, now)
        self.updated_at = now
        self._move(S.REJECTED, "reject")
        self.events.append(
            events.ContractRejected(self.resource_name, step.display_name, user_name)
        )
        return step

    def sign(
        self, party: Party, signatory: str, day: date, recorded_by: str, now: datetime
    ) -> None:
        if self.state is S.APPROVED:
            self._move(S.SIGNING, "sign")
        elif self.state is not S.SIGNING:
            self._move(S.SIGNING, "sign")  # raises with the state named
        if any(s.party is party for s in self.signatures):
            raise FailedPrecondition(
                f"party {party.name} has already signed",
                reason="ALREADY_SIGNED",
                metadata={"party": party.name},
            )
        self.signatures.append(Signature(party, signatory, day, recorded_by))
        self.events.append(events.ContractSigned(self.resource_name, party.name))
        if {s.party for s in self.signatures} >= {Party.OURS, Party.CUSTOMER}:
            self._move(S.ACTIVE, "activate")
            self.signed_date = max(s.sign_date for s in self.signatures)
            self.events.append(events.ContractActivated(self.resource_name, self.customer))
        self.updated_at = now

    def terminate(self, day: date, reason: str, now: datetime) -> None:
        self._move(S.TERMINATED, "terminate")
        self.termination_date, self.termination_reason = day, reason
        self.updated_at = now
        self.events.append(events.ContractTerminated(self.resource_name, day, reason))

    def renew_into(self, successor_id: str, now: datetime) -> None:
        self._move(S.RENEWED, "renew")
        self.successor_id = successor_id
        self.updated_at = now
        self.events.append(events.ContractRenewed(self.resource_name, f"contracts/{successor_id}"))

    def schedule_for_renewal(
        self, start: date
    ) -> tuple[list[PaymentMilestone], list[DeliveryMilestone]]:
        """The successor's milestones: the same ones moved by as many days as the term moves
        (a contract renewed the day after it ends keeps each milestone's day in the year,
        give or take 29 February), with nothing paid and nothing completed yet."""
        shift = timedelta(days=(start - self.start_date).days)
        payments = [
            PaymentMilestone(new_id(), m.display_name, m.due_date + shift, m.amount)
            for m in self.payment_milestones
        ]
        deliveries = [
            DeliveryMilestone(new_id(), m.kind, m.title, m.due_date + shift)
            for m in self.delivery_milestones
        ]
        return payments, deliveries

    def archive(self, now: datetime) -> None:
        self._move(S.ARCHIVED, "archive")
        self.updated_at = now

    def mark_by_date(self, today: date, warn_days: int, now: datetime) -> bool:
        """ACTIVE -> EXPIRING within `warn_days` of the end; past the end -> EXPIRED."""
        if self.state in IN_FORCE and today > self.end_date:
            self._move(S.EXPIRED, "expire")
        elif self.state is S.ACTIVE and (self.end_date - today).days <= warn_days:
            self._move(S.EXPIRING, "warn of expiry")
        else:
            return False
        self.updated_at = now
        return True

    def record_payment(
        self,
        milestone_id: str,
        amount: Decimal,
        day: date,
        recorded_by: str,
        note: str,
        now: datetime,
    ) -> PaymentMilestone:
        if self.state not in IN_FORCE:
            raise FailedPrecondition(
                f"payments are recorded on contracts in force, not in state {self.state.name}",
                reason="CONTRACT_NOT_IN_FORCE",
                metadata={"state": self.state.name},
            )
        milestone = next((m for m in self.payment_milestones if m.id == milestone_id), None)
        if milestone is None:
            raise NotFound(
                f"{self.resource_name}/milestones/{milestone_id} not found",
                metadata={"resource": f"{self.resource_name}/milestones/{milestone_id}"},
            )
        if amount <= 0 or amount > milestone.outstanding:
            raise InvalidArgument.of(
                "amount", f"must be more than 0 and at most the {milestone.outstanding} still due"
            )
        milestone.payments.append(Payment(amount, day, recorded_by, note))
        self.updated_at = now
        self.events.append(
            events.PaymentReceived(
                self.resource_name, f"{self.resource_name}/milestones/{milestone.id}", amount, day
            )
        )
        return milestone

    def complete_delivery(
        self, milestone_id: str, day: date, today: date, completed_by: str, now: datetime
    ) -> DeliveryMilestone:
        """Records that a delivery or acceptance took place on `day` (not in the future)."""
        if self.state not in IN_FORCE:
            raise FailedPrecondition(
                f"deliveries are recorded on contracts in force, not in state {self.state.name}",
                reason="CONTRACT_NOT_IN_FORCE",
                metadata={"state": self.state.name},
            )
        milestone = next((m for m in self.delivery_milestones if m.id == milestone_id), None)
        if milestone is None:
            raise NotFound(
                f"delivery milestone {milestone_id} of {self.resource_name} not found",
                metadata={"resource": f"{self.resource_name}", "milestone_id": milestone_id},
            )
        if milestone.completed_date is not None:
            raise FailedPrecondition(
                f"{milestone.title} was already completed on {milestone.completed_date}",
                reason="MILESTONE_ALREADY_COMPLETED",
                metadata={"milestone_id": milestone.id},
            )
        if day > today:
            raise InvalidArgument.of("completed_date", "must not be in the future")
        milestone.completed_date, milestone.completed_by = day, completed_by
        self.updated_at = now
        self.events.append(
            events.DeliveryMilestoneCompleted(
                self.resource_name, milestone.id, milestone.kind.name, milestone.title, day
            )
        )
        return milestone


# --- checking input -----------------------------------------------------------------------


def parse_decimal(v: Violations, path: str, text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        v.add(path, "must be a decimal number such as 12 or 2.5")
        return None
    if not value.is_finite():
        v.add(path, "must be a finite number")
        return None
    return value


def line_item(v: Violations, path: str, raw: dict[str, Any]) -> LineItem | None:
    """A line item from raw values (quantity and tax rate as text, price as Decimal)."""
    ok = len(v.items)
    name = raw.get("display_name", "").strip()
    if not name or len(name) > 200:
        v.add(f"{path}.display_name", "required, at most 200 characters")
    quantity = parse_decimal(v, f"{path}.quantity", raw.get("quantity", ""))
    if quantity is not None and not Decimal(0) < quantity < MAX_QUANTITY:
        v.add(f"{path}.quantity", "must be more than 0")
    if quantity is not None and quantity.as_tuple().exponent < -4:  # type: ignore[operator]
        v.add(f"{path}.quantity", "at most 4 decimal places")
    rate = parse_decimal(v, f"{path}.tax_rate", raw.get("tax_rate") or "0")
    if rate is not None and not Decimal(0) <= rate < 1:
        v.add(f"{path}.tax_rate", "must be between 0 and 1, such as 0.13")
    price: Decimal = raw.get("unit_price", Decimal(0))
    if not Decimal(0) <= price < MAX_AMOUNT:
        v.add(f"{path}.unit_price", "must not be negative")
    elif price != price.quantize(Decimal("0.0001")):
        v.add(f"{path}.unit_price", "at most 4 decimal places")
    for text_field in ("model", "spec", "unit"):
        if len(raw.get(text_field, "")) > 100:
            v.add(f"{path}.{text_field}", "at most 100 characters")
    if len(v.items) != ok or quantity is None or rate is None:
        return None
    return LineItem(
        name, quantity, price, rate, raw.get("model", ""), raw.get("spec", ""), raw.get("unit", "")
    )


def validate_fields(v: Violations, prefix: str, values: dict[str, Any]) -> dict[str, Any]:
    """Checks the writable fields present in `values`; returns them as domain values."""
    out: dict[str, Any] = {}
    for name, limit in TEXT_FIELDS.items():
        if name in values:
            text = values[name].strip()
            if len(text) > limit:
                v.add(f"{prefix}.{name}", f"at most {limit} characters")
            out[name] = text
    if "title" in out and not out["title"]:
        v.add(f"{prefix}.title", "required")
    if "kind" in values:
        if values["kind"] is ContractKind.UNSPECIFIED:
            v.add(f"{prefix}.kind", "required")
        out["kind"] = values["kind"]
    if "owner" in values:
        if not USER_NAME.match(values["owner"]):
            v.add(f"{prefix}.owner", "required, a user name like users/zhang.san")
        out["owner"] = values["owner"]
    for name in ("start_date", "end_date"):
        if name in values:
            if values[name] is None:
                v.add(f"{prefix}.{name}", "required")
            out[name] = values[name]
    if "dispute_resolution" in values:
        out["dispute_resolution"] = values["dispute_resolution"]
    if "line_items" in values:
        raw_items = values["line_items"]
        if not raw_items:
            v.add(f"{prefix}.line_items", "at least one line item is required")
        items = [line_item(v, f"{prefix}.line_items[{i}]", r) for i, r in enumerate(raw_items)]
        out["line_items"] = [i for i in items if i is not None]
    if "payment_milestones" in values:
        milestones = []
        for i, raw in enumerate(values["payment_milestones"]):
            path = f"{prefix}.payment_milestones[{i}]"
            if not raw.get("display_name", "").strip():
                v.add(f"{path}.display_name", "required")
            if raw.get("due_date") is None:
                v.add(f"{path}.due_date", "required")
            amount = raw.get("amount", Decimal(0))
            if not Decimal(0) < amount < MAX_AMOUNT or amount != amount.quantize(FEN):
                v.add(f"{path}.amount", "must be more than 0, in yuan and fen")
            milestones.append(
                PaymentMilestone(
                    new_id(), raw.get("display_name", "").strip(), raw.get("due_date"), amount
                )
            )
        out["payment_milestones"] = milestones
    if "delivery_milestones" in values:
        out["delivery_milestones"] = [
            delivery_milestone(v, f"{prefix}.delivery_milestones[{i}]", raw)
            for i, raw in enumerate(values["delivery_milestones"])
        ]
    return out


def delivery_milestone(v: Violations, path: str, raw: dict[str, Any]) -> DeliveryMilestone:
    """A pending delivery milestone from raw values (kind, title, due_date)."""
    kind = raw.get("kind", DeliveryKind.UNSPECIFIED)
    if kind is DeliveryKind.UNSPECIFIED:
        v.add(f"{path}.kind", "required: KIND_DELIVERY or KIND_ACCEPTANCE")
    title = raw.get("title", "").strip()
    if not title or len(title) > 200:
        v.add(f"{path}.title", "required, at most 200 characters")
    if raw.get("due_date") is None:
        v.add(f"{path}.due_date", "required")
    return DeliveryMilestone(new_id(), kind, title, raw.get("due_date") or date.min)


def check_consistency(contract: Contract, prefix: str) -> None:
    """Rules across fields, checked on the whole contract after any change."""
    v = Violations()
    if contract.end_date < contract.start_date:
        v.add(f"{prefix}.end_date", "must not be before the start date")
    total = contract.total_amount
    if total >= MAX_AMOUNT:
        v.add(f"{prefix}.line_items", "the total is too large")
    if contract.payment_milestones:
        scheduled = sum((m.amount for m in contract.payment_milestones), Decimal(0))
        if scheduled != total:
            v.add(
                f"{prefix}.payment_milestones",
                f"the milestones add up to {scheduled}, the total is {total}",
            )
    for i, m in enumerate(contract.delivery_milestones):
        if m.due_date < contract.start_date:
            v.add(
                f"{prefix}.delivery_milestones[{i}].due_date",
                "must not be before the contract's start date",
            )
    v.raise_if_any()


def customer_figures(
    customer: str, contracts: list[Contract], today: date
) -> events.CustomerFiguresChanged:
    """The customer's figures from its signed contracts: the amount signed in the last twelve
    months, the longest overdue payment, and the first day of cooperation."""
    signed = [c for c in contracts if c.state in SIGNED and c.signed_date is not None]
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    annual = sum(
        (c.total_amount for c in signed if c.signed_date and c.signed_date > year_ago), Decimal(0)
    )
    overdue = max((m.overdue_days(today) for c in signed for m in c.payment_milestones), default=0)
    start = min((c.signed_date for c in signed if c.signed_date), default=None)
    return events.CustomerFiguresChanged(customer, annual, overdue, start)


def blank_text(blank: BlankValue) -> str:
    """A blank's value as plain text (for storage and the history)."""
    if isinstance(blank.value, date):
        return blank.value.isoformat()
    return str(blank.value)


def blank_from_text(type_name: str, text: str) -> BlankValue:
    kind = BlankType[type_name]
    if kind is BlankType.MONEY:
        return BlankValue(kind, Decimal(text))
    if kind is BlankType.DATE:
        return BlankValue(kind, date.fromisoformat(text))
    return BlankValue(kind, text)
