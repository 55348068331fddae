"""Answers a parsed query on one document by brute force: the engines' expected results."""

from __future__ import annotations

import re

from services.search.domain.documents import ContractDocument
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

# The engines' tokenization: one Han character, or a run of other letters and digits.
TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]|[^\W\u3400-\u4dbf\u4e00-\u9fff_]+")


def tokens(text: str) -> list[str]:
    return [t.lower() for t in TOKEN.findall(text)]


def field_texts(doc: ContractDocument, field: SearchField | None) -> list[str]:
    texts = {
        SearchField.TITLE: [doc.title],
        SearchField.NUMBER: [doc.number],
        SearchField.PARTY: [f"{doc.parties}\n{doc.customer_name}"],
        SearchField.CLAUSE: [f"{c.heading}\n{c.text}" for c in doc.clauses],
        SearchField.TEXT: [doc.text],
        SearchField.DOCUMENT: [d.text for d in doc.documents],
    }
    if field is not None:
        return texts[field]
    return [t for values in texts.values() for t in values]


def _starts(haystack: list[str], needle: list[str]) -> list[int]:
    n = len(needle)
    return [i for i in range(len(haystack) - n + 1) if haystack[i : i + n] == needle]


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein with adjacent transpositions)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def matches(query: Query, doc: ContractDocument) -> bool:
    if isinstance(query, MatchAll):
        return True
    if isinstance(query, And):
        return all(matches(item, doc) for item in query.items)
    if isinstance(query, Or):
        return any(matches(item, doc) for item in query.items)
    if isinstance(query, Not):
        return not matches(query.item, doc)
    if isinstance(query, Near):
        left, right = tokens(query.left.text), tokens(query.right.text)
        for text in field_texts(doc, query.field):
            toks = tokens(text)
            for i in _starts(toks, left):
                for j in _starts(toks, right):
                    gap = j - (i + len(left)) if j >= i else i - (j + len(right))
                    if 0 <= gap <= query.distance:
                        return True
        return False
    needle = tokens(query.text)
    for text in field_texts(doc, query.field):
        toks = tokens(text)
        if isinstance(query, Term) and query.fuzziness and len(needle) == 1:
            if any(_distance(t, needle[0]) <= query.fuzziness for t in toks):
                return True
        elif _starts(toks, needle):
            return True
    return False


__all__ = ["Phrase", "matches", "tokens"]
