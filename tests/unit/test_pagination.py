"""Page tokens, the AIP-160 filter subset, order_by and page sizes."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime

import pytest

from services.common.errors import InvalidArgument
from services.common.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    FilterField,
    PageTokens,
    keyset_position,
    page_size,
    parse_filter,
    parse_order_by,
)

TOKENS = PageTokens(b"page-token-secret")
QUERY = "filter=grade = GRADE_KEY|order_by=create_time desc"
FIELDS = {
    "full_name": FilterField(prefix=True),
    "city": FilterField(),
    "grade": FilterField(enum_values=frozenset({"GRADE_NORMAL", "GRADE_KEY"})),
    "owner": FilterField(),
}


def violation(exc: pytest.ExceptionInfo[InvalidArgument]) -> tuple[str, str]:
    (v,) = exc.value.violations
    return v.field, v.description


# --- page tokens ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "position",
    [
        keyset_position(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), "a" * 32),
        keyset_position(date(2026, 3, 2), "b" * 32),
        keyset_position("上海云呼", "c" * 32),
        keyset_position(12, "d" * 32),
    ],
)
def test_token_round_trip(position: dict[str, object]) -> None:
    token = TOKENS.encode(position, QUERY)
    assert "=" not in token and "/" not in token and "+" not in token  # URL-safe, unpadded
    assert TOKENS.decode(token, QUERY) == position


def test_keyset_position_writes_dates_as_iso() -> None:
    at = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    assert keyset_position(at, "x") == {"k": "2026-03-02T02:00:00+00:00", "id": "x"}
    assert keyset_position(date(2026, 3, 2), "x") == {"k": "2026-03-02", "id": "x"}


def test_empty_token_is_the_first_page() -> None:
    assert TOKENS.decode("", QUERY) is None


def _tampered(token: str) -> str:
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    mac, body = raw[:12], raw[12:]
    data = json.loads(body)
    data["p"]["id"] = "f" * 32
    forged = mac + json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(forged).decode().rstrip("=")


def test_tampered_token_is_refused() -> None:
    token = TOKENS.encode(keyset_position("x", "a" * 32), QUERY)
    with pytest.raises(InvalidArgument) as exc:
        TOKENS.decode(_tampered(token), QUERY)
    assert violation(exc) == ("page_token", "not a page token from this list")


def test_token_signed_with_another_secret_is_refused() -> None:
    token = PageTokens(b"another-secret").encode(keyset_position("x", "a"), QUERY)
    with pytest.raises(InvalidArgument):
        TOKENS.decode(token, QUERY)


def test_token_from_another_query_is_refused() -> None:
    token = TOKENS.encode(keyset_position("x", "a"), QUERY)
    with pytest.raises(InvalidArgument) as exc:
        TOKENS.decode(token, QUERY.replace("desc", "asc"), field="next_page")
    assert violation(exc) == ("next_page", "the filter or order changed since this token was made")


@pytest.mark.parametrize(
    "garbage",
    [
        "x",
        "not a token!",
        "====",
        "a" * 7,
        "é" * 8,
        base64.urlsafe_b64encode(b"\xff" * 40).decode(),
        base64.urlsafe_b64encode(b"\x00" * 12).decode(),
    ],
)
def test_garbage_token_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        TOKENS.decode(garbage, QUERY)
    assert violation(exc) == ("page_token", "not a page token from this list")


def test_truncated_token_is_refused() -> None:
    token = TOKENS.encode(keyset_position("x", "a" * 32), QUERY)
    with pytest.raises(InvalidArgument):
        TOKENS.decode(token[:-3], QUERY)


# --- filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("", {}),
        ("   ", {}),
        ('city = "上海"', {"city": "上海"}),
        ('full_name = "上海*"', {"full_name": "上海*"}),
        ('full_name="上海 云呼 (集团)"', {"full_name": "上海 云呼 (集团)"}),
        ('city = "say \\"hi\\""', {"city": 'say "hi"'}),
        ('city = "a\\\\b"', {"city": "a\\b"}),
        ('city = "\\u4e0a\\u6d77"', {"city": "上海"}),
        ("grade = GRADE_KEY", {"grade": "GRADE_KEY"}),
        (
            'grade = GRADE_KEY AND city = "北京" AND owner = users/zhang.san',
            {"grade": "GRADE_KEY", "city": "北京", "owner": "users/zhang.san"},
        ),
        ("  grade=GRADE_NORMAL   AND   city=杭州  ", {"grade": "GRADE_NORMAL", "city": "杭州"}),
    ],
)
def test_parse_filter(text: str, terms: dict[str, str]) -> None:
    assert parse_filter(text, FIELDS) == terms


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('region = "华东"', "unknown field 'region'; known: city, full_name, grade, owner"),
        ("grade = GRADE_VIP", "grade must be one of GRADE_KEY, GRADE_NORMAL"),
        ('grade = "grade_key"', "grade must be one of"),
        ('city = "上海" AND city = "北京"', "city given twice"),
        ('city = "上海" grade = GRADE_KEY', "terms are joined by AND"),
        ('city = "上海" and grade = GRADE_KEY', "terms are joined by AND"),
        ('city = "上海" OR grade = GRADE_KEY', "terms are joined by AND"),
        ('city = "上海" AND', "terms are joined by AND"),
        ('city = "上海" AND ', "terms are joined by AND"),
        ("city", "expected `field = value`"),
        ("city = ", "expected `field = value`"),
        ('city = "上海', "expected `field = value`"),
        ('city != "上海"', "expected `field = value`"),
        ("(city = 上海)", "expected `field = value`"),
        ('city = "a\\qb"', "bad quoted value for city"),
        ('city = "a\tb"', "bad quoted value for city"),
    ],
)
def test_bad_filters_are_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        parse_filter(text, FIELDS)
    field, description = violation(exc)
    assert field == "filter"
    assert message in description


def test_filter_errors_name_the_request_field() -> None:
    with pytest.raises(InvalidArgument) as exc:
        parse_filter("x = 1", FIELDS, field="query.filter")
    assert violation(exc)[0] == "query.filter"


# --- order_by and page size -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("", ("create_time", False)),
        ("  ", ("create_time", False)),
        ("full_name", ("full_name", False)),
        ("full_name asc", ("full_name", False)),
        ("full_name desc", ("full_name", True)),
        ("  update_time   desc ", ("update_time", True)),
    ],
)
def test_parse_order_by(text: str, parsed: tuple[str, bool]) -> None:
    allowed = {"create_time", "update_time", "full_name"}
    assert parse_order_by(text, allowed, "create_time") == parsed


@pytest.mark.parametrize(
    "text",
    [
        "grade",
        "full_name DESC",
        "full_name descending",
        "full_name desc extra",
        "full_name,create_time",
        "-full_name",
    ],
)
def test_bad_order_by_is_refused(text: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        parse_order_by(text, {"create_time", "full_name"}, "create_time")
    field, description = violation(exc)
    assert field == "order_by"
    assert description == "use one of create_time, full_name, optionally with desc"


@pytest.mark.parametrize(
    ("requested", "size"),
    [
        (0, DEFAULT_PAGE_SIZE),
        (1, 1),
        (50, 50),
        (499, 499),
        (500, MAX_PAGE_SIZE),
        (501, MAX_PAGE_SIZE),
        (1000, MAX_PAGE_SIZE),
    ],
)
def test_page_size(requested: int, size: int) -> None:
    assert (DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE) == (50, 500)
    assert page_size(requested) == size


def test_negative_page_size_is_refused() -> None:
    with pytest.raises(InvalidArgument) as exc:
        page_size(-1, field="query.page_size")
    assert violation(exc) == ("query.page_size", "must not be negative")
