"""The Elasticsearch adapter's exact request bodies and response parsing, without a server."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from services.search.adapters.elasticsearch_engine import (
    ElasticsearchEngine,
    alias_swap_actions,
    bulk_actions,
    customer_contracts_body,
    filter_clauses,
    index_template,
    mappings,
    more_like_this_body,
    parse_response,
    search_body,
    translate,
)
from services.search.domain.documents import AttachedDocument, Clause, ContractDocument, tiebreak
from services.search.domain.query import parse_query
from services.search.domain.requests import (
    AmountRange,
    DateRange,
    Facet,
    Filters,
    PagePosition,
    SearchRequest,
    Sort,
    SortField,
    Visibility,
)
from tests.search_fixtures import FakeElasticsearch

ALL_FIELDS = ["title", "number", "parties", "clauses", "body", "documents"]


def doc(version: int = 1, **changes: Any) -> ContractDocument:
    values: dict[str, Any] = {
        "id": "contracts/c1",
        "number": "HT-2024-001",
        "title": "服务器产品销售合同",
        "kind": "PRODUCT_SALE",
        "state": "SIGNED",
        "customer": "customers/k1",
        "customer_name": "上海启明科技有限公司",
        "parties": "甲方：上海启明科技有限公司；乙方：北京华信软件有限公司",
        "department": "法务部",
        "owner": "users/lina",
        "amount": Decimal("123456.78"),
        "signed_date": date(2024, 3, 1),
        "start_date": date(2024, 3, 5),
        "end_date": None,
        "clauses": (Clause("违约责任", "违约方应当赔偿损失。"),),
        "text": "正文",
        "version": version,
    }
    return ContractDocument(**(values | changes))


def test_a_chinese_word_is_a_bigram_phrase_on_the_cjk_subfield() -> None:
    assert translate(parse_query("title:违约责任")) == {
        "match_phrase": {"title.cjk": {"query": "违约责任"}}
    }


def test_without_a_field_every_text_field_is_searched() -> None:
    assert translate(parse_query("违约")) == {
        "bool": {
            "should": [{"match_phrase": {f"{f}.cjk": {"query": "违约"}}} for f in ALL_FIELDS],
            "minimum_should_match": 1,
        }
    }


def test_single_characters_latin_words_and_phrases_use_the_chars_subfield() -> None:
    assert translate(parse_query("clause:约")) == {"match": {"clauses.chars": {"query": "约"}}}
    assert translate(parse_query("party:Huawei")) == {
        "match": {"parties.chars": {"query": "Huawei"}}
    }
    assert translate(parse_query('clause:"书面 通知"')) == {
        "match_phrase": {"clauses.chars": {"query": "书面 通知"}}
    }


def test_fuzzy_latin_word() -> None:
    assert translate(parse_query("party:Huawai~")) == {
        "fuzzy": {"parties.chars": {"value": "huawai", "fuzziness": 2, "transpositions": True}}
    }


def test_proximity_is_an_unordered_intervals_query() -> None:
    assert translate(parse_query("clause:(违约 NEAR/5 赔偿)")) == {
        "intervals": {
            "clauses.chars": {
                "all_of": {
                    "ordered": False,
                    "max_gaps": 5,
                    "intervals": [
                        {"match": {"query": "违约", "max_gaps": 0, "ordered": True}},
                        {"match": {"query": "赔偿", "max_gaps": 0, "ordered": True}},
                    ],
                }
            }
        }
    }


def test_boolean_operators() -> None:
    title = {"match_phrase": {"title.cjk": {"query": "合同"}}}
    body = {"match_phrase": {"body.cjk": {"query": "仲裁"}}}
    assert translate(parse_query("title:合同 AND NOT text:仲裁")) == {
        "bool": {"must": [title], "must_not": [body]}
    }
    assert translate(parse_query("title:合同 OR text:仲裁")) == {
        "bool": {"should": [title, body], "minimum_should_match": 1}
    }
    assert translate(parse_query("NOT text:仲裁")) == {"bool": {"must_not": [body]}}
    assert translate(parse_query("")) == {"match_all": {}}


def test_filters_go_in_filter_context_with_visibility_first() -> None:
    filters = Filters(
        states=frozenset({"SIGNED", "ACTIVE"}),
        owners=frozenset({"users/lina"}),
        amount=AmountRange(Decimal("1000"), None),
        signed=DateRange(date(2024, 1, 1), date(2024, 12, 31)),
        end=DateRange(end=date(2026, 1, 1)),
    )
    assert filter_clauses(filters, Visibility.only("法务部", "采购部")) == [
        {"terms": {"department": ["法务部", "采购部"]}},
        {"terms": {"state": ["ACTIVE", "SIGNED"]}},
        {"terms": {"owner": ["users/lina"]}},
        {"range": {"amount_fen": {"gte": 100000}}},
        {"range": {"signed_date": {"gte": "2024-01-01", "lte": "2024-12-31"}}},
        {"range": {"end_date": {"lte": "2026-01-01"}}},
    ]
    assert filter_clauses(Filters(), Visibility.everything()) == []
    # No department at all: the terms filter matches nothing, it is not dropped.
    assert filter_clauses(Filters(), Visibility()) == [{"terms": {"department": []}}]


def test_the_whole_search_body() -> None:
    request = SearchRequest(
        Visibility.only("法务部"),
        parse_query("title:违约"),
        filters=Filters(kinds=frozenset({"FRAMEWORK"})),
        facets=frozenset({Facet.STATE, Facet.YEAR}),
        sort=Sort(SortField.SIGNED_DATE, descending=True),
        page_size=10,
        after=PagePosition(1709251200000, 42, 10),
    )
    text = {"match_phrase": {"title.cjk": {"query": "违约"}}}
    assert search_body(request) == {
        "query": {
            "bool": {
                "must": [text],
                "filter": [
                    {"terms": {"department": ["法务部"]}},
                    {"terms": {"kind": ["FRAMEWORK"]}},
                ],
            }
        },
        "size": 11,
        "track_total_hits": True,
        "sort": [
            {"signed_date": {"order": "desc", "missing": "_last"}},
            {"tiebreak": {"order": "asc"}},
        ],
        "_source": [
            "id",
            "number",
            "title",
            "kind",
            "state",
            "customer",
            "customer_name",
            "department",
            "owner",
            "amount",
            "signed_date",
            "start_date",
            "end_date",
            "version",
            "clauses",
            "clause_heading",
        ],
        "search_after": [1709251200000, 42],
        "aggs": {
            "state": {"terms": {"field": "state", "size": 50}},
            "year": {"terms": {"field": "year", "size": 50}},
        },
        "highlight": {
            "type": "unified",
            "pre_tags": ["<em>"],
            "post_tags": ["</em>"],
            "fragment_size": 120,
            "number_of_fragments": 3,
            "highlight_query": text,
            "fields": {f"{f}.{s}": {} for f in ALL_FIELDS for s in ("cjk", "chars")},
        },
    }


def test_relevance_sort_breaks_ties_on_the_tiebreak_and_ascending_dates_put_missing_first() -> None:
    assert search_body(SearchRequest(Visibility.everything()))["sort"] == [
        {"_score": {"order": "desc"}},
        {"tiebreak": {"order": "asc"}},
    ]
    ascending = SearchRequest(Visibility.everything(), sort=Sort(SortField.END_DATE, False))
    assert search_body(ascending)["sort"][0] == {"end_date": {"order": "asc", "missing": "_first"}}
    assert "highlight" not in search_body(SearchRequest(Visibility.everything()))


def test_mapping_has_cjk_and_chars_subfields_and_ik_only_when_installed() -> None:
    plain, ik = mappings(ik=False), mappings(ik=True)
    assert plain["dynamic"] == "strict"
    assert plain["properties"]["title"] == {
        "type": "text",
        "analyzer": "cjk",
        "fields": {
            "cjk": {"type": "text", "analyzer": "cjk", "index_options": "offsets"},
            "chars": {"type": "text", "analyzer": "callops_chars", "index_options": "offsets"},
        },
    }
    assert ik["properties"]["clauses"]["analyzer"] == "ik_max_word"
    assert ik["properties"]["clauses"]["search_analyzer"] == "ik_smart"
    assert ik["properties"]["clauses"]["fields"] == plain["properties"]["clauses"]["fields"]
    for name in ("id", "state", "kind", "department", "owner", "customer"):
        assert plain["properties"][name] == {"type": "keyword"}
    assert plain["properties"]["amount_fen"] == {"type": "long"}
    template = index_template("contracts", ik=False)
    assert template["index_patterns"] == ["contracts-*"]
    assert template["template"]["settings"]["analysis"] == {
        "analyzer": {
            "callops_chars": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]}
        }
    }


def test_bulk_uses_external_versions_and_keeps_the_newest_of_a_batch() -> None:
    actions = bulk_actions("contracts", [doc(version=2), doc(version=3), doc(version=1)])
    assert len(actions) == 1
    action = actions[0]
    assert {k: v for k, v in action.items() if k != "_source"} == {
        "_op_type": "index",
        "_index": "contracts",
        "_id": "contracts/c1",
        "version": 3,
        "version_type": "external",
    }
    source = action["_source"]
    assert source["amount"] == "123456.78" and source["amount_fen"] == 12345678
    assert source["signed_date"] == "2024-03-01" and source["end_date"] is None
    assert source["year"] == 2024
    assert source["clauses"] == ["违约责任\n违约方应当赔偿损失。"]
    assert source["tiebreak"] == tiebreak("contracts/c1")


def test_alias_swap_is_one_atomic_update() -> None:
    assert alias_swap_actions("contracts", ["contracts-1"], "contracts-2") == [
        {"remove": {"index": "contracts-1", "alias": "contracts"}},
        {"add": {"index": "contracts-2", "alias": "contracts", "is_write_index": True}},
    ]


def test_more_like_this_body() -> None:
    body = more_like_this_body("contracts", "contracts/c1", Visibility.only("法务部"), 5)
    assert body["query"]["bool"]["must"][0]["more_like_this"]["like"] == [
        {"_index": "contracts", "_id": "contracts/c1"}
    ]
    assert body["query"]["bool"]["filter"] == [{"terms": {"department": ["法务部"]}}]
    assert body["size"] == 5


def test_parse_response_reads_hits_snippets_facets_and_the_next_position() -> None:
    source = bulk_actions("contracts", [doc()])[0]["_source"]
    request = SearchRequest(Visibility.everything(), facets=frozenset({Facet.YEAR}), page_size=1)
    response = {
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "hits": [
                {
                    "_score": 1.5,
                    "_source": source,
                    "sort": [1.5, 7],
                    "highlight": {
                        "clauses.cjk": ["<em>违约</em><em>方</em>应当赔偿损失。"],
                        "title.chars": ["服务器产品<em>销售</em>合同"],
                    },
                },
                {"_score": 1.0, "_source": source, "sort": [1.0, 9]},
            ],
        },
        "aggregations": {"year": {"buckets": [{"key": 2024, "doc_count": 2}]}},
    }
    result = parse_response(response, request, size=1)
    assert result.total == 2
    assert [h.id for h in result.hits] == ["contracts/c1"]
    hit = result.hits[0]
    assert hit.summary.amount == Decimal("123456.78") and hit.summary.end_date is None
    assert [(s.field, s.fragment, s.clause) for s in hit.snippets] == [
        ("title", "服务器产品<em>销售</em>合同", None),
        ("clause", "<em>违约方</em>应当赔偿损失。", "违约责任"),
    ]
    assert result.next_position == PagePosition(1.5, 7, 1)
    assert [(c.value, c.count) for c in result.facets[Facet.YEAR]] == [("2024", 2)]


def test_bulk_request_on_the_wire_and_conflicts_count_as_stale(
    fake_es: FakeElasticsearch,
) -> None:
    fake_es.stale = {"contracts/c2"}
    engine = ElasticsearchEngine(Elasticsearch(fake_es.url), alias="contracts")
    report = engine.index([doc(), doc(id="contracts/c2")])
    assert (report.written, report.skipped_stale) == (1, 1)
    _method, path, raw = fake_es.requests[0]
    assert path.startswith("/_bulk")
    lines = [json.loads(line) for line in raw.splitlines()]
    assert lines[0] == {
        "index": {
            "_index": "contracts",
            "_id": "contracts/c1",
            "version": 1,
            "version_type": "external",
        }
    }
    assert lines[1] == bulk_actions("contracts", [doc()])[0]["_source"]


def test_search_request_on_the_wire(fake_es: FakeElasticsearch) -> None:
    engine = ElasticsearchEngine(Elasticsearch(fake_es.url), alias="contracts")
    request = SearchRequest(Visibility.only("法务部"), parse_query("违约"))
    assert engine.search(request).total == 0
    _method, path, raw = fake_es.requests[-1]
    assert path.startswith("/contracts/_search")
    assert json.loads(raw) == search_body(request)


def test_rebuild_fills_a_fresh_index_then_swaps_the_alias(fake_es: FakeElasticsearch) -> None:
    engine = ElasticsearchEngine(Elasticsearch(fake_es.url), alias="contracts")
    docs = [doc(id=f"contracts/c{i}") for i in range(5)]
    heard: list[int] = []
    new = engine.rebuild(iter(docs), progress=heard.append, chunk_size=2)
    assert new.startswith("contracts-") and new != "contracts-old"
    assert heard == [2, 2, 1]
    calls = [(m, path.split("?")[0]) for m, path, _ in fake_es.requests]
    assert calls == [
        ("GET", "/_alias/contracts"),
        ("GET", "/_cat/plugins"),
        ("PUT", "/_index_template/contracts"),
        ("PUT", f"/{new}"),
        ("PUT", "/_bulk"),
        ("PUT", "/_bulk"),
        ("PUT", "/_bulk"),
        ("PUT", f"/{new}/_settings"),
        ("POST", f"/{new}/_refresh"),
        ("POST", "/_aliases"),
        ("DELETE", "/contracts-old"),
    ]
    bodies = [(path.split("?")[0], raw) for _, path, raw in fake_es.requests]
    body = dict(bodies)
    # The IK plugin is listed, so the template asks for ik_max_word.
    assert json.loads(body["/_index_template/contracts"]) == index_template("contracts", True)
    # No refreshes while it fills; the default again before readers see it.
    assert json.loads(body[f"/{new}"]) == {"settings": {"refresh_interval": "-1"}}
    assert json.loads(body[f"/{new}/_settings"]) == {"refresh_interval": None}
    sent = [
        json.loads(line)
        for path, raw in bodies
        if path == "/_bulk"
        for line in raw.splitlines()[::2]
    ]
    assert [m["index"]["_id"] for m in sent] == [d.id for d in docs]
    assert {m["index"]["_index"] for m in sent} == {new}
    assert json.loads(body["/_aliases"]) == {
        "actions": alias_swap_actions("contracts", ["contracts-old"], new)
    }


def test_a_failed_rebuild_deletes_the_new_index_and_keeps_the_alias(
    fake_es: FakeElasticsearch,
) -> None:
    fake_es.status = 400
    engine = ElasticsearchEngine(Elasticsearch(fake_es.url), alias="contracts")
    with pytest.raises(RuntimeError, match="bulk indexing failed"):
        engine.rebuild([doc()])
    calls = [(m, path.split("?")[0]) for m, path, _ in fake_es.requests]
    created = next(path for m, path in calls if m == "PUT" and path.startswith("/contracts-"))
    assert calls[-1] == ("DELETE", created)
    assert ("POST", "/_aliases") not in calls
    assert ("DELETE", "/contracts-old") not in calls


def test_a_rebuild_stream_may_repeat_a_contract(fake_es: FakeElasticsearch) -> None:
    # A contract read twice while paging (it changed meanwhile): the older copy's 409 is
    # not a failure.
    fake_es.stale = {"contracts/c1"}
    engine = ElasticsearchEngine(Elasticsearch(fake_es.url), alias="contracts")
    engine.rebuild([doc(2), doc(1), doc(id="contracts/c2")])
    assert ("POST", "/_aliases") in [(m, p.split("?")[0]) for m, p, _ in fake_es.requests]


def test_same_version_writes_use_external_gte() -> None:
    (plain,) = bulk_actions("contracts", [doc(3)])
    (again,) = bulk_actions("contracts", [doc(3)], same_version=True)
    assert (plain["version_type"], again["version_type"]) == ("external", "external_gte")
    assert again["version"] == 3


def test_contracts_of_customers_is_one_filtered_scroll(fake_es: FakeElasticsearch) -> None:
    engine = ElasticsearchEngine(Elasticsearch(fake_es.url), alias="contracts")
    assert engine.contracts_of_customer(["customers/k2", "customers/k1"]) == []
    _method, path, raw = fake_es.requests[0]
    assert path.startswith("/contracts/_search")
    assert (
        json.loads(raw)["query"]
        == customer_contracts_body(["customers/k1", "customers/k2"])["query"]
    )
    assert customer_contracts_body(["customers/k2", "customers/k1"]) == {
        "query": {"bool": {"filter": [{"terms": {"customer": ["customers/k1", "customers/k2"]}}]}},
        "_source": ["id"],
    }


def test_other_bulk_failures_are_raised(fake_es: FakeElasticsearch) -> None:
    fake_es.status = 400
    engine = ElasticsearchEngine(Elasticsearch(fake_es.url))
    with pytest.raises(RuntimeError, match="bulk indexing failed"):
        engine.index([doc()])


ATTACHED = (
    AttachedDocument("contracts/c1/documents/d1", "验收报告.pdf", "验收合格后签署验收单。"),
    AttachedDocument("contracts/c1/documents/d2", "图纸.txt", "机柜按冷热通道布置。"),
)


def test_documents_are_indexed_with_their_names() -> None:
    source = bulk_actions("contracts", [doc(documents=ATTACHED)])[0]["_source"]
    assert source["documents"] == ["验收合格后签署验收单。", "机柜按冷热通道布置。"]
    assert source["document_name"] == [d.name for d in ATTACHED]
    assert source["document_filename"] == ["验收报告.pdf", "图纸.txt"]
    properties = mappings(ik=False)["properties"]
    assert properties["documents"]["fields"]["cjk"]["analyzer"] == "cjk"
    assert properties["document_name"] == {"type": "keyword"}


def test_document_texts_are_fetched_only_when_a_highlight_may_come_from_them() -> None:
    def source(query: str) -> list[str]:
        body = search_body(SearchRequest(Visibility.everything(), parse_query(query)))
        return list(body["_source"])

    assert "documents" in source("验收单")
    assert "documents" in source("document:验收单")
    assert "documents" not in source("title:验收单 AND NOT document:图纸")
    assert translate(parse_query("document:验收单")) == {
        "match_phrase": {"documents.cjk": {"query": "验收单"}}
    }


def test_a_document_highlight_names_its_document() -> None:
    source = bulk_actions("contracts", [doc(documents=ATTACHED)])[0]["_source"]
    request = SearchRequest(Visibility.everything(), parse_query("冷热通道"))
    response = {
        "hits": {
            "total": {"value": 1, "relation": "eq"},
            "hits": [
                {
                    "_score": 1.0,
                    "_source": source,
                    "sort": [1.0, 7],
                    "highlight": {"documents.cjk": ["机柜按<em>冷热</em><em>通道</em>布置。"]},
                }
            ],
        }
    }
    (hit,) = parse_response(response, request, size=10).hits
    assert [(s.field, s.fragment, s.document, s.filename) for s in hit.snippets] == [
        ("document", "机柜按<em>冷热通道</em>布置。", "contracts/c1/documents/d2", "图纸.txt")
    ]
