"""Indexing rules without servers: which contracts an event names, how the index differs
from the contract service, who sees which departments, and a contract as a document."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from google.type import date_pb2, money_pb2

from callops.contract.v1 import contract_pb2 as cpb
from services.search.adapters.contract_client import contract_version, to_document
from services.search.domain.access import visibility_for
from services.search.domain.requests import Visibility
from services.search.service_layer.indexing import IndexingPolicy, compare, contracts_in_event
from tests.search_corpus import generate_corpus

A, B = "contracts/" + "a" * 32, "contracts/" + "b" * 32


def test_contract_events_name_their_contracts_and_others_none() -> None:
    assert contracts_in_event("contract.ContractSubmitted", {"contract": A}) == [A]
    renewed = {"contract": A, "successor": B}
    assert contracts_in_event("contract.ContractRenewed", renewed) == [A, B]
    assert contracts_in_event("contract.CustomerFiguresChanged", {"customer": "customers/x"}) == []
    assert contracts_in_event("customer.CustomerCreated", {"contract": A}) == []
    assert contracts_in_event("contract.ContractSigned", {"contract": "junk"}) == []


def test_compare_finds_missing_stale_ahead_and_extra() -> None:
    docs = generate_corpus()[:4]
    indexed = {
        docs[1].id: docs[1].version - 1 if docs[1].version > 1 else 0,
        docs[2].id: docs[2].version + 1,
        docs[3].id: docs[3].version,
        "contracts/gone": 3,
    }
    diff = compare(indexed, docs)
    assert diff.missing == [docs[0].id]
    assert diff.stale == [docs[1].id]
    assert diff.ahead == [docs[2].id]
    assert diff.extra == ["contracts/gone"]
    assert compare({d.id: d.version for d in docs}, docs).clean


def test_visibility_by_role_and_department() -> None:
    everyone = ["admin", "service", "legal"]
    assert visibility_for(["legal"], "法务部", everyone) == Visibility.everything()
    assert visibility_for(["sales"], "华东销售部", everyone) == Visibility.only("华东销售部")
    assert visibility_for(["sales"], "", everyone) == Visibility()
    assert visibility_for(["legal"], "法务部", ["admin"]) == Visibility.only("法务部")


def test_a_contract_becomes_a_document_with_its_etag_as_version() -> None:
    contract = cpb.Contract(
        name=A,
        number="HT-2026-000001",
        title="服务器采购合同",
        kind=cpb.Contract.KIND_PRODUCT_SALE,
        state=cpb.Contract.STATE_ACTIVE,
        customer="customers/" + "c" * 32,
        total_amount=money_pb2.Money(currency_code="CNY", units=12345, nanos=600_000_000),
        start_date=date_pb2.Date(year=2026, month=12, day=1),
        end_date=date_pb2.Date(year=2027, month=11, day=30),
        breach_liability="逾期每日万分之五",
        dispute_resolution=cpb.Contract.DISPUTE_RESOLUTION_ARBITRATION,
        department="华东销售部",
        owner="users/zhang.san",
        etag="7",
        signatures=[
            cpb.Signature(signatory="王总", sign_date=date_pb2.Date(year=2026, month=11, day=20)),
            cpb.Signature(signatory="李总", sign_date=date_pb2.Date(year=2026, month=11, day=25)),
        ],
        line_items=[cpb.LineItem(display_name="服务器", model="R750")],
    )
    doc = to_document(contract)
    assert (doc.kind, doc.state, doc.version) == ("PRODUCT_SALE", "ACTIVE", 7)
    assert doc.amount == Decimal("12345.6")
    assert doc.signed_date == date(2026, 11, 25)
    assert [c.heading for c in doc.clauses] == ["违约责任", "争议解决"]
    assert "服务器 R750" in doc.text and "王总" in doc.parties
    assert not IndexingPolicy(keep_archived=False).wanted(
        to_document(cpb.Contract(name=A, state=cpb.Contract.STATE_ARCHIVED, etag="2"))
    )
    contract.etag = "W/x"
    contract.update_time.FromSeconds(1_700_000_000)
    assert contract_version(contract) == 1_700_000_000_000_000
