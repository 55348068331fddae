"""Tests for text extraction from uploaded PDF, DOCX and plain-text documents."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import docx
import pypdf
import pytest

from services.common import text_extract
from services.common.text_extract import DOCX_TYPE, document_kind, extract_text

PARTIES = "甲方：上海某某科技有限公司"


def make_pdf(pages: list[tuple[str, str]]) -> bytes:
    """A PDF written object by object, one (ASCII line, Chinese line) per page.

    Nothing installed writes text PDFs, so this does what a PDF producer does: Helvetica for
    ASCII, and for Chinese a Type0 font (Adobe-GB1, not embedded) whose ToUnicode CMap maps
    each glyph id back to its character, which is what text extraction reads.
    """
    chinese = sorted({ch for _, line in pages for ch in line})
    cid = {ch: i + 1 for i, ch in enumerate(chinese)}
    bfchar = "".join(f"<{cid[ch]:04X}> <{ord(ch):04X}>\n" for ch in chinese)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chinese)} beginbfchar\n{bfchar}endbfchar\n"
        "endcmap CMapName currentdict /CMapName defineresource pop end end"
    ).encode()

    first_page = 7
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{first_page + 2 * i} 0 R".encode() for i in range(len(pages)))
        + f"] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H"
        b" /DescendantFonts [5 0 R] /ToUnicode 6 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ]
    for i, (ascii_line, chinese_line) in enumerate(pages):
        glyphs = "".join(f"{cid[ch]:04X}" for ch in chinese_line)
        content = (
            f"BT /F1 12 Tf 72 770 Td ({ascii_line}) Tj ET\nBT /F2 12 Tf 72 740 Td <{glyphs}> Tj ET"
        ).encode()
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            b" /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>"
            % (first_page + 2 * i + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_docx() -> bytes:
    document = docx.Document()
    document.add_heading("采购合同", level=1)
    document.add_paragraph(PARTIES)
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "品名"
    table.cell(0, 1).text = "数量"
    table.cell(0, 2).text = "金额（元）"
    table.cell(1, 0).text = "服务器"
    table.cell(1, 1).text = "2"
    table.cell(1, 2).text = "¥86,000.00"
    merged = table.cell(2, 0).merge(table.cell(2, 1))
    merged.text = "合计"
    table.cell(2, 2).text = "¥86,000.00"
    document.add_paragraph("乙方：北京某某有限公司")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class OneWayStream(io.RawIOBase):
    """A stream that cannot seek, like an upload arriving over the network."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        return self._inner.readinto(buffer)


def test_pdf_text_in_ascii_and_chinese() -> None:
    pdf = make_pdf([("Contract HT-2026-001", PARTIES), ("Page two", "合同金额：捌万陆仟元整")])
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 2  # a well-formed file, no repairs

    text = extract_text(pdf, "application/pdf", "合同.pdf")

    assert "Contract HT-2026-001" in text
    assert PARTIES in text
    assert text.index("Contract") < text.index("Page two") < text.index("合同金额：捌万陆仟元整")


def test_pdf_from_a_path_and_from_a_stream_that_cannot_seek(tmp_path: Path) -> None:
    pdf = make_pdf([("Hello", "你好")])
    path = tmp_path / "报价单.pdf"
    path.write_bytes(pdf)
    assert "你好" in extract_text(path, "application/pdf", path.name)
    assert "你好" in extract_text(str(path), "application/pdf", path.name)
    stream = io.BufferedReader(OneWayStream(pdf))
    assert not stream.seekable()
    assert "你好" in extract_text(stream, "application/pdf", path.name)


def test_pdf_with_a_reading_password_gives_nothing_and_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf([("A", "合")]))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    with caplog.at_level(logging.WARNING, logger=text_extract.__name__):
        assert extract_text(locked.getvalue(), "application/pdf", "locked.pdf") == ""
    assert "password" in caplog.text


def test_docx_paragraphs_and_table_cells_in_document_order() -> None:
    text = extract_text(make_docx(), DOCX_TYPE, "采购合同.docx")
    lines = text.splitlines()
    assert lines == [
        "采购合同",
        PARTIES,
        "品名\t数量\t金额（元）",
        "服务器\t2\t¥86,000.00",
        "合计\t¥86,000.00",  # the merged cell once, not once per column it spans
        "乙方：北京某某有限公司",
    ]


def test_utf8_with_and_without_bom() -> None:
    body = "客户回访记录\n张三：同意续签。"
    assert extract_text(body.encode(), "text/plain", "a.txt") == body
    assert extract_text(b"\xef\xbb\xbf" + body.encode(), "text/plain", "a.txt") == body


