"""The embedded engine: a tantivy index on local disk, for one machine and for tests.

Chinese is indexed one character per token (Latin words and numbers stay whole), with
positions, so a Chinese term is a phrase of its characters: 违约责任 matches exactly that
sequence and 约责 matches across word boundaries. tantivy's own n-gram tokenizer gives every
gram the same position (measured), which makes bigram phrases impossible; single characters
need no extra field this way.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import tantivy

from services.search.adapters.engine import (
    FACET_FIELDS,
    KEYWORD_FIELDS,
    MAX_CLAUSE_SNIPPETS,
    MAX_DOCUMENT_SNIPPETS,
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
    edit_distance,
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

TOKENIZER = "callops_chars"
# Bumped whenever the schema changes: a new schema gets a fresh directory (and a reindex)
# instead of tantivy refusing, or misreading, an index written with the old one.
SCHEMA_VERSION = 3
ALL_FIELD = "all"
# One token per Han character; runs of other letters/digits stay one word; punctuation and
# spaces are dropped, as Elasticsearch's standard tokenizer does, so both engines agree.
TOKEN_PATTERN = r"\p{Han}|[\p{L}\p{N}&&[^\p{Han}]]+"

INTEGER_FIELDS = ("amount_fen", "signed", "start", "end", "year", "version", "tiebreak")
SORT_FIELDS: dict[SortField, str] = {
    SortField.SIGNED_DATE: "signed",
    SortField.START_DATE: "start",
    SortField.END_DATE: "end",
    SortField.AMOUNT: "amount_fen",
    SortField.VERSION: "version",
}
# Longer values (documents, mostly) get their snippet cut around the first match.
LONG_TEXT_CHARS = 4 * 1024


def analyzer() -> tantivy.TextAnalyzer:
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(TOKEN_PATTERN))
    return builder.filter(tantivy.Filter.lowercase()).build()


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    builder.add_text_field("amount", stored=True, tokenizer_name="raw")
    for name in TEXT_FIELDS.values():
        builder.add_text_field(name, stored=True, tokenizer_name=TOKENIZER)
    # Every searchable field again, one value each: a query without a field prefix walks
    # one set of postings instead of five (measured: about 2x faster on 100,000 contracts).
    builder.add_text_field(ALL_FIELD, stored=False, tokenizer_name=TOKENIZER)
    # Same order as the `clauses` values, so a matching clause can be named.
    builder.add_text_field("clause_heading", stored=True, tokenizer_name="raw")
    # Same order as the `documents` values: which stored file a match is in.
    builder.add_text_field("document_name", stored=True, tokenizer_name="raw")
    builder.add_text_field("document_filename", stored=True, tokenizer_name="raw")
    for name in INTEGER_FIELDS:
        builder.add_integer_field(name, stored=True, indexed=True, fast=True)
    builder.add_float_field("jitter", fast=True)
    return builder.build()


def _day(value: date | None) -> int:
    # 0 stands for "no date": sorts as the oldest, and range filters start at day 1.
    return value.toordinal() if value else 0


def _from_day(value: Any) -> date | None:
    return date.fromordinal(int(value)) if value else None


def _fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def to_document(doc: ContractDocument) -> tantivy.Document:
    out = tantivy.Document()
    for name in ("id", "kind", "state", "customer", "customer_name", "department", "owner"):
        out.add_text(name, str(getattr(doc, name)))
    out.add_text("amount", str(doc.amount))
    out.add_text("title", doc.title)
    out.add_text("number", doc.number)
    out.add_text("parties", f"{doc.parties}\n{doc.customer_name}")
    out.add_text("body", doc.text)
    for clause in doc.clauses:
        out.add_text("clauses", f"{clause.heading}\n{clause.text}")
        out.add_text("clause_heading", clause.heading)
    # Separate values: tantivy leaves a position gap between them, so no phrase spans two.
    for value in (doc.title, doc.number, doc.parties, doc.customer_name, doc.text):
        out.add_text(ALL_FIELD, value)
    for clause in doc.clauses:
        out.add_text(ALL_FIELD, f"{clause.heading}\n{clause.text}")
    for attached in doc.documents:
        out.add_text("documents", attached.text)
        out.add_text("document_name", attached.name)
        out.add_text("document_filename", attached.filename)
        out.add_text(ALL_FIELD, attached.text)
    out.add_integer("amount_fen", _fen(doc.amount))
    out.add_integer("signed", _day(doc.signed_date))
    out.add_integer("start", _day(doc.start_date))
    out.add_integer("end", _day(doc.end_date))
    if doc.year is not None:
        out.add_integer("year", doc.year)
    out.add_integer("version", doc.version)
    out.add_integer("tiebreak", tiebreak(doc.id))
    out.add_float("jitter", _jitter(doc.id))
    return out


def _jitter(contract_id: str) -> float:
    """A per-document weight of at most 0.3 % (tantivy multiplies by log2(2 + jitter)).

    Generated and templated contracts score alike by the thousand; ties that large would
    make every page fetch the whole tie group to order it by tiebreak. The jitter splits
    them into groups of a few, at a cost to relevance far below what a reader notices.
    """
    return (tiebreak(contract_id) % 1_000_003) / 1_000_003 * 0.004


def _first(doc: tantivy.Document, name: str) -> Any:
    return doc.get_first(name)


def to_summary(doc: tantivy.Document) -> ContractSummary:
    return ContractSummary(
        number=_first(doc, "number") or "",
        title=_first(doc, "title") or "",
        kind=_first(doc, "kind") or "",
        state=_first(doc, "state") or "",
        customer=_first(doc, "customer") or "",
        customer_name=_first(doc, "customer_name") or "",
        department=_first(doc, "department") or "",
        owner=_first(doc, "owner") or "",
        amount=Decimal(_first(doc, "amount") or "0"),
        signed_date=_from_day(_first(doc, "signed")),
        start_date=_from_day(_first(doc, "start")),
        end_date=_from_day(_first(doc, "end")),
        version=int(_first(doc, "version") or 0),
    )


class QueryCompiler:
    """Translates the query AST into tantivy queries over the character-token fields."""

    def __init__(
        self,
        schema: tantivy.Schema,
        text_analyzer: tantivy.TextAnalyzer,
        per_field: bool = False,
    ) -> None:
        self.schema = schema
        self.analyzer = text_analyzer
        # Searching uses the combined field; snippets need the query spelled per field.
        self.per_field = per_field

    def tokens(self, text: str) -> list[str]:
        return list(self.analyzer.analyze(text))

    def compile(self, query: Query) -> tantivy.Query:
        if isinstance(query, MatchAll):
            return tantivy.Query.all_query()
        if isinstance(query, Term | Phrase):
            return self._each_field(query.field, lambda f: self._sequence(f, query))
        if isinstance(query, Near):
            return self._each_field(query.field, lambda f: self._near(f, query))
        if isinstance(query, Or):
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, self.compile(item)) for item in query.items]
            )
        if isinstance(query, And):
            clauses = [
                (tantivy.Occur.MustNot, self.compile(item.item))
                if isinstance(item, Not)
                else (tantivy.Occur.Must, self.compile(item))
                for item in query.items
            ]
            if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
                clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
            return tantivy.Query.boolean_query(clauses)
        # Not on its own: everything except the matches.
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.all_query()),
                (tantivy.Occur.MustNot, self.compile(query.item)),
            ]
        )

    def _each_field(
        self, field: SearchField | None, build: Callable[[str], tantivy.Query]
    ) -> tantivy.Query:
        if field is not None:
            names = [TEXT_FIELDS[field]]
        else:
            names = list(TEXT_FIELDS.values()) if self.per_field else [ALL_FIELD]
        queries = [build(name) for name in names]
        if len(queries) == 1:
            return queries[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])

    def _sequence(self, field: str, query: Term | Phrase) -> tantivy.Query:
        words = self.tokens(query.text)
        if not words:
            return tantivy.Query.empty_query()
        if isinstance(query, Term) and query.fuzziness and len(words) == 1:
            return tantivy.Query.fuzzy_term_query(
                self.schema, field, words[0], distance=query.fuzziness
            )
        if len(words) == 1:
            return tantivy.Query.term_query(self.schema, field, words[0])
        return _phrase(self.schema, field, list(words))

    def _near(self, field: str, query: Near) -> tantivy.Query:
        left, right = self.tokens(query.left.text), self.tokens(query.right.text)
        if not left or not right:
            return tantivy.Query.empty_query()
        # tantivy's slop is a total over the whole phrase and may open gaps inside a word,
        # so each side must also occur intact; both orders are asked for explicitly.
        forward = _phrase(self.schema, field, left + right, query.distance)
        backward = _phrase(self.schema, field, right + left, query.distance)
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, _phrase(self.schema, field, left)),
                (tantivy.Occur.Must, _phrase(self.schema, field, right)),
                (
                    tantivy.Occur.Must,
                    tantivy.Query.boolean_query(
                        [(tantivy.Occur.Should, forward), (tantivy.Occur.Should, backward)]
                    ),
                ),
            ]
            if len(left) + len(right) > 2
            else [(tantivy.Occur.Should, forward), (tantivy.Occur.Should, backward)]
        )

    def filters(self, filters: Filters, visibility: Visibility) -> list[tantivy.Query]:
        out: list[tantivy.Query] = []
        if not visibility.all_departments:
            out.append(self._one_of("department", visibility.departments))
        for name, values in (
            ("state", filters.states),
            ("kind", filters.kinds),
            ("customer", filters.customers),
            ("department", filters.departments),
            ("owner", filters.owners),
        ):
            if values:
                out.append(self._one_of(name, values))
        amount = filters.amount
        if amount.minimum is not None or amount.maximum is not None:
            out.append(
                self._range(
                    "amount_fen",
                    None if amount.minimum is None else _fen(amount.minimum),
                    None if amount.maximum is None else _fen(amount.maximum),
                )
            )
        for name, dates in (("signed", filters.signed), ("start", filters.start)):
            out.extend(self._dates(name, dates))
        out.extend(self._dates("end", filters.end))
        return out

    def _one_of(self, name: str, values: frozenset[str]) -> tantivy.Query:
        if not values:
            return tantivy.Query.empty_query()
        return tantivy.Query.term_set_query(self.schema, name, sorted(values))

    def _range(self, name: str, lower: int | None, upper: int | None) -> tantivy.Query:
        return tantivy.Query.range_query(
            self.schema,
            name,
            tantivy.FieldType.Integer,
            lower if lower is not None else -(2**63),
            upper if upper is not None else 2**63 - 1,
        )

    def _dates(self, name: str, dates: DateRange) -> list[tantivy.Query]:
        if dates.start is None and dates.end is None:
            return []
        lower = max(_day(dates.start), 1)  # day 0 means "no date": never inside a range
        upper = _day(dates.end) if dates.end else None
        return [self._range(name, lower, upper)]


def hits_wanted(request: SearchRequest) -> bool:
    """Snippets only make sense for a query with words in it."""
    return not isinstance(request.query, MatchAll)


def positive_texts(query: Query, negated: bool = False) -> Iterator[Term | Phrase]:
    """The words a hit matched on purpose: what a snippet should highlight."""
    if isinstance(query, Term | Phrase):
        if not negated:
            yield query
    elif isinstance(query, Near):
        if not negated:
            yield query.left
            yield query.right
    elif isinstance(query, And | Or):
        for item in query.items:
            yield from positive_texts(item, negated)
    elif isinstance(query, Not):
        yield from positive_texts(query.item, not negated)


def mark(fragment: str, ranges: Iterable[tuple[int, int]]) -> str:
    """Wraps the character ranges (merged where they touch) in the highlight markers."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out += [fragment[last:start], HIGHLIGHT_START, fragment[start:end], HIGHLIGHT_END]
        last = end
    out.append(fragment[last:])
    return "".join(out)


