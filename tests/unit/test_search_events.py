"""Which events the search indexer acts on, and how."""

from __future__ import annotations

from services.search.service_layer.indexing import (
    UNVERSIONED_TOPICS,
    contracts_in_event,
    customers_in_event,
)


def test_a_rename_or_a_change_of_kind_reindexes_the_customer() -> None:
    for fields in (["full_name"], ["city", "full_name"], ["kind"]):
        payload = {"customer": "customers/k1", "fields": fields}
        assert customers_in_event("customer.CustomerUpdated", payload) == ["customers/k1"]


def test_other_customer_changes_are_ignored() -> None:
    payload = {"customer": "customers/k1", "fields": ["city", "tags"]}
    assert customers_in_event("customer.CustomerUpdated", payload) == []
    for topic in ("customer.CustomerCreated", "customer.ContactChanged", "customer.TicketOpened"):
        assert customers_in_event(topic, {"customer": "customers/k1", "full_name": "x"}) == []
    assert customers_in_event("contract.ContractSubmitted", {"contract": "contracts/c1"}) == []


def test_an_update_without_its_field_list_is_reindexed_to_be_safe() -> None:
    assert customers_in_event("customer.CustomerUpdated", {"customer": "customers/k1"}) == [
        "customers/k1"
    ]


def test_a_merge_reindexes_both_sides() -> None:
    payload = {"target": "customers/k1", "source": "customers/k2", "actor": "users/admin"}
    assert customers_in_event("customer.CustomerMerged", payload) == [
        "customers/k1",
        "customers/k2",
    ]
    assert customers_in_event("customer.CustomerMerged", {"target": 7, "source": None}) == []


def test_customer_events_name_no_contracts_and_a_stored_document_is_unversioned() -> None:
    assert contracts_in_event("customer.CustomerUpdated", {"customer": "customers/k1"}) == []
    stored = {"contract": "contracts/c1", "document": "contracts/c1/documents/d1"}
    assert contracts_in_event("contract.DocumentStored", stored) == ["contracts/c1"]
    assert "contract.DocumentStored" in UNVERSIONED_TOPICS
    assert "contract.ContractChanged" not in UNVERSIONED_TOPICS
