"""Use cases on what happens with customers: interactions and to-dos, service tickets,
satisfaction surveys and planned follow-ups."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.common.auth import Principal
from services.common.errors import InvalidArgument, NotFound, Violations
from services.customer.adapters.uow import CustomerUnitOfWork
from services.customer.domain import events, model
from services.customer.domain.rules import TicketPriority
from services.customer.service_layer.customers import Deps


def record_interaction(
    uow: CustomerUnitOfWork,
    deps: Deps,
    actor: Principal,
    customer_id: str,
    occurred_at: datetime | None,
    channel: model.Channel,
    topic: str,
    summary: str,
    our_participants: list[str],
    customer_participants: list[str],
    agreements: list[str],
    todos: list[dict[str, Any]],
    request_id: str = "",
) -> model.Interaction:
    v = Violations()
    p = "interaction"
    if occurred_at is None:
        v.add(f"{p}.occur_time", "is required")
    model.check_enum(v, f"{p}.channel", channel)
    topic = model.check_text(v, f"{p}.topic", topic, required=True)
    summary = model.check_text(v, f"{p}.summary", summary)
    for i, user in enumerate(our_participants):
        model.check_user(v, f"{p}.our_participants[{i}]", user)
    customer_participants = model.check_texts(
        v, f"{p}.customer_participants", customer_participants, most=20, limit=100
    )
    agreements = model.check_texts(v, f"{p}.agreements", agreements, most=20, limit=500)
    if len(todos) > 20:
        v.add(f"{p}.todos", "at most 20 entries")
    for i, todo in enumerate(todos):
        model.check_text(
            v,
            f"{p}.todos[{i}].description",
            todo["description"],
            required=True,
            limit=model.LIMITS["todo_description"],
        )  # a VARCHAR(500) column
        model.check_user(v, f"{p}.todos[{i}].owner", todo["owner"])
        if todo["due_date"] is None:
            v.add(f"{p}.todos[{i}].due_date", "is required")
    model.check_request_id(v, request_id)
    v.raise_if_any()
    assert occurred_at is not None
    now = deps.clock()
    with uow:
        key = f"CreateInteraction:{actor.user_id}:{request_id}"
        if request_id and (earlier := uow.created_before(key)):
            return uow.interactions.get(earlier.split("/", 1)[1])
        customer = uow.customers.get(customer_id)
        interaction = model.Interaction(
            id=model.new_id(),
            customer_id=customer.id,
            occurred_at=occurred_at,
            channel=channel,
            topic=topic,
            summary=summary,
            our_participants=our_participants,
            customer_participants=customer_participants,
            agreements=agreements,
            recorded_by=actor.user_name,
            created_at=now,
        )
        interaction.todos = [
            model.Todo(
                id=model.new_id(),
                interaction_id=interaction.id,
                customer_id=customer.id,
                description=t["description"].strip(),
                owner=t["owner"],
                due_date=t["due_date"],
            )
            for t in todos
        ]
        uow.interactions.add(interaction)
        uow.emit(
            events.InteractionRecorded(
                customer.resource_name, interaction.resource_name, channel.name
            )
        )
        if request_id:
            uow.remember_created(key, interaction.resource_name)
        uow.commit()
        return interaction


def list_interactions(
    uow: CustomerUnitOfWork, customer_id: str, after: dict[str, Any] | None, limit: int
) -> list[model.Interaction]:
    with uow:
        uow.customers.get(customer_id)
        return uow.interactions.list_for(customer_id, after, limit)


def list_todos(
    uow: CustomerUnitOfWork, terms: dict[str, Any], after: dict[str, Any] | None, limit: int
) -> list[model.Todo]:
    with uow:
        return uow.todos.list(terms, after, limit)


def complete_todo(
    uow: CustomerUnitOfWork, deps: Deps, interaction_id: str, todo_id: str
) -> model.Todo:
    with uow:
        todo = uow.todos.get(todo_id)
        if todo.interaction_id != interaction_id:
            name = f"interactions/{interaction_id}/todos/{todo_id}"
            raise NotFound(f"{name} not found", metadata={"resource": name})
        todo.complete(deps.clock())
        uow.commit()
        return todo


def open_ticket(
    uow: CustomerUnitOfWork,
    deps: Deps,
    actor: Principal,
    customer_id: str,
    type_: str,
    priority: TicketPriority,
    title: str,
    description: str,
    attachments: list[str],
    request_id: str = "",
) -> model.Ticket:
    v = Violations()
    if not model.TICKET_TYPE.fullmatch(type_):
        v.add("ticket.type", "lowercase letters, digits and underscores, such as complaint")
    model.check_enum(v, "ticket.priority", priority)
    title = model.check_text(v, "ticket.title", title, required=True)
    description = model.check_text(v, "ticket.description", description)
    attachments = model.check_texts(v, "ticket.attachments", attachments, most=20, limit=500)
    model.check_request_id(v, request_id)
    v.raise_if_any()
    with uow:
        key = f"CreateTicket:{actor.user_id}:{request_id}"
        if request_id and (earlier := uow.created_before(key)):
            return uow.tickets.get(earlier.split("/", 1)[1])
        customer = uow.customers.get(customer_id)
        ticket = model.Ticket.open(
            customer.id,
            type_,
            priority,
            title,
            description,
            attachments,
            actor.user_name,
            deps.clock(),
            deps.thresholds,
            deps.timezone,
        )
        uow.tickets.add(ticket)
        if request_id:
            uow.remember_created(key, ticket.resource_name)
        uow.commit()
        return ticket


def get_ticket(uow: CustomerUnitOfWork, ticket_id: str) -> model.Ticket:
    with uow:
        return uow.tickets.get(ticket_id)


def list_tickets(
    uow: CustomerUnitOfWork, terms: dict[str, Any], after: dict[str, Any] | None, limit: int
) -> list[model.Ticket]:
    with uow:
        return uow.tickets.list(terms, after, limit)


def move_ticket(
    uow: CustomerUnitOfWork,
    deps: Deps,
    actor: Principal,
    ticket_id: str,
    etag: str,
    action: str,
    text: str = "",
) -> model.Ticket:
    """assign / start / resolve / close / note: each checked by the ticket's own flow."""
    v = Violations()
    if action == "assign":
        model.check_user(v, "assignee", text)
    elif action == "resolve":
        model.check_text(v, "resolution", text, required=True)
    elif action == "close":
        model.check_text(v, "feedback", text)
    elif action == "note":
        model.check_text(v, "text", text, required=True)
    v.raise_if_any()
    now = deps.clock()
    with uow:
        ticket = uow.tickets.get(ticket_id)
        ticket.check_etag(etag)
        if action == "assign":
            ticket.assign(text, now)
        elif action == "start":
            ticket.start(now)
        elif action == "resolve":
            ticket.resolve(text.strip(), now)
        elif action == "close":
            ticket.close(text.strip(), now)
        else:
            ticket.add_note(actor.user_name, text.strip(), now)
        uow.commit()
        return ticket


