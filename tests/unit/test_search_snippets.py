"""Phone numbers quoted in search snippets, masked for readers without the `pii` right."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.common.auth import Principal
from services.search.domain import requests as rq
from services.search.domain.snippets import mask_phone_numbers
from services.search.entrypoints.converters import hit_out


@pytest.mark.parametrize(
    ("fragment", "shown"),
    [
        ("联系电话：13800138000。", "联系电话：138****8000。"),
        ("电话 138 0013 8000，传真 010-62345678", "电话 138****8000，传真 010****5678"),
        ("乙方联系人 +86 138-0013-8000", "乙方联系人 138****8000"),
        # A highlighted match inside the number keeps its marks, not the digits.
        ("手机<em>139</em>12345678，", "手机<em>139****5678</em>，"),
        # Contract numbers, amounts and dates are not phone numbers.
        ("合同编号 HT-2026-000001，总额 472000 元", "合同编号 HT-2026-000001，总额 472000 元"),
        ("<em>违约金</em>按合同总额万分之五", "<em>违约金</em>按合同总额万分之五"),
    ],
)
def test_numbers_in_snippets_are_masked(fragment: str, shown: str) -> None:
    assert mask_phone_numbers(fragment) == shown


def test_only_readers_without_pii_get_masked_snippets() -> None:
    snippet = rq.Snippet(field="document", fragment="联系电话：<em>13800138000</em>")
    summary = rq.ContractSummary(
        number="HT-2026-000001", title="服务器采购合同", kind="PRODUCT_SALE", state="ACTIVE",
        customer="customers/1", customer_name="杭州西湖软件有限公司", department="华东销售部",
        owner="users/zhang.san", amount=Decimal("306000"), signed_date=None, start_date=None,
        end_date=None, version=1,
    )  # fmt: skip
    hit = rq.Hit(id="contracts/1", score=1.0, summary=summary, snippets=(snippet,))
    legal = Principal("fa.wu", frozenset({"legal"}), rights=frozenset({"contracts.search"}))
    admin = Principal("boss", frozenset({"admin"}), rights=frozenset({"contracts.search", "pii"}))
    assert [s.fragment for s in hit_out(hit, legal).snippets] == ["联系电话：<em>138****8000</em>"]
    assert [s.fragment for s in hit_out(hit, admin).snippets] == ["联系电话：<em>13800138000</em>"]
