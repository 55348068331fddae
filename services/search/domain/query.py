"""The query language legal users type, its syntax tree and a recursive-descent parser.

违约责任               a word: Chinese needs no spaces; matches that exact character sequence
"不可抗力 通知"        an exact phrase (spaces inside are ignored for Chinese)
A AND B, A B           both (AND is implied between neighbours)
A OR B, NOT A          either; without
( ... )                grouping; NOT binds tighter than AND, AND tighter than OR
违约 NEAR/5 赔偿       both, in either order, with at most 5 characters (or Latin words)
                       between them; operands are words or phrases
title:  party:  clause:  number:  text:    search one field (also before a group or phrase)
Huawei~  Huawei~1      fuzzy match for Latin-script words (~ alone: distance by length)
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

from services.common.errors import FieldViolation, InvalidArgument

MAX_QUERY_LENGTH = 1000
MAX_DEPTH = 32
MAX_NEAR_DISTANCE = 50
MAX_FUZZINESS = 2


class SearchField(enum.Enum):
    """The searchable parts of a contract; a query without a prefix searches them all."""

    TITLE = "title"
    PARTY = "party"
    CLAUSE = "clause"
    NUMBER = "number"
    TEXT = "text"
    DOCUMENT = "document"  # the text of the files stored with the contract


@dataclass(frozen=True)
class Term:
    """A word: an exact character sequence (Chinese) or a whole word (Latin script)."""

    text: str
    field: SearchField | None = None
    fuzziness: int = 0


@dataclass(frozen=True)
class Phrase:
    """Words in this order, next to each other."""

    text: str
    field: SearchField | None = None


@dataclass(frozen=True)
class Near:
    """Two words or phrases, in either order, with at most `distance` tokens between them."""

    left: Term | Phrase
    right: Term | Phrase
    distance: int

    @property
    def field(self) -> SearchField | None:
        return self.left.field


@dataclass(frozen=True)
class And:
    items: tuple[Query, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Query, ...]


@dataclass(frozen=True)
class Not:
    item: Query


@dataclass(frozen=True)
class MatchAll:
    """The empty query: every contract the caller may see (filters still apply)."""


Query = Term | Phrase | Near | And | Or | Not | MatchAll


class QuerySyntaxError(InvalidArgument):
    """The query text does not parse; `position` is the 0-based character offset at fault."""

    default_reason = "INVALID_QUERY"

    def __init__(self, message: str, position: int, field: str = "query") -> None:
        self.position = position
        super().__init__(
            FieldViolation(field, f"{message} (at position {position})"),
            metadata={"position": str(position)},
        )


def is_latin(text: str) -> bool:
    """True for words written in Latin script (and digits): the ones fuzzy matching suits."""
    for ch in text:
        if ch.isascii():
            if not ch.isalnum():
                return False
        elif not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return bool(text)


def auto_fuzziness(word: str) -> int:
    """Edit distance by length, as Elasticsearch's AUTO: short names must match exactly."""
    if len(word) <= 2:
        return 0
    return 1 if len(word) <= 5 else 2


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions counting one, as fuzzy queries do."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return previous[len(b)]


class _Kind(enum.Enum):
    WORD = "word"
    PHRASE = "phrase"
    FIELD = "field"
    LPAREN = "("
    RPAREN = ")"
    AND = "AND"
    OR = "OR"
    NOT = "NOT"
    NEAR = "NEAR"
    END = "end"


@dataclass(frozen=True)
class _Token:
    kind: _Kind
    text: str
    position: int
    number: int | None = None  # NEAR/n distance; explicit ~n fuzziness (-1: automatic)


_NEAR = re.compile(r"NEAR/(\d+)$")
_FUZZY = re.compile(r"^(.*?)~(\d*)$", re.S)
_FIELD_NAME = re.compile(r"[A-Za-z]+")
_FIELDS = {f.value: f for f in SearchField}
_STOP = set('()"') | {" ", "\t", "\n", "\r", "\u3000"}


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token(_Kind.LPAREN if ch == "(" else _Kind.RPAREN, ch, i))
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError('unterminated phrase: a closing " is missing', i)
            if end + 1 < n and text[end + 1] == "~":
                raise QuerySyntaxError('proximity is written A NEAR/n B, not "..."~n', end + 1)
            tokens.append(_Token(_Kind.PHRASE, text[i + 1 : end], i))
            i = end + 1
        else:
            start = i
            while i < n and text[i] not in _STOP and not text[i].isspace():
                if text[i] == ":" and _FIELD_NAME.fullmatch(text[start:i]):
                    break
                i += 1
            word = text[start:i]
            if i < n and text[i] == ":":
                name = word.lower()
                if name not in _FIELDS:
                    known = ", ".join(f"{f}:" for f in _FIELDS)
                    raise QuerySyntaxError(f"unknown field {word!r}; use one of {known}", start)
                tokens.append(_Token(_Kind.FIELD, name, start))
                i += 1
                continue
            tokens.append(_word_token(word, start))
    tokens.append(_Token(_Kind.END, "", n))
    return tokens


