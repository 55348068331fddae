"""The tantivy engine's writes beyond versions: the same version written again on purpose,
the contracts of a customer, and the text of stored documents with highlights naming them."""

from __future__ import annotations

import dataclasses

from services.search.adapters.tantivy_engine import SNIPPET_CHARS, TantivyEngine
from services.search.domain.documents import AttachedDocument, ContractDocument
from services.search.domain.query import parse_query
from services.search.domain.requests import SearchRequest, Visibility

EVERYONE = Visibility.everything()


def ids(engine: TantivyEngine, query: str) -> set[str]:
    result = engine.search(SearchRequest(EVERYONE, parse_query(query), page_size=100))
    return {hit.id for hit in result.hits}


def test_the_same_version_is_rewritten_only_when_asked(
    empty_tantivy_engine: TantivyEngine, search_corpus: list[ContractDocument]
) -> None:
    engine = empty_tantivy_engine
    doc = dataclasses.replace(search_corpus[0], customer_name="宁波港城物流有限公司", version=4)
    engine.index([doc])
    renamed = dataclasses.replace(doc, customer_name="宁波甬江供应链有限公司")
    assert engine.index([renamed]).written == 0
    assert ids(engine, "party:甬江供应链") == set()
    assert engine.index([renamed], same_version=True).written == 1
    assert ids(engine, "party:甬江供应链") == {doc.id}
    assert ids(engine, "party:港城物流") == set()
    older = dataclasses.replace(doc, version=3, customer_name="旧名称有限公司")
    assert engine.index([older], same_version=True).written == 0
    assert engine.stored_versions() == {doc.id: 4}


def test_contracts_of_customers(
    empty_tantivy_engine: TantivyEngine, search_corpus: list[ContractDocument]
) -> None:
    engine = empty_tantivy_engine
    docs = search_corpus[:60]
    engine.index(docs)
    customers = sorted({d.customer for d in docs})[:2]
    expected = sorted(d.id for d in docs if d.customer in customers)
    assert expected and len(expected) < len(docs)
    assert engine.contracts_of_customer(customers) == expected
    assert engine.contracts_of_customer(["customers/nobody"]) == []
    assert engine.contracts_of_customer([]) == []


def test_document_text_is_searched_and_highlights_name_the_document(
    empty_tantivy_engine: TantivyEngine, search_corpus: list[ContractDocument]
) -> None:
    engine = empty_tantivy_engine
    attached = (
        AttachedDocument("contracts/x/documents/d1", "验收报告.pdf", "验收合格后双方签署验收单。"),
        AttachedDocument("contracts/x/documents/d2", "图纸说明.txt", "机柜按冷热通道布置。"),
    )
    with_files = dataclasses.replace(search_corpus[0], id="contracts/x", documents=attached)
    engine.index([with_files, *search_corpus[1:20]])

    assert ids(engine, "document:验收单") == {"contracts/x"}
    assert ids(engine, "冷热通道") == {"contracts/x"}  # no prefix: documents too
    assert ids(engine, "title:冷热通道") == set()
    # Two files are two values: no phrase spans the end of one and the start of the next.
    assert ids(engine, '"验收单 机柜"') == set()

    result = engine.search(SearchRequest(EVERYONE, parse_query("document:冷热通道")))
    (hit,) = result.hits
    assert [(s.field, s.fragment, s.document, s.filename) for s in hit.snippets] == [
        ("document", "机柜按<em>冷热通道</em>布置", "contracts/x/documents/d2", "图纸说明.txt")
    ]


def test_a_long_document_gets_its_snippet_cut_around_the_match(
    empty_tantivy_engine: TantivyEngine, search_corpus: list[ContractDocument]
) -> None:
    engine = empty_tantivy_engine
    ending = "质保金于质保期满后无息返还。" + "其余按附件执行。" * 10
    text = "设备安装调试由乙方负责。" * 1000 + ending
    attached = (AttachedDocument("contracts/y/documents/d1", "技术协议.txt", text),)
    engine.index([dataclasses.replace(search_corpus[0], id="contracts/y", documents=attached)])
    result = engine.search(SearchRequest(EVERYONE, parse_query("document:无息返还")))
    ((snippet,),) = [hit.snippets for hit in result.hits]
    assert snippet.document == "contracts/y/documents/d1"
    assert "质保期满后<em>无息返还</em>" in snippet.fragment
    plain = snippet.fragment.replace("<em>", "").replace("</em>", "")
    assert plain in text and len(plain) <= SNIPPET_CHARS
