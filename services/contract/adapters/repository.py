"""The contract repository: rows to domain objects and back, with compare-and-set updates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from services.common.errors import NotFound, StaleEtag
from services.contract.adapters import orm
from services.contract.domain.approval import (
    ApprovalChain,
    ApprovalDecision,
    ApprovalStep,
    ContractKind,
    StepState,
)
from services.contract.domain.model import (
    Contract,
    ContractState,
    DisputeResolution,
    LineItem,
    Party,
    Payment,
    PaymentMilestone,
    Signature,
    blank_from_text,
    blank_text,
)
from services.contract.domain.template import Blank, BlankType, ContractTemplate

T = orm.contracts


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _from_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def to_row(c: Contract) -> dict[str, Any]:
    return {
        "id": c.id,
        "number": c.number,
        "title": c.title,
        "kind": c.kind.name,
        "customer_id": c.customer_id,
        "owner": c.owner,
        "department": c.department,
        "state": c.state.name,
        "total_amount": c.total_amount,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "signed_date": c.signed_date,
        "payment_terms": c.payment_terms,
        "breach_liability": c.breach_liability,
        "dispute_resolution": c.dispute_resolution.name,
        "line_items": [
            {
                "display_name": i.display_name,
                "model": i.model,
                "spec": i.spec,
                "quantity": str(i.quantity),
                "unit": i.unit,
                "unit_price": str(i.unit_price),
                "tax_rate": str(i.tax_rate),
            }
            for i in c.line_items
        ],
        "payment_milestones": [
            {
                "id": m.id,
                "display_name": m.display_name,
                "due_date": m.due_date.isoformat(),
                "amount": str(m.amount),
                "payments": [
                    {
                        "amount": str(p.amount),
                        "received_date": p.received_date.isoformat(),
                        "recorded_by": p.recorded_by,
                        "note": p.note,
                    }
                    for p in m.payments
                ],
            }
            for m in c.payment_milestones
        ],
        "approval": {
            "round": c.approval.round,
            "steps": [
                {
                    "display_name": s.display_name,
                    "approver_role": s.approver_role,
                    "approver": s.approver,
                    "state": s.state.name,
                    "decided_by": s.decided_by,
                    "opinion": s.opinion,
                    "decided_at": _time(s.decided_at),
                    "department": s.department,
                }
                for s in c.approval.steps
            ],
            "decisions": [
                {
                    "round": d.round,
                    "step": d.step,
                    "decided_by": d.decided_by,
                    "approved": d.approved,
                    "opinion": d.opinion,
                    "decided_at": _time(d.decided_at),
                }
                for d in c.approval.decisions
            ],
        },
        "signatures": [
            {
                "party": s.party.name,
                "signatory": s.signatory,
                "sign_date": s.sign_date.isoformat(),
                "recorded_by": s.recorded_by,
            }
            for s in c.signatures
        ],
        "predecessor_id": c.predecessor_id,
        "successor_id": c.successor_id,
        "termination_date": c.termination_date,
        "termination_reason": c.termination_reason,
        "template_id": c.template_id,
        "template_version": c.template_version,
        "blanks": {
            k: {"type": b.type.name, "value": blank_text(b)} for k, b in sorted(c.blanks.items())
        },
        "rendered_text": c.rendered_text,
        "rendered_text_masked": c.rendered_text_masked,
        "version": c.version,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


def from_row(r: Row[Any]) -> Contract:
    approval = r.approval
    return Contract(
        id=r.id,
        number=r.number,
        title=r.title,
        kind=ContractKind[r.kind],
        customer_id=r.customer_id,
        owner=r.owner,
        department=r.department,
        state=ContractState[r.state],
        start_date=r.start_date,
        end_date=r.end_date,
        signed_date=r.signed_date,
        payment_terms=r.payment_terms,
        breach_liability=r.breach_liability,
        dispute_resolution=DisputeResolution[r.dispute_resolution],
        line_items=[
            LineItem(
                display_name=i["display_name"],
                quantity=Decimal(i["quantity"]),
                unit_price=Decimal(i["unit_price"]),
                tax_rate=Decimal(i["tax_rate"]),
                model=i["model"],
                spec=i["spec"],
                unit=i["unit"],
            )
            for i in r.line_items
        ],
        payment_milestones=[
            PaymentMilestone(
                id=m["id"],
                display_name=m["display_name"],
                due_date=date.fromisoformat(m["due_date"]),
                amount=Decimal(m["amount"]),
                payments=[
                    Payment(
                        Decimal(p["amount"]),
                        date.fromisoformat(p["received_date"]),
                        p["recorded_by"],
                        p["note"],
                    )
                    for p in m["payments"]
                ],
            )
            for m in r.payment_milestones
        ],
        approval=ApprovalChain(
            round=approval["round"],
            steps=[
                ApprovalStep(
                    s["display_name"],
                    s["approver_role"],
                    s["approver"],
                    StepState[s["state"]],
                    s["decided_by"],
                    s["opinion"],
                    _from_time(s["decided_at"]),
                    s.get("department", ""),
                )
                for s in approval["steps"]
            ],
            decisions=[
                ApprovalDecision(
                    d["round"],
                    d["step"],
                    d["decided_by"],
                    d["approved"],
                    d["opinion"],
                    _from_time(d["decided_at"]) or datetime.min,
                )
                for d in approval["decisions"]
            ],
        ),
        signatures=[
            Signature(
                Party[s["party"]],
                s["signatory"],
                date.fromisoformat(s["sign_date"]),
                s["recorded_by"],
            )
            for s in r.signatures
        ],
        predecessor_id=r.predecessor_id,
        successor_id=r.successor_id,
        termination_date=r.termination_date,
        termination_reason=r.termination_reason,
        template_id=r.template_id,
        template_version=r.template_version,
        blanks={k: blank_from_text(b["type"], b["value"]) for k, b in r.blanks.items()},
        rendered_text=r.rendered_text,
        rendered_text_masked=r.rendered_text_masked,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class ContractRepository:
    """Tracks what it loaded or added; `flush` writes the changed ones, each update only if
    the row still has the version it was read with: of two concurrent writers one wins."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._new: list[Contract] = []
        self._loaded: dict[str, tuple[Contract, dict[str, Any]]] = {}

    def add(self, contract: Contract) -> None:
        self._new.append(contract)

    def get(self, id_: str) -> Contract:
        row = self.session.execute(select(T).where(T.c.id == id_)).first()
        if row is None:
            raise NotFound(f"contracts/{id_} not found", metadata={"resource": f"contracts/{id_}"})
        contract = from_row(row)
        self._loaded[id_] = (contract, to_row(contract))
        return contract

    def seen(self) -> list[Contract]:
        return [*self._new, *(c for c, _ in self._loaded.values())]

    def flush(self) -> None:
        for contract in self._new:
            self.session.execute(insert(T).values(**to_row(contract)))
        self._new.clear()
        for id_, (contract, original) in self._loaded.items():
            row = to_row(contract)
            if row == original:
                continue
            row["version"] = contract.version + 1
            done = self.session.execute(
                update(T)
                .where(T.c.id == id_, T.c.version == contract.version)
                .values(**{k: v for k, v in row.items() if k != "id"})
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise StaleEtag(
                    f"contracts/{id_} changed since it was read; read again and retry",
                    metadata={"resource": f"contracts/{id_}"},
                )
            contract.version += 1
            self._loaded[id_] = (contract, to_row(contract))

    def find(
        self,
        terms: dict[str, Any],
        sort: str,
        descending: bool,
        after: dict[str, Any] | None,
        limit: int,
    ) -> list[Contract]:
        stmt = select(T).where(*(T.c[k] == v for k, v in terms.items()))
        sort_col, id_col = T.c[sort], T.c.id
        if after is not None:
            key: Any = after["k"]
            if sort == "created_at":
                key = datetime.fromisoformat(key)
            if descending:
                stmt = stmt.where(or_(sort_col < key, and_(sort_col == key, id_col < after["id"])))
            else:
                stmt = stmt.where(or_(sort_col > key, and_(sort_col == key, id_col > after["id"])))
        order = (sort_col.desc(), id_col.desc()) if descending else (sort_col.asc(), id_col.asc())
        rows = self.session.execute(stmt.order_by(*order).limit(limit + 1)).all()
        return [from_row(r) for r in rows]

    def of_customer(self, customer_id: str, states: list[str]) -> list[Contract]:
        rows = self.session.execute(
            select(T).where(T.c.customer_id == customer_id, T.c.state.in_(states))
        ).all()
        return [from_row(r) for r in rows]

    def ids_ending_by(self, day: date, states: list[str]) -> list[str]:
        return list(
            self.session.scalars(
                select(T.c.id).where(T.c.end_date <= day, T.c.state.in_(states)).order_by(T.c.id)
            )
        )


TT = orm.contract_templates


class TemplateRepository:
    """Template versions: inserted, never updated."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, t: ContractTemplate) -> None:
        self.session.execute(
            insert(TT).values(
                id=t.id,
                version=t.version,
                display_name=t.display_name,
                kind=t.kind.name,
                clauses=t.clauses,
                blanks=[
                    {
                        "key": b.key,
                        "display_name": b.display_name,
                        "type": b.type.name,
                        "required": b.required,
                        "choices": list(b.choices),
                    }
                    for b in t.blanks
                ],
                created_by=t.created_by,
                created_at=t.created_at,
            )
        )

    def get(self, id_: str, version: int | None = None) -> ContractTemplate:
        if version is None:
            version = self.session.scalar(select(func.max(TT.c.version)).where(TT.c.id == id_))
        row = self.session.execute(
            select(TT).where(TT.c.id == id_, TT.c.version == version)
        ).first()
        if row is None:
            name = f"contractTemplates/{id_}" + (f"@{version}" if version else "")
            raise NotFound(f"{name} not found", metadata={"resource": name})
        return ContractTemplate(
            id=row.id,
            version=row.version,
            display_name=row.display_name,
            kind=ContractKind[row.kind],
            clauses=list(row.clauses),
            blanks=[
                Blank(
                    b["key"],
                    b["display_name"],
                    BlankType[b["type"]],
                    b["required"],
                    tuple(b["choices"]),
                )
                for b in row.blanks
            ],
            created_by=row.created_by,
            created_at=row.created_at,
        )


def customers_with_contracts(session: Session, states: list[str]) -> list[str]:
    return list(
        session.scalars(
            select(T.c.customer_id)
            .where(T.c.state.in_(states))
            .distinct()
            .order_by(T.c.customer_id)
        )
    )
