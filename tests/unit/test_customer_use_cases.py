"""Customer use cases against the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from services.common.auth import Principal, principal_for
from services.common.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    StaleEtag,
)
from services.common.rights import DEFAULT_ROLE_RIGHTS
from services.customer.domain import events, model
from services.customer.domain.rules import (
    CreditRating,
    FollowUpKind,
    Grade,
    SurveyBand,
    Thresholds,
    TicketPriority,
)
from services.customer.service_layer import activities, customers
from services.customer.service_layer.customers import Deps
from tests.unit.fakes import Clock, FakeCustomerUnitOfWork, hex_id

# Monday 2 March 2026, 10:00 in Shanghai.
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
SALES = principal_for("zhang.san", ["sales"], "east", DEFAULT_ROLE_RIGHTS)
OTHER_SALES = principal_for("li.si", ["sales"], "east", DEFAULT_ROLE_RIGHTS)
SUPERVISOR = principal_for("wang.wu", ["supervisor"], "east", DEFAULT_ROLE_RIGHTS)
CODE_A = "91350100M000100Y43"
CODE_B = "91440300708461136T"


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def deps(clock: Clock) -> Deps:
    return Deps(Thresholds(), "Asia/Shanghai", clock)


@pytest.fixture
def uow() -> FakeCustomerUnitOfWork:
    return FakeCustomerUnitOfWork()


def values(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "full_name": "上海云呼科技有限公司",
        "kind": model.CustomerKind.ENTERPRISE,
        "owner": SALES.user_name,
        "credit_code": "",
        "tags": [],
    }
    return {**base, **overrides}


def contact(**overrides: Any) -> dict[str, Any]:
    return {"display_name": "王经理", "phone_numbers": ["13800138000"], **overrides}


def create(
    uow: FakeCustomerUnitOfWork,
    deps: Deps,
    actor: Principal = SALES,
    contacts: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> model.Customer:
    request_id = overrides.pop("request_id", "")
    allow = overrides.pop("allow_duplicate", False)
    return customers.create_customer(
        uow, deps, actor, values(**overrides), contacts or [], request_id, allow
    )


def fields_of(exc: pytest.ExceptionInfo[InvalidArgument]) -> set[str]:
    return {v.field for v in exc.value.violations}


# --- create ---------------------------------------------------------------------------------


def test_create_customer_with_generated_code(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(
        uow, deps, contacts=[contact(phone_numbers=["138 0013 8000", "+86 13800138000"])]
    )
    assert customer.code == "KH2026000001"
    assert customer.name_key == "上海云呼科技"
    assert customer.created_at == NOW and customer.version == 1
    assert customer.contacts[0].phone_numbers == ["+8613800138000"]  # normalized, deduplicated
    assert uow.committed
    assert uow.committed_events == [
        events.CustomerCreated(customer.resource_name, SALES.user_name, "上海云呼科技有限公司")
    ]
    assert uow.topics() == ["customer.CustomerCreated"]
    stored = customers.get_customer(uow, customer.id)
    assert stored is not customer and stored.contacts[0].customer_id == customer.id
    assert create(uow, deps, full_name="另一家公司").code == "KH2026000002"


def test_generated_code_uses_the_year_in_shanghai(uow: FakeCustomerUnitOfWork) -> None:
    # 31 Dec 2025 17:00 UTC is already 1 Jan 2026 in Shanghai.
    deps = Deps(Thresholds(), "Asia/Shanghai", Clock(datetime(2025, 12, 31, 17, 0, tzinfo=UTC)))
    assert create(uow, deps).code == "KH2026000001"


def test_create_with_a_given_code(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    assert create(uow, deps, code=" VIP-001 ").code == "VIP-001"
    with pytest.raises(AlreadyExists) as exc:
        create(uow, deps, code="VIP-001", full_name="别的公司")
    assert exc.value.reason == "CODE_TAKEN"
    assert exc.value.metadata == {"field": "customer.code"}
    with pytest.raises(InvalidArgument) as bad:
        create(uow, deps, code="VIP 001", full_name="别的公司")
    assert fields_of(bad) == {"customer.code"}


def test_create_names_every_field_at_fault(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    with pytest.raises(InvalidArgument) as exc:
        customers.create_customer(
            uow,
            deps,
            SALES,
            {
                "full_name": "  ",
                "kind": model.CustomerKind.UNSPECIFIED,
                "owner": "zhang.san",
                "credit_code": "91350100M000100Y48",
                "tags": ["ok", "x" * 31],
            },
            [
                contact(),
                contact(
                    display_name="", phone_numbers=["13800138000", "12345"], email="not-an-address"
                ),
            ],
            request_id="r" * 101,
        )
    assert fields_of(exc) == {
        "customer.full_name",
        "customer.kind",
        "customer.owner",
        "customer.credit_code",
        "customer.tags[1]",
        "contacts[1].display_name",
        "contacts[1].phone_numbers[1]",
        "contacts[1].email",
        "request_id",
    }
    assert "expected '3'" in str(exc.value)
    assert not uow.committed and uow.db.sequences == {}  # refused before any work


def test_missing_required_fields_are_reported(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    with pytest.raises(InvalidArgument) as exc:
        customers.create_customer(uow, deps, SALES, {}, [])
    assert fields_of(exc) == {"customer.full_name", "customer.kind", "customer.owner"}


def test_a_tag_of_30_characters_is_the_limit(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    assert create(uow, deps, tags=["x" * 30, " x" * 15, "x" * 30]).tags == [
        "x" * 30,
        ("x " * 15).strip(),
    ]


@pytest.mark.parametrize(
    ("first", "second", "matched_on"),
    [
        (
            {"credit_code": CODE_A},
            {"full_name": "完全不同的名字", "credit_code": CODE_A.lower()},
            "credit_code",
        ),
        ({}, {"full_name": "上海 云呼科技（有限公司）"}, "name"),
        (
            {"contacts": [contact()]},
            {"full_name": "另一个名字", "contacts": [contact(phone_numbers=["+86 138-0013-8000"])]},
            "phone_number",
        ),
        # The credit code is checked first.
        ({"credit_code": CODE_A}, {"credit_code": CODE_A}, "credit_code"),
    ],
)
def test_duplicates_are_refused_with_the_match(
    uow: FakeCustomerUnitOfWork,
    deps: Deps,
    first: dict[str, Any],
    second: dict[str, Any],
    matched_on: str,
) -> None:
    existing = create(uow, deps, **first)
    commits = uow.commits
    with pytest.raises(AlreadyExists) as exc:
        create(uow, deps, OTHER_SALES, owner=OTHER_SALES.user_name, **second)
    assert exc.value.reason == "DUPLICATE_CUSTOMER"
    assert exc.value.metadata == {
        "existing_customer": existing.resource_name,
        "owner": SALES.user_name,
        "matched_on": matched_on,
    }
    assert "allow_duplicate" in exc.value.message
    assert uow.commits == commits and len(uow.db.tables["customers"]) == 1


def test_different_customers_are_not_duplicates(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    create(uow, deps, credit_code=CODE_A, contacts=[contact()])
    other = create(
        uow,
        deps,
        full_name="北京云呼科技有限公司",
        credit_code=CODE_B,
        contacts=[contact(phone_numbers=["13900139000"])],
    )
    assert other.possible_duplicates == []


def test_deleted_customers_are_not_duplicates(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    first = create(uow, deps, credit_code=CODE_A)
    customers.delete_customer(uow, deps, SUPERVISOR, first.id, "")
    assert create(uow, deps, credit_code=CODE_A).id != first.id


def test_allow_duplicate_flags_both(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    existing = create(uow, deps, credit_code=CODE_A)
    dup = create(
        uow,
        deps,
        OTHER_SALES,
        owner=OTHER_SALES.user_name,
        full_name="别名",
        credit_code=CODE_A,
        allow_duplicate=True,
    )
    assert dup.possible_duplicates == [existing.resource_name]
    assert customers.get_customer(uow, existing.id).possible_duplicates == [dup.resource_name]
    assert set(uow.events_of(events.DuplicateFlagged)) == {
        events.DuplicateFlagged(dup.resource_name, existing.resource_name, "credit_code"),
        events.DuplicateFlagged(existing.resource_name, dup.resource_name, "credit_code"),
    }


def test_request_id_makes_create_idempotent(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    first = create(uow, deps, request_id="req-1")
    again = create(uow, deps, request_id="req-1")  # would be a duplicate by name otherwise
    assert again.id == first.id and again.code == first.code
    assert len(uow.db.tables["customers"]) == 1
    assert len(uow.events_of(events.CustomerCreated)) == 1
    # The key belongs to the caller: another user's request with the same id is a new one.
    other = create(
        uow,
        deps,
        OTHER_SALES,
        owner=OTHER_SALES.user_name,
        full_name="别的公司",
        request_id="req-1",
    )
    assert other.id != first.id


def test_failed_create_remembers_nothing(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    create(uow, deps, credit_code=CODE_A)
    with pytest.raises(AlreadyExists):
        create(uow, deps, full_name="别的公司", credit_code=CODE_A, request_id="req-2")
    assert uow.db.idempotency == {}
    assert create(uow, deps, full_name="别的公司", request_id="req-2").full_name == "别的公司"


# --- update ---------------------------------------------------------------------------------


def test_update_applies_the_masked_fields(
    uow: FakeCustomerUnitOfWork, deps: Deps, clock: Clock
) -> None:
    customer = create(uow, deps)
    clock.now = NOW + timedelta(hours=1)
    updated = customers.update_customer(
        uow,
        deps,
        SALES,
        customer.id,
        {"short_name": " 云呼 ", "full_name": "ignored", "tags": ["重点", "重点"]},
        ["short_name", "tags"],
        customer.etag,
    )
    assert updated.short_name == "云呼" and updated.tags == ["重点"]
    assert updated.full_name == "上海云呼科技有限公司"
    assert updated.etag == "2" and updated.updated_at == clock.now
    assert uow.committed_events[-1] == events.CustomerUpdated(
        customer.resource_name, ["short_name", "tags"]
    )
    assert customers.get_customer(uow, customer.id).version == 2


def test_update_full_name_recomputes_the_name_key(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    updated = customers.update_customer(
        uow, deps, SALES, customer.id, {"full_name": "深圳云呼有限公司"}, ["full_name"], ""
    )
    assert updated.name_key == "深圳云呼"


@pytest.mark.parametrize(
    ("mask", "message"),
    [
        ([], "name the fields"),
        (["grade"], "not updatable: grade"),
        (["short_name", "code", "version"], "not updatable: code, version"),
        (["annual_contract_amount"], "not updatable"),
        (["possible_duplicates"], "not updatable"),
    ],
)
def test_update_mask_is_checked(
    uow: FakeCustomerUnitOfWork, deps: Deps, mask: list[str], message: str
) -> None:
    customer = create(uow, deps)
    with pytest.raises(InvalidArgument) as exc:
        customers.update_customer(uow, deps, SALES, customer.id, {"short_name": "x"}, mask, "")
    assert fields_of(exc) == {"update_mask"}
    assert message in str(exc.value)


def test_update_validates_the_masked_values(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    with pytest.raises(InvalidArgument) as exc:
        customers.update_customer(
            uow,
            deps,
            SALES,
            customer.id,
            {"full_name": "", "credit_code": "123"},
            ["full_name", "credit_code"],
            "",
        )
    assert fields_of(exc) == {"customer.full_name", "customer.credit_code"}


def test_stale_etag_is_refused(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    customers.update_customer(uow, deps, SALES, customer.id, {"city": "上海"}, ["city"], "1")
    with pytest.raises(StaleEtag) as exc:
        customers.update_customer(uow, deps, SALES, customer.id, {"city": "北京"}, ["city"], "1")
    assert exc.value.metadata == {"etag": "2"}
    assert customers.get_customer(uow, customer.id).city == "上海"


def test_sales_cannot_change_someone_elses_customer(
    uow: FakeCustomerUnitOfWork, deps: Deps
) -> None:
    customer = create(uow, deps)
    with pytest.raises(PermissionDenied) as exc:
        customers.update_customer(
            uow, deps, OTHER_SALES, customer.id, {"city": "北京"}, ["city"], ""
        )
    assert exc.value.reason == "NOT_CUSTOMER_OWNER"
    assert exc.value.metadata == {"owner": SALES.user_name}
    assert customers.get_customer(uow, customer.id).city == ""


def test_sales_cannot_hand_a_customer_over(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    with pytest.raises(PermissionDenied):
        customers.update_customer(
            uow, deps, SALES, customer.id, {"owner": OTHER_SALES.user_name}, ["owner"], ""
        )
    # Naming the owner unchanged is fine.
    customers.update_customer(
        uow, deps, SALES, customer.id, {"owner": SALES.user_name}, ["owner"], ""
    )
    assert uow.events_of(events.CustomerOwnerChanged) == []


def test_supervisor_changes_the_owner(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    updated = customers.update_customer(
        uow, deps, SUPERVISOR, customer.id, {"owner": OTHER_SALES.user_name}, ["owner"], "1"
    )
    assert updated.owner == OTHER_SALES.user_name
    assert uow.committed_events[-2:] == [
        events.CustomerUpdated(customer.resource_name, ["owner"]),
        events.CustomerOwnerChanged(customer.resource_name, SALES.user_name, OTHER_SALES.user_name),
    ]


def test_update_into_a_duplicate_is_refused_unless_flagged(
    uow: FakeCustomerUnitOfWork, deps: Deps
) -> None:
    first = create(uow, deps, credit_code=CODE_A)
    second = create(uow, deps, full_name="另一个公司")
    with pytest.raises(AlreadyExists) as exc:
        customers.update_customer(
            uow, deps, SALES, second.id, {"credit_code": CODE_A}, ["credit_code"], ""
        )
    assert exc.value.metadata["existing_customer"] == first.resource_name
    flagged = create(uow, deps, full_name="第三家", credit_code=CODE_B)
    dup = create(uow, deps, full_name="第三家有限公司", allow_duplicate=True)
    assert dup.possible_duplicates == [flagged.resource_name]
    # Its known duplicate does not block an update of the name.
    customers.update_customer(
        uow, deps, SALES, dup.id, {"full_name": "第三家公司"}, ["full_name"], ""
    )


def test_get_unknown_or_deleted_customer(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    missing = hex_id()
    with pytest.raises(NotFound) as exc:
        customers.get_customer(uow, missing)
    assert exc.value.metadata == {"resource": f"customers/{missing}"}
    customer = create(uow, deps)
    with pytest.raises(StaleEtag):
        customers.delete_customer(uow, deps, SUPERVISOR, customer.id, "7")
    customers.delete_customer(uow, deps, SUPERVISOR, customer.id, "1")
    assert uow.committed_events[-1] == events.CustomerDeleted(customer.resource_name)
    assert [(a["action"], a["actor"]) for a in uow.db.audit] == [("deleted", SUPERVISOR.user_name)]
    with pytest.raises(NotFound):
        customers.get_customer(uow, customer.id)
    with pytest.raises(NotFound):
        customers.delete_customer(uow, deps, SUPERVISOR, customer.id, "")


# --- report figures -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "grade"),
    [
        ("0", Grade.NORMAL),
        ("99999.99", Grade.NORMAL),
        ("100000", Grade.KEY),
        ("100000.00", Grade.KEY),
        ("499999.99", Grade.KEY),
        ("500000", Grade.STRATEGIC),
        ("12000000", Grade.STRATEGIC),
    ],
)
def test_grade_thresholds(
    uow: FakeCustomerUnitOfWork, deps: Deps, amount: str, grade: Grade
) -> None:
    customer = create(uow, deps)
    reported = customers.report_figures(uow, deps, customer.id, Decimal(amount), 0, None)
    assert reported.grade is grade
    assert reported.annual_contract_amount == Decimal(amount)


@pytest.mark.parametrize(
    ("days", "rating"),
    [
        (0, CreditRating.A),
        (1, CreditRating.B),
        (30, CreditRating.B),
        (31, CreditRating.C),
        (365, CreditRating.C),
    ],
)
def test_credit_rating_thresholds(
    uow: FakeCustomerUnitOfWork, deps: Deps, days: int, rating: CreditRating
) -> None:
    customer = create(uow, deps)
    reported = customers.report_figures(uow, deps, customer.id, Decimal(0), days, None)
    assert reported.credit_rating is rating
    assert reported.longest_overdue_days == days


def test_thresholds_come_from_configuration(uow: FakeCustomerUnitOfWork, clock: Clock) -> None:
    deps = Deps(
        Thresholds(key_amount=Decimal(50_000), rating_b_max_overdue_days=10), "Asia/Shanghai", clock
    )
    customer = create(uow, deps)
    reported = customers.report_figures(uow, deps, customer.id, Decimal(50_000), 11, None)
    assert (reported.grade, reported.credit_rating) == (Grade.KEY, CreditRating.C)


def test_negative_figures_are_refused(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    with pytest.raises(InvalidArgument) as exc:
        customers.report_figures(uow, deps, customer.id, Decimal("-0.01"), -1, None)
    assert fields_of(exc) == {"annual_contract_amount", "longest_overdue_days"}


def test_figures_emit_changes_once(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    start = date(2024, 2, 29)
    customers.report_figures(uow, deps, customer.id, Decimal(120_000), 5, start)
    name = customer.resource_name
    assert uow.committed_events[1:] == [
        events.CustomerGradeChanged(name, "UNSPECIFIED", "KEY"),
        events.CreditRatingChanged(name, "UNSPECIFIED", "B"),
    ]
    count = len(uow.committed_events)
    again = customers.report_figures(uow, deps, customer.id, Decimal(130_000), 6, None)
    assert len(uow.committed_events) == count  # same grade and rating: nothing to tell
    assert again.cooperation_start_date == start  # kept when not reported
    assert again.annual_contract_amount == Decimal(130_000)
    customers.report_figures(uow, deps, customer.id, Decimal(600_000), 0, None)
    assert uow.committed_events[count:] == [
        events.CustomerGradeChanged(name, "KEY", "STRATEGIC"),
        events.CreditRatingChanged(name, "B", "A"),
    ]


def _open_plan(uow: FakeCustomerUnitOfWork, customer_id: str) -> list[tuple[FollowUpKind, date]]:
    with uow:
        return sorted(
            ((f.kind, f.due_date) for f in uow.follow_ups.open_for(customer_id)),
            key=lambda x: x[0].name,
        )


def test_grade_changes_replan_follow_ups(uow: FakeCustomerUnitOfWork, clock: Clock) -> None:
    # 31 March 17:00 UTC is 1 April in Shanghai: the plan counts from the company's day.
    clock.now = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)
    deps = Deps(Thresholds(), "Asia/Shanghai", clock)
    customer = create(uow, deps)
    customers.report_figures(uow, deps, customer.id, Decimal(1000), 0, None)
    assert _open_plan(uow, customer.id) == [(FollowUpKind.PHONE, date(2027, 4, 1))]

    customers.report_figures(uow, deps, customer.id, Decimal(500_000), 0, None)
    assert _open_plan(uow, customer.id) == [
        (FollowUpKind.PHONE, date(2026, 5, 1)),
        (FollowUpKind.VISIT, date(2026, 7, 1)),
    ]
    with uow:
        cancelled = [
            f
            for f in uow.follow_ups.list({"customer_id": customer.id}, None, 10)
            if f.state is model.FollowUpState.CANCELLED
        ]
    assert [(f.kind, f.due_date) for f in cancelled] == [(FollowUpKind.PHONE, date(2027, 4, 1))]

    # Down to KEY: the earlier phone call still fits, the visit too (6 months allowed).
    customers.report_figures(uow, deps, customer.id, Decimal(100_000), 0, None)
    assert _open_plan(uow, customer.id) == [
        (FollowUpKind.PHONE, date(2026, 5, 1)),
        (FollowUpKind.VISIT, date(2026, 7, 1)),
    ]
    # Down to NORMAL: no visits in the plan.
    customers.report_figures(uow, deps, customer.id, Decimal(99_999), 0, None)
    assert _open_plan(uow, customer.id) == [(FollowUpKind.PHONE, date(2026, 5, 1))]
    assert uow.events_of(events.CustomerGradeChanged)[-1].grade == "NORMAL"


def test_same_grade_does_not_replan(uow: FakeCustomerUnitOfWork, deps: Deps, clock: Clock) -> None:
    customer = create(uow, deps)
    customers.report_figures(uow, deps, customer.id, Decimal(1000), 0, None)
    plan = _open_plan(uow, customer.id)
    clock.now = NOW + timedelta(days=40)
    customers.report_figures(uow, deps, customer.id, Decimal(2000), 0, None)
    assert _open_plan(uow, customer.id) == plan


# --- follow-ups -----------------------------------------------------------------------------


def _follow_ups(uow: FakeCustomerUnitOfWork, customer_id: str) -> list[model.FollowUp]:
    with uow:
        return uow.follow_ups.list({"customer_id": customer_id}, None, 100)


def test_completing_a_follow_up_plans_the_next(
    uow: FakeCustomerUnitOfWork, deps: Deps, clock: Clock
) -> None:
    customer = create(uow, deps)
    customers.report_figures(uow, deps, customer.id, Decimal(600_000), 0, None)
    phone = next(f for f in _follow_ups(uow, customer.id) if f.kind is FollowUpKind.PHONE)
    assert phone.due_date == date(2026, 4, 2)
    interaction = _interaction(uow, deps, customer.id)
    clock.now = datetime(2026, 3, 30, 2, 0, tzinfo=UTC)
    done = activities.complete_follow_up(uow, deps, phone.id, interaction.id)
    assert done.state is model.FollowUpState.DONE and done.interaction_id == interaction.id
    assert done.completed_at == clock.now
    plan = [(f.kind, f.due_date, f.state, f.owner) for f in _follow_ups(uow, customer.id)]
    # The next call is a month after the day it was done, not after it was due.
    assert (
        FollowUpKind.PHONE,
        date(2026, 4, 30),
        model.FollowUpState.PLANNED,
        SALES.user_name,
    ) in plan
    assert len(plan) == 3
    with pytest.raises(FailedPrecondition) as exc:
        activities.complete_follow_up(uow, deps, phone.id, None)
    assert exc.value.reason == "FOLLOW_UP_STATE"
    assert len(_follow_ups(uow, customer.id)) == 3


def test_follow_up_needs_an_interaction_of_its_customer(
    uow: FakeCustomerUnitOfWork, deps: Deps
) -> None:
    customer = create(uow, deps)
    other = create(uow, deps, full_name="别的公司")
    customers.report_figures(uow, deps, customer.id, Decimal(1), 0, None)
    (follow_up,) = _follow_ups(uow, customer.id)
    elsewhere = _interaction(uow, deps, other.id)
    with pytest.raises(InvalidArgument) as exc:
        activities.complete_follow_up(uow, deps, follow_up.id, elsewhere.id)
    assert fields_of(exc) == {"interaction"}
    with pytest.raises(NotFound):
        activities.complete_follow_up(uow, deps, follow_up.id, hex_id())
    with pytest.raises(NotFound) as missing:
        activities.complete_follow_up(uow, deps, "nope", None)
    assert missing.value.metadata == {"resource": "followUps/nope"}
    assert _follow_ups(uow, customer.id)[0].state is model.FollowUpState.PLANNED


def test_completing_the_last_kind_of_a_changed_plan(
    uow: FakeCustomerUnitOfWork, deps: Deps
) -> None:
    # A visit done after the customer fell to NORMAL (no visits) plans nothing new.
    customer = create(uow, deps)
    customers.report_figures(uow, deps, customer.id, Decimal(600_000), 0, None)
    visit = next(f for f in _follow_ups(uow, customer.id) if f.kind is FollowUpKind.VISIT)
    with uow:
        uow.customers.get(customer.id).grade = Grade.NORMAL
        uow.commit()
    activities.complete_follow_up(uow, deps, visit.id, None)
    assert [f.kind for f in _follow_ups(uow, customer.id)].count(FollowUpKind.VISIT) == 1


def test_mark_due_follow_ups_is_idempotent(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    with uow:
        for day, kind in [
            (date(2026, 3, 1), FollowUpKind.PHONE),
            (date(2026, 3, 2), FollowUpKind.VISIT),
            (date(2026, 3, 2), FollowUpKind.PHONE),
            (date(2026, 3, 3), FollowUpKind.PHONE),
        ]:
            uow.follow_ups.add(
                model.FollowUp(model.new_id(), customer.id, kind, day, SALES.user_name)
            )
        uow.commit()
    assert activities.mark_due_follow_ups(uow, date(2026, 3, 2), batch=2) == 3
    due = uow.events_of(events.FollowUpDue)
    assert sorted((e.due_date, e.kind) for e in due) == [
        (date(2026, 3, 1), "PHONE"),
        (date(2026, 3, 2), "PHONE"),
        (date(2026, 3, 2), "VISIT"),
    ]
    assert {e.customer for e in due} == {customer.resource_name}
    assert {e.owner for e in due} == {SALES.user_name}
    assert activities.mark_due_follow_ups(uow, date(2026, 3, 2)) == 0
    assert len(uow.events_of(events.FollowUpDue)) == 3
    states = sorted((f.due_date, f.state.name) for f in _follow_ups(uow, customer.id))
    assert states[-1] == (date(2026, 3, 3), "PLANNED")
    assert [s for _, s in states].count("DUE") == 3
    # A due follow-up can still be completed.
    first_due = next(f for f in _follow_ups(uow, customer.id) if f.state is model.FollowUpState.DUE)
    activities.complete_follow_up(uow, deps, first_due.id, None)
    assert activities.mark_due_follow_ups(uow, date(2026, 3, 3), batch=1) == 1


def test_mark_due_follow_ups_with_a_full_last_batch(
    uow: FakeCustomerUnitOfWork, deps: Deps
) -> None:
    customer = create(uow, deps)
    with uow:
        for _ in range(4):
            uow.follow_ups.add(
                model.FollowUp(
                    model.new_id(),
                    customer.id,
                    FollowUpKind.PHONE,
                    date(2026, 1, 1),
                    SALES.user_name,
                )
            )
        uow.commit()
    assert activities.mark_due_follow_ups(uow, date(2026, 3, 2), batch=2) == 4


# --- interactions and to-dos ----------------------------------------------------------------


def _interaction(
    uow: FakeCustomerUnitOfWork,
    deps: Deps,
    customer_id: str,
    todos: list[dict[str, Any]] | None = None,
    request_id: str = "",
) -> model.Interaction:
    return activities.record_interaction(
        uow,
        deps,
        SALES,
        customer_id,
        NOW - timedelta(hours=1),
        model.Channel.PHONE,
        " 续约沟通 ",
        "客户希望下月续签",
        [SALES.user_name],
        [" 王经理 ", " "],
        ["下周报价", ""],
        todos or [],
        request_id,
    )


def test_record_interaction_with_todos(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    interaction = _interaction(
        uow,
        deps,
        customer.id,
        [
            {"description": " 发报价 ", "owner": SALES.user_name, "due_date": date(2026, 3, 6)},
        ],
        request_id="i-1",
    )
    assert interaction.topic == "续约沟通" and interaction.recorded_by == SALES.user_name
    assert interaction.customer_participants == ["王经理"]
    assert interaction.agreements == ["下周报价"]
    (todo,) = interaction.todos
    assert todo.description == "发报价" and todo.customer_id == customer.id
    assert uow.committed_events[-1] == events.InteractionRecorded(
        customer.resource_name, interaction.resource_name, "PHONE"
    )
    assert _interaction(uow, deps, customer.id, request_id="i-1").id == interaction.id
    with uow:
        assert [i.id for i in uow.interactions.list_for(customer.id, None, 10)] == [interaction.id]
    assert [t.id for t in activities.list_todos(uow, {"owner": SALES.user_name}, None, 10)] == [
        todo.id
    ]

    done = activities.complete_todo(uow, deps, interaction.id, todo.id)
    assert done.state is model.TodoState.DONE and done.completed_at == NOW
    assert uow.committed_events[-1] == events.TodoCompleted(todo.resource_name, SALES.user_name)
    with pytest.raises(FailedPrecondition):
        activities.complete_todo(uow, deps, interaction.id, todo.id)


def test_todo_of_another_interaction_is_not_found(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    interaction = _interaction(
        uow,
        deps,
        customer.id,
        [
            {"description": "回访", "owner": SALES.user_name, "due_date": date(2026, 3, 6)},
        ],
    )
    other = hex_id()
    with pytest.raises(NotFound) as exc:
        activities.complete_todo(uow, deps, other, interaction.todos[0].id)
    name = f"interactions/{other}/todos/{interaction.todos[0].id}"
    assert exc.value.metadata == {"resource": name}
    with uow:
        assert uow.todos.get(interaction.todos[0].id).state is model.TodoState.OPEN


def test_record_interaction_names_every_field_at_fault(
    uow: FakeCustomerUnitOfWork, deps: Deps
) -> None:
    customer = create(uow, deps)
    with pytest.raises(InvalidArgument) as exc:
        activities.record_interaction(
            uow,
            deps,
            SALES,
            customer.id,
            None,
            model.Channel.UNSPECIFIED,
            "",
            "x" * 5001,
            ["zhang"],
            [],
            [],
            [{"description": "", "owner": "nobody", "due_date": None}],
        )
    assert fields_of(exc) == {
        "interaction.occur_time",
        "interaction.channel",
        "interaction.topic",
        "interaction.summary",
        "interaction.our_participants[0]",
        "interaction.todos[0].description",
        "interaction.todos[0].owner",
        "interaction.todos[0].due_date",
    }
    with pytest.raises(NotFound):
        _interaction(uow, deps, hex_id())


# --- tickets --------------------------------------------------------------------------------


def _ticket(
    uow: FakeCustomerUnitOfWork,
    deps: Deps,
    customer_id: str,
    priority: TicketPriority = TicketPriority.URGENT,
    request_id: str = "",
) -> model.Ticket:
    return activities.open_ticket(
        uow, deps, SALES, customer_id, "complaint", priority, " 系统无法登录 ", "", [], request_id
    )


@pytest.mark.parametrize(
    ("priority", "deadline"),
    [
        (TicketPriority.URGENT, NOW + timedelta(hours=24)),
        (TicketPriority.IMPORTANT, NOW + timedelta(hours=48)),
        # Three working days from Monday 10:00 in Shanghai: Thursday 10:00.
        (TicketPriority.ROUTINE, datetime(2026, 3, 5, 2, 0, tzinfo=UTC)),
    ],
)
def test_open_ticket_sets_the_response_deadline(
    uow: FakeCustomerUnitOfWork, deps: Deps, priority: TicketPriority, deadline: datetime
) -> None:
    customer = create(uow, deps)
    ticket = _ticket(uow, deps, customer.id, priority)
    assert ticket.response_deadline == deadline
    assert ticket.state is model.TicketState.SUBMITTED and ticket.title == "系统无法登录"
    assert ticket.reporter == SALES.user_name
    assert uow.committed_events[-1] == events.TicketOpened(
        ticket.resource_name, customer.resource_name, priority.name, deadline
    )


def test_open_ticket_validation_and_idempotency(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    with pytest.raises(InvalidArgument) as exc:
        activities.open_ticket(
            uow,
            deps,
            SALES,
            customer.id,
            "Complaint",
            TicketPriority.UNSPECIFIED,
            " ",
            "",
            ["a"] * 21,
        )
    assert fields_of(exc) == {
        "ticket.type",
        "ticket.priority",
        "ticket.title",
        "ticket.attachments",
    }
    with pytest.raises(InvalidArgument) as newline:
        activities.open_ticket(
            uow, deps, SALES, customer.id, "complaint\n", TicketPriority.URGENT, "标题", "", []
        )
    assert fields_of(newline) == {"ticket.type"}
    first = _ticket(uow, deps, customer.id, request_id="t-1")
    assert _ticket(uow, deps, customer.id, request_id="t-1").id == first.id
    assert len(uow.db.tables["tickets"]) == 1
    with pytest.raises(NotFound):
        _ticket(uow, deps, hex_id())


def test_ticket_flow(uow: FakeCustomerUnitOfWork, deps: Deps, clock: Clock) -> None:
    customer = create(uow, deps)
    ticket = _ticket(uow, deps, customer.id)
    clock.now = NOW + timedelta(minutes=5)
    assigned = activities.move_ticket(
        uow, deps, SUPERVISOR, ticket.id, "1", "assign", "users/zhao.liu"
    )
    assert assigned.state is model.TicketState.ASSIGNED and assigned.assignee == "users/zhao.liu"
    assert assigned.first_response_at == clock.now and assigned.version == 2
    # Reassigning is allowed and keeps the first response time.
    clock.now = NOW + timedelta(minutes=10)
    activities.move_ticket(uow, deps, SUPERVISOR, ticket.id, "2", "assign", "users/qian.qi")
    activities.move_ticket(uow, deps, SUPERVISOR, ticket.id, "3", "note", "已联系客户")
    started = activities.move_ticket(uow, deps, SUPERVISOR, ticket.id, "4", "start")
    assert started.first_response_at == NOW + timedelta(minutes=5)
    assert started.notes[0]["author"] == SUPERVISOR.user_name
    resolved = activities.move_ticket(uow, deps, SUPERVISOR, ticket.id, "", "resolve", " 重置 ")
    assert resolved.resolution == "重置"
    closed = activities.move_ticket(uow, deps, SALES, ticket.id, "", "close", "满意")
    assert closed.state is model.TicketState.CLOSED and closed.feedback == "满意"
    states = [(e.state, e.assignee) for e in uow.events_of(events.TicketStateChanged)]
    assert states == [
        ("ASSIGNED", "users/zhao.liu"),
        ("ASSIGNED", "users/qian.qi"),
        ("IN_PROGRESS", "users/qian.qi"),
        ("RESOLVED", "users/qian.qi"),
        ("CLOSED", "users/qian.qi"),
    ]
    with pytest.raises(FailedPrecondition) as exc:
        activities.move_ticket(uow, deps, SALES, ticket.id, "", "note", "还有问题")
    assert exc.value.reason == "TICKET_STATE"
    assert activities.get_ticket(uow, ticket.id).notes == started.notes


def test_ticket_moves_are_checked(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    ticket = _ticket(uow, deps, customer.id)
    with pytest.raises(FailedPrecondition) as exc:
        activities.move_ticket(uow, deps, SALES, ticket.id, "", "start")
    assert exc.value.metadata == {"state": "SUBMITTED", "to": "IN_PROGRESS"}
    with pytest.raises(InvalidArgument) as bad:
        activities.move_ticket(uow, deps, SALES, ticket.id, "", "assign", "zhao")
    assert fields_of(bad) == {"assignee"}
    with pytest.raises(InvalidArgument) as empty:
        activities.move_ticket(uow, deps, SALES, ticket.id, "", "resolve", " ")
    assert fields_of(empty) == {"resolution"}
    with pytest.raises(StaleEtag):
        activities.move_ticket(uow, deps, SALES, ticket.id, "9", "assign", "users/zhao")
    stored = activities.get_ticket(uow, ticket.id)
    assert (stored.state, stored.assignee, stored.version) == (model.TicketState.SUBMITTED, "", 1)
    listed = activities.list_tickets(uow, {"customer_id": customer.id}, None, 10)
    assert [t.id for t in listed] == [ticket.id]


# --- surveys --------------------------------------------------------------------------------


def scores(*values: int) -> dict[str, int]:
    return dict(zip(model.SURVEY_DIMENSIONS, values, strict=True))


def test_survey_scores_are_checked(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    with pytest.raises(InvalidArgument) as exc:
        activities.submit_survey(
            uow,
            deps,
            SALES,
            customer.id,
            {"product_quality": 0, "service_response": 6, "cooperation_experience": 3},
            None,
            "",
        )
    assert fields_of(exc) == {
        "survey.product_quality",
        "survey.service_response",
        "survey.value_for_money",
    }


@pytest.mark.parametrize(
    ("given", "average", "band"),
    [
        ((5, 5, 4, 4), Decimal("4.50"), SurveyBand.VERY_SATISFIED),
        ((5, 4, 4, 4), Decimal("4.25"), SurveyBand.SATISFIED),
        ((4, 4, 3, 3), Decimal("3.50"), SurveyBand.SATISFIED),
        ((4, 3, 3, 3), Decimal("3.25"), SurveyBand.UNSATISFIED),
    ],
)
def test_survey_bands(
    uow: FakeCustomerUnitOfWork,
    deps: Deps,
    given: tuple[int, ...],
    average: Decimal,
    band: SurveyBand,
) -> None:
    customer = create(uow, deps)
    survey = activities.submit_survey(uow, deps, SALES, customer.id, scores(*given), None, "")
    assert (survey.average_score, survey.band) == (average, band)
    unsatisfied = uow.events_of(events.SurveyUnsatisfied)
    if band is SurveyBand.UNSATISFIED:
        assert survey.response_deadline == NOW + timedelta(hours=48)
        assert unsatisfied == [
            events.SurveyUnsatisfied(
                survey.resource_name, customer.resource_name, 3.25, NOW + timedelta(hours=48)
            )
        ]
    else:
        assert survey.response_deadline is None and unsatisfied == []


def test_survey_on_a_ticket(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    other = create(uow, deps, full_name="别的公司")
    ticket = _ticket(uow, deps, other.id)
    with pytest.raises(InvalidArgument) as exc:
        activities.submit_survey(uow, deps, SALES, customer.id, scores(5, 5, 5, 5), ticket.id, "")
    assert fields_of(exc) == {"survey.ticket"}
    survey = activities.submit_survey(
        uow, deps, SALES, other.id, scores(5, 5, 5, 5), ticket.id, " 很好 ", request_id="s-1"
    )
    assert survey.ticket_id == ticket.id and survey.comment == "很好"
    again = activities.submit_survey(
        uow, deps, SALES, other.id, scores(1, 1, 1, 1), None, "", request_id="s-1"
    )
    assert again.id == survey.id and again.band is SurveyBand.VERY_SATISFIED


def test_respond_to_survey(uow: FakeCustomerUnitOfWork, deps: Deps, clock: Clock) -> None:
    customer = create(uow, deps)
    bad = activities.submit_survey(uow, deps, SALES, customer.id, scores(1, 2, 3, 3), None, "")
    good = activities.submit_survey(uow, deps, SALES, customer.id, scores(5, 5, 5, 5), None, "")
    with pytest.raises(InvalidArgument) as exc:
        activities.respond_to_survey(uow, deps, SUPERVISOR, bad.id, "  ")
    assert fields_of(exc) == {"solution"}
    with pytest.raises(FailedPrecondition) as not_needed:
        activities.respond_to_survey(uow, deps, SUPERVISOR, good.id, "谢谢")
    assert not_needed.value.reason == "SURVEY_NOT_UNSATISFIED"
    clock.now = NOW + timedelta(hours=3)
    answered = activities.respond_to_survey(uow, deps, SUPERVISOR, bad.id, " 上门培训 ")
    assert (answered.solution, answered.responder, answered.responded_at) == (
        "上门培训",
        SUPERVISOR.user_name,
        clock.now,
    )
    assert uow.committed_events[-1] == events.SurveyAnswered(
        bad.resource_name, SUPERVISOR.user_name
    )
    with pytest.raises(FailedPrecondition) as twice:
        activities.respond_to_survey(uow, deps, SUPERVISOR, bad.id, "再次")
    assert twice.value.reason == "SURVEY_ANSWERED"
    pending = activities.list_surveys(
        uow, {"customer_id": customer.id, "responded": False}, None, 10
    )
    assert [s.id for s in pending] == [good.id]


# --- contacts, key decision makers, merge, phone lookup -------------------------------------


def test_contacts_lifecycle(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(uow, deps)
    added = customers.create_contact(
        uow, deps, SALES, customer.id, contact(phone_numbers=["13900139000"]), request_id="c-1"
    )
    assert (
        customers.create_contact(uow, deps, SALES, customer.id, contact(), request_id="c-1").id
        == added.id
    )
    with pytest.raises(InvalidArgument) as exc:
        customers.update_contact(
            uow, deps, SALES, added.id, {"phone_numbers": ["1"]}, ["phone_numbers"], ""
        )
    assert fields_of(exc) == {"contact.phone_numbers[0]"}
    with pytest.raises(InvalidArgument) as mask:
        customers.update_contact(uow, deps, SALES, added.id, {}, ["key_decision_maker"], "")
    assert fields_of(mask) == {"update_mask"}
    updated = customers.update_contact(uow, deps, SALES, added.id, {"title": "CTO"}, ["title"], "1")
    assert updated.title == "CTO" and updated.version == 2
    with pytest.raises(StaleEtag):
        customers.update_contact(uow, deps, SALES, added.id, {"title": "CEO"}, ["title"], "1")
    customers.delete_contact(uow, SALES, added.id)
    assert customers.get_customer(uow, customer.id).contacts == []
    assert [e.change for e in uow.events_of(events.ContactChanged)] == [
        "created",
        "updated",
        "deleted",
    ]
    with pytest.raises(NotFound):
        customers.delete_contact(uow, SALES, added.id)


def test_only_the_owner_or_a_supervisor_changes_contacts(
    uow: FakeCustomerUnitOfWork, deps: Deps
) -> None:
    customer = create(uow, deps)
    with pytest.raises(PermissionDenied):
        customers.create_contact(uow, deps, OTHER_SALES, customer.id, contact())
    added = customers.create_contact(uow, deps, SALES, customer.id, contact())
    with pytest.raises(PermissionDenied):
        customers.update_contact(uow, deps, OTHER_SALES, added.id, {"title": "CTO"}, ["title"], "")
    with pytest.raises(PermissionDenied):
        customers.delete_contact(uow, OTHER_SALES, added.id)
    assert customers.update_contact(
        uow, deps, SUPERVISOR, added.id, {"title": "CTO"}, ["title"], ""
    )


def test_change_key_decision_maker(uow: FakeCustomerUnitOfWork, deps: Deps) -> None:
    customer = create(
        uow, deps, contacts=[contact(), contact(display_name="李总", phone_numbers=[])]
    )
    first, second = customer.contacts
    customers.change_key_decision_maker(uow, deps, SALES, customer.id, first.id, None, "")
    changed = customers.change_key_decision_maker(
        uow, deps, SALES, customer.id, second.id, date(2026, 2, 1), " 换届 "
    )
    assert [c.key_decision_maker for c in changed.contacts] == [False, True]
    assert changed.decision_maker_changes[-1] == {
        "change_date": "2026-02-01",
        "previous_contact": f"contacts/{first.id}",
        "new_contact": f"contacts/{second.id}",
        "note": "换届",
        "recorded_by": SALES.user_name,
    }
    assert changed.decision_maker_changes[0]["change_date"] == "2026-03-02"
    with pytest.raises(FailedPrecondition):
        customers.change_key_decision_maker(uow, deps, SALES, customer.id, second.id, None, "")
    with pytest.raises(NotFound):
        customers.change_key_decision_maker(uow, deps, SALES, customer.id, hex_id(), None, "")
    with pytest.raises(InvalidArgument):
        customers.change_key_decision_maker(
            uow, deps, SALES, customer.id, first.id, None, "x" * 501
        )


def test_merge_moves_everything_and_drops_the_sources_plan(
    uow: FakeCustomerUnitOfWork, deps: Deps
) -> None:
    target = create(uow, deps, contacts=[contact()], tags=["a"])
    source = create(
        uow,
        deps,
        full_name="上海云呼科技",
        allow_duplicate=True,
        tags=["a", "b"],
        contacts=[contact(display_name="李总", phone_numbers=["13900139000"])],
    )
    customers.change_key_decision_maker(
        uow, deps, SALES, target.id, target.contacts[0].id, None, ""
    )
    customers.change_key_decision_maker(
        uow, deps, SALES, source.id, source.contacts[0].id, None, ""
    )
    for c in (target, source):
        customers.report_figures(uow, deps, c.id, Decimal(1), 0, None)  # same owner, same plan
    ticket = _ticket(uow, deps, source.id)
    with pytest.raises(InvalidArgument):
        customers.merge_customers(uow, deps, SUPERVISOR, target.id, target.id, "重复")
    with pytest.raises(InvalidArgument):
        customers.merge_customers(uow, deps, SUPERVISOR, target.id, source.id, " ")

    merged = customers.merge_customers(uow, deps, SUPERVISOR, target.id, source.id, "重复录入")
    assert sorted(c.display_name for c in merged.contacts) == ["李总", "王经理"]
    # Only the target's key decision maker survives.
    assert {(c.display_name, c.key_decision_maker) for c in merged.contacts} == {
        ("王经理", True),
        ("李总", False),
    }
    assert merged.tags == ["a", "b"] and merged.possible_duplicates == []
    assert len(merged.decision_maker_changes) == 2
    assert activities.get_ticket(uow, ticket.id).customer_id == target.id
    plan = [(f.kind, f.state) for f in _follow_ups(uow, target.id)]
    assert sorted(s.name for _, s in plan) == ["CANCELLED", "PLANNED"]
    with pytest.raises(NotFound):
        customers.get_customer(uow, source.id)
    assert uow.stored("customers", source.id).merged_into == target.id
    assert uow.committed_events[-1] == events.CustomerMerged(
        target.resource_name, source.resource_name, SUPERVISOR.user_name
    )
    assert customers.lookup_by_phone(uow, "13900139000")[1][0][0].id == target.id
    actions = [a["action"] for a in uow.db.audit]
    assert actions == ["merged", "merged_into"]
    assert uow.db.audit[0]["detail"]["moved"]["follow_ups"] == 1


def test_lookup_by_phone(uow: FakeCustomerUnitOfWork, deps: Deps, clock: Clock) -> None:
    a = create(uow, deps, contacts=[contact()])
    clock.now = NOW + timedelta(seconds=1)  # oldest customer first
    b = create(uow, deps, full_name="别的公司", allow_duplicate=True, contacts=[contact()])
    e164, found = customers.lookup_by_phone(uow, "138-0013-8000")
    assert e164 == "+8613800138000"
    assert [(c.id, ct.display_name) for c, ct in found] == [(a.id, "王经理"), (b.id, "王经理")]
    customers.delete_customer(uow, deps, SUPERVISOR, a.id, "")
    assert [c.id for c, _ in customers.lookup_by_phone(uow, "13800138000")[1]] == [b.id]
    assert customers.lookup_by_phone(uow, "13900139000")[1] == []
    with pytest.raises(InvalidArgument) as exc:
        customers.lookup_by_phone(uow, "abc")
    assert fields_of(exc) == {"phone_number"}


def test_list_customers_filters_and_pages(
    uow: FakeCustomerUnitOfWork, deps: Deps, clock: Clock
) -> None:
    made = []
    for i, name in enumerate(["上海甲", "上海乙", "北京丙"]):
        clock.now = NOW + timedelta(minutes=i)
        made.append(create(uow, deps, full_name=name, tags=["vip"] if i else []))
    page = customers.list_customers(uow, {}, "created_at", False, None, 2)
    assert [c.full_name for c in page] == ["上海甲", "上海乙", "北京丙"]  # limit + 1
    after = {"k": made[1].created_at.isoformat(), "id": made[1].id}
    assert [c.id for c in customers.list_customers(uow, {}, "created_at", False, after, 2)] == [
        made[2].id
    ]
    assert [
        c.full_name
        for c in customers.list_customers(
            uow, {"full_name": "上海*", "tag": "vip"}, "created_at", True, None, 10
        )
    ] == ["上海乙"]
