"""Between the search protos and the search domain: requests in, masked results out."""

from __future__ import annotations

import re
from typing import Any

from google.protobuf import json_format

from callops.contract.v1 import contract_pb2 as contract_pb
from callops.search.v1 import search_pb2 as pb
from services.common import convert
from services.common.auth import Principal
from services.common.errors import FieldViolation, InvalidArgument, PermissionDenied, Violations
from services.common.pagination import PageTokens
from services.common.rights import CONTRACT_AMOUNT
from services.search.domain import requests as rq
from services.search.domain.query import parse_query
from services.search.domain.saved import MAX_DISPLAY_NAME, SavedSearch
from services.search.domain.snippets import mask_phone_numbers

STATE_PREFIX = "STATE_"
KIND_PREFIX = "KIND_"
STATES = frozenset(contract_pb.Contract.State.keys()) - {"STATE_UNSPECIFIED"}
KINDS = frozenset(contract_pb.Contract.Kind.keys()) - {"KIND_UNSPECIFIED"}
ORDERS = {
    "relevance": rq.SortField.RELEVANCE,
    "signed_date": rq.SortField.SIGNED_DATE,
    "start_date": rq.SortField.START_DATE,
    "end_date": rq.SortField.END_DATE,
    "amount": rq.SortField.AMOUNT,
    "version": rq.SortField.VERSION,
}
FACETS = {
    pb.FACET_STATE: rq.Facet.STATE,
    pb.FACET_KIND: rq.Facet.KIND,
    pb.FACET_DEPARTMENT: rq.Facet.DEPARTMENT,
    pb.FACET_YEAR: rq.Facet.YEAR,
}
FACETS_OUT = {domain: proto for proto, domain in FACETS.items()}
DEFAULT_SIMILAR = 10
MAX_SIMILAR = 50


def _prefixed(values: Any, allowed: frozenset[str], prefix: str, path: str) -> frozenset[str]:
    """`STATE_ACTIVE` -> `ACTIVE`, the value the index holds; unknown names are refused."""
    out = set()
    for value in values:
        if value not in allowed:
            raise InvalidArgument.of(path, f"{value!r} is not one of {', '.join(sorted(allowed))}")
        out.add(value.removeprefix(prefix))
    return frozenset(out)


def _dates(value: pb.DateRange, path: str) -> rq.DateRange:
    return rq.DateRange(
        convert.from_date(value.first_day, f"{path}.first_day"),
        convert.from_date(value.last_day, f"{path}.last_day"),
    )


def filters_in(message: pb.ContractFilter, who: Principal) -> rq.Filters:
    amounts = [
        (name, convert.from_money(getattr(message, name), f"filter.{name}"))
        if message.HasField(name)
        else (name, None)
        for name in ("min_amount", "max_amount")
    ]
    if any(value is not None for _, value in amounts) and not who.can(CONTRACT_AMOUNT):
        # Range filters would reveal amounts the caller may not see.
        raise PermissionDenied(
            "filtering by amount needs the contract_amount right",
            reason="CONTRACT_AMOUNT_REQUIRED",
            metadata={"field": "filter.min_amount/max_amount"},
        )
    for name in ("customers", "owners"):
        for value in getattr(message, name):
            if not value:
                raise InvalidArgument.of(f"filter.{name}", "empty value")
    return rq.Filters(
        states=_prefixed(message.states, STATES, STATE_PREFIX, "filter.states"),
        kinds=_prefixed(message.kinds, KINDS, KIND_PREFIX, "filter.kinds"),
        customers=frozenset(message.customers),
        departments=frozenset(message.departments),
        owners=frozenset(message.owners),
        amount=rq.AmountRange(amounts[0][1], amounts[1][1]),
        signed=_dates(message.signed_date, "filter.signed_date"),
        start=_dates(message.start_date, "filter.start_date"),
        end=_dates(message.end_date, "filter.end_date"),
    )


def sort_in(order_by: str, who: Principal) -> rq.Sort:
    parts = order_by.split()
    if not parts:
        return rq.Sort()
    direction_ok = len(parts) == 1 or (len(parts) == 2 and parts[1] in ("asc", "desc"))
    if not direction_ok or parts[0] not in ORDERS:
        raise InvalidArgument.of(
            "order_by", f"use one of {', '.join(ORDERS)}, optionally with asc or desc"
        )
    field = ORDERS[parts[0]]
    if field is rq.SortField.AMOUNT and not who.can(CONTRACT_AMOUNT):
        raise PermissionDenied(
            "ordering by amount needs the contract_amount right",
            reason="CONTRACT_AMOUNT_REQUIRED",
            metadata={"field": "order_by"},
        )
    return rq.Sort(field, descending=not (len(parts) == 2 and parts[1] == "asc"))


def fingerprint(request: pb.SearchContractsRequest) -> str:
    """What a page token is bound to: the query, the filter and the order."""
    filter_bytes = request.filter.SerializeToString(deterministic=True)
    return "|".join((request.query, filter_bytes.hex(), request.order_by))


def search_in(
    request: pb.SearchContractsRequest,
    who: Principal,
    visibility: rq.Visibility,
    tokens: PageTokens,
) -> rq.SearchRequest:
    problems = Violations()
    if request.page_size < 0:
        problems.add("page_size", "must not be negative")
    facets = set()
    for facet in request.facets:
        if facet not in FACETS:
            problems.add("facets", f"unknown facet {facet}")
        else:
            facets.add(FACETS[facet])
    problems.raise_if_any()
    query = parse_query(request.query)  # QuerySyntaxError: INVALID_ARGUMENT on `query`
    position = tokens.decode(request.page_token, fingerprint(request))
    after = None
    if position is not None:
        after = rq.PagePosition(position["v"], int(position["t"]), int(position["o"]))
    return rq.SearchRequest(
        visibility=visibility,
        query=query,
        filters=filters_in(request.filter, who),
        facets=frozenset(facets),
        sort=sort_in(request.order_by, who),
        page_size=rq.clamp_page_size(request.page_size),
        after=after,
    )


