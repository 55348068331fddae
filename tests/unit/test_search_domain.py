"""Search domain pieces: document invariants, tiebreaks, highlight marking, fuzzy distance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.search.adapters.engine import newest_per_id
from services.search.adapters.tantivy_engine import mark, positive_texts
from services.search.domain.documents import ContractDocument, tiebreak
from services.search.domain.query import edit_distance, parse_query
from services.search.domain.requests import clamp_page_size


def doc(id_: str = "contracts/c1", version: int = 1) -> ContractDocument:
    return ContractDocument(
        id=id_,
        number="HT-1",
        title="合同",
        kind="FRAMEWORK",
        state="DRAFT",
        customer="customers/k1",
        customer_name="客户",
        parties="甲方；乙方",
        department="法务部",
        owner="users/a",
        amount=Decimal("1.00"),
        signed_date=date(2024, 1, 2),
        start_date=None,
        end_date=None,
        version=version,
    )


def test_document_ids_are_contract_names_and_versions_start_at_one() -> None:
    with pytest.raises(ValueError, match="contracts/"):
        doc("c1")
    with pytest.raises(ValueError, match="version"):
        doc(version=0)
    assert doc().year == 2024


def test_tiebreak_is_stable_positive_and_distinct() -> None:
    values = {tiebreak(f"contracts/c{n}") for n in range(10_000)}
    assert len(values) == 10_000
    assert all(0 <= v < 2**63 for v in values)
    assert tiebreak("contracts/c1") == tiebreak("contracts/c1")


def test_newest_per_id_keeps_the_highest_version() -> None:
    kept = newest_per_id([doc(version=2), doc(version=5), doc(version=3), doc("contracts/x")])
    assert sorted((d.id, d.version) for d in kept) == [("contracts/c1", 5), ("contracts/x", 1)]


def test_mark_merges_touching_ranges() -> None:
    assert mark("甲方违约责任条款", [(2, 4), (4, 6)]) == "甲方<em>违约责任</em>条款"
    assert mark("违约与违约", [(0, 2), (3, 5)]) == "<em>违约</em>与<em>违约</em>"
    assert mark("abc", []) == "abc"


def test_only_words_wanted_on_purpose_are_highlighted() -> None:
    query = parse_query('违约 NOT 保密 OR (title:"框架 协议" AND NOT (仲裁 OR 调解))')
    assert [t.text for t in positive_texts(query)] == ["违约", "框架 协议"]


def test_edit_distance_counts_a_transposition_once() -> None:
    assert edit_distance("huawei", "huawai") == 1
    assert edit_distance("siemens", "siemnes") == 1
    assert edit_distance("bosch", "bosch") == 0
    assert edit_distance("", "abc") == 3


def test_page_size() -> None:
    assert clamp_page_size(0) == 20
    assert clamp_page_size(500) == 100
    with pytest.raises(ValueError):
        clamp_page_size(-1)
