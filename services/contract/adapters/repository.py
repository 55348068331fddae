"""The contract repository: rows to domain objects and back, with compare-and-set updates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from services.common.errors import NotFound, StaleEtag
from services.contract.adapters import orm
from services.contract.domain.amendment import Amendment, AmendmentState, ContractVersion
from services.contract.domain.approval import (
    ApprovalChain,
    ApprovalDecision,
    ApprovalStep,
    ContractKind,
    StepState,
)
from services.contract.domain.document import Document, DocumentKind
from services.contract.domain.model import (
    Contract,
    ContractState,
    DeliveryKind,
    DeliveryMilestone,
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
LI = orm.contract_line_items
PS = orm.contract_payment_schedule
PAY = orm.contract_payments


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _from_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def approval_to_json(chain: ApprovalChain) -> dict[str, Any]:
    return {
        "round": chain.round,
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
                "stage": s.stage,
            }
            for s in chain.steps
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
            for d in chain.decisions
        ],
    }


def approval_from_json(approval: dict[str, Any]) -> ApprovalChain:
    return ApprovalChain(
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
                # Rows from before parallel steps: every step was a stage of its own.
                s.get("stage", i),
            )
            for i, s in enumerate(approval["steps"])
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
    )


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
        "line_items": [i.to_json() for i in c.line_items],
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
        "delivery_milestones": [
            {
                "id": m.id,
                "kind": m.kind.name,
                "title": m.title,
                "due_date": m.due_date.isoformat(),
                "completed_date": m.completed_date.isoformat() if m.completed_date else None,
                "completed_by": m.completed_by,
            }
            for m in c.delivery_milestones
        ],
        "approval": approval_to_json(c.approval),
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
        line_items=[LineItem.from_json(i) for i in r.line_items],
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
        delivery_milestones=[
            DeliveryMilestone(
                id=m["id"],
                kind=DeliveryKind[m["kind"]],
                title=m["title"],
                due_date=date.fromisoformat(m["due_date"]),
                completed_date=date.fromisoformat(m["completed_date"])
                if m["completed_date"]
                else None,
                completed_by=m["completed_by"],
            )
            for m in r.delivery_milestones
        ],
        approval=approval_from_json(r.approval),
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


_INSERT_CONTRACT = insert(T)


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

    def _write_report_rows(
        self, contract: Contract, row: dict[str, Any], original: dict[str, Any] | None
    ) -> None:
        """Rewrites the report read models whose source (a JSON column) changed."""
        cid = contract.id
        if original is None or row["line_items"] != original["line_items"]:
            if original is not None:
                self.session.execute(delete(LI).where(LI.c.contract_id == cid))
            if contract.line_items:
                self.session.execute(
                    insert(LI),
                    [
                        {
                            "contract_id": cid,
                            "position": n,
                            "display_name": i.display_name,
                            "model": i.model,
                            "unit": i.unit,
                            "quantity": i.quantity,
                            "amount": i.amount,
                        }
                        for n, i in enumerate(contract.line_items)
                    ],
                )
        if original is None or row["payment_milestones"] != original["payment_milestones"]:
            if original is not None:
                self.session.execute(delete(PS).where(PS.c.contract_id == cid))
                self.session.execute(delete(PAY).where(PAY.c.contract_id == cid))
            milestones = contract.payment_milestones
            if milestones:
                self.session.execute(
                    insert(PS),
                    [
                        {
                            "contract_id": cid,
                            "milestone_id": m.id,
                            "due_date": m.due_date,
                            "amount": m.amount,
                        }
                        for m in milestones
                    ],
                )
            paid = [
                {
                    "contract_id": cid,
                    "milestone_id": m.id,
                    "position": n,
                    "amount": p.amount,
                    "received_date": p.received_date,
                }
                for m in milestones
                for n, p in enumerate(m.payments)
            ]
            if paid:
                self.session.execute(insert(PAY), paid)

    def flush(self) -> None:
        for contract in self._new:
            row = to_row(contract)
            # Parameters, not .values(**row): the statement is then the same every time and
            # its compiled form is reused, where .values() made and keyed ~40 literals per call.
            self.session.execute(_INSERT_CONTRACT, row)
            self._write_report_rows(contract, row, None)
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
            self._write_report_rows(contract, row, original)
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
        if version is None:  # the latest: one statement rather than max() and a second read
            found = select(TT).where(TT.c.id == id_).order_by(TT.c.version.desc()).limit(1)
        else:
            found = select(TT).where(TT.c.id == id_, TT.c.version == version)
        row = self.session.execute(found).first()
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


D = orm.contract_documents


def _document(r: Row[Any]) -> Document:
    return Document(
        id=r.id,
        contract_id=r.contract_id,
        kind=DocumentKind[r.kind],
        filename=r.filename,
        content_type=r.content_type,
        size=r.size,
        sha256=r.sha256,
        object_key=r.object_key,
        text=r.text,
        created_by=r.created_by,
        created_at=r.created_at,
    )


class DocumentRepository:
    """Contract documents; rows are inserted once, when the object is stored, never updated."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, d: Document) -> None:
        self.session.execute(
            insert(D).values(
                id=d.id,
                contract_id=d.contract_id,
                kind=d.kind.name,
                filename=d.filename,
                content_type=d.content_type,
                size=d.size,
                sha256=d.sha256,
                object_key=d.object_key,
                text=d.text,
                created_by=d.created_by,
                created_at=d.created_at,
            )
        )

    def get(self, contract_id: str, document_id: str) -> Document:
        row = self.session.execute(
            select(D).where(D.c.contract_id == contract_id, D.c.id == document_id)
        ).first()
        if row is None:
            raise NotFound(f"no document contracts/{contract_id}/documents/{document_id}")
        return _document(row)

    def of_contract(
        self, contract_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[Document]:
        """Oldest first, `limit + 1` so the caller knows whether there is a next page."""
        query = select(D).where(D.c.contract_id == contract_id)
        if after is not None:
            at, last_id = after
            query = query.where(
                or_(D.c.created_at > at, and_(D.c.created_at == at, D.c.id > last_id))
            )
        rows = self.session.execute(query.order_by(D.c.created_at, D.c.id).limit(limit + 1))
        return [_document(r) for r in rows]


A = orm.contract_amendments
V = orm.contract_versions


def _amendment(r: Row[Any]) -> Amendment:
    return Amendment(
        id=r.id,
        contract_id=r.contract_id,
        reason=r.reason,
        impact=r.impact,
        evidence=list(r.evidence),
        changes=dict(r.changes),
        base_version=r.base_version,
        created_by=r.created_by,
        created_at=r.created_at,
        state=AmendmentState[r.state],
        approval=approval_from_json(r.approval),
        result_version=r.result_version,
        revision=r.revision,
    )


class AmendmentRepository:
    """Amendments and the versions they produce."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, a: Amendment) -> None:
        self.session.execute(
            insert(A).values(
                id=a.id,
                contract_id=a.contract_id,
                state=a.state.name,
                reason=a.reason,
                impact=a.impact,
                evidence=a.evidence,
                changes=a.changes,
                approval=approval_to_json(a.approval),
                base_version=a.base_version,
                result_version=a.result_version,
                revision=a.revision,
                created_by=a.created_by,
                created_at=a.created_at,
            )
        )

    def get(self, contract_id: str, amendment_id: str) -> Amendment:
        row = self.session.execute(
            select(A).where(A.c.contract_id == contract_id, A.c.id == amendment_id)
        ).first()
        if row is None:
            name = f"contracts/{contract_id}/amendments/{amendment_id}"
            raise NotFound(f"{name} not found", metadata={"resource": name})
        return _amendment(row)

    def pending_of(self, contract_id: str) -> Amendment | None:
        row = self.session.execute(
            select(A).where(
                A.c.contract_id == contract_id, A.c.state == AmendmentState.PENDING_APPROVAL.name
            )
        ).first()
        return _amendment(row) if row is not None else None

    def update(self, a: Amendment) -> None:
        """Writes the amendment if nobody changed it since it was read (StaleEtag if so)."""
        done = self.session.execute(
            update(A)
            .where(A.c.id == a.id, A.c.revision == a.revision)
            .values(
                state=a.state.name,
                approval=approval_to_json(a.approval),
                result_version=a.result_version,
                revision=a.revision + 1,
            )
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleEtag("the amendment was decided by someone else meanwhile")
        a.revision += 1

    def versions(self, contract_id: str) -> list[ContractVersion]:
        rows = self.session.execute(
            select(V).where(V.c.contract_id == contract_id).order_by(V.c.version)
        )
        return [
            ContractVersion(
                r.contract_id,
                r.version,
                dict(r.snapshot),
                r.amendment_id,
                r.created_by,
                r.created_at,
            )
            for r in rows
        ]

    def add_version(self, v: ContractVersion) -> None:
        self.session.execute(
            insert(V).values(
                contract_id=v.contract_id,
                version=v.version,
                snapshot=v.values,
                amendment_id=v.amendment_id,
                created_by=v.created_by,
                created_at=v.created_at,
            )
        )
