"""What happens to customers, as events other services and the alert workers react to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.common.events import Event


@dataclass(frozen=True)
class CustomerEvent(Event):
    service = "customer"


@dataclass(frozen=True)
class CustomerCreated(CustomerEvent):
    customer: str
    owner: str
    full_name: str


@dataclass(frozen=True)
class CustomerUpdated(CustomerEvent):
    customer: str
    fields: list[str]


@dataclass(frozen=True)
class CustomerOwnerChanged(CustomerEvent):
    customer: str
    previous_owner: str
    owner: str


@dataclass(frozen=True)
class CustomerDeleted(CustomerEvent):
    customer: str


@dataclass(frozen=True)
class DuplicateFlagged(CustomerEvent):
    customer: str
    duplicate_of: str
    matched_on: str


@dataclass(frozen=True)
class CustomerMerged(CustomerEvent):
    """Other services repoint their references from `source` to `target`."""

    target: str
    source: str
    actor: str


@dataclass(frozen=True)
class CustomerGradeChanged(CustomerEvent):
    customer: str
    previous: str
    grade: str


@dataclass(frozen=True)
class CreditRatingChanged(CustomerEvent):
    customer: str
    previous: str
    credit_rating: str


@dataclass(frozen=True)
class ContactChanged(CustomerEvent):
    customer: str
    contact: str
    change: str  # created, updated, deleted


@dataclass(frozen=True)
class KeyDecisionMakerChanged(CustomerEvent):
    customer: str
    previous_contact: str
    new_contact: str
    change_date: date


@dataclass(frozen=True)
class InteractionRecorded(CustomerEvent):
    customer: str
    interaction: str
    channel: str


@dataclass(frozen=True)
class TodoCompleted(CustomerEvent):
    todo: str
    owner: str


@dataclass(frozen=True)
class TicketOpened(CustomerEvent):
    ticket: str
    customer: str
    priority: str
    response_deadline: datetime


@dataclass(frozen=True)
class TicketStateChanged(CustomerEvent):
    ticket: str
    customer: str
    state: str
    assignee: str


@dataclass(frozen=True)
class SurveyUnsatisfied(CustomerEvent):
    """A supervisor must propose a solution before `response_deadline`."""

    survey: str
    customer: str
    average_score: float
    response_deadline: datetime


@dataclass(frozen=True)
class SurveyAnswered(CustomerEvent):
    survey: str
    responder: str


@dataclass(frozen=True)
class FollowUpDue(CustomerEvent):
    follow_up: str
    customer: str
    owner: str
    kind: str
    due_date: date