def submit_survey(
    uow: CustomerUnitOfWork,
    deps: Deps,
    actor: Principal,
    customer_id: str,
    scores: dict[str, int],
    ticket_id: str | None,
    comment: str,
    request_id: str = "",
) -> model.Survey:
    v = Violations()
    for dimension in model.SURVEY_DIMENSIONS:
        if not 1 <= scores.get(dimension, 0) <= 5:
            v.add(f"survey.{dimension}", "a score from 1 to 5 is required")
    comment = model.check_text(v, "survey.comment", comment)
    model.check_request_id(v, request_id)
    v.raise_if_any()
    with uow:
        key = f"SubmitSurvey:{actor.user_id}:{request_id}"
        if request_id and (earlier := uow.created_before(key)):
            return uow.surveys.get(earlier.split("/", 1)[1])
        customer = uow.customers.get(customer_id)
        if ticket_id is not None:
            ticket = uow.tickets.get(ticket_id)
            if ticket.customer_id != customer.id:
                raise InvalidArgument.of("survey.ticket", "belongs to another customer")
        survey = model.Survey.submit(
            customer.id, scores, ticket_id, comment, deps.clock(), deps.thresholds
        )
        uow.surveys.add(survey)
        if request_id:
            uow.remember_created(key, survey.resource_name)
        uow.commit()
        return survey


def list_surveys(
    uow: CustomerUnitOfWork, terms: dict[str, Any], after: dict[str, Any] | None, limit: int
) -> list[model.Survey]:
    with uow:
        return uow.surveys.list(terms, after, limit)


def respond_to_survey(
    uow: CustomerUnitOfWork, deps: Deps, actor: Principal, survey_id: str, solution: str
) -> model.Survey:
    v = Violations()
    solution = model.check_text(v, "solution", solution, required=True)
    v.raise_if_any()
    with uow:
        survey = uow.surveys.get(survey_id)
        survey.respond(actor.user_name, solution, deps.clock())
        uow.commit()
        return survey


def list_follow_ups(
    uow: CustomerUnitOfWork, terms: dict[str, Any], after: dict[str, Any] | None, limit: int
) -> list[model.FollowUp]:
    with uow:
        return uow.follow_ups.list(terms, after, limit)


def complete_follow_up(
    uow: CustomerUnitOfWork, deps: Deps, follow_up_id: str, interaction_id: str | None
) -> model.FollowUp:
    with uow:
        follow_up = uow.follow_ups.get(follow_up_id)
        if interaction_id is not None:
            interaction = uow.interactions.get(interaction_id)
            if interaction.customer_id != follow_up.customer_id:
                raise InvalidArgument.of("interaction", "belongs to another customer")
        follow_up.complete(interaction_id, deps.clock())
        customer = uow.customers.get(follow_up.customer_id)
        following = model.next_follow_up(customer, follow_up, deps.today())
        if following is not None:
            uow.follow_ups.add(following)
        uow.commit()
        return follow_up


def mark_due_follow_ups(uow: CustomerUnitOfWork, today: date, batch: int = 1000) -> int:
    """Planned follow-ups whose day has come become due, each with one FollowUpDue event.
    Safe to run often and from several workers: a follow-up leaves PLANNED exactly once."""
    total = 0
    while True:
        with uow:
            due = uow.follow_ups.coming_due(today, batch)
            for follow_up in due:
                follow_up.become_due()
            uow.commit()
        total += len(due)
        if len(due) < batch:
            return total
