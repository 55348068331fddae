"""Contracts to protobuf messages and back; amounts are left empty for callers without the
`contract_amount` right."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from google.protobuf import field_mask_pb2

from callops.contract.v1 import contract_pb2 as pb
from services.common import convert
from services.common.auth import Principal
from services.common.convert import EnumMap
from services.contract.domain import model
from services.contract.domain.amendment import Amendment, AmendmentState, ContractVersion, to_json
from services.contract.domain.approval import ApprovalStep, ContractKind, StepState
from services.contract.domain.document import Document, DocumentKind
from services.contract.domain.rendering import RenderFormat
from services.contract.domain.reports import (
    Dimension,
    GoodsRow,
    Period,
    ReceivablesRow,
    SignedAmountRow,
    period_label,
)
from services.contract.domain.template import Blank, BlankType, BlankValue, ContractTemplate

STATE = EnumMap(pb.Contract.State, "STATE", model.ContractState)
KIND = EnumMap(pb.Contract.Kind, "KIND", ContractKind)
DISPUTE = EnumMap(pb.Contract.DisputeResolution, "DISPUTE_RESOLUTION", model.DisputeResolution)
STEP_STATE = EnumMap(pb.ApprovalStep.State, "STATE", StepState)
PARTY = EnumMap(pb.Signature.Party, "PARTY", model.Party)
BLANK_TYPE = EnumMap(pb.TemplateBlank.Type, "TYPE", BlankType)
DOCUMENT_KIND = EnumMap(pb.Document.Kind, "KIND", DocumentKind)
DELIVERY_KIND = EnumMap(pb.DeliveryMilestone.Kind, "KIND", model.DeliveryKind)
DELIVERY_STATE = EnumMap(pb.DeliveryMilestone.State, "STATE", model.DeliveryState)
RENDER_FORMAT = EnumMap(pb.RenderedFile.Format, "FORMAT", RenderFormat)
PERIOD = EnumMap(pb.ReportPeriod, "REPORT_PERIOD", Period)
DIMENSION = EnumMap(pb.ReportDimension, "REPORT_DIMENSION", Dimension)
AMENDMENT_STATE = EnumMap(pb.ContractAmendment.State, "STATE", AmendmentState)

# Keys of stored JSON (history, versions, amendments) that hold amounts: dropped, at any
# depth, for callers who may not see them. Blanks are dropped whole: in the stored text a
# money blank cannot be told from the others.
AMOUNT_KEYS = frozenset({"total_amount", "unit_price", "amount", "received_amount", "blanks"})


def blank_in(msg: pb.BlankValue, path: str) -> BlankValue:
    which = msg.WhichOneof("value")
    if which is None:
        return BlankValue(BlankType.UNSPECIFIED, None)
    if which == "money":
        return BlankValue(BlankType.MONEY, convert.from_money(msg.money, f"{path}.money"))
    if which == "date":
        day = convert.from_date(msg.date, f"{path}.date")
        return BlankValue(BlankType.DATE, day)
    return BlankValue(BlankType[which.upper()], getattr(msg, which))


def blank_out(blank: BlankValue, amounts: bool) -> pb.BlankValue | None:
    t = blank.type
    if t is BlankType.MONEY:
        return pb.BlankValue(money=convert.to_money(blank.value)) if amounts else None
    if t is BlankType.DATE:
        return pb.BlankValue(date=convert.to_date(blank.value))
    return pb.BlankValue(**{t.name.lower(): blank.value})


def template_in(msg: pb.ContractTemplate, prefix: str) -> dict[str, Any]:
    return {
        "display_name": msg.display_name,
        "kind": KIND.into(msg.kind, f"{prefix}.kind"),
        "clauses": list(msg.clauses),
        "blanks": [
            Blank(
                b.key,
                b.display_name,
                BLANK_TYPE.into(b.type, f"{prefix}.blanks[{i}].type"),
                b.required,
                tuple(b.choices),
            )
            for i, b in enumerate(msg.blanks)
        ],
    }


def template_out(t: ContractTemplate) -> pb.ContractTemplate:
    return pb.ContractTemplate(
        name=t.resource_name,
        version=t.version,
        display_name=t.display_name,
        kind=KIND.out(t.kind),
        clauses=t.clauses,
        blanks=[
            pb.TemplateBlank(
                key=b.key,
                display_name=b.display_name,
                type=BLANK_TYPE.out(b.type),
                required=b.required,
                choices=b.choices,
            )
            for b in t.blanks
        ],
        create_user=t.created_by,
        create_time=convert.timestamp(t.created_at),
    )


def mask_paths(mask: field_mask_pb2.FieldMask) -> list[str]:
    return list(dict.fromkeys(mask.paths))


def _line_item(msg: pb.LineItem, path: str) -> dict[str, Any]:
    return {
        "display_name": msg.display_name,
        "model": msg.model,
        "spec": msg.spec,
        "quantity": msg.quantity,
        "unit": msg.unit,
        "unit_price": convert.from_money(msg.unit_price, f"{path}.unit_price"),
        "tax_rate": msg.tax_rate,
    }


def _milestone(msg: pb.PaymentMilestone, path: str) -> dict[str, Any]:
    return {
        "display_name": msg.display_name,
        "due_date": convert.from_date(msg.due_date, f"{path}.due_date"),
        "amount": convert.from_money(msg.amount, f"{path}.amount"),
        # An amendment keeps the existing milestone it names (with its payments).
        "ref": convert.parse_nested_name(msg.name, "contracts", "milestones", f"{path}.name")
        if msg.name
        else None,
    }


def _delivery(msg: pb.DeliveryMilestone, path: str) -> dict[str, Any]:
    return {
        "kind": DELIVERY_KIND.into(msg.kind, f"{path}.kind"),
        "title": msg.title,
        "due_date": convert.from_date(msg.due_date, f"{path}.due_date"),
        # An amendment keeps the existing milestone it names (with its completion).
        "ref": msg.id,
    }


def delivery_out(c: model.Contract) -> list[pb.DeliveryMilestone]:
    return [
        pb.DeliveryMilestone(
            id=m.id,
            kind=DELIVERY_KIND.out(m.kind),
            title=m.title,
            due_date=convert.to_date(m.due_date),
            completed_date=convert.to_date(m.completed_date),
            state=DELIVERY_STATE.out(m.state),
            completed_by=m.completed_by,
        )
        for m in c.delivery_milestones
    ]


def contract_values(msg: pb.Contract, field_paths: list[str] | None, prefix: str) -> dict[str, Any]:
    """The writable fields as raw values: all at creation, only the masked ones on update."""
    readers: dict[str, Callable[[], Any]] = {
        "title": lambda: msg.title,
        "payment_terms": lambda: msg.payment_terms,
        "breach_liability": lambda: msg.breach_liability,
        "department": lambda: msg.department,
        "kind": lambda: KIND.into(msg.kind, f"{prefix}.kind"),
        "dispute_resolution": lambda: DISPUTE.into(
            msg.dispute_resolution, f"{prefix}.dispute_resolution"
        ),
        "start_date": lambda: convert.from_date(msg.start_date, f"{prefix}.start_date"),
        "end_date": lambda: convert.from_date(msg.end_date, f"{prefix}.end_date"),
        "line_items": lambda: [
            _line_item(item, f"{prefix}.line_items[{i}]") for i, item in enumerate(msg.line_items)
        ],
        "payment_milestones": lambda: [
            _milestone(m, f"{prefix}.payment_milestones[{i}]")
            for i, m in enumerate(msg.payment_milestones)
        ],
        "delivery_milestones": lambda: [
            _delivery(m, f"{prefix}.delivery_milestones[{i}]")
            for i, m in enumerate(msg.delivery_milestones)
        ],
        "blanks": lambda: {
            key: blank_in(value, f'{prefix}.blanks["{key}"]') for key, value in msg.blanks.items()
        },
    }
    if field_paths is not None:
        return {name: read() for name, read in readers.items() if name in field_paths}
    values = {name: read() for name, read in readers.items()}
    values["owner"] = msg.owner
    values["customer_id"] = (
        convert.parse_name(msg.customer, "customers", f"{prefix}.customer")
        if msg.customer
        else None
    )
    values["template_id"] = (
        convert.parse_name(msg.template, "contractTemplates", f"{prefix}.template")
        if msg.template
        else None
    )
    values["total_amount"] = (
        convert.from_money(msg.total_amount, f"{prefix}.total_amount")
        if msg.HasField("total_amount")
        else None
    )
    return values


def approval_step_out(s: ApprovalStep) -> pb.ApprovalStep:
    return pb.ApprovalStep(
        display_name=s.display_name,
        approver_role=s.approver_role,
        approver=s.approver,
        state=STEP_STATE.out(s.state),
        decided_by=s.decided_by,
        opinion=s.opinion,
        decide_time=convert.timestamp(s.decided_at),
        approver_department=s.department,
        stage=s.stage,
    )


def contract_out(c: model.Contract, who: Principal) -> pb.Contract:
    amounts = who.sees_amounts

    def money(value: Any) -> Any:
        return convert.to_money(value) if amounts else None

    msg = pb.Contract(
        name=c.resource_name,
        number=c.number,
        title=c.title,
        kind=KIND.out(c.kind),
        customer=c.customer,
        line_items=[
            pb.LineItem(
                display_name=i.display_name,
                model=i.model,
                spec=i.spec,
                quantity=str(i.quantity),
                unit=i.unit,
                unit_price=money(i.unit_price),
                tax_rate=str(i.tax_rate),
                amount=money(i.amount),
                tax_amount=money(i.tax_amount),
            )
            for i in c.line_items
        ],
        total_amount=money(c.total_amount),
        start_date=convert.to_date(c.start_date),
        end_date=convert.to_date(c.end_date),
        payment_terms=c.payment_terms,
        breach_liability=c.breach_liability,
        dispute_resolution=DISPUTE.out(c.dispute_resolution),
        owner=c.owner,
        department=c.department,
        state=STATE.out(c.state),
        payment_milestones=[
            pb.PaymentMilestone(
                name=f"{c.resource_name}/milestones/{m.id}",
                display_name=m.display_name,
                due_date=convert.to_date(m.due_date),
                amount=money(m.amount),
                received_amount=money(m.received_amount),
                received_date=convert.to_date(m.received_date),
                payments=[
                    pb.Payment(
                        amount=money(p.amount),
                        received_date=convert.to_date(p.received_date),
                        recorded_by=p.recorded_by,
                        note=p.note,
                    )
                    for p in m.payments
                ],
            )
            for m in c.payment_milestones
        ],
        payment_progress_percent=c.payment_progress_percent if amounts else 0.0,
        approval_steps=[approval_step_out(s) for s in c.approval.steps],
        current_approval_step=c.approval.current_index,
        approval_decisions=[
            pb.ApprovalDecision(
                round=d.round,
                step=d.step,
                decided_by=d.decided_by,
                approved=d.approved,
                opinion=d.opinion,
                decide_time=convert.timestamp(d.decided_at),
            )
            for d in c.approval.decisions
        ],
        signatures=[
            pb.Signature(
                party=PARTY.out(s.party),
                signatory=s.signatory,
                sign_date=convert.to_date(s.sign_date),
                recorded_by=s.recorded_by,
            )
            for s in c.signatures
        ],
        predecessor=f"contracts/{c.predecessor_id}" if c.predecessor_id else "",
        successor=f"contracts/{c.successor_id}" if c.successor_id else "",
        termination_date=convert.to_date(c.termination_date),
        termination_reason=c.termination_reason,
        create_time=convert.timestamp(c.created_at),
        update_time=convert.timestamp(c.updated_at),
        etag=c.etag,
        template=f"contractTemplates/{c.template_id}" if c.template_id else "",
        template_version=c.template_version,
        rendered_text=c.rendered_text if amounts else c.rendered_text_masked,
        delivery_milestones=delivery_out(c),
    )
    for key, blank in c.blanks.items():
        out = blank_out(blank, amounts)
        if out is not None:
            msg.blanks[key].CopyFrom(out)
    return msg


def without_amounts(value: Any) -> Any:
    """JSON values with every amount left out: line items keep their quantities, milestones
    their dates."""
    if isinstance(value, dict):
        return {k: without_amounts(v) for k, v in value.items() if k not in AMOUNT_KEYS}
    if isinstance(value, list):
        return [without_amounts(v) for v in value]
    return value


def _without_amounts(values: dict[str, Any]) -> dict[str, Any]:
    masked: dict[str, Any] = without_amounts(values)
    return masked


def history_out(row: Any, who: Principal) -> pb.HistoryEntry:
    before, after = row.before, row.after
    if not who.sees_amounts:
        before, after = _without_amounts(before), _without_amounts(after)
    return pb.HistoryEntry(
        action=row.action,
        actor=row.actor,
        create_time=convert.timestamp(row.at),
        before_json=json.dumps(before, ensure_ascii=False, sort_keys=True),
        after_json=json.dumps(after, ensure_ascii=False, sort_keys=True),
    )


def document_out(d: Document) -> pb.Document:
    return pb.Document(
        name=d.resource_name,
        kind=DOCUMENT_KIND.out(d.kind),
        filename=d.filename,
        content_type=d.content_type,
        size_bytes=d.size,
        sha256=d.sha256,
        text_length=len(d.text),
        create_user=d.created_by,
        create_time=convert.timestamp(d.created_at),
    )


def document_text_out(d: Document) -> pb.DocumentText:
    return pb.DocumentText(
        name=d.resource_name, text=d.text, content_type=d.content_type, sha256=d.sha256
    )


def _values_for(values: dict[str, Any], who: Principal) -> dict[str, Any]:
    return values if who.sees_amounts else _without_amounts(values)


def amendment_out(a: Amendment, who: Principal) -> pb.ContractAmendment:
    return pb.ContractAmendment(
        name=a.resource_name,
        state=AMENDMENT_STATE.out(a.state),
        reason=a.reason,
        impact=a.impact,
        evidence_documents=a.evidence,
        changes_json=to_json(_values_for(a.changes, who)),
        base_version=a.base_version,
        result_version=a.result_version,
        approval_steps=[approval_step_out(s) for s in a.approval.steps],
        current_approval_step=a.approval.current_index,
        create_user=a.created_by,
        create_time=convert.timestamp(a.created_at),
    )


def version_out(v: ContractVersion, who: Principal) -> pb.ContractVersion:
    return pb.ContractVersion(
        name=v.resource_name,
        version=v.version,
        values_json=to_json(_values_for(v.values, who)),
        amendment=f"contracts/{v.contract_id}/amendments/{v.amendment_id}"
        if v.amendment_id
        else "",
        create_user=v.created_by,
        create_time=convert.timestamp(v.created_at),
    )


# --- reports ------------------------------------------------------------------------------


def signed_amount_report_out(
    rows: list[SignedAmountRow], period: Period, who: Principal
) -> pb.SignedAmountReport:
    amounts = who.sees_amounts
    total = sum((r.signed_amount for r in rows), Decimal(0))
    return pb.SignedAmountReport(
        rows=[
            pb.SignedAmountRow(
                period=period_label(period, r.period_start),
                period_start=convert.to_date(r.period_start),
                kind=KIND.out(r.kind) if r.kind else pb.Contract.KIND_UNSPECIFIED,
                department=r.department or "",
                owner=r.owner or "",
                contract_count=r.contract_count,
                signed_amount=convert.to_money(r.signed_amount) if amounts else None,
            )
            for r in rows
        ],
        total_count=sum(r.contract_count for r in rows),
        total_amount=convert.to_money(total) if amounts else None,
    )


def receivables_report_out(
    as_of: date, rows: list[ReceivablesRow], who: Principal
) -> pb.ReceivablesReport:
    amounts = who.sees_amounts

    def money(value: Decimal) -> Any:
        return convert.to_money(value) if amounts else None

    return pb.ReceivablesReport(
        as_of_date=convert.to_date(as_of),
        rows=[
            pb.ReceivablesRow(
                customer=f"customers/{r.customer_id}",
                contract_count=r.contract_count,
                planned_amount=money(r.planned_amount),
                received_amount=money(r.received_amount),
                outstanding_amount=money(r.outstanding_amount),
                overdue_amount=money(r.overdue_amount),
                longest_overdue_days=r.longest_overdue_days(as_of),
                overdue_milestone_count=r.overdue_milestone_count,
            )
            for r in rows
        ],
    )


def goods_report_out(rows: list[GoodsRow], period: Period, who: Principal) -> pb.GoodsReport:
    return pb.GoodsReport(
        rows=[
            pb.GoodsRow(
                period=period_label(period, r.period_start),
                period_start=convert.to_date(r.period_start),
                display_name=r.display_name,
                model=r.model,
                unit=r.unit,
                contract_count=r.contract_count,
                quantity=f"{r.quantity.normalize():f}",
                amount=convert.to_money(r.amount) if who.sees_amounts else None,
            )
            for r in rows
        ]
    )
