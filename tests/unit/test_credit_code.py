"""Tests for unified social credit code validation (GB 32100-2015)."""

from __future__ import annotations

import random

import pytest

from services.customer.domain.credit_code import (
    CHARSET,
    InvalidCreditCode,
    check_character,
    validate_credit_code,
)

# Published codes: the example cited in many GB 32100 write-ups, 华为技术有限公司 and
# 北京小米科技有限责任公司.
PUBLIC_CODES = ["91350100M000100Y43", "91440300708461136T", "91110108551385082Q"]


def test_charset_is_the_standard_one() -> None:
    assert len(CHARSET) == 31
    assert not set("IOSVZ") & set(CHARSET)


def test_weights_match_the_standard_table() -> None:
    # GB 32100-2015 lists the weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; a body
    # with a single 1 at position i therefore sums to that weight.
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    for position, weight in enumerate(weights):
        body = "0" * position + "1" + "0" * (16 - position)
        assert check_character(body) == CHARSET[(31 - weight) % 31]


@pytest.mark.parametrize("code", PUBLIC_CODES)
def test_public_codes_validate(code: str) -> None:
    assert validate_credit_code(code) == code


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("00000000000000000", "0"),  # sum 0 -> (31 - 0) % 31 = 0, not the 31st character
        ("91350100M000100Y4", "3"),
        ("91440300708461136", "T"),
        ("91110108551385082", "Q"),
    ],
)
def test_check_character(body: str, check: str) -> None:
    assert check_character(body) == check


def test_generated_codes_round_trip() -> None:
    rng = random.Random(32100)
    for _ in range(500):
        body = "".join(rng.choice(CHARSET) for _ in range(17))
        code = body + check_character(body)
        assert validate_credit_code(code) == code
        # Any other final character is refused.
        wrong = CHARSET[(CHARSET.index(code[17]) + 1) % 31]
        with pytest.raises(InvalidCreditCode, match="check character mismatch"):
            validate_credit_code(body + wrong)


def test_normalizes_whitespace_and_case() -> None:
    assert validate_credit_code("  91350100m000100y43\n") == "91350100M000100Y43"
    assert validate_credit_code("9135 0100 M000 100Y 43") == "91350100M000100Y43"
    assert validate_credit_code("９１３５０１００ｍ０００１００ｙ４３") == "91350100M000100Y43"


def test_single_character_typo_is_caught() -> None:
    with pytest.raises(InvalidCreditCode, match="got '8', expected '3'"):
        validate_credit_code("91350100M000100Y48")
    with pytest.raises(InvalidCreditCode, match="check character mismatch"):
        validate_credit_code("91350100M000101Y43")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "has 18 characters, got 0"),
        ("91350100M000100Y4", "has 18 characters, got 17"),
        ("91350100M000100Y433", "has 18 characters, got 19"),
        ("91350100I000100Y43", "bad character 'I' at position 9"),
        ("91350100M000100O43", "bad character 'O' at position 16"),
        ("S1350100M000100Y43", "bad character 'S' at position 1"),
        ("91350100M000100Y4Z", "bad character 'Z' at position 18"),
        ("91350100M000100V43", "bad character 'V' at position 16"),
        ("9135010ⅠM000100Y43", "bad character 'I' at position 8"),  # Roman numeral Ⅰ
        ("91350100M-00100Y43", "bad character '-' at position 10"),
    ],
)
def test_rejections(raw: str, message: str) -> None:
    with pytest.raises(InvalidCreditCode, match=message):
        validate_credit_code(raw)


def test_check_character_rejects_bad_bodies() -> None:
    with pytest.raises(InvalidCreditCode, match="17 characters"):
        check_character("1234")
    with pytest.raises(InvalidCreditCode, match="position 3"):
        check_character("91I50100M000100Y4")