def test_gb18030_text_from_chinese_windows() -> None:
    body = "合同备注：付款方式为银行转账。𠀀"  # the last character exists only in GB18030, not GBK
    assert extract_text(body.encode("gb18030"), "text/plain", "备注.txt") == body
    assert extract_text(body[:-1].encode("gbk"), "text/plain; charset=GBK", "备注.txt") == body[:-1]


def test_utf16_with_bom_from_notepad() -> None:
    body = "通话摘要"
    assert extract_text(body.encode("utf-16"), "text/plain", "摘要.txt") == body


def test_text_is_capped_without_breaking_a_character() -> None:
    body = "a" + "合同" * 1000
    assert extract_text(body.encode(), "text/plain", "a.txt", max_chars=5) == "a合同合同"
    assert extract_text(body.encode("gb18030"), "text/plain", "a.txt", max_chars=4) == "a合同合"
    assert len(extract_text(make_docx(), DOCX_TYPE, "a.docx", max_chars=10)) == 10
    pdf = make_pdf([("First", "第一页")] + [("More", "更多")] * 50)
    assert extract_text(pdf, "application/pdf", "a.pdf", max_chars=12).startswith("First")
    assert len(extract_text(pdf, "application/pdf", "a.pdf", max_chars=12)) == 12


def test_nul_characters_are_dropped() -> None:
    assert extract_text(b"a\x00b", "text/plain", "a.txt") == "ab"


@pytest.mark.parametrize(
    ("content_type", "filename", "kind"),
    [
        ("application/pdf", "x.bin", "pdf"),
        ("Application/PDF; name=x", "", "pdf"),
        (DOCX_TYPE, "x", "docx"),
        ("text/plain;charset=utf-8", "x", "text"),
        ("application/octet-stream", "合同.PDF", "pdf"),
        ("", "合同.docx", "docx"),
        ("application/octet-stream", "notes.txt", "text"),
        ("application/octet-stream", "合同.doc", None),
        ("image/png", "scan.pdf", None),  # a declared type wins over the name
        ("application/msword", "old.doc", None),
        ("audio/wav", "call.wav", None),
    ],
)
def test_document_kind(content_type: str, filename: str, kind: str | None) -> None:
    assert document_kind(content_type, filename) == kind


def test_other_kinds_give_nothing_quietly(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert extract_text(b"\x89PNG\r\n\x1a\n", "image/png", "scan.png") == ""
        assert extract_text(b"RIFF....WAVE", "audio/wav", "call.wav") == ""
    assert caplog.records == []


@pytest.mark.parametrize(
    ("data", "content_type", "filename"),
    [
        (b"this is not a pdf at all", "application/pdf", "坏.pdf"),
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "application/pdf", "truncated.pdf"),
        (b"PK\x03\x04 not really a zip", DOCX_TYPE, "坏.docx"),
        (make_pdf([("x", "合")]), DOCX_TYPE, "wrong-kind.docx"),
        (b"\xff\xfe\xfd\x81\x30", "text/plain", "binary.txt"),
    ],
)
def test_corrupt_files_give_nothing_and_a_warning(
    caplog: pytest.LogCaptureFixture, data: bytes, content_type: str, filename: str
) -> None:
    with caplog.at_level(logging.WARNING, logger=text_extract.__name__):
        assert extract_text(data, content_type, filename) == ""
    assert filename in caplog.text


def test_truncated_pdf_never_raises() -> None:
    pdf = make_pdf([("Contract", PARTIES)] * 3)
    for cut in range(0, len(pdf), 97):
        assert isinstance(extract_text(pdf[:cut], "application/pdf", "cut.pdf"), str)


def test_missing_file_gives_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=text_extract.__name__):
        assert extract_text(tmp_path / "gone.pdf", "application/pdf", "gone.pdf") == ""
    assert "FileNotFoundError" in caplog.text


def test_docx_that_would_inflate_too_far_is_skipped(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(text_extract, "MAX_DOCX_UNZIPPED", 10_000)
    with caplog.at_level(logging.WARNING, logger=text_extract.__name__):
        assert extract_text(make_docx(), DOCX_TYPE, "bomb.docx") == ""
    assert "inflate" in caplog.text


def test_docx_cell_merged_across_rows_is_read_once() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "华东区"
    table.cell(0, 1).text = "上海"
    table.cell(1, 1).text = "杭州"
    out = io.BytesIO()
    document.save(out)
    assert extract_text(out.getvalue(), DOCX_TYPE, "regions.docx").splitlines() == [
        "华东区\t上海",
        "杭州",
    ]
