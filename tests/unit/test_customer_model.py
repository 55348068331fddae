"""The pure customer domain: rules, thresholds, the ticket flow and follow-up plans."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from services.common.errors import FailedPrecondition, StaleEtag, Violations
from services.customer.domain import events, model
from services.customer.domain.model import (
    TICKET_FLOW,
    Contact,
    Customer,
    CustomerKind,
    FollowUp,
    FollowUpState,
    Survey,
    Ticket,
    TicketState,
    next_follow_up,
    replan_follow_ups,
)
from services.customer.domain.rules import (
    MAINTENANCE_PLAN,
    CreditRating,
    FollowUpKind,
    Grade,
    SurveyBand,
    Thresholds,
    TicketPriority,
    add_months,
    credit_rating_for,
    grade_for,
    is_long_term,
    response_deadline,
    survey_band,
)

T = Thresholds()
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def customer(grade: Grade = Grade.UNSPECIFIED, **kwargs: object) -> Customer:
    c = Customer(
        id="c1",
        code="KH2026000001",
        full_name="上海云呼科技有限公司",
        kind=CustomerKind.ENTERPRISE,
        owner="users/zhang.san",
        **kwargs,
    )  # type: ignore[arg-type]
    c.grade = grade
    return c


# --- rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "grade"),
    [
        ("0", Grade.NORMAL),
        ("99999.99", Grade.NORMAL),
        ("99999.9999", Grade.NORMAL),
        ("100000", Grade.KEY),
        ("100000.00", Grade.KEY),
        ("499999.99", Grade.KEY),
        ("500000", Grade.STRATEGIC),
        ("500000.01", Grade.STRATEGIC),
    ],
)
def test_grade_for(amount: str, grade: Grade) -> None:
    assert grade_for(Decimal(amount), T) is grade


@pytest.mark.parametrize(
    ("days", "rating"),
    [
        (0, CreditRating.A),
        (1, CreditRating.B),
        (29, CreditRating.B),
        (30, CreditRating.B),
        (31, CreditRating.C),
        (1000, CreditRating.C),
    ],
)
def test_credit_rating_for(days: int, rating: CreditRating) -> None:
    assert credit_rating_for(days, T) is rating


def test_thresholds_are_configurable() -> None:
    t = Thresholds(
        key_amount=Decimal(10), strategic_amount=Decimal(20), rating_b_max_overdue_days=5
    )
    assert grade_for(Decimal(10), t) is Grade.KEY
    assert grade_for(Decimal(20), t) is Grade.STRATEGIC
    assert credit_rating_for(5, t) is CreditRating.B
    assert credit_rating_for(6, t) is CreditRating.C


@pytest.mark.parametrize(
    ("start", "today", "long_term"),
    [
        (None, TODAY, False),
        (date(2024, 3, 2), date(2026, 3, 1), False),
        (date(2024, 3, 2), date(2026, 3, 2), True),
        (date(2020, 1, 1), TODAY, True),
        # 29 February: the anniversary in a common year is 28 February.
        (date(2024, 2, 29), date(2026, 2, 27), False),
        (date(2024, 2, 29), date(2026, 2, 28), True),
        (date(2024, 3, 1), date(2026, 2, 28), False),
        (date(2024, 3, 1), date(2026, 3, 1), True),
        (TODAY, TODAY, False),
    ],
)
def test_is_long_term(start: date | None, today: date, long_term: bool) -> None:
    assert is_long_term(start, today, T) is long_term


def test_long_term_from_29_february_to_a_leap_year() -> None:
    t = Thresholds(long_term_years=4)
    assert not is_long_term(date(2024, 2, 29), date(2028, 2, 28), t)
    assert is_long_term(date(2024, 2, 29), date(2028, 2, 29), t)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 30), 1, date(2026, 2, 28)),
        (date(2026, 1, 28), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 3, 31), 3, date(2026, 6, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 1, 31), 12, date(2027, 1, 31)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 5, 17), 0, date(2026, 5, 17)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_response_deadlines() -> None:
    opened = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    assert response_deadline(TicketPriority.URGENT, opened, T, "Asia/Shanghai") == (
        opened + timedelta(hours=24)
    )
    assert response_deadline(TicketPriority.IMPORTANT, opened, T, "Asia/Shanghai") == (
        opened + timedelta(hours=48)
    )
    # Routine: three working days, skipping the National Day week, landing on the Saturday
    # worked in exchange (调休), at the same wall-clock time.
    routine = response_deadline(TicketPriority.ROUTINE, opened, T, "Asia/Shanghai")
    assert routine == datetime(2026, 10, 10, 10, 0, tzinfo=SHANGHAI)
    assert routine.tzinfo is UTC
    one_day = Thresholds(routine_response_working_days=1)
    assert response_deadline(TicketPriority.ROUTINE, opened, one_day, "Asia/Shanghai") == (
        datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)
    )


@pytest.mark.parametrize(
    ("average", "band"),
    [
        ("5", SurveyBand.VERY_SATISFIED),
        ("4.5", SurveyBand.VERY_SATISFIED),
        ("4.50", SurveyBand.VERY_SATISFIED),
        ("4.49", SurveyBand.SATISFIED),
        ("3.5", SurveyBand.SATISFIED),
        ("3.49", SurveyBand.UNSATISFIED),
        ("1", SurveyBand.UNSATISFIED),
    ],
)
def test_survey_band(average: str, band: SurveyBand) -> None:
    assert survey_band(Decimal(average), T) is band


def test_maintenance_plan() -> None:
    assert MAINTENANCE_PLAN[Grade.STRATEGIC] == {FollowUpKind.VISIT: 3, FollowUpKind.PHONE: 1}
    assert MAINTENANCE_PLAN[Grade.KEY] == {FollowUpKind.VISIT: 6, FollowUpKind.PHONE: 3}
    assert MAINTENANCE_PLAN[Grade.NORMAL] == {FollowUpKind.PHONE: 12}


# --- tickets --------------------------------------------------------------------------------


def ticket(state: TicketState = TicketState.SUBMITTED) -> Ticket:
    t = Ticket.open(
        "c1",
        "complaint",
        TicketPriority.URGENT,
        "无法登录",
        "",
        [],
        "users/zhang.san",
        NOW,
        T,
        "Asia/Shanghai",
    )
    t.state = state
    t.events.clear()
    return t


def move(t: Ticket, to: TicketState, now: datetime = NOW) -> None:
    if to is TicketState.ASSIGNED:
        t.assign("users/zhao.liu", now)
    elif to is TicketState.IN_PROGRESS:
        t.start(now)
    elif to is TicketState.RESOLVED:
        t.resolve("重置密码", now)
    elif to is TicketState.CLOSED:
        t.close("满意", now)
    else:  # nothing leads back to SUBMITTED or to UNSPECIFIED
        t._move(to, now)


REAL_STATES = [s for s in TicketState if s is not TicketState.UNSPECIFIED]
ILLEGAL = [
    (a, b) for a, b in itertools.product(REAL_STATES, TicketState) if b not in TICKET_FLOW[a]
]
LEGAL = [(a, b) for a in REAL_STATES for b in sorted(TICKET_FLOW[a], key=lambda s: s.name)]


def test_the_flow_covers_every_state() -> None:
    assert set(TICKET_FLOW) == set(REAL_STATES)
    assert len(LEGAL) == 5 and len(ILLEGAL) == 5 * 6 - 5


def test_open_ticket() -> None:
    t = Ticket.open(
        "c1",
        "complaint",
        TicketPriority.IMPORTANT,
        "无法登录",
        "详情",
        ["a.png"],
        "users/zhang.san",
        NOW,
        T,
        "Asia/Shanghai",
    )
    assert t.state is TicketState.SUBMITTED and t.version == 1
    assert t.response_deadline == NOW + timedelta(hours=48)
    assert t.events == [
        events.TicketOpened(t.resource_name, "customers/c1", "IMPORTANT", NOW + timedelta(hours=48))
    ]


@pytest.mark.parametrize(("start", "to"), ILLEGAL, ids=lambda s: s.name)
def test_illegal_ticket_moves(start: TicketState, to: TicketState) -> None:
    t = ticket(start)
    with pytest.raises(FailedPrecondition) as exc:
        move(t, to, NOW + timedelta(hours=1))
    assert exc.value.reason == "TICKET_STATE"
    assert exc.value.metadata == {"state": start.name, "to": to.name}
    assert t.state is start and t.events == [] and t.updated_at == NOW
    assert t.first_response_at is None


@pytest.mark.parametrize(("start", "to"), LEGAL, ids=lambda s: s.name)
def test_legal_ticket_moves(start: TicketState, to: TicketState) -> None:
    t = ticket(start)
    later = NOW + timedelta(hours=1)
    move(t, to, later)
    assert t.state is to and t.updated_at == later
    assert t.events == [
        events.TicketStateChanged(t.resource_name, "customers/c1", to.name, t.assignee)
    ]
    responded = to in (TicketState.ASSIGNED, TicketState.IN_PROGRESS)
    assert t.first_response_at == (later if responded else None)


def test_first_response_is_kept() -> None:
    t = ticket()
    t.assign("users/a", NOW + timedelta(minutes=1))
    t.assign("users/b", NOW + timedelta(minutes=2))
    t.start(NOW + timedelta(minutes=3))
    assert t.first_response_at == NOW + timedelta(minutes=1) and t.assignee == "users/b"


def test_notes_until_closed() -> None:
    t = ticket(TicketState.RESOLVED)
    t.add_note("users/a", "已回访", NOW)
    assert t.notes == [{"author": "users/a", "text": "已回访", "create_time": NOW.isoformat()}]
    t.close("", NOW)
    with pytest.raises(FailedPrecondition):
        t.add_note("users/a", "再次", NOW)
    assert len(t.notes) == 1


def test_ticket_etag() -> None:
    t = ticket()
    t.check_etag("")
    t.check_etag("1")
    with pytest.raises(StaleEtag) as exc:
        t.check_etag("0")
    assert exc.value.metadata == {"etag": "1"}


# --- follow-ups -----------------------------------------------------------------------------


def follow_up(
    kind: FollowUpKind,
    due: date,
    state: FollowUpState = FollowUpState.PLANNED,
) -> FollowUp:
    return FollowUp(model.new_id(), "c1", kind, due, "users/zhang.san", state)


def test_replan_upgrade_normal_to_strategic() -> None:
    phone = follow_up(FollowUpKind.PHONE, add_months(TODAY, 12))
    created = replan_follow_ups(customer(Grade.STRATEGIC), [phone], TODAY)
    assert phone.state is FollowUpState.CANCELLED  # a year away: too late for the new plan
    assert sorted((f.kind.name, f.due_date) for f in created) == [
        ("PHONE", date(2026, 4, 2)),
        ("VISIT", date(2026, 6, 2)),
    ]
    assert {(f.customer_id, f.owner, f.state) for f in created} == {
        ("c1", "users/zhang.san", FollowUpState.PLANNED)
    }


def test_replan_downgrade_strategic_to_normal() -> None:
    phone = follow_up(FollowUpKind.PHONE, date(2026, 4, 2))
    visit = follow_up(FollowUpKind.VISIT, date(2026, 6, 2), FollowUpState.DUE)
    created = replan_follow_ups(customer(Grade.NORMAL), [phone, visit], TODAY)
    assert created == []
    assert phone.state is FollowUpState.PLANNED  # sooner than a year: kept
    assert visit.state is FollowUpState.CANCELLED  # no visits for a normal customer


def test_replan_unchanged_plan() -> None:
    phone = follow_up(FollowUpKind.PHONE, date(2026, 6, 2))  # exactly 3 months: still fits
    visit = follow_up(FollowUpKind.VISIT, date(2026, 9, 2))
    assert replan_follow_ups(customer(Grade.KEY), [phone, visit], TODAY) == []
    assert phone.state is visit.state is FollowUpState.PLANNED


def test_replan_replaces_one_due_too_late() -> None:
    phone = follow_up(FollowUpKind.PHONE, date(2026, 6, 3))  # a day past 3 months
    created = replan_follow_ups(customer(Grade.KEY), [phone], TODAY)
    assert phone.state is FollowUpState.CANCELLED
    assert sorted((f.kind.name, f.due_date) for f in created) == [
        ("PHONE", date(2026, 6, 2)),
        ("VISIT", date(2026, 9, 2)),
    ]


def test_replan_without_a_grade_cancels_everything() -> None:
    open_ones = [follow_up(FollowUpKind.PHONE, TODAY), follow_up(FollowUpKind.VISIT, TODAY)]
    assert replan_follow_ups(customer(Grade.UNSPECIFIED), open_ones, TODAY) == []
    assert {f.state for f in open_ones} == {FollowUpState.CANCELLED}


def test_next_follow_up() -> None:
    done = follow_up(FollowUpKind.PHONE, TODAY)
    following = next_follow_up(customer(Grade.KEY), done, date(2026, 1, 31))
    assert following is not None
    assert (following.kind, following.due_date) == (FollowUpKind.PHONE, date(2026, 4, 30))
    assert following.id != done.id
    visit = follow_up(FollowUpKind.VISIT, TODAY)
    assert next_follow_up(customer(Grade.NORMAL), visit, TODAY) is None


def test_follow_up_states() -> None:
    f = follow_up(FollowUpKind.VISIT, TODAY)
    f.become_due()
    f.become_due()  # once only
    assert f.state is FollowUpState.DUE
    assert f.events == [
        events.FollowUpDue(f.resource_name, "customers/c1", "users/zhang.san", "VISIT", TODAY)
    ]
    f.complete("i1", NOW)
    assert (f.state, f.interaction_id, f.completed_at) == (FollowUpState.DONE, "i1", NOW)
    f.become_due()
    assert f.state is FollowUpState.DONE and len(f.events) == 1
    with pytest.raises(FailedPrecondition) as exc:
        f.complete(None, NOW)
    assert exc.value.reason == "FOLLOW_UP_STATE"
    cancelled = follow_up(FollowUpKind.PHONE, TODAY, FollowUpState.CANCELLED)
    assert not cancelled.open
    with pytest.raises(FailedPrecondition):
        cancelled.complete(None, NOW)


# --- surveys --------------------------------------------------------------------------------


def survey(*scores: int) -> Survey:
    return Survey.submit(
        "c1", dict(zip(model.SURVEY_DIMENSIONS, scores, strict=True)), None, "", NOW, T
    )


def test_survey_average_and_band() -> None:
    assert (survey(5, 5, 4, 4).average_score, survey(5, 5, 4, 4).band) == (
        Decimal("4.50"),
        SurveyBand.VERY_SATISFIED,
    )
    assert survey(4, 4, 3, 3).band is SurveyBand.SATISFIED
    thirds = Survey.submit("c1", {"a": 5, "b": 5, "c": 4}, None, "", NOW, T)
    assert thirds.average_score == Decimal("4.67")


def test_unsatisfied_survey_needs_a_solution() -> None:
    s = survey(4, 3, 3, 3)
    assert s.band is SurveyBand.UNSATISFIED
    assert s.response_deadline == NOW + timedelta(hours=48)
    assert s.events == [
        events.SurveyUnsatisfied(s.resource_name, "customers/c1", 3.25, NOW + timedelta(hours=48))
    ]
    s.respond("users/wang.wu", "上门培训", NOW)
    assert (s.responder, s.solution, s.responded_at) == ("users/wang.wu", "上门培训", NOW)
    assert s.events[-1] == events.SurveyAnswered(s.resource_name, "users/wang.wu")
    with pytest.raises(FailedPrecondition) as exc:
        s.respond("users/other", "再次", NOW)
    assert exc.value.reason == "SURVEY_ANSWERED"
    assert s.responder == "users/wang.wu"


def test_satisfied_survey_takes_no_solution() -> None:
    s = survey(4, 4, 4, 4)
    assert s.events == [] and s.response_deadline is None
    with pytest.raises(FailedPrecondition) as exc:
        s.respond("users/wang.wu", "x", NOW)
    assert exc.value.reason == "SURVEY_NOT_UNSATISFIED"
    assert s.responded_at is None


def test_unsatisfied_deadline_is_configurable() -> None:
    s = Survey.submit("c1", {"a": 1}, None, "", NOW, Thresholds(unsatisfied_response_hours=4))
    assert s.response_deadline == NOW + timedelta(hours=4)


# --- customers ------------------------------------------------------------------------------


def test_change_key_decision_maker_keeps_history() -> None:
    c = customer()
    a = Contact("a", "c1", "王经理")
    b = Contact("b", "c1", "李总")
    c.contacts = [a, b]
    c.change_key_decision_maker(a, date(2025, 1, 1), "", "users/zhang.san")
    c.change_key_decision_maker(b, date(2026, 2, 1), "换届", "users/li.si")
    assert (a.key_decision_maker, b.key_decision_maker) == (False, True)
    assert c.decision_maker_changes == [
        {
            "change_date": "2025-01-01",
            "previous_contact": "",
            "new_contact": "contacts/a",
            "note": "",
            "recorded_by": "users/zhang.san",
        },
        {
            "change_date": "2026-02-01",
            "previous_contact": "contacts/a",
            "new_contact": "contacts/b",
            "note": "换届",
            "recorded_by": "users/li.si",
        },
    ]
    assert c.events == [
        events.KeyDecisionMakerChanged("customers/c1", "", "contacts/a", date(2025, 1, 1)),
        events.KeyDecisionMakerChanged(
            "customers/c1", "contacts/a", "contacts/b", date(2026, 2, 1)
        ),
    ]
    with pytest.raises(FailedPrecondition):
        c.change_key_decision_maker(b, date(2026, 3, 1), "", "users/li.si")
    assert len(c.decision_maker_changes) == 2


def test_apply_records_what_changed() -> None:
    c = customer()
    c.apply({"full_name": "深圳云呼有限公司", "owner": "users/li.si"}, NOW)
    assert c.name_key == "深圳云呼" and c.updated_at == NOW
    assert c.events == [
        events.CustomerUpdated("customers/c1", ["full_name", "owner"]),
        events.CustomerOwnerChanged("customers/c1", "users/zhang.san", "users/li.si"),
    ]


def test_apply_figures_reports_changes_only() -> None:
    c = customer()
    c.apply_figures(Decimal(100_000), 31, date(2024, 1, 1), T, NOW)
    assert (c.grade, c.credit_rating) == (Grade.KEY, CreditRating.C)
    assert len(c.events) == 2
    c.apply_figures(Decimal(499_999), 40, None, T, NOW)
    assert len(c.events) == 2 and c.cooperation_start_date == date(2024, 1, 1)
    assert c.long_term(date(2026, 1, 1), T) and not c.long_term(date(2025, 12, 31), T)


def test_flag_duplicate_once_and_delete_once() -> None:
    c = customer()
    c.flag_duplicate("customers/x", "name")
    c.flag_duplicate("customers/x", "name")
    assert c.possible_duplicates == ["customers/x"] and len(c.events) == 1
    c.delete(NOW)
    with pytest.raises(FailedPrecondition):
        c.delete(NOW)
    assert c.events[-1] == events.CustomerDeleted("customers/c1")


def test_customer_etag() -> None:
    c = customer(version=3)
    assert c.etag == "3"
    c.check_etag("")
    with pytest.raises(StaleEtag) as exc:
        c.check_etag("2")
    assert exc.value.metadata == {"etag": "3"}


def test_set_phone_numbers_keeps_known_rows() -> None:
    contact = Contact("a", "c1", "王经理")
    contact.set_phone_numbers(["+8613800138000", "+8613900139000"])
    kept = contact.phones[0]
    contact.set_phone_numbers(["+8613800138000", "+8613700137000"])
    assert contact.phones[0] is kept
    assert contact.phone_numbers == ["+8613800138000", "+8613700137000"]
    assert {(p.contact_id, p.customer_id) for p in contact.phones} == {("a", "c1")}


def test_todo_completes_once() -> None:
    todo = model.Todo("t1", "i1", "c1", "发报价", "users/zhang.san", TODAY)
    todo.complete(NOW)
    assert todo.events == [events.TodoCompleted("interactions/i1/todos/t1", "users/zhang.san")]
    with pytest.raises(FailedPrecondition):
        todo.complete(NOW)


def test_validate_customer_fields() -> None:
    v = Violations()
    out = model.validate_customer_fields(
        v,
        "customer",
        {
            "full_name": "  云呼  ",
            "credit_code": " 91350100m000100y43 ",
            "tags": ["a", " a ", "b"],
            "owner": "users/zhang.san",
        },
    )
    assert v.items == []
    assert out["full_name"] == "云呼" and out["credit_code"] == "91350100M000100Y43"
    assert out["tags"] == ["a", "b"]
    cleared = model.validate_customer_fields(v, "customer", {"credit_code": " "})
    assert cleared["credit_code"] is None
    model.validate_customer_fields(
        v, "c", {"tags": [str(i) for i in range(21)], "description": "x" * 2001, "city": "x" * 51}
    )
    assert {i.field for i in v.items} == {"c.description", "c.city", "c.tags"}


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("users/zhang.san", True),
        ("users/li_si@corp", True),
        ("users/zhang.san\n", False),
        ("zhang.san", False),
        ("users/", False),
        ("users/a b", False),
        ("users/" + "a" * 65, False),
    ],
)
def test_check_user(value: str, ok: bool) -> None:
    v = Violations()
    assert model.check_user(v, "customer.owner", value) == value
    assert (v.items == []) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("complaint", True),
        ("after_sales_2", True),
        ("complaint\n", False),
        ("Complaint", False),
        ("2fa", False),
        ("", False),
    ],
)
def test_ticket_type(value: str, ok: bool) -> None:
    assert (model.TICKET_TYPE.fullmatch(value) is not None) is ok