def summary_out(contract_id: str, s: rq.ContractSummary, who: Principal) -> pb.ContractSummary:
    return pb.ContractSummary(
        name=contract_id,
        number=s.number,
        title=s.title,
        kind=KIND_PREFIX + s.kind if s.kind else "",
        state=STATE_PREFIX + s.state if s.state else "",
        customer=s.customer,
        customer_display_name=s.customer_name,
        department=s.department,
        owner=s.owner,
        total_amount=convert.to_money(s.amount) if who.sees_amounts else None,
        signed_date=convert.to_date(s.signed_date),
        start_date=convert.to_date(s.start_date),
        end_date=convert.to_date(s.end_date),
        version=s.version,
    )


def hit_out(hit: rq.Hit, who: Principal) -> pb.SearchResult:
    return pb.SearchResult(
        contract=summary_out(hit.id, hit.summary, who),
        relevance_score=hit.score,
        snippets=[
            pb.Snippet(
                field=s.field,
                fragment=s.fragment if who.sees_pii else mask_phone_numbers(s.fragment),
                clause_heading=s.clause or "",
                document=s.document or "",
                document_filename=s.filename or "",
            )
            for s in hit.snippets
        ],
    )


def _facet_value(facet: rq.Facet, value: str) -> str:
    if facet is rq.Facet.STATE:
        return STATE_PREFIX + value
    if facet is rq.Facet.KIND:
        return KIND_PREFIX + value
    return value


def search_out(
    result: rq.SearchResult,
    request: pb.SearchContractsRequest,
    who: Principal,
    tokens: PageTokens,
) -> pb.SearchContractsResponse:
    token = ""
    if result.next_position is not None:
        p = result.next_position
        token = tokens.encode({"v": p.value, "t": p.tiebreak, "o": p.offset}, fingerprint(request))
    return pb.SearchContractsResponse(
        results=[hit_out(hit, who) for hit in result.hits],
        next_page_token=token,
        total_size=result.total,
        facets=[
            pb.FacetResult(
                facet=FACETS_OUT[facet],
                buckets=[
                    pb.FacetBucket(value=_facet_value(facet, c.value), count=c.count)
                    for c in counts
                ],
            )
            for facet, counts in sorted(result.facets.items(), key=lambda kv: kv[0].value)
        ],
    )


def similar_limit(page_size: int) -> int:
    if page_size < 0:
        raise InvalidArgument.of("page_size", "must not be negative")
    return min(page_size or DEFAULT_SIMILAR, MAX_SIMILAR)


# -- saved searches -------------------------------------------------------------------------

_SAVED_NAME = re.compile(r"users/([A-Za-z0-9_.@-]{1,64})/savedSearches/([0-9a-f]{32})")
_USER_NAME = re.compile(r"users/[A-Za-z0-9_.@-]{1,64}")


def own_parent(parent: str, who: Principal, field: str = "parent") -> None:
    """Saved searches live under the caller's own user; another user's are refused."""
    if not _USER_NAME.fullmatch(parent):
        raise InvalidArgument.of(field, "must be the caller's own user, users/{user}")
    if parent != who.user_name:
        raise PermissionDenied(
            f"{parent} is not the caller",
            reason="NOT_OWN_SAVED_SEARCHES",
            metadata={"field": field},
        )


def saved_name(name: str, who: Principal) -> str:
    """`users/{user}/savedSearches/{id}` of the caller -> id."""
    match = _SAVED_NAME.fullmatch(name)
    if match is None:
        raise InvalidArgument.of("name", "must be a name like users/{user}/savedSearches/{id}")
    own_parent(f"users/{match.group(1)}", who, "name")
    return match.group(2)


def saved_in(message: pb.SavedSearch, request_id: str, who: Principal) -> dict[str, str]:
    """Checks a search to save as SearchContracts would check it; fields are reported
    under `saved_search.`."""
    problems = Violations()
    if not message.display_name.strip():
        problems.add("saved_search.display_name", "required")
    elif len(message.display_name) > MAX_DISPLAY_NAME:
        problems.add("saved_search.display_name", f"at most {MAX_DISPLAY_NAME} characters")
    if len(request_id) > 64:
        problems.add("request_id", "at most 64 characters")
    problems.raise_if_any()
    try:
        parse_query(message.query)
        filters_in(message.filter, who)
        sort_in(message.order_by, who)
    except InvalidArgument as error:
        raise InvalidArgument(
            [FieldViolation(f"saved_search.{v.field}", v.description) for v in error.violations],
            reason=error.reason,
            metadata=error.metadata,
        ) from None
    return {
        "display_name": message.display_name.strip(),
        "query": message.query,
        "filter_json": json_format.MessageToJson(message.filter, indent=None),
        "order_by": message.order_by,
    }


def saved_out(saved: SavedSearch) -> pb.SavedSearch:
    return pb.SavedSearch(
        name=saved.resource_name,
        display_name=saved.display_name,
        query=saved.query,
        filter=json_format.Parse(saved.filter_json, pb.ContractFilter()),
        order_by=saved.order_by,
        create_time=convert.timestamp(saved.created_at),
    )
