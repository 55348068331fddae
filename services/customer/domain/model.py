"""Customer entities and their invariants: customers, contacts, interactions, tickets,
surveys and follow-ups. Pure Python; persistence maps these classes, it does not shape them."""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from services.common.errors import FailedPrecondition, StaleEtag, Violations
from services.common.events import Event
from services.customer.domain import events
from services.customer.domain.credit_code import InvalidCreditCode, validate_credit_code
from services.customer.domain.names import name_key
from services.customer.domain.phones import InvalidPhoneNumber, to_e164
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

USER_NAME = re.compile(r"^users/[A-Za-z0-9_.@-]{1,64}$")
TICKET_TYPE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def new_id() -> str:
    return uuid.uuid4().hex


class CustomerKind(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    ENTERPRISE = "ENTERPRISE"
    INDIVIDUAL = "INDIVIDUAL"


class LifecycleStage(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    TRIAL = "TRIAL"
    ACTIVE = "ACTIVE"
    RENEWAL = "RENEWAL"
    DORMANT = "DORMANT"
    LOST = "LOST"


class LeadStage(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    NEW = "NEW"
    CONTACTED = "CONTACTED"
    INTERESTED = "INTERESTED"
    QUOTED = "QUOTED"
    WON = "WON"
    LOST = "LOST"


class Gender(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    MALE = "MALE"
    FEMALE = "FEMALE"


class Channel(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    PHONE = "PHONE"
    MEETING = "MEETING"
    EMAIL = "EMAIL"
    VISIT = "VISIT"


class TicketState(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    SUBMITTED = "SUBMITTED"
    ASSIGNED = "ASSIGNED"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


class TodoState(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    OPEN = "OPEN"
    DONE = "DONE"


class FollowUpState(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    PLANNED = "PLANNED"
    DUE = "DUE"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


# Text limits (characters), checked on every write path.
LIMITS = {
    "full_name": 200,
    "short_name": 100,
    "code": 40,
    "industry": 20,
    "province": 50,
    "city": 50,
    "address": 300,
    "source": 50,
    "category": 50,
    "sales_method": 50,
    "ownership_type": 50,
    "description": 2000,
    "department": 100,
    "display_name": 100,
    "title": 100,
    "email": 254,
    "hobbies": 500,
    "topic": 200,
    "summary": 5000,
    "resolution": 2000,
    "feedback": 2000,
    "text": 2000,
    "comment": 2000,
    "solution": 2000,
    "note": 500,
    "tag": 30,
    "todo_description": 500,
}


def check_text(
    v: Violations, path: str, value: str, *, required: bool = False, limit: int | None = None
) -> str:
    value = value.strip()
    key = path.rsplit(".", 1)[-1]
    key = re.sub(r"s\[\d+\]$", "", key)  # one element of a list: tags[3] -> tag
    limit = limit or LIMITS.get(key, 200)
    if required and not value:
        v.add(path, "is required")
    elif len(value) > limit:
        v.add(path, f"at most {limit} characters, got {len(value)}")
    elif "\x00" in value:  # PostgreSQL text cannot hold it
        v.add(path, "must not contain NUL characters")
    return value


def check_texts(v: Violations, path: str, values: list[str], *, most: int, limit: int) -> list[str]:
    """A list of short texts: each checked, blanks dropped, at most `most` of them."""
    if len(values) > most:
        v.add(path, f"at most {most} entries")
    checked = [check_text(v, f"{path}[{i}]", s, limit=limit) for i, s in enumerate(values)]
    return [s for s in checked if s]


def check_request_id(v: Violations, request_id: str) -> None:
    """The idempotency key is stored as `<method>:<user>:<request_id>` in a VARCHAR(200)."""
    if len(request_id) > 100:
        v.add("request_id", "at most 100 characters")
    elif "\x00" in request_id:
        v.add("request_id", "must not contain NUL characters")


def check_user(v: Violations, path: str, value: str, *, required: bool = True) -> str:
    if not value and not required:
        return ""
    if not USER_NAME.fullmatch(value):  # match() would let a trailing "\n" through $
        v.add(path, "must be a user name like users/zhang.san")
    return value


def check_enum(v: Violations, path: str, value: enum.Enum, *, required: bool = True) -> None:
    if required and value.name == "UNSPECIFIED":
        v.add(path, "is required")


def check_phones(v: Violations, path: str, raw: list[str]) -> list[str]:
    numbers: list[str] = []
    for i, number in enumerate(raw):
        try:
            e164 = to_e164(number)
        except InvalidPhoneNumber as exc:
            v.add(f"{path}[{i}]", str(exc))
            continue
        if e164 not in numbers:
            numbers.append(e164)
    if len(numbers) > 10:
        v.add(path, "at most 10 phone numbers")
    return numbers


@dataclass
class ContactPhone:
    """One phone number of a contact, in E.164; the table behind it is the lookup index."""

    e164: str
    contact_id: str = ""
    customer_id: str = ""


@dataclass(eq=False)
class Contact:
    id: str
    customer_id: str
    display_name: str
    gender: Gender = Gender.UNSPECIFIED
    title: str = ""
    phones: list[ContactPhone] = field(default_factory=list)
    email: str = ""
    im_ids: list[str] = field(default_factory=list)
    hobbies: str = ""
    key_decision_maker: bool = False
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    UPDATABLE = frozenset(
        {"display_name", "gender", "title", "phone_numbers", "email", "im_ids", "hobbies"}
    )

    @property
    def phone_numbers(self) -> list[str]:
        return [p.e164 for p in self.phones]

    def set_phone_numbers(self, numbers: list[str]) -> None:
        keep = {p.e164: p for p in self.phones}
        self.phones = [keep.get(n) or ContactPhone(n, self.id, self.customer_id) for n in numbers]


def validate_contact_fields(v: Violations, prefix: str, values: dict[str, Any]) -> dict[str, Any]:
    """Checks and normalizes the contact fields present in `values` (a partial update too)."""
    out = dict(values)
    for key in ("display_name", "title", "hobbies", "email"):
        if key in values:
            out[key] = check_text(v, f"{prefix}.{key}", values[key], required=key == "display_name")
    if out.get("email") and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", out["email"]):
        v.add(f"{prefix}.email", "not an e-mail address")
    if "phone_numbers" in values:
        out["phone_numbers"] = check_phones(v, f"{prefix}.phone_numbers", values["phone_numbers"])
    if "im_ids" in values:
        out["im_ids"] = check_texts(v, f"{prefix}.im_ids", values["im_ids"], most=10, limit=100)
    return out


@dataclass(eq=False)
class Customer:
    id: str
    code: str
    full_name: str
    kind: CustomerKind
    owner: str
    short_name: str = ""
    industry: str = ""
    province: str = ""
    city: str = ""
    address: str = ""
    source: str = ""
    category: str = ""
    sales_method: str = ""
    ownership_type: str = ""
    description: str = ""
    credit_code: str | None = None
    department: str = ""
    tags: list[str] = field(default_factory=list)
    lifecycle_stage: LifecycleStage = LifecycleStage.UNSPECIFIED
    lead_stage: LeadStage = LeadStage.UNSPECIFIED
    grade: Grade = Grade.UNSPECIFIED
    credit_rating: CreditRating = CreditRating.UNSPECIFIED
    annual_contract_amount: Decimal | None = None
    longest_overdue_days: int = 0
    cooperation_start_date: date | None = None
    possible_duplicates: list[str] = field(default_factory=list)
    decision_maker_changes: list[dict[str, str]] = field(default_factory=list)
    name_key: str = ""
    merged_into: str | None = None
    contacts: list[Contact] = field(default_factory=list)
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None
    events: list[Event] = field(default_factory=list)

    # Fields a client may name in an update mask; the rest are output only.
    UPDATABLE = frozenset(
        {
            "full_name",
            "short_name",
            "kind",
            "industry",
            "province",
            "city",
            "address",
            "source",
            "category",
            "sales_method",
            "ownership_type",
            "description",
            "credit_code",
            "owner",
            "department",
            "tags",
            "lifecycle_stage",
            "lead_stage",
            "cooperation_start_date",
        }
    )

    @property
    def resource_name(self) -> str:
        return f"customers/{self.id}"

    @property
    def etag(self) -> str:
        return str(self.version)

    def check_etag(self, etag: str) -> None:
        if etag and etag != self.etag:
            raise StaleEtag(
                f"{self.resource_name} changed since it was read (etag {self.etag})",
                metadata={"etag": self.etag},
            )

    def long_term(self, today: date, t: Thresholds) -> bool:
        return is_long_term(self.cooperation_start_date, today, t)

    def apply(self, values: dict[str, Any], now: datetime) -> None:
        """Applies already validated field values."""
        previous_owner = self.owner
        for key, value in values.items():
            setattr(self, key, value)
        if "full_name" in values:
            self.name_key = name_key(self.full_name)
        self.updated_at = now
        self.events.append(events.CustomerUpdated(self.resource_name, sorted(values)))
        if self.owner != previous_owner:
            self.events.append(
                events.CustomerOwnerChanged(self.resource_name, previous_owner, self.owner)
            )

    def apply_figures(
        self,
        amount: Decimal,
        overdue_days: int,
        cooperation_start: date | None,
        t: Thresholds,
        now: datetime,
    ) -> None:
        self.annual_contract_amount = amount
        self.longest_overdue_days = overdue_days
        if cooperation_start is not None:
            self.cooperation_start_date = cooperation_start
        grade, rating = grade_for(amount, t), credit_rating_for(overdue_days, t)
        if grade is not self.grade:
            self.events.append(
                events.CustomerGradeChanged(self.resource_name, self.grade.name, grade.name)
            )
            self.grade = grade
        if rating is not self.credit_rating:
            self.events.append(
                events.CreditRatingChanged(self.resource_name, self.credit_rating.name, rating.name)
            )
            self.credit_rating = rating
        self.updated_at = now

    def flag_duplicate(self, other: str, matched_on: str) -> None:
        if other not in self.possible_duplicates:
            self.possible_duplicates = [*self.possible_duplicates, other]
            self.events.append(events.DuplicateFlagged(self.resource_name, other, matched_on))

    def delete(self, now: datetime) -> None:
        if self.deleted_at is not None:
            raise FailedPrecondition(f"{self.resource_name} is already deleted")
        self.deleted_at = now
        self.updated_at = now
        self.events.append(events.CustomerDeleted(self.resource_name))

    def change_key_decision_maker(
        self, new: Contact, change_date: date, note: str, recorded_by: str
    ) -> None:
        if new.key_decision_maker:
            raise FailedPrecondition(f"contacts/{new.id} is already the key decision maker")
        previous = next((c for c in self.contacts if c.key_decision_maker), None)
        if previous is not None:
            previous.key_decision_maker = False
        new.key_decision_maker = True
        self.decision_maker_changes = [
            *self.decision_maker_changes,
            {
                "change_date": change_date.isoformat(),
                "previous_contact": f"contacts/{previous.id}" if previous else "",
                "new_contact": f"contacts/{new.id}",
                "note": note,
                "recorded_by": recorded_by,
            },
        ]
        self.events.append(
            events.KeyDecisionMakerChanged(
                self.resource_name,
                f"contacts/{previous.id}" if previous else "",
                f"contacts/{new.id}",
                change_date,
            )
        )


# The customer's free-text fields (owner and credit code are text too, with rules of their own).
CUSTOMER_TEXT_FIELDS = (
    "full_name",
    "short_name",
    "industry",
    "province",
    "city",
    "address",
    "source",
    "category",
    "sales_method",
    "ownership_type",
    "description",
    "department",
)


def validate_customer_fields(v: Violations, prefix: str, values: dict[str, Any]) -> dict[str, Any]:
    """Checks and normalizes the customer fields present in `values`."""
    out = dict(values)
    for key in CUSTOMER_TEXT_FIELDS:
        if key in values:
            out[key] = check_text(v, f"{prefix}.{key}", values[key], required=key == "full_name")
    if "kind" in values:
        check_enum(v, f"{prefix}.kind", values["kind"])
    if "owner" in values:
        check_user(v, f"{prefix}.owner", values["owner"])
    if "credit_code" in values:
        raw = values["credit_code"].strip()
        out["credit_code"] = None
        if raw:
            try:
                out["credit_code"] = validate_credit_code(raw)
            except InvalidCreditCode as exc:
                v.add(f"{prefix}.credit_code", str(exc))
    if "tags" in values:
        tags: list[str] = []
        for i, tag in enumerate(values["tags"]):
            tag = check_text(v, f"{prefix}.tags[{i}]", tag, required=True)
            if tag and tag not in tags:
                tags.append(tag)
        if len(tags) > 20:
            v.add(f"{prefix}.tags", "at most 20 tags")
        out["tags"] = tags
    return out


@dataclass(eq=False)
class Todo:
    id: str
    interaction_id: str
    customer_id: str
    description: str
    owner: str
    due_date: date
    state: TodoState = TodoState.OPEN
    completed_at: datetime | None = None
    events: list[Event] = field(default_factory=list)

    @property
    def resource_name(self) -> str:
        return f"interactions/{self.interaction_id}/todos/{self.id}"

    def complete(self, now: datetime) -> None:
        if self.state is TodoState.DONE:
            raise FailedPrecondition(f"{self.resource_name} is already done")
        self.state = TodoState.DONE
        self.completed_at = now
        self.events.append(events.TodoCompleted(self.resource_name, self.owner))


@dataclass(eq=False)
class Interaction:
    id: str
    customer_id: str
    occurred_at: datetime
    channel: Channel
    topic: str
    summary: str = ""
    our_participants: list[str] = field(default_factory=list)
    customer_participants: list[str] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)
    recorded_by: str = ""
    created_at: datetime | None = None

    @property
    def resource_name(self) -> str:
        return f"interactions/{self.id}"


# 提交 -> 分配 -> 处理中 -> 已解决 -> 客户反馈; reassigning an assigned ticket is allowed.
TICKET_FLOW: dict[TicketState, set[TicketState]] = {
    TicketState.SUBMITTED: {TicketState.ASSIGNED},
    TicketState.ASSIGNED: {TicketState.ASSIGNED, TicketState.IN_PROGRESS},
    TicketState.IN_PROGRESS: {TicketState.RESOLVED},
    TicketState.RESOLVED: {TicketState.CLOSED},
    TicketState.CLOSED: set(),
}


@dataclass(eq=False)
class Ticket:
    id: str
    customer_id: str
    type: str
    priority: TicketPriority
    title: str
    reporter: str
    response_deadline: datetime
    description: str = ""
    state: TicketState = TicketState.SUBMITTED
    assignee: str = ""
    attachments: list[str] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    resolution: str = ""
    feedback: str = ""
    first_response_at: datetime | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    events: list[Event] = field(default_factory=list)

    @property
    def resource_name(self) -> str:
        return f"tickets/{self.id}"

    @classmethod
    def open(
        cls,
        customer_id: str,
        type_: str,
        priority: TicketPriority,
        title: str,
        description: str,
        attachments: list[str],
        reporter: str,
        now: datetime,
        t: Thresholds,
        tz: str,
    ) -> Ticket:
        ticket = cls(
            id=new_id(),
            customer_id=customer_id,
            type=type_,
            priority=priority,
            title=title,
            description=description,
            attachments=attachments,
            reporter=reporter,
            response_deadline=response_deadline(priority, now, t, tz),
            created_at=now,
            updated_at=now,
        )
        ticket.events.append(
            events.TicketOpened(
                ticket.resource_name,
                f"customers/{customer_id}",
                priority.name,
                ticket.response_deadline,
            )
        )
        return ticket

    def check_etag(self, etag: str) -> None:
        if etag and etag != str(self.version):
            raise StaleEtag(
                f"{self.resource_name} changed since it was read",
                metadata={"etag": str(self.version)},
            )

    def _move(self, to: TicketState, now: datetime) -> None:
        if to not in TICKET_FLOW[self.state]:
            raise FailedPrecondition(
                f"a {self.state.name} ticket cannot become {to.name}",
                reason="TICKET_STATE",
                metadata={"state": self.state.name, "to": to.name},
            )
        self.state = to
        self.updated_at = now
        if self.first_response_at is None and to in (TicketState.ASSIGNED, TicketState.IN_PROGRESS):
            self.first_response_at = now
        self.events.append(
            events.TicketStateChanged(
                self.resource_name, f"customers/{self.customer_id}", to.name, self.assignee
            )
        )

    def assign(self, assignee: str, now: datetime) -> None:
        previous = self.assignee
        self.assignee = assignee  # the event carries the new assignee
        try:
            self._move(TicketState.ASSIGNED, now)
        except FailedPrecondition:
            self.assignee = previous
            raise

    def start(self, now: datetime) -> None:
        self._move(TicketState.IN_PROGRESS, now)

    def resolve(self, resolution: str, now: datetime) -> None:
        self._move(TicketState.RESOLVED, now)
        self.resolution = resolution

    def close(self, feedback: str, now: datetime) -> None:
        self._move(TicketState.CLOSED, now)
        self.feedback = feedback

    def add_note(self, author: str, text: str, now: datetime) -> None:
        if self.state is TicketState.CLOSED:
            raise FailedPrecondition(f"{self.resource_name} is closed", reason="TICKET_STATE")
        self.notes = [*self.notes, {"author": author, "text": text, "create_time": now.isoformat()}]
        self.updated_at = now


SURVEY_DIMENSIONS = (
    "product_quality",
    "service_response",
    "cooperation_experience",
    "value_for_money",
)


@dataclass(eq=False)
class Survey:
    id: str
    customer_id: str
    scores: dict[str, int]
    average_score: Decimal
    band: SurveyBand
    ticket_id: str | None = None
    comment: str = ""
    response_deadline: datetime | None = None
    solution: str = ""
    responder: str = ""
    responded_at: datetime | None = None
    created_at: datetime | None = None
    events: list[Event] = field(default_factory=list)

    @property
    def resource_name(self) -> str:
        return f"surveys/{self.id}"

    @classmethod
    def submit(
        cls,
        customer_id: str,
        scores: dict[str, int],
        ticket_id: str | None,
        comment: str,
        now: datetime,
        t: Thresholds,
    ) -> Survey:
        average = (Decimal(sum(scores.values())) / len(scores)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        band = survey_band(average, t)
        survey = cls(
            id=new_id(),
            customer_id=customer_id,
            scores=scores,
            average_score=average,
            band=band,
            ticket_id=ticket_id,
            comment=comment,
            created_at=now,
        )
        if band is SurveyBand.UNSATISFIED:
            survey.response_deadline = now + timedelta(hours=t.unsatisfied_response_hours)
            survey.events.append(
                events.SurveyUnsatisfied(
                    survey.resource_name,
                    f"customers/{customer_id}",
                    float(average),
                    survey.response_deadline,
                )
            )
        return survey

    def respond(self, responder: str, solution: str, now: datetime) -> None:
        if self.band is not SurveyBand.UNSATISFIED:
            raise FailedPrecondition(
                "only an unsatisfied survey needs a solution", reason="SURVEY_NOT_UNSATISFIED"
            )
        if self.responded_at is not None:
            raise FailedPrecondition(
                f"{self.resource_name} was already answered", reason="SURVEY_ANSWERED"
            )
        self.solution, self.responder, self.responded_at = solution, responder, now
        self.events.append(events.SurveyAnswered(self.resource_name, responder))


@dataclass(eq=False)
class FollowUp:
    id: str
    customer_id: str
    kind: FollowUpKind
    due_date: date
    owner: str
    state: FollowUpState = FollowUpState.PLANNED
    interaction_id: str | None = None
    completed_at: datetime | None = None
    events: list[Event] = field(default_factory=list)

    @property
    def resource_name(self) -> str:
        return f"followUps/{self.id}"

    @property
    def open(self) -> bool:
        return self.state in (FollowUpState.PLANNED, FollowUpState.DUE)

    def become_due(self) -> None:
        if self.state is FollowUpState.PLANNED:
            self.state = FollowUpState.DUE
            self.events.append(
                events.FollowUpDue(
                    self.resource_name,
                    f"customers/{self.customer_id}",
                    self.owner,
                    self.kind.name,
                    self.due_date,
                )
            )

    def complete(self, interaction_id: str | None, now: datetime) -> None:
        if not self.open:
            raise FailedPrecondition(
                f"{self.resource_name} is {self.state.name}", reason="FOLLOW_UP_STATE"
            )
        self.state, self.interaction_id, self.completed_at = FollowUpState.DONE, interaction_id, now

    def cancel(self) -> None:
        self.state = FollowUpState.CANCELLED


def replan_follow_ups(customer: Customer, open_ones: list[FollowUp], today: date) -> list[FollowUp]:
    """Makes the open follow-ups match the customer's grade plan; returns the new ones.

    An open follow-up is kept when its kind is still in the plan and it is due no later than
    the new interval allows; otherwise it is cancelled and replaced.
    """
    plan = MAINTENANCE_PLAN[customer.grade]
    created: list[FollowUp] = []
    for kind, months in plan.items():
        latest = add_months(today, months)
        same_kind = [f for f in open_ones if f.kind is kind]
        if any(f.due_date <= latest for f in same_kind):
            continue
        for f in same_kind:
            f.cancel()
        created.append(FollowUp(new_id(), customer.id, kind, latest, customer.owner))
    for f in open_ones:
        if f.kind not in plan:
            f.cancel()
    return created


def next_follow_up(customer: Customer, done: FollowUp, today: date) -> FollowUp | None:
    months = MAINTENANCE_PLAN[customer.grade].get(done.kind)
    if months is None:
        return None
    return FollowUp(new_id(), customer.id, done.kind, add_months(today, months), customer.owner)
