"""Saved searches in the search service's database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, and_, delete, insert, or_, select
from sqlalchemy.exc import IntegrityError

from services.search.adapters.orm import saved_searches as table
from services.search.domain.saved import SavedSearch

_COLUMNS = (
    table.c.id,
    table.c.owner,
    table.c.display_name,
    table.c.query,
    table.c.filter_json,
    table.c.order_by,
    table.c.created_at,
    table.c.request_id,
)


class SavedSearchStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, saved: SavedSearch) -> SavedSearch:
        """Stores it; with a request id already used by this owner, returns that one."""
        if saved.request_id:
            first = self.find_by_request(saved.owner, saved.request_id)
            if first is not None:
                return first
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    insert(table).values({c.name: getattr(saved, c.name) for c in _COLUMNS})
                )
        except IntegrityError:  # a concurrent retry won the race
            assert saved.request_id
            first = self.find_by_request(saved.owner, saved.request_id)
            if first is None:
                raise
            return first
        return saved

    def find_by_request(self, owner: str, request_id: str) -> SavedSearch | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(*_COLUMNS).where(table.c.owner == owner, table.c.request_id == request_id)
            ).first()
        return SavedSearch(**row._mapping) if row else None

    def list(self, owner: str, after: tuple[datetime, str] | None, limit: int) -> list[SavedSearch]:
        """Oldest first; `limit + 1` rows when there are more."""
        query = select(*_COLUMNS).where(table.c.owner == owner)
        if after is not None:
            created, id_ = after
            query = query.where(
                or_(
                    table.c.created_at > created,
                    and_(table.c.created_at == created, table.c.id > id_),
                )
            )
        query = query.order_by(table.c.created_at, table.c.id).limit(limit + 1)
        with self._engine.connect() as conn:
            return [SavedSearch(**row._mapping) for row in conn.execute(query)]

    def delete(self, owner: str, id_: str) -> bool:
        with self._engine.begin() as conn:
            done = conn.execute(delete(table).where(table.c.owner == owner, table.c.id == id_))
        return bool(done.rowcount)
