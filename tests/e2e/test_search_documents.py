"""A document stored with a contract: its text is found by search once its DocumentStored
event reaches the indexer, and the highlight names the document."""

from __future__ import annotations

from typing import Any

from callops.contract.v1 import contract_pb2 as cpb
from tests.e2e.test_contract_documents import upload
from tests.e2e.test_search_flows import CONTRACTS, create, names, search
from tests.search_fixtures import SearchCaller

ACCEPTANCE = (
    "设备验收报告\n验收标准按照国家标准执行。乙方应于到货后五个工作日内完成安装调试，"
    "验收合格后双方签署验收单，验收单签署之日起开始计算质保期。"
).encode()
DRAWING = "机房布局图说明：机柜共十二台，按冷热通道布置。".encode()


async def test_a_stored_document_is_searchable_and_named_in_the_highlight(
    grpc_search: SearchCaller,
) -> None:
    s = grpc_search
    contract = await create(s, CONTRACTS[0])
    other = await create(s, CONTRACTS[1])
    await s.deliver_events()
    legal = s.as_("legal")
    assert names(await s.stub.SearchContracts(search("验收单"), metadata=legal)) == set()
    before = s.app.engine.stored_versions()

    report = await upload(s.contracts, contract.name, ACCEPTANCE, filename="验收报告.txt")
    drawing = await upload(s.contracts, contract.name, DRAWING, filename="机房布局.txt")
    topics = await s.deliver_events()
    assert topics.count("contract.DocumentStored") == 2

    found = await s.stub.SearchContracts(search("document:验收单"), metadata=legal)
    assert names(found) == {contract.name}
    (hit,) = found.results
    documents = [sn for sn in hit.snippets if sn.field == "document"]
    assert [(sn.document, sn.document_filename) for sn in documents] == [
        (report.name, "验收报告.txt")
    ]
    assert "<em>验收单</em>" in documents[0].fragment

    # Without a prefix the documents are searched too; the other file is named for its words.
    found = await s.stub.SearchContracts(search("冷热通道"), metadata=legal)
    assert names(found) == {contract.name}
    assert [sn.document for sn in found.results[0].snippets if sn.field == "document"] == [
        drawing.name
    ]
    # Storing a document does not change the contract's version, nor touch other contracts.
    assert s.app.engine.stored_versions() == before
    assert other.name not in names(
        await s.stub.SearchContracts(search("document:机柜"), metadata=legal)
    )
    # A title prefix does not reach into documents.
    assert names(await s.stub.SearchContracts(search("title:验收单"), metadata=legal)) == set()


async def test_documents_stay_indexed_when_the_contract_changes(
    grpc_search: SearchCaller,
) -> None:
    s = grpc_search
    contract = await create(s, CONTRACTS[0], submit=False)
    await upload(s.contracts, contract.name, ACCEPTANCE, filename="验收报告.txt")
    await s.deliver_events()
    legal = s.as_("legal")
    assert names(await s.stub.SearchContracts(search("验收单"), metadata=legal)) == {contract.name}
    await s.contracts.stub.SubmitContract(
        cpb.SubmitContractRequest(name=contract.name), metadata=s.contracts.as_("sales")
    )
    await s.deliver_events()
    submitted = s.app.engine.stored_versions()[contract.name]
    assert submitted > int(contract.etag)
    assert names(await s.stub.SearchContracts(search("验收单"), metadata=legal)) == {contract.name}


async def test_a_long_document_is_indexed_whole(grpc_search: SearchCaller) -> None:
    # About 4.5 MB of UTF-8 text: more than gRPC's default 4 MB for one received message.
    s = grpc_search
    contract = await create(s, CONTRACTS[0])
    filler = "本合同项下设备的安装调试及培训服务由乙方负责。" * 64_000
    content = (filler + "末尾条款：质保金于质保期满后无息返还。").encode()
    assert len(content) > 4 * 1024 * 1024
    stored = await upload(s.contracts, contract.name, content, filename="技术协议.txt")
    await s.deliver_events()
    found = await s.stub.SearchContracts(search("document:无息返还"), metadata=s.as_("legal"))
    assert names(found) == {contract.name}
    assert [sn.document for sn in found.results[0].snippets if sn.field == "document"] == [
        stored.name
    ]


async def test_phone_numbers_in_a_document_are_masked_for_readers_without_pii(
    grpc_search: SearchCaller,
) -> None:
    s = grpc_search
    contract = await create(s, CONTRACTS[0])
    notice = "变更通知：乙方项目联系人王芳，联系电话13800138000，如有疑问请致电。".encode()
    await upload(s.contracts, contract.name, notice, filename="变更通知.txt")
    await s.deliver_events()

    def fragments(found: Any) -> list[str]:
        return [sn.fragment for r in found.results for sn in r.snippets if sn.field == "document"]

    legal = await s.stub.SearchContracts(search("document:联系电话"), metadata=s.as_("legal"))
    assert any("138****8000" in f for f in fragments(legal))
    assert not any("13800138000" in f for f in fragments(legal))
    admin = await s.stub.SearchContracts(search("document:联系电话"), metadata=s.as_("admin"))
    assert any("13800138000" in f for f in fragments(admin))
