"""Document use cases against real SQLite and PostgreSQL: the row is written only after the
object, and every failure after the object is stored deletes it again."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from services.common.errors import FailedPrecondition, InvalidArgument
from services.common.storage import LocalObjectStore, ObjectStore
from services.contract.adapters import orm
from services.contract.adapters.repository import DocumentRepository
from services.contract.bootstrap import ContractApp
from services.contract.domain.document import Document, DocumentKind, Upload
from services.contract.service_layer import documents
from tests.contract_fixtures import FakeCustomerDirectory
from tests.integration.test_contract_persistence import CUSTOMER_ID, SALES, create

CONTENT = b"%PDF-not-really\n" * 1000


@pytest.fixture(autouse=True)
def known_customer(customer_directory: FakeCustomerDirectory) -> None:
    customer_directory.known.add(f"customers/{CUSTOMER_ID}")


@pytest.fixture
def contract_store(tmp_path: Path) -> ObjectStore:
    return LocalObjectStore(tmp_path / "objects")


def files(store: ObjectStore) -> list[Path]:
    assert isinstance(store, LocalObjectStore)
    return [p for p in store.root.rglob("*") if p.is_file()]


def rows(app: ContractApp) -> int:
    with app.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(orm.contract_documents)).scalar())


def begin(app: ContractApp, contract_id: str, **fields: str) -> Upload:
    began = documents.begin_upload(
        app.uow(),
        app.documents,
        SALES,
        contract_id,
        DocumentKind.SCAN,
        fields.get("filename", "扫描件.txt"),
        fields.get("content_type", "text/plain"),
        fields.get("sha256", ""),
        fields.get("request_id", ""),
    )
    assert isinstance(began, Upload)
    return began


def chunks(data: bytes, size: int = 999) -> Iterator[bytes]:
    for at in range(0, len(data), size):
        yield data[at : at + size]


def test_stores_object_then_row_and_event(contract_app: ContractApp) -> None:
    contract = create(contract_app)
    doc = documents.store_document(
        contract_app.uow(),
        contract_app.documents,
        SALES,
        begin(contract_app, contract.id),
        chunks(CONTENT),
    )
    assert doc.sha256 == hashlib.sha256(CONTENT).hexdigest() and doc.size == len(CONTENT)
    assert doc.text.startswith("%PDF-not-really")  # text/plain: extracted as text
    assert contract_app.documents.store.open(doc.object_key).read_all() == CONTENT
    listed = documents.list_documents(contract_app.uow(), contract.id, None, 10)
    assert [d.id for d in listed] == [doc.id]
    history = contract_app.uow()
    with history:
        actions = [r.action for r in history.history(contract.id, 0, 50)]
    assert actions[-1] == "document_added"


def test_a_failed_insert_deletes_the_stored_object(
    contract_app: ContractApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    contract = create(contract_app)
    upload = begin(contract_app, contract.id)

    def broken(self: DocumentRepository, d: Document) -> None:
        assert contract_app.documents.store.exists(d.object_key)  # the object came first
        raise RuntimeError("database went away")

    monkeypatch.setattr(DocumentRepository, "add", broken)
    with pytest.raises(RuntimeError):
        documents.store_document(
            contract_app.uow(), contract_app.documents, SALES, upload, chunks(CONTENT)
        )
    assert files(contract_app.documents.store) == [] and rows(contract_app) == 0


def test_a_source_failing_midway_stores_nothing(contract_app: ContractApp) -> None:
    contract = create(contract_app)

    def broken() -> Iterator[bytes]:
        yield CONTENT
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        documents.store_document(
            contract_app.uow(),
            contract_app.documents,
            SALES,
            begin(contract_app, contract.id),
            broken(),
        )
    assert files(contract_app.documents.store) == [] and rows(contract_app) == 0


def test_a_cancelled_caller_stores_nothing(contract_app: ContractApp) -> None:
    contract = create(contract_app)
    with pytest.raises(FailedPrecondition):
        documents.store_document(
            contract_app.uow(),
            contract_app.documents,
            SALES,
            begin(contract_app, contract.id),
            chunks(CONTENT),
            still_wanted=lambda: False,
        )
    assert files(contract_app.documents.store) == [] and rows(contract_app) == 0


def test_a_retry_returns_the_first_document(contract_app: ContractApp) -> None:
    contract = create(contract_app)
    first = documents.store_document(
        contract_app.uow(),
        contract_app.documents,
        SALES,
        begin(contract_app, contract.id, request_id="r-1"),
        chunks(CONTENT),
    )
    again = documents.begin_upload(
        contract_app.uow(),
        contract_app.documents,
        SALES,
        contract.id,
        DocumentKind.SCAN,
        "扫描件.txt",
        "text/plain",
        "",
        "r-1",
    )
    assert isinstance(again, Document) and again.id == first.id


def test_wrong_hash_names_the_field(contract_app: ContractApp) -> None:
    contract = create(contract_app)
    upload = begin(contract_app, contract.id, sha256="0" * 64)
    with pytest.raises(InvalidArgument) as caught:
        documents.store_document(
            contract_app.uow(), contract_app.documents, SALES, upload, chunks(CONTENT)
        )
    assert [v.field for v in caught.value.violations] == ["upload.sha256"]
    assert files(contract_app.documents.store) == [] and rows(contract_app) == 0


def test_migrations_build_exactly_the_tables_the_code_maps(contract_app: ContractApp) -> None:
    with contract_app.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), orm.metadata) == []
