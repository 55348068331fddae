"""Plain text from uploaded documents (PDF, DOCX, plain text) for search; never fails an upload."""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import PurePath
from typing import BinaryIO, Literal

import docx
import pypdf
from docx.table import Table
from docx.text.paragraph import Paragraph

__all__ = ["MAX_CHARS", "document_kind", "extract_text"]

Kind = Literal["pdf", "docx", "text"]
Source = str | os.PathLike[str] | bytes | BinaryIO

MAX_CHARS = 2_000_000
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A .docx is a zip: one whose parts claim more than this when inflated is a zip bomb, not a
# contract, and python-docx would inflate it into memory.
MAX_DOCX_UNZIPPED = 256 * 1024 * 1024
# Content types that say nothing; then the file name's extension decides.
_GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_BY_TYPE: dict[str, Kind] = {"application/pdf": "pdf", DOCX_TYPE: "docx", "text/plain": "text"}
_BY_SUFFIX: dict[str, Kind] = {".pdf": "pdf", ".docx": "docx", ".txt": "text"}

logger = logging.getLogger(__name__)


def document_kind(content_type: str, filename: str) -> Kind | None:
    """Which extractor fits, from the content type, or the extension when the type is generic."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in _BY_TYPE:
        return _BY_TYPE[mime]
    if mime in _GENERIC_TYPES:
        return _BY_SUFFIX.get(PurePath(filename).suffix.lower())
    return None


def extract_text(
    source: Source, content_type: str, filename: str, *, max_chars: int = MAX_CHARS
) -> str:
    """The document's text, at most `max_chars` characters; "" for a kind we do not read.

    `source` is a path, the bytes, or a binary stream (one that cannot seek is spooled to a
    temp file first). A corrupt or unreadable document gives "" and a warning in the log.
    """
    kind = document_kind(content_type, filename)
    if kind is None or max_chars <= 0:
        return ""
    try:
        with _opened(source) as stream:
            if kind == "pdf":
                text = _pdf_text(stream, max_chars, filename)
            elif kind == "docx":
                text = _docx_text(stream, max_chars, filename)
            else:
                text = _plain_text(stream, max_chars, _charset(content_type), filename)
    except Exception as exc:  # any parser failure; the upload itself must still succeed
        logger.warning(
            "no text extracted from %r (%s): %s: %s", filename, kind, type(exc).__name__, exc
        )
        return ""
    # PostgreSQL text and most search engines refuse NUL characters.
    return text.replace("\x00", "")[:max_chars]


@contextlib.contextmanager
def _opened(source: Source) -> Iterator[BinaryIO]:
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    elif isinstance(source, str | os.PathLike):
        with open(source, "rb") as file:
            yield file
    elif source.seekable():
        yield source
    else:
        # pypdf and zipfile jump around the file; a network stream has to land somewhere first.
        with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as spool:
            shutil.copyfileobj(source, spool, 1024 * 1024)
            spool.seek(0)
            yield spool  # type: ignore[misc]  # SpooledTemporaryFile is a binary file object


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"') or None
    return None


class _Collector:
    """Gathers text pieces until the budget of characters is spent."""

    def __init__(self, max_chars: int) -> None:
        self.pieces: list[str] = []
        self.left = max_chars

    @property
    def full(self) -> bool:
        return self.left <= 0

    def add(self, text: str) -> None:
        if text and not self.full:
            self.pieces.append(text[: self.left])
            self.left -= len(text) + 1  # +1: the newline that joins pieces

    def text(self) -> str:
        return "\n".join(self.pieces)


def _pdf_text(stream: BinaryIO, max_chars: int, filename: str) -> str:
    reader = pypdf.PdfReader(stream)
    # Many PDFs are "encrypted" only against editing, with an empty password for reading.
    if reader.is_encrypted and not reader.decrypt(""):
        logger.warning("no text extracted from %r: the PDF needs a password", filename)
        return ""
    collected = _Collector(max_chars)
    for number, page in enumerate(reader.pages, start=1):
        if collected.full:
            break
        try:
            collected.add(page.extract_text())
        except Exception as exc:  # one broken page should not cost the rest of the document
            logger.warning(
                "no text from page %d of %r: %s: %s", number, filename, type(exc).__name__, exc
            )
    return collected.text()


def _docx_text(stream: BinaryIO, max_chars: int, filename: str) -> str:
    with zipfile.ZipFile(stream) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
    if unzipped > MAX_DOCX_UNZIPPED:
        logger.warning(
            "no text extracted from %r: it would inflate to %d bytes", filename, unzipped
        )
        return ""
    stream.seek(0)
    collected = _Collector(max_chars)
    _blocks_text(docx.Document(stream).iter_inner_content(), collected)
    return collected.text()


def _blocks_text(blocks: Iterator[Paragraph | Table], collected: _Collector) -> None:
    """Paragraphs one per line; a table row's cells joined by tabs, nested tables after."""
    for block in blocks:
        if collected.full:
            return
        if isinstance(block, Paragraph):
            collected.add(block.text)
            continue
        # A merged cell appears once per grid column and row it spans: read it once. The set
        # holds the XML elements themselves: lxml reuses the id() of a proxy it let go.
        seen: set[object] = set()
        for row in block.rows:
            cells = []
            for cell in row.cells:
                if cell._tc in seen:
                    continue
                seen.add(cell._tc)
                inner = _Collector(collected.left)
                _blocks_text(cell.iter_inner_content(), inner)
                cells.append(inner.text().replace("\n", " "))
            collected.add("\t".join(c for c in cells if c))


def _plain_text(stream: BinaryIO, max_chars: int, charset: str | None, filename: str) -> str:
    # Up to 4 bytes a character (GB18030, UTF-16 surrogate pairs): enough for max_chars.
    data = stream.read(max_chars * 4 + 4)
    complete = not stream.read(1)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's "Unicode"
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        # UTF-8 first even when a charset is declared: strict UTF-8 almost never accepts other
        # encodings, while GBK accepts UTF-8 bytes as nonsense. Chinese Windows saves "ANSI"
        # text as GBK, which GB18030 contains.
        encodings = ("utf-8-sig", *((charset,) if charset else ()), "gb18030")
    for encoding in encodings:
        try:
            decoder = codecs.getincrementaldecoder(encoding)("strict")
        except LookupError:  # a charset parameter Python does not know
            continue
        try:
            # final=False when the file goes on: a character cut at the end is not an error.
            return decoder.decode(data, final=complete)
        except UnicodeDecodeError:
            continue
    logger.warning("no text extracted from %r: not UTF-8, GB18030 or %s", filename, charset)
    return ""
