"""SearchService over gRPC: the caller's visibility, convert, ask the engine, mask, convert."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Set
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import grpc
from google.protobuf import empty_pb2

from callops.search.v1 import search_pb2 as pb
from callops.search.v1 import search_pb2_grpc
from services.common import convert
from services.common.auth import Principal, current_principal
from services.common.errors import DomainError
from services.common.logging import get_logger
from services.common.pagination import PageTokens, keyset_position, page_size
from services.search.adapters.engine import (
    ContractNotIndexed,
    EngineUnavailable,
    SearchEngine,
    can_see,
)
from services.search.adapters.saved_searches import SavedSearchStore
from services.search.domain.access import visibility_for
from services.search.entrypoints import converters as cv
from services.search.entrypoints.health import EngineWatch
from services.search.service_layer import saved_searches

R = TypeVar("R")
SERVICE = "callops.search.v1.SearchService"
log = get_logger("callops.search")

# Who may call what (rights from services.common.rights); a method missing here is refused.
RIGHTS = {
    "SearchContracts": "contracts.search",
    "MoreLikeThis": "contracts.search",
    "CreateSavedSearch": "contracts.search",
    "ListSavedSearches": "contracts.search",
    "DeleteSavedSearch": "contracts.search",
}
POLICY = {f"/{SERVICE}/{method}": right for method, right in RIGHTS.items()}


def _principal() -> Principal:
    principal = current_principal.get()
    assert principal is not None, "the auth interceptor sets the principal"
    return principal


class SearchServicer(search_pb2_grpc.SearchServiceServicer):
    def __init__(
        self,
        engine: SearchEngine,
        page_tokens: PageTokens,
        all_departments_roles: Set[str],
        saved: SavedSearchStore,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        watch: EngineWatch | None = None,
    ) -> None:
        self._engine = engine
        self._watch = watch
        self._tokens = page_tokens
        self._all_roles = all_departments_roles
        self._saved = saved
        self._clock = clock

    async def _ask(self, fn: Callable[..., R], *args: Any) -> R:
        """Runs an engine call off the event loop. Any failure of the engine itself means it
        cannot answer now: UNAVAILABLE, so a client retries rather than trust a partial or
        old answer (there is no cache to fall back on, on purpose). While the engine probe
        says the engine is down, the engine is not asked at all."""
        if self._watch is not None and not self._watch.serving:
            raise EngineUnavailable(
                "the search index is down; retry later", metadata={"retryable": "true"}
            )
        try:
            return await asyncio.to_thread(partial(fn, *args))
        except DomainError:
            raise
        except Exception as exc:
            log.warning("search engine failed", error=repr(exc)[:300])
            raise EngineUnavailable(
                "the search index cannot answer now; retry later", metadata={"retryable": "true"}
            ) from None

    def _visibility(self, who: Principal) -> Any:
        return visibility_for(who.roles, who.department, self._all_roles)

    async def SearchContracts(
        self, request: pb.SearchContractsRequest, context: Any
    ) -> pb.SearchContractsResponse:
        who = _principal()
        search = cv.search_in(request, who, self._visibility(who), self._tokens)
        result = await self._ask(self._engine.search, search)
        return cv.search_out(result, request, who, self._tokens)

    async def MoreLikeThis(
        self, request: pb.MoreLikeThisRequest, context: Any
    ) -> pb.MoreLikeThisResponse:
        who = _principal()
        name = f"contracts/{convert.parse_name(request.name, 'contracts', 'name')}"
        limit = cv.similar_limit(request.page_size)
        visibility = self._visibility(who)
        # A contract the caller may not see is not found: its wording must not leak
        # through what resembles it.
        department = await self._ask(self._engine.department_of, name)
        if department is None or not can_see(visibility, department):
            raise ContractNotIndexed(f"{name} is not in the search index")
        result = await self._ask(self._engine.more_like_this, name, visibility, limit)
        return pb.MoreLikeThisResponse(results=[cv.hit_out(hit, who) for hit in result.hits])

    async def CreateSavedSearch(
        self, request: pb.CreateSavedSearchRequest, context: Any
    ) -> pb.SavedSearch:
        who = _principal()
        cv.own_parent(request.parent, who)
        values = cv.saved_in(request.saved_search, request.request_id, who)
        saved = await asyncio.to_thread(
            partial(
                saved_searches.create_saved_search,
                self._saved,
                who,
                request_id=request.request_id,
                clock=self._clock,
                **values,
            )
        )
        return cv.saved_out(saved)

    async def ListSavedSearches(
        self, request: pb.ListSavedSearchesRequest, context: Any
    ) -> pb.ListSavedSearchesResponse:
        who = _principal()
        cv.own_parent(request.parent, who)
        limit = page_size(request.page_size)
        position = self._tokens.decode(request.page_token, f"saved|{request.parent}")
        after = (datetime.fromisoformat(position["k"]), position["id"]) if position else None
        found = await asyncio.to_thread(
            saved_searches.list_saved_searches, self._saved, who, after, limit
        )
        token = ""
        if len(found) > limit:
            del found[limit:]
            last = found[-1]
            token = self._tokens.encode(
                keyset_position(last.created_at, last.id), f"saved|{request.parent}"
            )
        return pb.ListSavedSearchesResponse(
            saved_searches=[cv.saved_out(s) for s in found], next_page_token=token
        )

    async def DeleteSavedSearch(
        self, request: pb.DeleteSavedSearchRequest, context: Any
    ) -> empty_pb2.Empty:
        who = _principal()
        id_ = cv.saved_name(request.name, who)
        await asyncio.to_thread(saved_searches.delete_saved_search, self._saved, who, id_)
        return empty_pb2.Empty()


def add_to_server(servicer: SearchServicer, server: grpc.aio.Server) -> None:
    search_pb2_grpc.add_SearchServiceServicer_to_server(servicer, server)