_LATIN_WORD = re.compile(r"[^\W\u3400-\u4dbf\u4e00-\u9fff_]+")


@dataclass(frozen=True)
class _Needles:
    """What to highlight: exact strings, and Latin words near enough to a fuzzy term.

    tantivy's snippets mark every query token (each character of a Chinese term, wherever
    it stands) and none for fuzzy terms, so only its choice of fragment is kept.
    """

    texts: tuple[str, ...]
    fuzzy: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, query: Query) -> _Needles:
        texts: set[str] = set()
        fuzzy: set[tuple[str, int]] = set()
        for item in positive_texts(query):
            if isinstance(item, Term) and item.fuzziness:
                fuzzy.add((item.text.lower(), item.fuzziness))
                continue
            texts.add(item.text.lower())
            texts.add("".join(item.text.split()).lower())
        return cls(tuple(sorted(texts, key=len, reverse=True)), tuple(sorted(fuzzy)))

    def ranges(self, fragment: str) -> list[tuple[int, int]]:
        lowered = fragment.lower()
        found: list[tuple[int, int]] = []
        for needle in self.texts:
            start = lowered.find(needle)
            while needle and start >= 0:
                found.append((start, start + len(needle)))
                start = lowered.find(needle, start + 1)
        if self.fuzzy:
            for word in _LATIN_WORD.finditer(lowered):
                if any(edit_distance(word.group(), t) <= d for t, d in self.fuzzy):
                    found.append(word.span())
        return found


