"""The production engine: Elasticsearch through the official client, same AST and answers.

Every searchable field has three analyses: the main one (`ik_max_word` where the IK plugin
is installed, else the built-in `cjk`), `.cjk` (built-in CJK bigrams, so recall never
depends on a plugin) and `.chars` (the standard tokenizer: one token per Han character,
whole Latin words, exactly as the tantivy engine tokenizes). Chinese words are phrases of
bigrams on `.cjk`; phrases, proximity, single characters and fuzzy Latin words use `.chars`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from elasticsearch import ConflictError, Elasticsearch, NotFoundError
from elasticsearch.helpers import bulk, scan, streaming_bulk

from services.common.logging import get_logger
from services.search.adapters.engine import (
    FACET_FIELDS,
    KEYWORD_FIELDS,
    MAX_CLAUSE_SNIPPETS,
    MAX_FACET_BUCKETS,
    SNIPPET_CHARS,
    TEXT_FIELDS,
    ContractNotIndexed,
    EngineHealth,
    IndexReport,
    newest_per_id,
)
from services.search.domain.documents import ContractDocument, tiebreak
from services.search.domain.query import (
    And,
    MatchAll,
    Near,
    Not,
    Or,
    Phrase,
    Query,
    SearchField,
    Term,
)
from services.search.domain.requests import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    ContractSummary,
    DateRange,
    Facet,
    FacetCount,
    Filters,
    Hit,
    PagePosition,
    SearchRequest,
    SearchResult,
    Snippet,
    SortField,
    Visibility,
    clamp_page_size,
)

DEFAULT_ALIAS = "contracts"
REBUILD_CHUNK = 500
log = get_logger("callops.search.elasticsearch")
SORT_FIELDS: dict[SortField, str] = {
    SortField.SIGNED_DATE: "signed_date",
    SortField.START_DATE: "start_date",
    SortField.END_DATE: "end_date",
    SortField.AMOUNT: "amount_fen",
    SortField.VERSION: "version",
}
SOURCE_FIELDS = [
    "id",
    "number",
    "title",
    "kind",
    "state",
    "customer",
    "customer_name",
    "department",
    "owner",
    "amount",
    "signed_date",
    "start_date",
    "end_date",
    "version",
    "clauses",
    "clause_heading",
]
# Only fetched to name the document a highlight comes from: the texts can be long.
DOCUMENT_SOURCE_FIELDS = ["documents", "document_name", "document_filename"]
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]|[^\W\u3400-\u4dbf\u4e00-\u9fff_]+")


# -- index layout ----------------------------------------------------------------------------


def analysis_settings() -> dict[str, Any]:
    return {
        "analyzer": {
            # Standard tokenizer: one token per Han character, Latin words whole.
            "callops_chars": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
        }
    }


def text_field(ik: bool) -> dict[str, Any]:
    main: dict[str, Any] = {"type": "text", "analyzer": "cjk"}
    if ik:
        main = {"type": "text", "analyzer": "ik_max_word", "search_analyzer": "ik_smart"}
    return main | {
        "fields": {
            "cjk": {"type": "text", "analyzer": "cjk", "index_options": "offsets"},
            "chars": {"type": "text", "analyzer": "callops_chars", "index_options": "offsets"},
        }
    }


def mappings(ik: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {name: {"type": "keyword"} for name in KEYWORD_FIELDS}
    properties |= {name: text_field(ik) for name in TEXT_FIELDS.values()}
    properties |= {
        "clause_heading": {"type": "keyword"},
        "document_name": {"type": "keyword"},
        "document_filename": {"type": "keyword", "index": False},
        "amount": {"type": "keyword", "index": False},  # the exact decimal, for display
        "amount_fen": {"type": "long"},
        "signed_date": {"type": "date", "format": "yyyy-MM-dd"},
        "start_date": {"type": "date", "format": "yyyy-MM-dd"},
        "end_date": {"type": "date", "format": "yyyy-MM-dd"},
        "year": {"type": "integer"},
        "version": {"type": "long"},
        "tiebreak": {"type": "long"},
    }
    return {"dynamic": "strict", "properties": properties}


def index_template(alias: str, ik: bool, shards: int = 1, replicas: int = 1) -> dict[str, Any]:
    """The composable template every versioned index `{alias}-*` is created from."""
    return {
        "index_patterns": [f"{alias}-*"],
        "priority": 100,
        "template": {
            "settings": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                "analysis": analysis_settings(),
            },
            "mappings": mappings(ik),
        },
    }


def to_source(doc: ContractDocument) -> dict[str, Any]:
    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": doc.id,
        "number": doc.number,
        "title": doc.title,
        "kind": doc.kind,
        "state": doc.state,
        "customer": doc.customer,
        "customer_name": doc.customer_name,
        "parties": f"{doc.parties}\n{doc.customer_name}",
        "department": doc.department,
        "owner": doc.owner,
        "amount": str(doc.amount),
        "amount_fen": _fen(doc.amount),
        "signed_date": day(doc.signed_date),
        "start_date": day(doc.start_date),
        "end_date": day(doc.end_date),
        "year": doc.year,
        "body": doc.text,
        "clauses": [f"{c.heading}\n{c.text}" for c in doc.clauses],
        "clause_heading": [c.heading for c in doc.clauses],
        "documents": [d.text for d in doc.documents],
        "document_name": [d.name for d in doc.documents],
        "document_filename": [d.filename for d in doc.documents],
        "version": doc.version,
        "tiebreak": tiebreak(doc.id),
    }


def bulk_actions(
    index: str, documents: Iterable[ContractDocument], same_version: bool = False
) -> list[dict[str, Any]]:
    """External versioning: Elasticsearch itself refuses a version not above the stored one
    (`external_gte`: not below it, for text that changed without a new version)."""
    return [bulk_action(index, doc, same_version) for doc in newest_per_id(documents)]


def bulk_action(index: str, doc: ContractDocument, same_version: bool = False) -> dict[str, Any]:
    return {
        "_op_type": "index",
        "_index": index,
        "_id": doc.id,
        "version": doc.version,
        "version_type": "external_gte" if same_version else "external",
        "_source": to_source(doc),
    }


def alias_swap_actions(alias: str, old: Sequence[str], new: str) -> list[dict[str, Any]]:
    """One atomic alias update: readers see the old index or the new one, never neither."""
    actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": alias}} for name in old]
    actions.append({"add": {"index": new, "alias": alias, "is_write_index": True}})
    return actions


def _fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


# -- queries ---------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _fields(field: SearchField | None) -> list[str]:
    return [TEXT_FIELDS[field]] if field else list(TEXT_FIELDS.values())


def _any(queries: list[dict[str, Any]]) -> dict[str, Any]:
    if len(queries) == 1:
        return queries[0]
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def _sequence(name: str, query: Term | Phrase) -> dict[str, Any]:
    words = _tokens(query.text)
    if isinstance(query, Term) and query.fuzziness and len(words) == 1:
        return {
            "fuzzy": {
                f"{name}.chars": {
                    "value": words[0].lower(),
                    "fuzziness": query.fuzziness,
                    "transpositions": True,
                }
            }
        }
    if len(words) == 1:
        return {"match": {f"{name}.chars": {"query": query.text}}}
    if isinstance(query, Term) and all(_HAN.fullmatch(w) for w in words):
        # A Chinese word: the exact sequence of its bigrams.
        return {"match_phrase": {f"{name}.cjk": {"query": "".join(words)}}}
    return {"match_phrase": {f"{name}.chars": {"query": query.text}}}


def _near(name: str, query: Near) -> dict[str, Any]:
    def exact(text: str) -> dict[str, Any]:
        return {"match": {"query": text, "max_gaps": 0, "ordered": True}}

    return {
        "intervals": {
            f"{name}.chars": {
                "all_of": {
                    "ordered": False,
                    "max_gaps": query.distance,
                    "intervals": [exact(query.left.text), exact(query.right.text)],
                }
            }
        }
    }


def translate(query: Query) -> dict[str, Any]:
    """The query AST as an Elasticsearch query (scoring part only; filters go elsewhere)."""
    if isinstance(query, MatchAll):
        return {"match_all": {}}
    if isinstance(query, Term | Phrase):
        return _any([_sequence(name, query) for name in _fields(query.field)])
    if isinstance(query, Near):
        return _any([_near(name, query) for name in _fields(query.field)])
    if isinstance(query, Or):
        return {"bool": {"should": [translate(i) for i in query.items], "minimum_should_match": 1}}
    if isinstance(query, And):
        must = [translate(i) for i in query.items if not isinstance(i, Not)]
        must_not = [translate(i.item) for i in query.items if isinstance(i, Not)]
        body: dict[str, Any] = {}
        if must:
            body["must"] = must
        if must_not:
            body["must_not"] = must_not
        return {"bool": body}
    return {"bool": {"must_not": [translate(query.item)]}}


def _date_range(name: str, dates: DateRange) -> list[dict[str, Any]]:
    bounds = {}
    if dates.start:
        bounds["gte"] = dates.start.isoformat()
    if dates.end:
        bounds["lte"] = dates.end.isoformat()
    return [{"range": {name: bounds}}] if bounds else []


def filter_clauses(filters: Filters, visibility: Visibility) -> list[dict[str, Any]]:
    """Filter context: no scoring, cached; visibility first so nothing can bypass it."""
    out: list[dict[str, Any]] = []
    if not visibility.all_departments:
        out.append({"terms": {"department": sorted(visibility.departments)}})
    for name, values in (
        ("state", filters.states),
        ("kind", filters.kinds),
        ("customer", filters.customers),
        ("department", filters.departments),
        ("owner", filters.owners),
    ):
        if values:
            out.append({"terms": {name: sorted(values)}})
    bounds = {}
    if filters.amount.minimum is not None:
        bounds["gte"] = _fen(filters.amount.minimum)
    if filters.amount.maximum is not None:
        bounds["lte"] = _fen(filters.amount.maximum)
    if bounds:
        out.append({"range": {"amount_fen": bounds}})
    out += _date_range("signed_date", filters.signed)
    out += _date_range("start_date", filters.start)
    out += _date_range("end_date", filters.end)
    return out


def sort_clause(request: SearchRequest) -> list[Any]:
    order = "desc" if request.sort.descending else "asc"
    name = SORT_FIELDS.get(request.sort.field)
    if name is None:
        first: Any = {"_score": {"order": order}}
    else:
        # Missing dates sort as the oldest, as in the tantivy engine.
        first = {name: {"order": order, "missing": "_last" if order == "desc" else "_first"}}
    return [first, {"tiebreak": {"order": "asc"}}]


def _searches_documents(query: Query) -> bool:
    if isinstance(query, Term | Phrase | Near):
        return query.field in (None, SearchField.DOCUMENT)
    if isinstance(query, And | Or):
        return any(_searches_documents(item) for item in query.items)
    return False  # MatchAll, or Not: what it matches is never highlighted


def search_body(request: SearchRequest) -> dict[str, Any]:
    size = clamp_page_size(request.page_size)
    text = translate(request.query)
    body: dict[str, Any] = {
        "query": {
            "bool": {"must": [text], "filter": filter_clauses(request.filters, request.visibility)}
        },
        "size": size + 1,  # one more than shown says whether there is a next page
        "track_total_hits": True,
        "sort": sort_clause(request),
        "_source": SOURCE_FIELDS,
    }
    if request.after is not None:
        body["search_after"] = [request.after.value, request.after.tiebreak]
    if request.facets:
        body["aggs"] = {
            facet.value: {"terms": {"field": FACET_FIELDS[facet], "size": MAX_FACET_BUCKETS}}
            for facet in sorted(request.facets, key=lambda f: f.value)
        }
    if request.highlight and not isinstance(request.query, MatchAll):
        if _searches_documents(request.query):
            body["_source"] = SOURCE_FIELDS + DOCUMENT_SOURCE_FIELDS
        body["highlight"] = {
            "type": "unified",
            "pre_tags": [HIGHLIGHT_START],
            "post_tags": [HIGHLIGHT_END],
            "fragment_size": SNIPPET_CHARS,
            "number_of_fragments": MAX_CLAUSE_SNIPPETS,
            "highlight_query": text,
            "fields": {
                f"{name}.{sub}": {} for name in TEXT_FIELDS.values() for sub in ("cjk", "chars")
            },
        }
    return body


def more_like_this_body(
    alias: str, contract_id: str, visibility: Visibility, limit: int
) -> dict[str, Any]:
    return {
        "query": {
            "bool": {
                "must": [
                    {
                        "more_like_this": {
                            "fields": ["title.cjk", "clauses.cjk"],
                            "like": [{"_index": alias, "_id": contract_id}],
                            "min_term_freq": 1,
                            "min_doc_freq": 1,
                            "max_query_terms": 25,
                        }
                    }
                ],
                "filter": filter_clauses(Filters(), visibility),
            }
        },
        "size": limit,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
    }


def customer_contracts_body(customers: Sequence[str]) -> dict[str, Any]:
    return {
        "query": {"bool": {"filter": [{"terms": {"customer": sorted(set(customers))}}]}},
        "_source": ["id"],
    }


# -- responses -------------------------------------------------------------------------------


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def to_summary(source: Mapping[str, Any]) -> ContractSummary:
    return ContractSummary(
        number=source.get("number", ""),
        title=source.get("title", ""),
        kind=source.get("kind", ""),
        state=source.get("state", ""),
        customer=source.get("customer", ""),
        customer_name=source.get("customer_name", ""),
        department=source.get("department", ""),
        owner=source.get("owner", ""),
        amount=Decimal(source.get("amount") or "0"),
        signed_date=_day(source.get("signed_date")),
        start_date=_day(source.get("start_date")),
        end_date=_day(source.get("end_date")),
        version=int(source.get("version") or 0),
    )


def _joined(fragment: str) -> str:
    # Bigram and character highlights come as neighbours: one marked run reads better.
    return fragment.replace(HIGHLIGHT_END + HIGHLIGHT_START, "")


def snippets(source: Mapping[str, Any], highlight: Mapping[str, list[str]]) -> tuple[Snippet, ...]:
    names = {v: k.value for k, v in TEXT_FIELDS.items()}
    out: list[Snippet] = []
    for name in TEXT_FIELDS.values():
        fragments = highlight.get(f"{name}.cjk") or highlight.get(f"{name}.chars") or []
        for fragment in fragments:
            marked = _joined(fragment)
            plain = marked.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
            if name == "documents":
                out.append(_document_snippet(source, names[name], marked, plain))
                continue
            if name != "clauses":
                out.append(Snippet(names[name], marked))
                break
            heading = next(
                (
                    h
                    for h, text in zip(
                        source.get("clause_heading", []), source.get("clauses", []), strict=False
                    )
                    if plain in text
                ),
                None,
            )
            out.append(Snippet(names[name], marked, heading))
    return tuple(out)


def _document_snippet(source: Mapping[str, Any], field: str, marked: str, plain: str) -> Snippet:
    """Names the document whose text holds the fragment (the highlighter does not say)."""
    for name, filename, text in zip(
        source.get("document_name", []),
        source.get("document_filename", []),
        source.get("documents", []),
        strict=False,
    ):
        if plain in text:
            return Snippet(field, marked, document=name, filename=filename)
    return Snippet(field, marked)


def parse_response(response: Mapping[str, Any], request: SearchRequest, size: int) -> SearchResult:
    raw_hits = response["hits"]["hits"]
    hits = tuple(
        Hit(
            id=h["_source"]["id"],
            score=float(h.get("_score") or 0.0),
            summary=to_summary(h["_source"]),
            snippets=snippets(h["_source"], h.get("highlight", {})),
        )
        for h in raw_hits[:size]
    )
    next_position = None
    if len(raw_hits) > size:
        value, tb = raw_hits[size - 1]["sort"]
        offset = (request.after.offset if request.after else 0) + size
        next_position = PagePosition(value, int(tb), offset)
    facets: dict[Facet, tuple[FacetCount, ...]] = {}
    for facet in request.facets:
        buckets = response.get("aggregations", {}).get(facet.value, {}).get("buckets", [])
        counts = [FacetCount(str(b["key"]), int(b["doc_count"])) for b in buckets]
        facets[facet] = tuple(sorted(counts, key=lambda c: (-c.count, c.value)))
    total = int(response["hits"]["total"]["value"])
    return SearchResult(hits, total, facets, next_position)


# -- the engine ------------------------------------------------------------------------------


class ElasticsearchEngine:
    """SearchEngine on Elasticsearch; reads and writes go through `alias`."""

    def __init__(self, client: Elasticsearch, alias: str = DEFAULT_ALIAS) -> None:
        self.client = client
        self.alias = alias

    def has_ik(self) -> bool:
        """Whether the IK analysis plugin is installed on every node."""
        try:
            plugins = self.client.cat.plugins(format="json")
        except Exception:  # no rights to list plugins: assume the built-in analyzers only
            return False
        listed: Any = plugins.body  # format=json: a list of {"name", "component", ...}
        return any("analysis-ik" in str(p.get("component", "")) for p in listed)

    def ensure_index(self) -> str:
        """Installs the template and creates a first index behind the alias if none exists."""
        ik = self.has_ik()
        self.client.indices.put_index_template(name=self.alias, **index_template(self.alias, ik))
        if self.client.indices.exists_alias(name=self.alias):
            return self.alias
        return self._new_index(swap_from=[])

    def _new_index(self, swap_from: Sequence[str]) -> str:
        name = f"{self.alias}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"
        self.client.indices.create(index=name)
        self.client.indices.update_aliases(actions=alias_swap_actions(self.alias, swap_from, name))
        return name

    def rebuild(
        self,
        documents: Iterable[ContractDocument],
        progress: Callable[[int], None] = lambda _: None,
        chunk_size: int = REBUILD_CHUNK,
    ) -> str:
        """Reindexes everything into a fresh index, then swaps the alias and drops the old.

        Readers keep the old index until the one atomic swap. Should anything fail before
        it, the new index is deleted and the alias is left as it was. `progress` hears the
        number of documents written, a chunk at a time.
        """
        try:
            old = list(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            old = []
        ik = self.has_ik()
        self.client.indices.put_index_template(name=self.alias, **index_template(self.alias, ik))
        name = f"{self.alias}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"
        # Nobody reads the new index before the swap: no refreshes while it fills.
        self.client.indices.create(index=name, settings={"refresh_interval": "-1"})
        try:
            self._fill(name, documents, progress, chunk_size)
            self.client.indices.put_settings(index=name, settings={"refresh_interval": None})
            self.client.indices.refresh(index=name)
            self.client.indices.update_aliases(actions=alias_swap_actions(self.alias, old, name))
        except BaseException:
            try:
                self.client.indices.delete(index=name, ignore_unavailable=True)
            except Exception as error:  # the first failure is the one to report
                log.warning("half-built index left behind", index=name, error=repr(error))
            raise
        for index in old:
            self.client.indices.delete(index=index, ignore_unavailable=True)
        return name

    def _fill(
        self,
        name: str,
        documents: Iterable[ContractDocument],
        progress: Callable[[int], None],
        chunk_size: int,
    ) -> None:
        done, failures = 0, []
        results = streaming_bulk(
            self.client,
            (bulk_action(name, doc) for doc in documents),
            chunk_size=chunk_size,
            raise_on_error=False,
            max_retries=3,  # 429: the cluster asks to slow down
        )
        for ok, item in results:
            # 409: the same contract twice in the stream, the older one refused. Harmless.
            if not ok and item.get("index", {}).get("status") != 409:
                failures.append(item)
            done += 1
            if done == chunk_size:
                progress(done)
                done = 0
        if done:
            progress(done)
        if failures:
            raise RuntimeError(f"bulk indexing failed: {failures[:3]}")

    def index(
        self, documents: Iterable[ContractDocument], same_version: bool = False
    ) -> IndexReport:
        actions = bulk_actions(self.alias, documents, same_version)
        if not actions:
            return IndexReport(0, 0)
        written, errors = bulk(
            self.client, actions, raise_on_error=False, refresh="wait_for", stats_only=False
        )
        failures = errors if isinstance(errors, list) else []
        stale = sum(1 for e in failures if e.get("index", {}).get("status") == 409)
        if len(failures) > stale:
            raise RuntimeError(f"bulk indexing failed: {failures[:3]}")
        return IndexReport(int(written), stale)

    def delete(self, contract_id: str) -> bool:
        try:
            self.client.delete(index=self.alias, id=contract_id, refresh="wait_for")
        except (NotFoundError, ConflictError):
            return False
        return True

    def search(self, request: SearchRequest) -> SearchResult:
        size = clamp_page_size(request.page_size)
        response = self.client.search(index=self.alias, body=search_body(request))
        return parse_response(response.body, request, size)

    def more_like_this(
        self, contract_id: str, visibility: Visibility, limit: int = 10
    ) -> SearchResult:
        if not self.client.exists(index=self.alias, id=contract_id):
            raise ContractNotIndexed(f"{contract_id} is not in the search index")
        body = more_like_this_body(self.alias, contract_id, visibility, limit)
        response = self.client.search(index=self.alias, body=body)
        request = SearchRequest(visibility=visibility, page_size=limit, highlight=False)
        return parse_response(response.body, request, limit)

    def count(self, visibility: Visibility) -> int:
        body = {"query": {"bool": {"filter": filter_clauses(Filters(), visibility)}}}
        return int(self.client.count(index=self.alias, body=body).body["count"])

    def department_of(self, contract_id: str) -> str | None:
        try:
            found = self.client.get(index=self.alias, id=contract_id, source=["department"])
        except NotFoundError:
            return None
        return str(found.body["_source"].get("department", ""))

    def contracts_of_customer(self, customers: Sequence[str]) -> list[str]:
        if not customers:
            return []
        hits = scan(self.client, index=self.alias, query=customer_contracts_body(customers))
        return sorted(str(h["_source"]["id"]) for h in hits)

    def stored_versions(self) -> dict[str, int]:
        hits = scan(
            self.client,
            index=self.alias,
            query={"query": {"match_all": {}}, "_source": ["id", "version"]},
        )
        return {str(h["_source"]["id"]): int(h["_source"]["version"]) for h in hits}

    def health(self) -> EngineHealth:
        try:
            documents = self.count(Visibility.everything())
        except Exception as error:  # the probe reports; it must not raise
            return EngineHealth(False, 0, str(error))
        return EngineHealth(True, documents, f"elasticsearch alias {self.alias}")
