"""Lays rendered content out as DOCX (python-docx) or PDF (reportlab, with its built-in CID
font STSong-Light so Chinese needs no font file on the machine)."""

from __future__ import annotations

import io
import threading
from xml.sax.saxutils import escape

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from services.contract.domain.rendering import (
    Fields,
    Grid,
    Heading,
    Paragraph,
    RenderedContent,
    RenderFormat,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
CJK_FONT = "STSong-Light"
_font_lock = threading.Lock()


def render(content: RenderedContent, fmt: RenderFormat) -> tuple[bytes, str]:
    """The document's bytes and its media type."""
    if fmt is RenderFormat.DOCX:
        return render_docx(content), DOCX_TYPE
    return render_pdf(content), PDF_TYPE


def render_docx(content: RenderedContent) -> bytes:
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(10.5)
    # Word picks East Asian text's font from eastAsia, not from the name above.
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    title = document.add_heading(content.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in content.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=2)
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        elif isinstance(block, Fields):
            table = document.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, value in block.pairs:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, value
        elif isinstance(block, Grid):
            table = document.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = text
            for row in block.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _register_font() -> None:
    with _font_lock:
        if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def render_pdf(content: RenderedContent) -> bytes:
    _register_font()
    # CJK wrapping breaks lines between any two characters, as Chinese text needs.
    body = ParagraphStyle("body", fontName=CJK_FONT, fontSize=10, leading=15, wordWrap="CJK")
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11)
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=18, spaceBefore=6)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=1)

    def para(text: str, style: ParagraphStyle) -> PdfParagraph:
        return PdfParagraph(escape(text).replace("\n", "<br/>"), style)

    width = A4[0] - 36 * mm
    story: list[Flowable] = [para(content.title, title), Spacer(1, 4 * mm)]
    grid_style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    for block in content.blocks:
        if isinstance(block, Heading):
            story.append(para(block.text, heading))
        elif isinstance(block, Paragraph):
            story.append(para(block.text, body))
        elif isinstance(block, Fields):
            rows = [[para(label, cell), para(value, cell)] for label, value in block.pairs]
            story.append(Table(rows, colWidths=[width * 0.25, width * 0.75], style=grid_style))
        elif isinstance(block, Grid):
            rows = [[para(t, cell) for t in row] for row in [block.header, *block.rows]]
            table = Table(rows, colWidths=[width / len(block.header)] * len(block.header))
            table.setStyle(grid_style)
            table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))
            story.append(table)
        story.append(Spacer(1, 2 * mm))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=content.title,
    ).build(story)
    return out.getvalue()