class _Generators:
    """tantivy snippet generators per field, made on first use (each costs a term lookup)."""

    def __init__(self, searcher: tantivy.Searcher, query: tantivy.Query, schema: Any) -> None:
        self.searcher, self.query, self.schema = searcher, query, schema
        self.made: dict[str, tantivy.SnippetGenerator] = {}

    def get(self, name: str) -> tantivy.SnippetGenerator:
        if name not in self.made:
            generator = tantivy.SnippetGenerator.create(
                self.searcher, self.query, self.schema, name
            )
            generator.set_max_num_chars(SNIPPET_CHARS)
            self.made[name] = generator
        return self.made[name]


class TantivyEngine:
    """SearchEngine on a tantivy index under `directory` (created when missing).

    One process writes (tantivy locks the directory); reads are safe from any thread.
    """

    def __init__(
        self,
        directory: Path | str,
        writer_heap_bytes: int = 200_000_000,
        keep_writer: bool = True,
    ) -> None:
        self.directory = Path(directory) / f"schema-{SCHEMA_VERSION}"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.schema = build_schema()
        self._index = tantivy.Index(self.schema, path=str(self.directory), reuse=True)
        self._analyzer = analyzer()
        self._index.register_tokenizer(TOKENIZER, self._analyzer)
        self._compiler = QueryCompiler(self.schema, self._analyzer)
        self._highlighter = QueryCompiler(self.schema, self._analyzer, per_field=True)
        self._heap = writer_heap_bytes
        self._writer: tantivy.IndexWriter | None = None
        self._lock = threading.Lock()  # tantivy allows one writer per index
        # False: release the writer (and tantivy's lock file) after each write, so several
        # processes (the event worker, a reindex) can take turns writing one index.
        self._keep_writer = keep_writer

    # -- writing -------------------------------------------------------------------------

    def _get_writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self._index.writer(self._heap)
        return self._writer

    def index(
        self, documents: Iterable[ContractDocument], same_version: bool = False
    ) -> IndexReport:
        batch = newest_per_id(documents)
        if not batch:
            return IndexReport(0, 0)
        with self._lock:
            stored = self._stored_versions([doc.id for doc in batch])
            writer = self._get_writer()
            written = 0
            for doc in batch:
                held = stored.get(doc.id, 0)
                if held > doc.version or (held == doc.version and not same_version):
                    continue  # same version again, or an older event arriving late
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(to_document(doc))
                written += 1
            if written:
                writer.commit()
                self._index.reload()
            self._release()
        return IndexReport(written, len(batch) - written)

    def _release(self) -> None:
        if not self._keep_writer and self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None

    def _stored_versions(self, ids: Sequence[str]) -> dict[str, int]:
        searcher = self._index.searcher()
        query = tantivy.Query.term_set_query(self.schema, "id", list(ids))
        hits = searcher.search(query, len(ids), count=False).hits
        addresses = [address for _, address in hits]
        by_tiebreak = {tiebreak(contract_id): contract_id for contract_id in ids}
        tiebreaks = searcher.fast_field_values("tiebreak", addresses)
        versions = searcher.fast_field_values("version", addresses)
        return {
            by_tiebreak[int(t or 0)]: int(v or 0) for t, v in zip(tiebreaks, versions, strict=True)
        }

    def delete(self, contract_id: str) -> bool:
        with self._lock:
            if not self._stored_versions([contract_id]):
                return False
            writer = self._get_writer()
            writer.delete_documents_by_term("id", contract_id)
            writer.commit()
            self._index.reload()
            self._release()
        return True

    def close(self) -> None:
        """Releases the writer (and its lock file) after pending merges finish."""
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None

    # -- reading -------------------------------------------------------------------------

    def _filtered(self, text_query: tantivy.Query, filters: list[tantivy.Query]) -> tantivy.Query:
        if not filters:
            return text_query
        # Filters must not change relevance, only the set: constant score 0.
        clauses = [(tantivy.Occur.Must, text_query)] + [
            (tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters
        ]
        return tantivy.Query.boolean_query(clauses)

    def search(self, request: SearchRequest) -> SearchResult:
        size = clamp_page_size(request.page_size)
        text_query = self._compiler.compile(request.query)
        query = self._filtered(
            text_query, self._compiler.filters(request.filters, request.visibility)
        )
        searcher = self._index.searcher()
        sort_field = SORT_FIELDS.get(request.sort.field)
        page, total, has_more = self._page(
            searcher, query, sort_field, request.sort.descending, size, request.after
        )
        needles = _Needles.of(request.query)
        generators = None
        if request.highlight and hits_wanted(request):
            highlight_query = self._highlighter.compile(request.query)
            generators = _Generators(searcher, highlight_query, self.schema)
        hits = []
        for value, _tb, address in page[:size]:
            doc = searcher.doc(address)
            snippets = self._snippets(doc, generators, needles) if generators else ()
            score = float(value) if sort_field is None else 0.0
            hits.append(Hit(str(doc.get_first("id")), score, to_summary(doc), snippets))
        next_position = None
        if has_more and page[:size]:
            value, tb, _ = page[size - 1]
            offset = (request.after.offset if request.after else 0) + size
            next_position = PagePosition(value, tb, offset)
        facets = self._facets(searcher, query, request.facets)
        return SearchResult(tuple(hits), total, facets, next_position)

    def _page(
        self,
        searcher: tantivy.Searcher,
        query: tantivy.Query,
        sort_field: str | None,
        descending: bool,
        size: int,
        after: PagePosition | None,
    ) -> tuple[list[tuple[Any, int, tantivy.DocAddress]], int, bool]:
        """Hits after `after` in (value, tiebreak) order, `size + 1` of them when there are.

        tantivy orders ties by its internal address, which changes as segments merge, so
        this fetches top hits, sorts them by (value, tiebreak) itself, and fetches more
        while a tie could still reach past what was fetched.
        """
        sign = -1 if descending else 1

        def key(value: Any, tb: int) -> tuple[float, int]:
            return (sign * value, tb)

        cursor = key(after.value, after.tiebreak) if after and after.value is not None else None
        limit = max(32, (after.offset if after else 0) + size + 1)
        while True:
            order = tantivy.Order.Desc if descending else tantivy.Order.Asc
            if sort_field is None:
                result = searcher.search(query, limit, count=True, weight_by_field="jitter")
            else:
                result = searcher.search(
                    query, limit, count=True, order_by_field=sort_field, order=order
                )
            total = _count(result)
            addresses = [address for _, address in result.hits]
            tiebreaks = searcher.fast_field_values("tiebreak", addresses)
            rows = sorted(
                (
                    (value, int(tb or 0), address)
                    for (value, address), tb in zip(result.hits, tiebreaks, strict=True)
                ),
                key=lambda row: key(row[0], row[1]),
            )
            if cursor is not None:
                rows = [row for row in rows if key(row[0], row[1]) > cursor]
            exhausted = len(addresses) < limit
            page = rows[: size + 1]
            if exhausted:
                return page, total, len(page) > size
            worst = key(*max(((v, 0) for v, _ in result.hits), key=lambda r: key(*r)))[0]
            if len(page) > size and key(page[-1][0], page[-1][1])[0] < worst:
                return page, total, True
            limit *= 2

    def _snippets(
        self,
        doc: tantivy.Document,
        generators: _Generators,
        needles: _Needles,
    ) -> tuple[Snippet, ...]:
        out: list[Snippet] = []
        for field, name in TEXT_FIELDS.items():
            if name == "clauses":
                headings = doc.get_all("clause_heading")
                for heading, text in zip(headings, doc.get_all("clauses"), strict=False):
                    one = tantivy.Document(clauses=text)
                    snippet = self._snippet(generators, name, one, str(text), needles)
                    if snippet:
                        out.append(Snippet(field.value, snippet, str(heading)))
                    if len(out) >= MAX_CLAUSE_SNIPPETS:
                        break
            elif name == "documents":
                found = 0
                for document, filename, text in zip(
                    doc.get_all("document_name"),
                    doc.get_all("document_filename"),
                    doc.get_all("documents"),
                    strict=False,
                ):
                    one = tantivy.Document(documents=text)
                    snippet = self._snippet(generators, name, one, str(text), needles)
                    if snippet:
                        out.append(
                            Snippet(field.value, snippet, document=document, filename=filename)
                        )
                        found += 1
                    if found >= MAX_DOCUMENT_SNIPPETS:
                        break
            elif name == "body" and any(s.clause for s in out):
                continue  # the clause already shows the match; the full text would repeat it
            else:
                text = str(doc.get_first(name) or "")
                snippet = self._snippet(generators, name, doc, text, needles)
                if snippet:
                    out.append(Snippet(field.value, snippet))
        return tuple(out)

    @staticmethod
    def _snippet(
        generators: _Generators, name: str, doc: tantivy.Document, text: str, needles: _Needles
    ) -> str | None:
        found = needles.ranges(text)
        if not found:
            return None  # checked first: a Python find is far cheaper than a snippet
        ranges: list[tuple[int, int]] = []
        # tantivy analyses the whole value for a snippet: seconds for a long document.
        if len(text) <= LONG_TEXT_CHARS:
            fragment = generators.get(name).snippet_from_doc(doc).fragment()
            ranges = needles.ranges(fragment)
        if not ranges:
            # A long value, or no fragment from tantivy (fuzzy terms give it none): cut one
            # around the first match.
            start = max(0, min(found)[0] - SNIPPET_CHARS // 4)
            fragment = text[start : start + SNIPPET_CHARS]
            ranges = [(a - start, b - start) for a, b in found if b - start <= len(fragment)]
        return mark(fragment, ranges)

    def _facets(
        self, searcher: tantivy.Searcher, query: tantivy.Query, wanted: frozenset[Facet]
    ) -> dict[Facet, tuple[FacetCount, ...]]:
        if not wanted:
            return {}
        aggregations = {
            facet.value: {"terms": {"field": FACET_FIELDS[facet], "size": MAX_FACET_BUCKETS}}
            for facet in wanted
        }
        answer = searcher.aggregate(query, aggregations)
        out: dict[Facet, tuple[FacetCount, ...]] = {}
        for facet in wanted:
            buckets = answer.get(facet.value, {}).get("buckets", [])
            counts = [FacetCount(str(b["key"]), int(b["doc_count"])) for b in buckets]
            out[facet] = tuple(sorted(counts, key=lambda c: (-c.count, c.value)))
        return out

    def more_like_this(
        self, contract_id: str, visibility: Visibility, limit: int = 10
    ) -> SearchResult:
        searcher = self._index.searcher()
        found = searcher.search(tantivy.Query.term_query(self.schema, "id", contract_id), 1)
        if not found.hits:
            raise ContractNotIndexed(f"{contract_id} is not in the search index")
        source = searcher.doc(found.hits[0][1])
        text = " ".join(
            str(v) for name in ("title", "clauses", "body") for v in source.get_all(name)
        )
        # Character tokens make poor "interesting terms": use the document's frequent
        # Chinese bigrams as phrases instead, and let BM25 weigh how rare each one is.
        bigrams = Counter(
            a + b for a, b in itertools.pairwise(text) if _is_han(a) and _is_han(b)
        ).most_common(25)
        likes = [
            (
                tantivy.Occur.Should,
                _phrase(self.schema, name, [gram[0], gram[1]]),
            )
            for gram, _ in bigrams
            for name in ("title", "clauses")
        ]
        if not likes:
            return SearchResult((), 0, {}, None)
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.boolean_query(likes)),
                (tantivy.Occur.MustNot, tantivy.Query.term_query(self.schema, "id", contract_id)),
            ]
        )
        query = self._filtered(query, self._compiler.filters(Filters(), visibility))
        result = searcher.search(query, limit, count=True)
        hits = tuple(
            Hit(
                str(searcher.doc(address).get_first("id")),
                float(score),
                to_summary(searcher.doc(address)),
            )
            for score, address in result.hits
        )
        return SearchResult(hits, _count(result), {}, None)

    def count(self, visibility: Visibility) -> int:
        query = self._filtered(
            tantivy.Query.all_query(), self._compiler.filters(Filters(), visibility)
        )
        return _count(self._index.searcher().search(query, 1, count=True))

    def department_of(self, contract_id: str) -> str | None:
        searcher = self._index.searcher()
        found = searcher.search(tantivy.Query.term_query(self.schema, "id", contract_id), 1)
        if not found.hits:
            return None
        return str(searcher.doc(found.hits[0][1]).get_first("department") or "")

    def contracts_of_customer(self, customers: Sequence[str]) -> list[str]:
        if not customers:
            return []
        searcher = self._index.searcher()
        query = tantivy.Query.term_set_query(self.schema, "customer", sorted(set(customers)))
        limit = max(int(searcher.num_docs), 1)
        hits = searcher.search(query, limit, count=False).hits
        return sorted(str(searcher.doc(address).get_first("id")) for _, address in hits)

    def stored_versions(self) -> dict[str, int]:
        searcher = self._index.searcher()
        limit = max(int(searcher.num_docs), 1)
        hits = searcher.search(tantivy.Query.all_query(), limit, count=False).hits
        addresses = [address for _, address in hits]
        versions = searcher.fast_field_values("version", addresses)
        return {
            str(searcher.doc(address).get_first("id")): int(version or 0)
            for address, version in zip(addresses, versions, strict=True)
        }

    def health(self) -> EngineHealth:
        try:
            # Re-reads meta.json: a deleted or corrupted index fails here, while searches
            # would go on answering from the segments already mapped (an answer that can
            # no longer change).
            self._index.reload()
            documents = self._index.searcher().num_docs
        except Exception as error:  # the probe reports; it must not raise
            return EngineHealth(False, 0, str(error))
        return EngineHealth(True, documents, f"tantivy at {self.directory}")


def _count(result: tantivy.SearchResult) -> int:
    return int(result.count or 0)  # type: ignore[attr-defined]  # missing from tantivy.pyi


def _phrase(
    schema: tantivy.Schema, field: str, words: Sequence[str], slop: int = 0
) -> tantivy.Query:
    return tantivy.Query.phrase_query(schema, field, list[str | tuple[int, str]](words), slop)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
