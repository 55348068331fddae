"""The checks on an upload's metadata, before any byte is read."""

from __future__ import annotations

import pytest

from services.common.errors import Violations
from services.contract.domain.document import (
    DEFAULT_CONTENT_TYPE,
    DocumentKind,
    DocumentPolicy,
    check_upload,
    media_type,
)

POLICY = DocumentPolicy(1000, ("application/pdf", "text/plain", DEFAULT_CONTENT_TYPE))


def faults(**fields: str) -> tuple[list[str], tuple[str, str | None]]:
    v = Violations()
    got = check_upload(
        v,
        POLICY,
        "upload",
        DocumentKind(fields.pop("kind", "SCAN")),
        fields.pop("filename", "扫描件.pdf"),
        fields.pop("content_type", "application/pdf"),
        fields.pop("sha256", ""),
    )
    return [i.field for i in v.items], got


def test_good_metadata_passes_with_defaults() -> None:
    assert faults() == ([], ("application/pdf", None))
    assert faults(content_type="") == ([], (DEFAULT_CONTENT_TYPE, None))
    assert faults(content_type="text/plain; charset=gbk")[0] == []
    assert faults(sha256="AB" * 32) == ([], ("application/pdf", "ab" * 32))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "UNSPECIFIED"}, "upload.kind"),
        ({"filename": ""}, "upload.filename"),
        ({"filename": "../etc/passwd"}, "upload.filename"),
        ({"filename": "a\\b"}, "upload.filename"),
        ({"filename": "x" * 256}, "upload.filename"),
        ({"content_type": "image/png"}, "upload.content_type"),
        ({"content_type": "not a type"}, "upload.content_type"),
        ({"sha256": "12345"}, "upload.sha256"),
    ],
)
def test_bad_metadata_names_the_field(fields: dict[str, str], field: str) -> None:
    assert faults(**fields)[0] == [field]


def test_media_type_drops_parameters() -> None:
    assert media_type(" Text/Plain ; charset=utf-8") == "text/plain"
