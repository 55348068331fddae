"""The Elasticsearch engine against a real server, with the same corpus and oracle as tantivy.

Runs only when CALLOPS_TEST_ELASTICSEARCH_URL is set (for example http://127.0.0.1:9200):
no Elasticsearch server can be installed on the development machines, so without the
variable every test here is SKIPPED, and says so. This is the only skipping search test.
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from services.search.adapters.elasticsearch_engine import ElasticsearchEngine
from services.search.domain.documents import ContractDocument
from services.search.domain.query import parse_query
from services.search.domain.requests import (
    HIGHLIGHT_START,
    Facet,
    SearchRequest,
    Sort,
    SortField,
    Visibility,
)
from tests.search_corpus import matches

URL = os.environ.get("CALLOPS_TEST_ELASTICSEARCH_URL", "")
pytestmark = pytest.mark.skipif(
    not URL, reason="CALLOPS_TEST_ELASTICSEARCH_URL is not set: no Elasticsearch server here"
)
EVERYONE = Visibility.everything()


@pytest.fixture(scope="module")
def es_engine(search_corpus: list[ContractDocument]) -> Iterator[ElasticsearchEngine]:
    client = Elasticsearch(URL)
    alias = f"callops-test-{uuid.uuid4().hex[:8]}"
    engine = ElasticsearchEngine(client, alias=alias)
    engine.ensure_index()
    engine.index(search_corpus)
    yield engine
    client.indices.delete(index=f"{alias}-*")
    client.indices.delete_index_template(name=alias)


def all_ids(engine: ElasticsearchEngine, request: SearchRequest) -> list[str]:
    ids: list[str] = []
    while True:
        result = engine.search(request)
        ids += [hit.id for hit in result.hits]
        if result.next_position is None:
            return ids
        request = dataclasses.replace(request, after=result.next_position)


@pytest.mark.parametrize(
    "text",
    [
        "违约",
        "违约责任",
        "约责",
        "同约定",
        "约",
        '"违约 责任"',
        "违约 NOT 违约责任",
        "title:框架协议",
        "party:上海",
        "Huawai~",
        "违约 NEAR/5 赔偿",
    ],
)
def test_answers_equal_the_oracle(
    es_engine: ElasticsearchEngine, search_corpus: list[ContractDocument], text: str
) -> None:
    query = parse_query(text)
    expected = {d.id for d in search_corpus if matches(query, d)}
    got = all_ids(es_engine, SearchRequest(EVERYONE, query, page_size=100))
    assert set(got) == expected and len(got) == len(expected)


def test_permissions_paging_highlights_and_versions(
    es_engine: ElasticsearchEngine, search_corpus: list[ContractDocument]
) -> None:
    legal = Visibility.only("法务部")
    request = SearchRequest(legal, parse_query("违约责任"), facets=frozenset(Facet), page_size=7)
    result = es_engine.search(request)
    expected = {d.id for d in search_corpus if d.department == "法务部" and "违约责任" in d.text}
    assert result.total == len(expected)
    assert [(c.value, c.count) for c in result.facets[Facet.DEPARTMENT]] == [
        ("法务部", len(expected))
    ]
    assert any(HIGHLIGHT_START in s.fragment for s in result.hits[0].snippets)
    pages = all_ids(es_engine, dataclasses.replace(request, sort=Sort(SortField.VERSION)))
    assert len(pages) == len(set(pages)) == len(expected)
    newer = dataclasses.replace(search_corpus[0], version=9, title="第九版合同")
    older = dataclasses.replace(search_corpus[0], version=8, title="第八版合同")
    assert es_engine.index([newer]).written == 1
    assert es_engine.index([older]).skipped_stale == 1
    assert es_engine.search(SearchRequest(EVERYONE, parse_query("title:第九版"))).total == 1
