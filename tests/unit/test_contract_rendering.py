"""What a rendered contract and approval sheet say, and that both layouts carry it: built in
memory, parsed back with python-docx and pypdf."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import docx
import pypdf
import pytest

from services.common.errors import FailedPrecondition
from services.contract.adapters.rendering import DOCX_TYPE, PDF_TYPE, render
from services.contract.domain.model import Contract, DeliveryKind, DeliveryMilestone
from services.contract.domain.rendering import (
    Fields,
    Grid,
    Paragraph,
    RenderedContent,
    RenderFormat,
    Viewer,
    approval_sheet_content,
    contract_content,
)
from tests.unit.test_contract_model import NOW, RULES, SUPERVISOR, contract

WITH_AMOUNTS = Viewer(True, "Asia/Shanghai")
WITHOUT_AMOUNTS = Viewer(False, "Asia/Shanghai")


def texts(content: RenderedContent) -> str:
    parts = [content.title]
    for block in content.blocks:
        if isinstance(block, Fields):
            parts += [f"{k} {v}" for k, v in block.pairs]
        elif isinstance(block, Grid):
            parts += [" ".join(r) for r in [block.header, *block.rows]]
        else:
            parts.append(block.text)
    return "\n".join(parts)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def sample() -> Contract:
    c = contract(
        delivery_milestones=[
            DeliveryMilestone("d" * 32, DeliveryKind.ACCEPTANCE, "系统终验", date(2027, 2, 1))
        ],
        payment_terms="验收合格后三十日内付清",
    )
    c.rendered_text = "第一条 甲方向乙方采购服务器，总价 ¥11,300.00。"
    c.rendered_text_masked = "第一条 甲方向乙方采购服务器，总价 ***。"
    return c


def test_the_contract_names_everything_and_amounts_only_when_allowed() -> None:
    c = sample()
    full = texts(contract_content(c, "杭州西湖软件有限公司", "上海呼叫科技有限公司", WITH_AMOUNTS))
    for expected in (
        "HT-2026-000001",
        "服务器采购合同",
        "甲方（客户） 杭州西湖软件有限公司",
        "乙方 上海呼叫科技有限公司",
        "产品销售合同",
        "¥10,000.00",  # 10 x 1,000
        "¥1,150.44",  # tax included at 13 %
        "验收 系统终验 2027-02-01",
        "总价 ¥11,300.00",
        "费用及支付方式：验收合格后三十日内付清",
    ):
        assert expected in full, expected
    masked = texts(contract_content(c, "杭州西湖软件有限公司", "我方", WITHOUT_AMOUNTS))
    assert "¥" not in masked and "合同总额" not in masked and "单价" not in masked
    assert "总价 ***" in masked and "服务器" in masked and "系统终验" in masked


def test_the_approval_sheet_lists_each_step_and_earlier_rounds() -> None:
    c = contract()
    with pytest.raises(FailedPrecondition) as caught:
        approval_sheet_content(c, "客户", WITH_AMOUNTS)
    assert caught.value.reason == "NOT_SUBMITTED"
    c.submit(RULES, NOW)
    c.reject("users/zhu.guan", SUPERVISOR, "单价偏高，请重新议价", NOW, department="华东销售部")
    c.edit({"title": "服务器采购合同（修订）"}, RULES, NOW)
    c.submit(RULES, NOW)
    c.approve("users/zhu.guan", SUPERVISOR, "同意", NOW, department="华东销售部")
    sheet = texts(approval_sheet_content(c, "客户", WITHOUT_AMOUNTS))
    assert "审批流程（第 2 轮）" in sheet
    # 10:00 in Shanghai is 02:00 UTC.
    assert "部门审核 supervisor（华东销售部） 同意 zhu.guan 同意 2026-11-23 10:00" in sheet
    assert "待审批" in sheet
    assert "1 部门审核 zhu.guan 驳回 单价偏高，请重新议价" in sheet
    assert "¥" not in sheet


@pytest.mark.parametrize(
    ("fmt", "media_type", "read"),
    [(RenderFormat.DOCX, DOCX_TYPE, docx_text), (RenderFormat.PDF, PDF_TYPE, pdf_text)],
)
def test_both_layouts_carry_the_chinese_text(
    fmt: RenderFormat, media_type: str, read: Callable[[bytes], str]
) -> None:
    content = contract_content(
        sample(), "杭州西湖软件有限公司", "上海呼叫科技有限公司", WITH_AMOUNTS
    )
    data, got_type = render(content, fmt)
    assert got_type == media_type
    text = read(data)
    for expected in (
        "服务器采购合同",
        "杭州西湖软件有限公司",
        "系统终验",
        "¥10,000.00",
        "验收合格后三十日内付清",
    ):
        assert expected in text, expected


def test_a_long_clause_wraps_in_the_pdf() -> None:
    clause = "乙方应按照国家标准及行业规范提供服务。" * 40
    data, _ = render(RenderedContent("长条款", [Paragraph(clause)]), RenderFormat.PDF)
    # Wrapped lines join back into the same text.
    assert pdf_text(data).replace("\n", "").count("行业规范") == 40
