"""Conversions between protobuf well-known types and Python values."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from google.protobuf import timestamp_pb2
from google.type import date_pb2, money_pb2

from callops.customer.v1 import customer_pb2 as pb
from services.common import convert
from services.common.convert import EnumMap
from services.common.errors import InvalidArgument
from services.customer.domain import model
from services.customer.domain.rules import (
    CreditRating,
    FollowUpKind,
    Grade,
    SurveyBand,
    TicketPriority,
)

ID = "0123456789abcdef0123456789abcdef"
OTHER = "fedcba9876543210fedcba9876543210"


def violation(exc: pytest.ExceptionInfo[InvalidArgument]) -> tuple[str, str]:
    (v,) = exc.value.violations
    return v.field, v.description


# --- money ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "units", "nanos"),
    [
        ("0", 0, 0),
        ("1234.56", 1234, 560_000_000),
        ("500000", 500_000, 0),
        ("0.000000001", 0, 1),
        ("-1.5", -1, -500_000_000),
        ("-0.25", 0, -250_000_000),
        ("99999999999.999999999", 99_999_999_999, 999_999_999),
    ],
)
def test_money_round_trip(amount: str, units: int, nanos: int) -> None:
    money = convert.to_money(Decimal(amount))
    assert money is not None
    assert (money.currency_code, money.units, money.nanos) == ("CNY", units, nanos)
    assert convert.from_money(money, "amount") == Decimal(amount)


def test_no_amount_is_no_money() -> None:
    assert convert.to_money(None) is None


def test_money_below_a_nano_is_truncated_not_rounded_up() -> None:
    money = convert.to_money(Decimal("0.0000000019"))
    assert money is not None and money.nanos == 1


@pytest.mark.parametrize("currency", ["", "CNY"])
def test_cny_or_unset_currency_is_accepted(currency: str) -> None:
    money = money_pb2.Money(currency_code=currency, units=10, nanos=500_000_000)
    assert convert.from_money(money, "amount") == Decimal("10.5")


@pytest.mark.parametrize("currency", ["USD", "cny", "RMB"])
def test_other_currencies_are_refused(currency: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        convert.from_money(money_pb2.Money(currency_code=currency, units=1), "figures.amount")
    assert violation(exc) == ("figures.amount.currency_code", "only CNY amounts are accepted")


@pytest.mark.parametrize(
    ("units", "nanos"),
    [(0, 1_000_000_000), (0, -1_000_000_000), (1, -1), (-1, 1), (5, -500_000_000)],
)
def test_bad_nanos_are_refused(units: int, nanos: int) -> None:
    with pytest.raises(InvalidArgument) as exc:
        convert.from_money(money_pb2.Money(currency_code="CNY", units=units, nanos=nanos), "a")
    assert violation(exc) == ("a.nanos", "out of range or of the wrong sign")


@pytest.mark.parametrize(
    ("units", "nanos", "amount"),
    [(0, -1, "-0.000000001"), (0, 999_999_999, "0.999999999"), (-3, -999_999_999, "-3.999999999")],
)
def test_nanos_at_their_limits(units: int, nanos: int, amount: str) -> None:
    money = money_pb2.Money(currency_code="CNY", units=units, nanos=nanos)
    assert convert.from_money(money, "a") == Decimal(amount)


# --- dates and timestamps -------------------------------------------------------------------


def test_date_round_trip() -> None:
    proto = convert.to_date(date(2024, 2, 29))
    assert proto == date_pb2.Date(year=2024, month=2, day=29)
    assert convert.from_date(proto, "d") == date(2024, 2, 29)
    assert convert.to_date(None) is None


def test_all_zero_date_is_unset() -> None:
    assert convert.from_date(date_pb2.Date(), "d") is None


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [(2026, 2, 29), (2026, 13, 1), (2026, 4, 31), (2026, 0, 0), (2026, 3, 0), (0, 3, 1), (0, 0, 1)],
)
def test_impossible_or_partial_dates_are_refused(year: int, month: int, day: int) -> None:
    with pytest.raises(InvalidArgument) as exc:
        convert.from_date(
            date_pb2.Date(year=year, month=month, day=day), "customer.cooperation_start_date"
        )
    field, description = violation(exc)
    assert field == "customer.cooperation_start_date"
    assert "not a calendar date" in description


def test_timestamp_is_utc() -> None:
    local = datetime(2026, 3, 2, 10, 0, 0, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    ts = convert.timestamp(local)
    assert ts is not None
    assert ts.seconds == int(datetime(2026, 3, 2, 2, 0, tzinfo=UTC).timestamp())
    assert ts.nanos == 123_456_000
    back = convert.from_timestamp(ts, present=True)
    assert back == local and back is not None and back.tzinfo is UTC
    assert back == datetime(2026, 3, 2, 2, 0, 0, 123456, tzinfo=UTC)
    assert convert.timestamp(None) is None


def test_timestamp_from_any_offset() -> None:
    at = datetime(2026, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=-5)))
    ts = convert.timestamp(at)
    assert ts is not None
    assert ts.ToDatetime(tzinfo=UTC) == datetime(2026, 1, 1, 5, 0, tzinfo=UTC)


def test_absent_timestamp_is_none() -> None:
    assert convert.from_timestamp(timestamp_pb2.Timestamp(), present=False) is None
    epoch = convert.from_timestamp(timestamp_pb2.Timestamp(), present=True)
    assert epoch == datetime(1970, 1, 1, tzinfo=UTC)


# --- resource names -------------------------------------------------------------------------


def test_parse_name() -> None:
    assert convert.parse_name(f"customers/{ID}", "customers", "name") == ID
    assert convert.parse_optional_name("", "tickets", "survey.ticket") is None
    assert convert.parse_optional_name(f"tickets/{ID}", "tickets", "survey.ticket") == ID


@pytest.mark.parametrize(
    "name",
    [
        "",
        "customers/",
        ID,
        f"contacts/{ID}",
        f"customers/{ID.upper()}",
        f"customers/{ID}/",
        f"customers/{ID[:-1]}",
        f"customers/{ID}0",
        f"customers//{ID}",
        f"Customers/{ID}",
        f"customers/{ID[:-1]}g",
        f" customers/{ID}",
        f"customers/{ID}\n",
    ],
)
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        convert.parse_name(name, "customers", "customer.name")
    assert violation(exc) == (
        "customer.name",
        "must be a resource name like customers/<32 hex digits>",
    )


def test_parse_nested_name() -> None:
    name = f"interactions/{ID}/todos/{OTHER}"
    assert convert.parse_nested_name(name, "interactions", "todos", "name") == (ID, OTHER)


@pytest.mark.parametrize(
    "name",
    [
        f"todos/{OTHER}/interactions/{ID}",
        f"interactions/{ID}",
        f"interactions/{ID}/todos/",
        f"interactions/{ID}/notes/{OTHER}",
        f"interactions/{ID}/todos/{OTHER}/x",
        f"interactions/{ID.upper()}/todos/{OTHER}",
        f"todos/{OTHER}",
        f"interactions/{ID}/todos/{OTHER}\n",
    ],
)
def test_bad_nested_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        convert.parse_nested_name(name, "interactions", "todos", "name")
    assert violation(exc) == ("name", "must be a name like interactions/<id>/todos/<id>")


# --- enums ----------------------------------------------------------------------------------

PAIRS: list[tuple[Any, str, type[enum.Enum]]] = [
    (pb.Customer.Kind, "KIND", model.CustomerKind),
    (pb.Customer.Grade, "GRADE", Grade),
    (pb.Customer.CreditRating, "CREDIT_RATING", CreditRating),
    (pb.Customer.LifecycleStage, "LIFECYCLE_STAGE", model.LifecycleStage),
    (pb.Customer.LeadStage, "LEAD_STAGE", model.LeadStage),
    (pb.Contact.Gender, "GENDER", model.Gender),
    (pb.Interaction.Channel, "CHANNEL", model.Channel),
    (pb.Todo.State, "STATE", model.TodoState),
    (pb.Ticket.State, "STATE", model.TicketState),
    (pb.Ticket.Priority, "PRIORITY", TicketPriority),
    (pb.Survey.Band, "BAND", SurveyBand),
    (pb.FollowUp.Kind, "KIND", FollowUpKind),
    (pb.FollowUp.State, "STATE", model.FollowUpState),
]


@pytest.mark.parametrize(
    ("wrapper", "prefix", "cls"), PAIRS, ids=[f"{p}:{c.__name__}" for _, p, c in PAIRS]
)
def test_every_domain_value_has_a_proto_twin(
    wrapper: Any, prefix: str, cls: type[enum.Enum]
) -> None:
    mapping = EnumMap(wrapper, prefix, cls)
    assert len(wrapper.keys()) == len(cls)
    for member in cls:
        number = mapping.out(member)
        assert wrapper.Name(number) == f"{prefix}_{member.name}"
        assert mapping.into(number, "f") is member
    assert mapping.out(cls["UNSPECIFIED"]) == 0
    assert mapping.filter_values() == {f"{prefix}_{m.name}" for m in cls} - {
        f"{prefix}_UNSPECIFIED"
    }


def test_enum_map_by_name() -> None:
    grades = EnumMap(pb.Customer.Grade, "GRADE", Grade)
    assert grades.out(Grade.KEY) == pb.Customer.GRADE_KEY
    assert grades.into(pb.Customer.GRADE_STRATEGIC, "customer.grade") is Grade.STRATEGIC
    assert grades.into(0, "customer.grade") is Grade.UNSPECIFIED
    assert grades.from_filter("GRADE_NORMAL") is Grade.NORMAL


@pytest.mark.parametrize("number", [4, 99, -1, 2**31 - 1])
def test_unknown_enum_numbers_are_refused(number: int) -> None:
    grades = EnumMap(pb.Customer.Grade, "GRADE", Grade)
    with pytest.raises(InvalidArgument) as exc:
        grades.into(number, "customer.grade")
    assert violation(exc) == ("customer.grade", f"unknown enum value {number}")


def test_unknown_enum_number_from_the_wire() -> None:
    # proto3 enums are open: a newer client's value arrives as its number.
    msg = pb.Customer.FromString(pb.Customer(grade=2).SerializeToString().replace(b"\x02", b"\x07"))
    assert msg.grade == 7
    with pytest.raises(InvalidArgument):
        EnumMap(pb.Customer.Grade, "GRADE", Grade).into(msg.grade, "customer.grade")
