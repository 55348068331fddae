"""Saved searches: each user keeps their own; nobody reads or deletes another's."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from services.common.auth import Principal
from services.common.errors import NotFound
from services.search.adapters.saved_searches import SavedSearchStore
from services.search.domain.saved import SavedSearch


class SavedSearchNotFound(NotFound):
    default_reason = "SAVED_SEARCH_NOT_FOUND"


def create_saved_search(
    store: SavedSearchStore,
    who: Principal,
    display_name: str,
    query: str,
    filter_json: str,
    order_by: str,
    request_id: str,
    clock: Callable[[], datetime],
) -> SavedSearch:
    """Values already checked as a search would check them (by the caller's rights)."""
    return store.add(
        SavedSearch(
            id=uuid.uuid4().hex,
            owner=who.user_id,
            display_name=display_name,
            query=query,
            filter_json=filter_json,
            order_by=order_by,
            created_at=clock(),
            request_id=request_id or None,
        )
    )


def list_saved_searches(
    store: SavedSearchStore, who: Principal, after: tuple[datetime, str] | None, limit: int
) -> list[SavedSearch]:
    return store.list(who.user_id, after, limit)


def delete_saved_search(store: SavedSearchStore, who: Principal, id_: str) -> None:
    if not store.delete(who.user_id, id_):
        raise SavedSearchNotFound(f"users/{who.user_id}/savedSearches/{id_} does not exist")
