"""What a rendered contract (合同文本) and approval sheet (审批单) say, as blocks a DOCX or PDF
renderer lays out. Pure: the caller decides the masking, the renderers only draw."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from services.common.errors import FailedPrecondition
from services.contract.domain.approval import ContractKind, StepState
from services.contract.domain.model import (
    Contract,
    ContractState,
    DeliveryKind,
    DeliveryState,
    DisputeResolution,
)


class RenderFormat(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    DOCX = "DOCX"
    PDF = "PDF"


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Fields:
    """Label-value pairs, laid out as a two-column table."""

    pairs: list[tuple[str, str]]


@dataclass(frozen=True)
class Grid:
    """A table with a header row."""

    header: list[str]
    rows: list[list[str]]


Block = Heading | Paragraph | Fields | Grid


@dataclass(frozen=True)
class RenderedContent:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Viewer:
    """What the reader may see: amounts (`contract_amount`), and the time zone for times."""

    sees_amounts: bool
    timezone: str


KIND_LABELS = {
    ContractKind.PRODUCT_SALE: "产品销售合同",
    ContractKind.SERVICE_OUTSOURCING: "服务外包合同",
    ContractKind.FRAMEWORK_AGREEMENT: "框架协议",
}
STATE_LABELS = {
    ContractState.DRAFT: "草稿",
    ContractState.PENDING_APPROVAL: "审批中",
    ContractState.APPROVED: "已审批",
    ContractState.REJECTED: "已驳回",
    ContractState.SIGNING: "签署中",
    ContractState.ACTIVE: "执行中",
    ContractState.EXPIRING: "即将到期",
    ContractState.RENEWED: "已续签",
    ContractState.EXPIRED: "已到期",
    ContractState.TERMINATED: "已终止",
    ContractState.ARCHIVED: "已归档",
}
DISPUTE_LABELS = {
    DisputeResolution.UNSPECIFIED: "",
    DisputeResolution.NEGOTIATION: "协商解决",
    DisputeResolution.MEDIATION: "提交调解",
    DisputeResolution.ARBITRATION: "提交仲裁委员会仲裁",
    DisputeResolution.LITIGATION: "向有管辖权的人民法院提起诉讼",
}
STEP_LABELS = {
    StepState.UNSPECIFIED: "",
    StepState.WAITING: "未到达",
    StepState.PENDING: "待审批",
    StepState.APPROVED: "同意",
    StepState.REJECTED: "驳回",
}
DELIVERY_LABELS = {DeliveryKind.DELIVERY: "交付", DeliveryKind.ACCEPTANCE: "验收"}


def yuan(amount: Decimal) -> str:
    """¥1,234,567.80"""
    return f"¥{amount:,.2f}"


def _time(value: datetime | None, timezone: str) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def _summary(c: Contract, customer_name: str, viewer: Viewer) -> list[tuple[str, str]]:
    pairs = [
        ("合同编号", c.number),
        ("合同名称", c.title),
        ("合同类型", KIND_LABELS.get(c.kind, c.kind.name)),
        ("客户", customer_name),
        ("合同期限", f"{c.start_date.isoformat()} 至 {c.end_date.isoformat()}"),
        ("负责人", c.owner.removeprefix("users/")),
        ("所属部门", c.department),
        ("状态", STATE_LABELS.get(c.state, c.state.name)),
    ]
    if viewer.sees_amounts:
        pairs.insert(4, ("合同总额（含税）", yuan(c.total_amount)))
    return pairs


def contract_content(
    c: Contract, customer_name: str, company_name: str, viewer: Viewer
) -> RenderedContent:
    """The contract text: header fields, parties, line items, payment and delivery
    schedules, clauses. Without `sees_amounts` no amount appears anywhere."""
    amounts = viewer.sees_amounts
    blocks: list[Block] = [Fields(_summary(c, customer_name, viewer))]
    blocks += [
        Heading("合同双方"),
        Fields([("甲方（客户）", customer_name), ("乙方", company_name)]),
        Heading("一、合同标的"),
    ]
    header = ["序号", "名称", "型号", "规格", "数量", "单位", "税率"]
    if amounts:
        header += ["含税单价", "金额", "税额"]
    rows = []
    for n, item in enumerate(c.line_items, 1):
        row = [str(n), item.display_name, item.model, item.spec, f"{item.quantity:f}", item.unit]
        row.append(f"{item.tax_rate * 100:g}%")
        if amounts:
            row += [yuan(item.unit_price), yuan(item.amount), yuan(item.tax_amount)]
        rows.append(row)
    if amounts:
        rows.append(["合计", "", "", "", "", "", "", "", yuan(c.total_amount), ""])
    blocks.append(Grid(header, rows))
    if c.payment_milestones:
        blocks.append(Heading("二、付款节点"))
        pay_header = ["付款节点", "应付日期"] + (["金额", "已收"] if amounts else [])
        pay_rows = [
            [m.display_name, m.due_date.isoformat()]
            + ([yuan(m.amount), yuan(m.received_amount)] if amounts else [])
            for m in c.payment_milestones
        ]
        blocks.append(Grid(pay_header, pay_rows))
    if c.delivery_milestones:
        blocks.append(Heading("三、交付与验收"))
        blocks.append(
            Grid(
                ["类型", "事项", "计划日期", "完成日期"],
                [
                    [
                        DELIVERY_LABELS.get(m.kind, m.kind.name),
                        m.title,
                        m.due_date.isoformat(),
                        m.completed_date.isoformat()
                        if m.state is DeliveryState.COMPLETED and m.completed_date
                        else "",
                    ]
                    for m in c.delivery_milestones
                ],
            )
        )
    blocks.append(Heading("合同条款"))
    text = c.rendered_text if amounts else c.rendered_text_masked
    blocks += [Paragraph(line) for line in text.splitlines() if line.strip()]
    clauses = [
        ("费用及支付方式", c.payment_terms),
        ("违约责任", c.breach_liability),
        ("争议解决", DISPUTE_LABELS.get(c.dispute_resolution, "")),
    ]
    blocks += [Paragraph(f"{label}：{value}") for label, value in clauses if value]
    return RenderedContent(c.title, blocks)


def approval_sheet_content(c: Contract, customer_name: str, viewer: Viewer) -> RenderedContent:
    """The approval sheet (审批单): the contract's summary, each step of the current round
    with its decision, and the decisions of earlier rounds."""
    if not c.approval.steps:
        raise FailedPrecondition(
            f"{c.resource_name} was never submitted for approval",
            reason="NOT_SUBMITTED",
            metadata={"state": c.state.name},
        )
    blocks: list[Block] = [Fields(_summary(c, customer_name, viewer))]
    blocks.append(Heading(f"审批流程（第 {c.approval.round} 轮）"))
    rows = []
    for s in c.approval.steps:
        approver = s.approver.removeprefix("users/") or s.approver_role
        if s.department:
            approver = f"{approver}（{s.department}）"
        rows.append(
            [
                str(s.stage + 1),  # parallel steps (会签) share their number
                s.display_name,
                approver,
                STEP_LABELS.get(s.state, s.state.name),
                s.decided_by.removeprefix("users/"),
                s.opinion,
                _time(s.decided_at, viewer.timezone),
            ]
        )
    blocks.append(Grid(["顺序", "审批环节", "审批人", "结果", "决定人", "审批意见", "时间"], rows))
    earlier = [d for d in c.approval.decisions if d.round < c.approval.round]
    if earlier:
        blocks.append(Heading("历次审批意见"))
        blocks.append(
            Grid(
                ["轮次", "审批环节", "决定人", "结果", "审批意见", "时间"],
                [
                    [
                        str(d.round),
                        d.step,
                        d.decided_by.removeprefix("users/"),
                        "同意" if d.approved else "驳回",
                        d.opinion,
                        _time(d.decided_at, viewer.timezone),
                    ]
                    for d in earlier
                ],
            )
        )
    return RenderedContent(f"合同审批单 {c.number}", blocks)
