"""GetDocumentText over a real gRPC channel: the text kept at upload for PDF, DOCX and plain
text, none for a scan, the rights (the search indexer's `service` role) and bad names."""

from __future__ import annotations

import hashlib
import io

import docx
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from callops.contract.v1 import contract_pb2 as pb
from tests.contract_fixtures import ContractCaller
from tests.e2e.helpers import DENIED, INVALID, NOT_FOUND, UNKNOWN_ID, expect
from tests.e2e.test_contract_documents import upload
from tests.e2e.test_contract_flows import create

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(line: str) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("STSong-Light", 12)
    page.drawString(72, 720, line)
    page.save()
    return out.getvalue()


async def text_of(c: ContractCaller, name: str, *roles: str) -> pb.DocumentText:
    return await c.stub.GetDocumentText(
        pb.GetDocumentTextRequest(name=name), metadata=c.as_(*roles, user="search.indexer")
    )


async def test_text_of_docx_pdf_plain_text_and_a_scan(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await create(c)
    word = docx_bytes("第一条 甲方向乙方采购服务器十台。", "第二条 验收合格后付款。")
    pdf = pdf_bytes("第三条 争议提交杭州仲裁委员会仲裁。")
    plain = "第四条 本合同一式两份。\n".encode("gb18030")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    docs = [
        await upload(c, contract.name, word, filename="合同.docx", content_type=DOCX_TYPE),
        await upload(c, contract.name, pdf, filename="附件.pdf", content_type="application/pdf"),
        await upload(
            c, contract.name, plain, filename="说明.txt", content_type="text/plain; charset=gbk"
        ),
        await upload(
            c,
            contract.name,
            png,
            kind=pb.Document.KIND_SCAN,
            filename="扫描件.png",
            content_type="image/png",
        ),
    ]
    got = [await text_of(c, d.name, "service") for d in docs]
    assert [g.name for g in got] == [d.name for d in docs]
    assert "甲方向乙方采购服务器十台" in got[0].text and "验收合格后付款" in got[0].text
    assert "杭州仲裁委员会" in got[1].text
    assert got[2].text.strip() == "第四条 本合同一式两份。"
    assert got[3].text == ""  # a scan has no text layer to read
    assert [g.content_type for g in got] == [d.content_type for d in docs]
    assert got[0].sha256 == hashlib.sha256(word).hexdigest()
    assert [len(g.text) for g in got] == [d.text_length for d in docs]
    # Everyone who reads contracts may read their documents' text.
    assert (await text_of(c, docs[0].name, "legal")).text == got[0].text


async def test_rights_and_bad_names(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await create(c)
    doc = await upload(c, contract.name, "合同正文".encode())
    await expect(text_of(c, doc.name, "agent"), DENIED)
    await expect(text_of(c, contract.name, "service"), INVALID, "name")
    await expect(text_of(c, f"{contract.name}/documents/", "service"), INVALID, "name")
    await expect(text_of(c, f"{contract.name}/documents/{UNKNOWN_ID}", "service"), NOT_FOUND)
    other = await create(c)
    # A document is found only under its own contract.
    await expect(text_of(c, doc.name.replace(contract.name, other.name), "service"), NOT_FOUND)
