"""Saved searches over real gRPC: each user's own, checked like a search, idempotent create,
paging, and nobody reads or deletes another user's."""

from __future__ import annotations

import grpc

from callops.search.v1 import search_pb2 as pb
from tests.e2e.helpers import DENIED, INVALID, cny, expect
from tests.search_fixtures import SearchCaller

NOT_FOUND = grpc.StatusCode.NOT_FOUND


def saved(display_name: str = "不可抗力条款复核", **fields: object) -> pb.SavedSearch:
    fields.setdefault("query", "不可抗力 NEAR/20 通知")
    return pb.SavedSearch(display_name=display_name, **fields)  # type: ignore[arg-type]


async def test_saved_searches_are_per_user_and_idempotent(grpc_search: SearchCaller) -> None:
    s = grpc_search
    fa = s.as_("legal", user="fa.wu")
    made = await s.stub.CreateSavedSearch(
        pb.CreateSavedSearchRequest(
            parent="users/fa.wu",
            saved_search=saved(
                filter=pb.ContractFilter(states=["STATE_ACTIVE"], min_amount=cny(100_000)),
                order_by="signed_date desc",
            ),
            request_id="r-1",
        ),
        metadata=fa,
    )
    assert made.name.startswith("users/fa.wu/savedSearches/")
    assert made.filter.states == ["STATE_ACTIVE"] and made.filter.min_amount.units == 100_000
    assert made.create_time.seconds > 0
    again = await s.stub.CreateSavedSearch(
        pb.CreateSavedSearchRequest(
            parent="users/fa.wu", saved_search=saved("另一个名字"), request_id="r-1"
        ),
        metadata=fa,
    )
    assert again == made  # a retry returns the first
    for n in range(3):
        await s.stub.CreateSavedSearch(
            pb.CreateSavedSearchRequest(parent="users/fa.wu", saved_search=saved(f"检索{n}")),
            metadata=fa,
        )
    first = await s.stub.ListSavedSearches(
        pb.ListSavedSearchesRequest(parent="users/fa.wu", page_size=3), metadata=fa
    )
    second = await s.stub.ListSavedSearches(
        pb.ListSavedSearchesRequest(
            parent="users/fa.wu", page_size=3, page_token=first.next_page_token
        ),
        metadata=fa,
    )
    listed = [x.display_name for x in [*first.saved_searches, *second.saved_searches]]
    assert listed == ["不可抗力条款复核", "检索0", "检索1", "检索2"]
    assert not second.next_page_token

    # Another legal user sees none of them and may delete none of them.
    other = s.as_("legal", user="lv.shi")
    await expect(
        s.stub.ListSavedSearches(pb.ListSavedSearchesRequest(parent="users/fa.wu"), metadata=other),
        DENIED,
    )
    mine = await s.stub.ListSavedSearches(
        pb.ListSavedSearchesRequest(parent="users/lv.shi"), metadata=other
    )
    assert not mine.saved_searches
    await expect(
        s.stub.DeleteSavedSearch(pb.DeleteSavedSearchRequest(name=made.name), metadata=other),
        DENIED,
    )

    await s.stub.DeleteSavedSearch(pb.DeleteSavedSearchRequest(name=made.name), metadata=fa)
    await expect(
        s.stub.DeleteSavedSearch(pb.DeleteSavedSearchRequest(name=made.name), metadata=fa),
        NOT_FOUND,
    )


async def test_a_saved_search_is_checked_like_a_search(grpc_search: SearchCaller) -> None:
    s = grpc_search
    fa = s.as_("legal", user="fa.wu")

    def create(search: pb.SavedSearch, parent: str = "users/fa.wu") -> object:
        return s.stub.CreateSavedSearch(
            pb.CreateSavedSearchRequest(parent=parent, saved_search=search), metadata=fa
        )

    await expect(create(saved(query='"违约')), INVALID, "saved_search.query")
    await expect(create(saved(order_by="price")), INVALID, "saved_search.order_by")
    await expect(
        create(saved(filter=pb.ContractFilter(kinds=["SALE"]))),
        INVALID,
        "saved_search.filter.kinds",
    )
    await expect(create(saved("")), INVALID, "saved_search.display_name")
    await expect(create(saved(), parent="users/"), INVALID, "parent")
    await expect(
        s.stub.DeleteSavedSearch(pb.DeleteSavedSearchRequest(name="users/fa.wu/x"), metadata=fa),
        INVALID,
        "name",
    )
    # Without the contract_amount right, an amount filter cannot be saved either.
    await expect(
        s.stub.CreateSavedSearch(
            pb.CreateSavedSearchRequest(
                parent="users/zhu.li",
                saved_search=saved(filter=pb.ContractFilter(max_amount=cny(5))),
            ),
            metadata=s.as_("paralegal", user="zhu.li"),
        ),
        DENIED,
    )
    await expect(
        s.stub.ListSavedSearches(
            pb.ListSavedSearchesRequest(parent="users/fa.wu"), metadata=s.as_("finance")
        ),
        DENIED,
    )