def _word_token(word: str, start: int) -> _Token:
    if word in ("AND", "OR", "NOT"):
        return _Token(_Kind[word], word, start)
    near = _NEAR.match(word)
    if near:
        return _Token(_Kind.NEAR, word, start, int(near.group(1)))
    if word.startswith("NEAR/"):
        raise QuerySyntaxError("NEAR needs a distance: NEAR/5", start)
    fuzzy = _FUZZY.match(word)
    if fuzzy:
        stem, digits = fuzzy.groups()
        return _Token(_Kind.WORD, stem, start, int(digits) if digits else -1)
    return _Token(_Kind.WORD, word, start)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.i]

    def kind(self) -> _Kind:
        return self.tokens[self.i].kind

    def advance(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Query:
        if self.kind() is _Kind.END:
            return MatchAll()
        query = self.or_(None)
        if self.kind() is not _Kind.END:
            token = self.current
            what = "a ')' without its '('" if token.kind is _Kind.RPAREN else repr(token.text)
            raise QuerySyntaxError(f"unexpected {what}", token.position)
        return query

    def or_(self, field: SearchField | None) -> Query:
        items = [self.and_(field)]
        while self.kind() is _Kind.OR:
            self.advance()
            items.append(self.and_(field))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self, field: SearchField | None) -> Query:
        items = [self.unary(field)]
        while self.kind() not in (_Kind.OR, _Kind.RPAREN, _Kind.END):
            if self.kind() is _Kind.AND:
                self.advance()
            items.append(self.unary(field))
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self, field: SearchField | None) -> Query:
        if self.kind() is _Kind.NOT:
            self.advance()
            return Not(self.unary(field))
        return self.near(field)

    def near(self, field: SearchField | None) -> Query:
        left_token = self.current
        left = self.primary(field)
        if self.kind() is _Kind.NEAR:  # one NEAR per pair: A NEAR B NEAR C is refused
            near = self.advance()
            right_token = self.current
            right = self.primary(field)
            for operand, token in ((left, left_token), (right, right_token)):
                if not isinstance(operand, Term | Phrase) or (
                    isinstance(operand, Term) and operand.fuzziness
                ):
                    raise QuerySyntaxError("NEAR joins two words or phrases", token.position)
            assert isinstance(left, Term | Phrase) and isinstance(right, Term | Phrase)
            if left.field != right.field:
                raise QuerySyntaxError("NEAR needs both sides in the same field", near.position)
            distance = near.number or 0
            if distance > MAX_NEAR_DISTANCE:
                raise QuerySyntaxError(f"NEAR allows at most {MAX_NEAR_DISTANCE}", near.position)
            return Near(left, right, distance)
        return left

    def primary(self, field: SearchField | None) -> Query:
        token = self.advance()
        if token.kind is _Kind.LPAREN:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QuerySyntaxError("parentheses nest too deep", token.position)
            if self.kind() is _Kind.RPAREN:
                raise QuerySyntaxError("empty parentheses", token.position)
            inner = self.or_(field)
            if self.kind() is not _Kind.RPAREN:
                raise QuerySyntaxError("a ')' is missing", self.current.position)
            self.advance()
            self.depth -= 1
            return inner
        if token.kind is _Kind.FIELD:
            if field is not None:
                raise QuerySyntaxError("a field prefix inside another one", token.position)
            if self.kind() in (_Kind.END, _Kind.RPAREN, _Kind.OR, _Kind.AND):
                raise QuerySyntaxError(f"{token.text}: needs a word after it", token.position)
            return self.primary(_FIELDS[token.text])
        if token.kind is _Kind.PHRASE:
            text = " ".join(token.text.split())
            if not any(ch.isalnum() for ch in text):
                raise QuerySyntaxError("an empty phrase", token.position)
            return Phrase(text, field)
        if token.kind is _Kind.WORD:
            return self.word(token, field)
        if token.kind is _Kind.END:
            raise QuerySyntaxError("the query ends where a word was expected", token.position)
        raise QuerySyntaxError(f"a word was expected, not {token.text!r}", token.position)

    def word(self, token: _Token, field: SearchField | None) -> Term:
        if not any(ch.isalnum() for ch in token.text):
            raise QuerySyntaxError(f"nothing to search for in {token.text!r}", token.position)
        if token.number is None:
            return Term(token.text, field)
        if not is_latin(token.text):
            raise QuerySyntaxError("fuzzy (~) applies to Latin-script words", token.position)
        fuzziness = auto_fuzziness(token.text) if token.number < 0 else token.number
        if fuzziness > MAX_FUZZINESS:
            raise QuerySyntaxError(f"fuzziness is at most {MAX_FUZZINESS}", token.position)
        return Term(token.text, field, fuzziness)


def parse_query(text: str) -> Query:
    """Parse the user's query; raises QuerySyntaxError (INVALID_ARGUMENT on `query`)."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"at most {MAX_QUERY_LENGTH} characters", MAX_QUERY_LENGTH)
    return _Parser(text).parse()
