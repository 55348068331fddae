"""The search query language: what parses to what, and errors that name their position."""

from __future__ import annotations

import pytest

from services.search.domain.query import (
    And,
    MatchAll,
    Near,
    Not,
    Or,
    Phrase,
    QuerySyntaxError,
    SearchField,
    Term,
    is_latin,
    parse_query,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", MatchAll()),
        ("   ", MatchAll()),
        ("违约责任", Term("违约责任")),
        ('"不可抗力 通知"', Phrase("不可抗力 通知")),
        ("违约 赔偿", And((Term("违约"), Term("赔偿")))),
        ("违约 AND 赔偿", And((Term("违约"), Term("赔偿")))),
        ("违约 OR 赔偿", Or((Term("违约"), Term("赔偿")))),
        ("NOT 保密", Not(Term("保密"))),
        ("违约 NOT 保密", And((Term("违约"), Not(Term("保密"))))),
        ("a OR b c", Or((Term("a"), And((Term("b"), Term("c")))))),
        ("(a OR b) c", And((Or((Term("a"), Term("b"))), Term("c")))),
        ("违约 NEAR/5 赔偿", Near(Term("违约"), Term("赔偿"), 5)),
        ('"违约 金" NEAR/3 赔偿', Near(Phrase("违约 金"), Term("赔偿"), 3)),
        ("title:框架协议", Term("框架协议", SearchField.TITLE)),
        ("PARTY:华为", Term("华为", SearchField.PARTY)),
        ('clause:"争议 解决"', Phrase("争议 解决", SearchField.CLAUSE)),
        (
            "party:(华为 OR 腾讯)",
            Or((Term("华为", SearchField.PARTY), Term("腾讯", SearchField.PARTY))),
        ),
        ("Huawei~", Term("Huawei", fuzziness=2)),
        ("Bosch~", Term("Bosch", fuzziness=1)),
        ("Huawei~1", Term("Huawei", fuzziness=1)),
        ("ab~", Term("ab", fuzziness=0)),
        ("10:30", Term("10:30")),
        ("and or not", And((Term("and"), Term("or"), Term("not")))),
    ],
)
def test_parses(text: str, expected: object) -> None:
    assert parse_query(text) == expected


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("(违约", 3, "')' is missing"),
        ("违约)", 2, "without its '('"),
        ('违约 "赔偿', 3, "unterminated phrase"),
        ("foo:bar", 0, "unknown field"),
        ("违约~", 0, "Latin-script"),
        ("NOT", 3, "ends where a word was expected"),
        ("违约 AND", 6, "ends where a word was expected"),
        ("OR 违约", 0, "a word was expected"),
        ("()", 0, "empty parentheses"),
        ("违约 NEAR/ 赔偿", 3, "NEAR needs a distance"),
        ("违约 NEAR/99 赔偿", 3, "at most 50"),
        ("(a OR b) NEAR/3 c", 0, "NEAR joins two words"),
        ("title:a NEAR/3 party:b", 8, "same field"),
        ('"违约 赔偿"~5', 7, "NEAR/n"),
        ("title:", 0, "needs a word"),
        ("title:party:x", 6, "inside another"),
        ("，。", 0, "nothing to search for"),
        ("Huawei~3", 0, "at most 2"),
    ],
)
def test_errors_name_the_position(text: str, position: int, words: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(text)
    assert caught.value.position == position
    assert words in caught.value.message
    assert caught.value.violations[0].field == "query"
    assert caught.value.reason == "INVALID_QUERY"
    assert caught.value.metadata == {"position": str(position)}


def test_too_long_and_too_deep_are_refused() -> None:
    with pytest.raises(QuerySyntaxError):
        parse_query("违" * 1001)
    with pytest.raises(QuerySyntaxError, match="nest too deep"):
        parse_query("(" * 40 + "a" + ")" * 40)


def test_latin_script() -> None:
    assert is_latin("Huawei")
    assert is_latin("Müller")
    assert not is_latin("华为")
    assert not is_latin("Hua-wei")
