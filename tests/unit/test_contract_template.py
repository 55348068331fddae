"""Contract templates on their own: declared blanks, typed values, rendering."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.common.errors import InvalidArgument, Violations
from services.contract.domain.approval import ContractKind
from services.contract.domain.template import (
    Blank,
    BlankType,
    BlankValue,
    ContractTemplate,
    validate_template,
)

T = BlankType
TEMPLATE = ContractTemplate(
    id="f" * 32,
    version=2,
    display_name="产品销售合同（示范文本）",
    kind=ContractKind.PRODUCT_SALE,
    clauses=[
        "第一条 乙方应于{{delivery_date}}前交货，货款{{price}}。",
        "第二条 质保期{{warranty_months}}个月；争议提交{{court}}。",
        "第三条 买方：{{buyer}}。备注：{{note}}",
    ],
    blanks=[
        Blank("delivery_date", "交货日期", T.DATE, required=True),
        Blank("price", "货款", T.MONEY, required=True),
        Blank("warranty_months", "质保期", T.NUMBER, required=True),
        Blank(
            "court", "管辖", T.CHOICE, required=True, choices=("上海仲裁委员会", "北京仲裁委员会")
        ),
        Blank("buyer", "买方", T.PARTY, required=True),
        Blank("note", "备注", T.TEXT),
    ],
    created_by="users/fa.wu",
    created_at=datetime(2026, 11, 1, tzinfo=UTC),
)
GOOD = {
    "delivery_date": BlankValue(T.DATE, date(2026, 12, 31)),
    "price": BlankValue(T.MONEY, Decimal("120000")),
    "warranty_months": BlankValue(T.NUMBER, "24"),
    "court": BlankValue(T.CHOICE, "上海仲裁委员会"),
    "buyer": BlankValue(T.PARTY, "customers/" + "a" * 32),
}


def faults(values: dict[str, BlankValue]) -> dict[str, str]:
    with pytest.raises(InvalidArgument) as caught:
        TEMPLATE.fill(values, "contract.blanks")
    return {v.field: v.description for v in caught.value.violations}


def test_filled_blanks_render_the_fixed_clauses() -> None:
    text, masked = TEMPLATE.fill(GOOD, "contract.blanks")
    assert "乙方应于2026年12月31日前交货，货款人民币120,000.00元。" in text
    assert "质保期24个月；争议提交上海仲裁委员会。" in text
    assert "备注：____" in text  # an optional blank left empty
    assert "货款****。" in masked and "120,000" not in masked


def test_a_missing_required_blank_is_named() -> None:
    values = dict(GOOD)
    del values["delivery_date"]
    assert list(faults(values)) == ['contract.blanks["delivery_date"]']


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("delivery_date", BlankValue(T.TEXT, "明年")),
        ("price", BlankValue(T.MONEY, Decimal("-1"))),
        ("price", BlankValue(T.MONEY, Decimal("1.001"))),
        ("warranty_months", BlankValue(T.NUMBER, "两年")),
        ("court", BlankValue(T.CHOICE, "火星法院")),
        ("buyer", BlankValue(T.PARTY, "张三")),
        ("note", BlankValue(T.TEXT, "  ")),
        ("delivery_date", BlankValue(T.UNSPECIFIED, None)),
    ],
)
def test_an_ill_typed_blank_is_named(key: str, value: BlankValue) -> None:
    assert list(faults(GOOD | {key: value})) == [f'contract.blanks["{key}"]']


def test_an_unknown_blank_is_named() -> None:
    assert list(faults(GOOD | {"discount": BlankValue(T.TEXT, "九折")})) == [
        'contract.blanks["discount"]'
    ]


def test_a_template_declares_every_blank_it_uses() -> None:
    v = Violations()
    validate_template(
        v,
        "contract_template",
        "模板",
        ContractKind.PRODUCT_SALE,
        ["{{a}} 和 {{b}}"],
        [Blank("a", "", T.TEXT), Blank("a", "", T.TEXT), Blank("Bad", "", T.CHOICE)],
    )
    fields = [x.field for x in v.items]
    assert fields == [
        "contract_template.blanks[1].key",
        "contract_template.blanks[2].key",
        "contract_template.blanks[2].choices",
        "contract_template.clauses[0]",
    ]
