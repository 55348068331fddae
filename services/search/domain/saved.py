"""A search a user keeps to run again: its words, filter and order, owned by one user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MAX_DISPLAY_NAME = 100


@dataclass(frozen=True)
class SavedSearch:
    """`filter_json` is the filter as the API spelled it; the domain does not read it."""

    id: str
    owner: str
    display_name: str
    query: str
    filter_json: str
    order_by: str
    created_at: datetime
    request_id: str | None = None

    @property
    def resource_name(self) -> str:
        return f"users/{self.owner}/savedSearches/{self.id}"
