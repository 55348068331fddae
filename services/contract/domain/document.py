"""Contract documents (合同文件): what a stored file of a contract is, and what may be uploaded."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

from services.common.errors import Violations

MAX_FILENAME = 255
_BAD_FILENAME = re.compile(r"[\x00-\x1f\x7f/\\]")
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
DEFAULT_CONTENT_TYPE = "application/octet-stream"
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
DEFAULT_CONTENT_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "image/jpeg",
    "image/png",
    "image/tiff",
    "text/plain",
    "application/zip",
    "application/octet-stream",
)


class DocumentKind(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    ORIGINAL = "ORIGINAL"
    SCAN = "SCAN"
    CHANGE_EVIDENCE = "CHANGE_EVIDENCE"
    DRAWING = "DRAWING"
    OTHER = "OTHER"


@dataclass(frozen=True)
class DocumentPolicy:
    """What an upload may be: at most `max_bytes`, one of `content_types` (media types)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    content_types: tuple[str, ...] = DEFAULT_CONTENT_TYPES


@dataclass(frozen=True)
class Upload:
    """The metadata that opens an upload, checked."""

    contract_id: str
    kind: DocumentKind
    filename: str
    content_type: str
    sha256: str | None
    request_id: str


def media_type(content_type: str) -> str:
    """`text/plain; charset=gbk` -> `text/plain`."""
    return content_type.split(";", 1)[0].strip().lower()


def check_upload(
    v: Violations,
    policy: DocumentPolicy,
    field: str,
    kind: DocumentKind,
    filename: str,
    content_type: str,
    sha256: str,
) -> tuple[str, str | None]:
    """Adds what is wrong with the upload's metadata to `v`; returns the content type (the
    default when empty) and the declared hash, lowercased (None when not declared)."""
    if kind is DocumentKind.UNSPECIFIED:
        v.add(f"{field}.kind", "required: ORIGINAL, SCAN, CHANGE_EVIDENCE, DRAWING or OTHER")
    if not filename.strip() or len(filename) > MAX_FILENAME or _BAD_FILENAME.search(filename):
        v.add(
            f"{field}.filename",
            f"required, at most {MAX_FILENAME} characters, without / \\ or control characters",
        )
    content_type = content_type.strip() or DEFAULT_CONTENT_TYPE
    mime = media_type(content_type)
    if len(content_type) > 200 or not _MEDIA_TYPE.match(mime):
        v.add(f"{field}.content_type", "must be a media type such as application/pdf")
    elif mime not in policy.content_types:
        v.add(f"{field}.content_type", "not allowed; allowed: " + ", ".join(policy.content_types))
    digest = sha256.strip().lower() or None
    if digest is not None and not re.fullmatch(r"[0-9a-f]{64}", digest):
        v.add(f"{field}.sha256", "must be 64 hexadecimal digits")
    return content_type, digest


@dataclass
class Document:
    """A stored file of a contract. Written once, when its content is completely stored."""

    id: str
    contract_id: str
    kind: DocumentKind
    filename: str
    content_type: str
    size: int
    sha256: str
    object_key: str
    text: str
    created_by: str
    created_at: datetime

    @property
    def resource_name(self) -> str:
        return f"contracts/{self.contract_id}/documents/{self.id}"
