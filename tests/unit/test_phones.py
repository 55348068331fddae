"""Tests for phone normalization: accepted formats, rejections, fast path, geography."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from services.customer.domain import phones
from services.customer.domain.phones import InvalidPhoneNumber, region_of, to_e164


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("86 13800138000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("0086-138-0013-8000", "+8613800138000"),
        ("138-0013-8000", "+8613800138000"),
        ("138.0013.8000", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),
        ("＋８６　１３８００１３８０００", "+8613800138000"),
        ("  13800138000\t\n", "+8613800138000"),
        ("010-12345678", "+861012345678"),
        ("(010)12345678", "+861012345678"),
        ("（010）12345678", "+861012345678"),
        ("021 6123 4567", "+862161234567"),
        ("0755-12345678", "+8675512345678"),
        ("+1 650-253-0000", "+16502530000"),
    ],
)
def test_accepted_formats(raw: str, expected: str) -> None:
    assert to_e164(raw) == expected


def test_other_default_region() -> None:
    assert to_e164("(650) 253-0000", region="US") == "+16502530000"
    assert to_e164("9123 4567", region="HK") == "+85291234567"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("1-800-FLOWERS", "unexpected character 'F'"),  # phonenumbers would take it as keypad
        ("1380013800a", "unexpected character 'a'"),
        ("010-12345678 ext 5", "unexpected character 'e'"),
        ("13800138000#12", "unexpected character '#'"),
        ("电话13800138000", "unexpected character '电'"),
        ("1", "does not look like a phone number"),
        ("12", "is too short"),
        ("138001380", "not a valid number"),
        ("1380013800012", "is too long"),
        ("+86 10 1234 5678 9012 3456 78", "is too long"),
        ("0086", "too short after the 00 prefix"),
        ("+999 1234567", "unknown country code"),
        ("11111111111", "not a valid number"),
        ("010-1234", "not a valid number"),
    ],
)
def test_rejected_inputs(raw: str, message: str) -> None:
    with pytest.raises(InvalidPhoneNumber, match=message):
        to_e164(raw)


def test_invalid_phone_number_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        to_e164("not a phone")


def _reference(raw: str) -> str | None:
    """What phonenumbers alone says: the E.164 form of a valid number, else None."""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _generated_mobiles() -> list[str]:
    # Every 5-digit prefix 10000-19999 (as deep as the deepest branch of the CN mobile
    # pattern, 1740x) with a random tail, plus more tails per 4-digit prefix; seeded so a
    # failure can be replayed.
    rng = random.Random(20260924)
    five = [f"{prefix}{rng.randrange(10**6):06d}" for prefix in range(10_000, 20_000)]
    four = [
        f"{prefix}{rng.randrange(10**7):07d}" for prefix in range(1_000, 2_000) for _ in range(5)
    ]
    return five + four


def test_fast_path_agrees_with_phonenumbers() -> None:
    fast_hits = 0
    valid = 0
    for raw in _generated_mobiles():
        expected = _reference(raw)
        fast = phones._fast_cn_mobile(raw)
        if fast is not None:
            fast_hits += 1
            assert fast == expected, raw
        if expected is None:
            with pytest.raises(InvalidPhoneNumber):
                to_e164(raw)
        else:
            valid += 1
            assert to_e164(raw) == expected, raw
    # The fast path must actually carry the common case, not fall through every time.
    assert fast_hits > 0
    assert fast_hits == valid


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        " 15912345678 ",
        "17400012345",
        "19912345678",
    ],
)
def test_fast_path_takes_common_mobiles(raw: str) -> None:
    assert phones._fast_cn_mobile(raw) == _reference(raw) is not None


@pytest.mark.parametrize(
    "raw",
    [
        "12345678901",  # 12 is not a mobile range
        "17951380013",  # 179xx is a carrier-selection prefix
        "14012345678",  # 140 is not assigned
        "１３８００１３８０００",  # full-width digits: left to the full parser
        "+8613800138000",
        "1380013800",
    ],
)
def test_fast_path_declines(raw: str) -> None:
    assert phones._fast_cn_mobile(raw) is None


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+8613800138000", "北京市"),
        ("+861012345678", "北京市"),
        ("+862161234567", "上海市"),
        ("+8675512345678", "广东省深圳市"),
        ("+16502530000", "美国"),
        ("+8617400012345", "中国"),  # satellite range: no finer data than the country
        ("+8640012345678", ""),  # not a valid number
        ("13800138000", ""),  # not E.164
        ("", ""),
    ],
)
def test_region_of(e164: str, expected: str) -> None:
    assert region_of(e164) == expected
