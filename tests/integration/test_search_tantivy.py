"""The tantivy engine on a generated corpus: every answer checked against a brute-force oracle."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.search.adapters.engine import ContractNotIndexed
from services.search.adapters.tantivy_engine import TantivyEngine
from services.search.domain.documents import ContractDocument
from services.search.domain.query import parse_query
from services.search.domain.requests import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    AmountRange,
    DateRange,
    Facet,
    Filters,
    SearchRequest,
    SearchResult,
    Sort,
    SortField,
    Visibility,
)
from tests.search_corpus import matches

EVERYONE = Visibility.everything()


def all_ids(engine: TantivyEngine, request: SearchRequest) -> list[str]:
    """Follows the page tokens to the end; returns the ids in page order."""
    ids: list[str] = []
    while True:
        result = engine.search(request)
        ids += [hit.id for hit in result.hits]
        if result.next_position is None:
            return ids
        request = dataclasses.replace(request, after=result.next_position)


def by_id(corpus: list[ContractDocument]) -> dict[str, ContractDocument]:
    return {doc.id: doc for doc in corpus}


# Each query's answer must equal the oracle's: everything containing it, nothing else.
ORACLE_QUERIES = [
    "违约",
    "违约责任",
    "约责",  # across a word boundary: inside 违约责任
    "同约定",  # inside 合同约定
    "约",  # a single character
    "违约金",
    '"违约 责任"',
    '"友好协商"',
    "违约 AND 保密",
    "违约 OR 不可抗力",
    "违约 NOT 违约责任",
    "NOT 违约",
    "(保密 OR 不可抗力) AND NOT 仲裁",
    "title:框架协议",
    "title:服务器 OR title:交换机",
    "party:上海",
    "clause:保密",
    'clause:"不可抗力" party:北京',
    "number:2023",
    "Huawei",
    "huawei",
    "Huawai~",  # one letter off
    "Siemnes~",  # a transposition
    "Bosch~",
    "text:人民法院",
]


@pytest.mark.parametrize("text", ORACLE_QUERIES)
def test_answers_equal_the_oracle(
    tantivy_engine: TantivyEngine, search_corpus: list[ContractDocument], text: str
) -> None:
    query = parse_query(text)
    expected = {doc.id for doc in search_corpus if matches(query, doc)}
    request = SearchRequest(EVERYONE, query, page_size=100)
    got = all_ids(tantivy_engine, request)
    assert set(got) == expected
    assert len(got) == len(set(got))
    assert tantivy_engine.search(request).total == len(expected)


def test_chinese_words_need_no_spaces_and_match_exactly(
    tantivy_engine: TantivyEngine, search_corpus: list[ContractDocument]
) -> None:
    docs = by_id(search_corpus)
    with_breach = set(all_ids(tantivy_engine, SearchRequest(EVERYONE, parse_query("违约责任"))))
    with_word = set(all_ids(tantivy_engine, SearchRequest(EVERYONE, parse_query("违约"))))
    assert with_breach < with_word
    # c000007 says 违约的责任: 违约 yes, 违约责任 no. c000009 has no breach text at all.
    assert "违约的责任" in docs["contracts/c000007"].text
    assert "contracts/c000007" in with_word - with_breach
    assert "违约" not in docs["contracts/c000009"].text
    assert "contracts/c000009" not in with_word
    assert all("违约责任" in docs[i].text for i in with_breach)
    assert all("违约" in docs[i].text for i in with_word)


def test_proximity(tantivy_engine: TantivyEngine, search_corpus: list[ContractDocument]) -> None:
    query = parse_query("违约 NEAR/5 赔偿")
    got = set(all_ids(tantivy_engine, SearchRequest(EVERYONE, query, page_size=100)))
    expected = {doc.id for doc in search_corpus if matches(query, doc)}
    assert got == expected
    docs = by_id(search_corpus)
    near = [i for i, d in docs.items() if "违约方应当赔偿" in d.text]
    far = [i for i, d in docs.items() if "一方违约的" in d.text and "违约方" not in d.text]
    assert near and far
    assert set(near) <= got
    assert not set(far) & got  # 违约 ... 赔偿 about 90 characters apart
    for text in ("违约 NEAR/0 赔偿", "赔偿 NEAR/20 违约", "clause:(违约金 NEAR/50 合同)"):
        wide = parse_query(text)
        got = set(all_ids(tantivy_engine, SearchRequest(EVERYONE, wide, page_size=100)))
        assert got == {doc.id for doc in search_corpus if matches(wide, doc)}


def test_highlights_wrap_the_matched_term_and_name_the_clause(
    tantivy_engine: TantivyEngine,
) -> None:
    result = tantivy_engine.search(SearchRequest(EVERYONE, parse_query("违约责任"), page_size=10))
    assert result.hits
    for hit in result.hits:
        clause = [s for s in hit.snippets if s.field == "clause"]
        assert clause, hit
        assert f"{HIGHLIGHT_START}违约责任{HIGHLIGHT_END}" in clause[0].fragment
        assert clause[0].clause == "违约责任"
    proximity = tantivy_engine.search(SearchRequest(EVERYONE, parse_query("Huawai~")))
    assert any(
        f"{HIGHLIGHT_START}Huawei{HIGHLIGHT_END}" in s.fragment
        for hit in proximity.hits
        for s in hit.snippets
    )


def test_filters(tantivy_engine: TantivyEngine, search_corpus: list[ContractDocument]) -> None:
    filters = Filters(
        states=frozenset({"SIGNED", "ACTIVE"}),
        kinds=frozenset({"FRAMEWORK"}),
        amount=AmountRange(Decimal("100000"), Decimal("3000000.50")),
        signed=DateRange(date(2022, 1, 1), date(2024, 12, 31)),
        end=DateRange(start=date(2024, 1, 1)),
    )
    query = parse_query("违约")

    def wanted(d: ContractDocument) -> bool:
        return (
            matches(query, d)
            and d.state in filters.states
            and d.kind in filters.kinds
            and Decimal("100000") <= d.amount <= Decimal("3000000.50")
            and d.signed_date is not None
            and date(2022, 1, 1) <= d.signed_date <= date(2024, 12, 31)
            and d.end_date is not None
            and d.end_date >= date(2024, 1, 1)
        )

    expected = {d.id for d in search_corpus if wanted(d)}
    assert expected
    request = SearchRequest(EVERYONE, query, filters=filters, page_size=7)
    assert set(all_ids(tantivy_engine, request)) == expected
    owners = Filters(owners=frozenset({"users/lina"}), customers=frozenset({"customers/k001"}))
    expected = {
        d.id for d in search_corpus if d.owner == "users/lina" and d.customer == "customers/k001"
    }
    assert set(all_ids(tantivy_engine, SearchRequest(EVERYONE, filters=owners))) == expected


def test_permissions_restrict_hits_totals_and_facets(
    tantivy_engine: TantivyEngine, search_corpus: list[ContractDocument]
) -> None:
    legal = Visibility.only("法务部")
    request = SearchRequest(legal, parse_query("违约"), facets=frozenset(Facet), page_size=100)
    result: SearchResult = tantivy_engine.search(request)
    expected = {d.id for d in search_corpus if d.department == "法务部" and "违约" in d.text}
    assert set(all_ids(tantivy_engine, request)) == expected
    assert result.total == len(expected)
    assert [(c.value, c.count) for c in result.facets[Facet.DEPARTMENT]] == [
        ("法务部", len(expected))
    ]
    assert sum(c.count for c in result.facets[Facet.STATE]) == len(expected)
    years = {c.value: c.count for c in result.facets[Facet.YEAR]}
    docs = by_id(search_corpus)
    for year, count in years.items():
        assert count == sum(1 for i in expected if docs[i].year == int(year))
    nobody = tantivy_engine.search(SearchRequest(Visibility(), parse_query("违约")))
    assert nobody.total == 0 and not nobody.hits
    assert tantivy_engine.count(legal) == sum(1 for d in search_corpus if d.department == "法务部")
    # A department filter cannot widen what visibility allows.
    widened = SearchRequest(legal, filters=Filters(departments=frozenset({"销售一部"})))
    assert tantivy_engine.search(widened).total == 0


def test_facet_counts_cover_the_filtered_result(
    tantivy_engine: TantivyEngine, search_corpus: list[ContractDocument]
) -> None:
    request = SearchRequest(EVERYONE, parse_query("保密"), facets=frozenset(Facet))
    result = tantivy_engine.search(request)
    hits = [d for d in search_corpus if matches(parse_query("保密"), d)]
    for facet, attribute in ((Facet.KIND, "kind"), (Facet.DEPARTMENT, "department")):
        counts = {c.value: c.count for c in result.facets[facet]}
        expected: dict[str, int] = {}
        for d in hits:
            expected[getattr(d, attribute)] = expected.get(getattr(d, attribute), 0) + 1
        assert counts == expected


@pytest.mark.parametrize(
    "sort",
    [
        Sort(),
        Sort(SortField.SIGNED_DATE),
        Sort(SortField.SIGNED_DATE, descending=False),
        Sort(SortField.AMOUNT),
        Sort(SortField.VERSION, descending=False),  # few values: large tie groups
        Sort(SortField.END_DATE),
    ],
)
@pytest.mark.parametrize("text", ["", "违约", "保密 OR 不可抗力"])
def test_paging_is_stable_and_complete(
    tantivy_engine: TantivyEngine, search_corpus: list[ContractDocument], sort: Sort, text: str
) -> None:
    query = parse_query(text)
    everything = SearchRequest(EVERYONE, query, sort=sort, page_size=100, highlight=False)
    paged = dataclasses.replace(everything, page_size=7)
    whole = all_ids(tantivy_engine, everything)
    pages = all_ids(tantivy_engine, paged)
    assert pages == whole
    assert len(pages) == len(set(pages)) == sum(1 for d in search_corpus if matches(query, d))
    docs = by_id(search_corpus)
    if sort.field is SortField.AMOUNT:
        amounts = [docs[i].amount for i in pages]
        assert amounts == sorted(amounts, reverse=True)
    if sort.field is SortField.SIGNED_DATE:
        days = [docs[i].signed_date or date.min for i in pages]
        assert days == sorted(days, reverse=sort.descending)


def test_pages_never_repeat_when_contracts_arrive_between_pages(
    search_corpus: list[ContractDocument], tmp_path: Path
) -> None:
    engine = TantivyEngine(tmp_path / "index")
    engine.index(search_corpus[:100])
    request = SearchRequest(EVERYONE, sort=Sort(SortField.SIGNED_DATE), page_size=10)
    first = engine.search(request)
    seen = [hit.id for hit in first.hits]
    # New contracts, and a new version of one already shown, land before the next page.
    engine.index(search_corpus[100:150])
    engine.index([dataclasses.replace(search_corpus[0], version=99)])
    request = dataclasses.replace(request, after=first.next_position)
    seen += all_ids(engine, request)
    assert len(seen) == len(set(seen))
    engine.close()


def test_relevance_ranks_more_matches_higher(tantivy_engine: TantivyEngine) -> None:
    result = tantivy_engine.search(SearchRequest(EVERYONE, parse_query("违约"), page_size=50))
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]


def test_more_like_this(
    tantivy_engine: TantivyEngine, search_corpus: list[ContractDocument]
) -> None:
    source = search_corpus[1]
    result = tantivy_engine.more_like_this(source.id, EVERYONE, limit=5)
    assert result.hits and source.id not in {h.id for h in result.hits}
    assert result.hits[0].summary.title == source.title or result.hits[0].score > 0
    legal = tantivy_engine.more_like_this(source.id, Visibility.only("法务部"), limit=50)
    assert {h.summary.department for h in legal.hits} == {"法务部"}
    with pytest.raises(ContractNotIndexed):
        tantivy_engine.more_like_this("contracts/missing", EVERYONE)


def test_summary_fields_are_returned_exactly(
    tantivy_engine: TantivyEngine, search_corpus: list[ContractDocument]
) -> None:
    doc = search_corpus[3]
    hit = tantivy_engine.search(SearchRequest(EVERYONE, parse_query(f"number:{doc.number}"))).hits[
        0
    ]
    assert hit.id == doc.id
    summary = hit.summary
    assert (summary.amount, summary.signed_date, summary.end_date, summary.version) == (
        doc.amount,
        doc.signed_date,
        doc.end_date,
        doc.version,
    )
    assert (summary.customer_name, summary.department, summary.owner) == (
        doc.customer_name,
        doc.department,
        doc.owner,
    )


def test_versions_order_updates_and_the_index_persists(
    search_corpus: list[ContractDocument], tmp_path: Path
) -> None:
    v1 = dataclasses.replace(search_corpus[0], version=1, title="旧标题合同")
    v2 = dataclasses.replace(search_corpus[0], version=2, title="新标题合同")
    engine = TantivyEngine(tmp_path / "index")
    assert engine.index([v2]).written == 1
    report = engine.index([v1])  # an older event arriving late
    assert (report.written, report.skipped_stale) == (0, 1)
    assert engine.index([v2]).skipped_stale == 1  # the same event again: idempotent
    assert engine.index([v1, v2]).written == 0
    found = engine.search(SearchRequest(EVERYONE, parse_query("title:新标题")))
    assert [h.summary.version for h in found.hits] == [2]
    assert engine.search(SearchRequest(EVERYONE, parse_query("旧标题"))).total == 0
    assert engine.count(EVERYONE) == 1
    engine.close()

    reopened = TantivyEngine(tmp_path / "index")
    assert reopened.health().serving and reopened.health().documents == 1
    assert reopened.index([dataclasses.replace(v2, version=3, title="第三版合同")]).written == 1
    assert reopened.search(SearchRequest(EVERYONE, parse_query("第三版"))).total == 1
    assert reopened.delete(v2.id) is True
    assert reopened.delete(v2.id) is False
    assert reopened.count(EVERYONE) == 0
    reopened.close()


def test_bad_page_size_is_refused(tantivy_engine: TantivyEngine) -> None:
    with pytest.raises(ValueError):
        tantivy_engine.search(SearchRequest(EVERYONE, page_size=-1))
    assert len(tantivy_engine.search(SearchRequest(EVERYONE, page_size=1000)).hits) == 100
