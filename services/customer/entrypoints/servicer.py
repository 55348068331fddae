"""CustomerService over gRPC: validate the shape, convert, call the use case, convert back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import grpc
from google.protobuf import empty_pb2

from callops.customer.v1 import customer_pb2 as pb
from callops.customer.v1 import customer_pb2_grpc
from services.common import convert
from services.common.auth import Principal, current_principal
from services.common.pagination import (
    FilterField,
    PageTokens,
    keyset_position,
    page_size,
    parse_filter,
    parse_order_by,
)
from services.common.privacy import mask_phone
from services.customer.adapters.uow import CustomerUnitOfWork
from services.customer.domain import model
from services.customer.entrypoints import converters as cv
from services.customer.service_layer import activities, customers
from services.customer.service_layer.customers import Deps

R = TypeVar("R")
SERVICE = "callops.customer.v1.CustomerService"

# Who may call what (rights from services.common.rights); a method missing here is refused.
RIGHTS = {
    "CreateCustomer": "customers.write",
    "GetCustomer": "customers.read",
    "UpdateCustomer": "customers.write",
    "ListCustomers": "customers.read",
    "DeleteCustomer": "customers.delete",
    "MergeCustomers": "customers.merge",
    "LookupByPhone": "customers.read",
    "ReportCustomerFigures": "customers.figures",
    "CreateContact": "customers.write",
    "UpdateContact": "customers.write",
    "DeleteContact": "customers.write",
    "ChangeKeyDecisionMaker": "customers.write",
    "CreateInteraction": "interactions.write",
    "ListInteractions": "customers.read",
    "ListTodos": "customers.read",
    "CompleteTodo": "interactions.write",
    "CreateTicket": "tickets.write",
    "GetTicket": "customers.read",
    "ListTickets": "customers.read",
    "AssignTicket": "tickets.write",
    "StartTicket": "tickets.write",
    "ResolveTicket": "tickets.write",
    "CloseTicket": "tickets.write",
    "AddTicketNote": "tickets.write",
    "SubmitSurvey": "surveys.write",
    "ListSurveys": "customers.read",
    "RespondToSurvey": "surveys.respond",
    "ListFollowUps": "customers.read",
    "CompleteFollowUp": "interactions.write",
}
POLICY = {f"/{SERVICE}/{method}": right for method, right in RIGHTS.items()}

_TEXT = FilterField()
# `customer = "customers/x"` filters the records' customer_id column.
_CUSTOMER = FilterField(
    convert=lambda name: convert.parse_name(name, "customers", "filter"), column="customer_id"
)
CUSTOMER_FILTER = {
    "owner": _TEXT,
    "industry": _TEXT,
    "province": _TEXT,
    "city": _TEXT,
    "tag": _TEXT,
    "department": _TEXT,
    "full_name": FilterField(prefix=True),
    "grade": FilterField.of(cv.GRADE),
    "credit_rating": FilterField.of(cv.CREDIT_RATING),
    "lifecycle_stage": FilterField.of(cv.LIFECYCLE_STAGE),
    "lead_stage": FilterField.of(cv.LEAD_STAGE),
    "kind": FilterField.of(cv.KIND),
}
CUSTOMER_ORDER = {
    "create_time": "created_at",
    "update_time": "updated_at",
    "full_name": "full_name",
    "code": "code",
}
TODO_FILTER = {"owner": _TEXT, "customer": _CUSTOMER, "state": FilterField.of(cv.TODO_STATE)}
TICKET_FILTER = {
    "customer": _CUSTOMER,
    "assignee": _TEXT,
    "type": _TEXT,
    "state": FilterField.of(cv.TICKET_STATE),
    "priority": FilterField.of(cv.PRIORITY),
}
SURVEY_FILTER = {
    "customer": _CUSTOMER,
    "band": FilterField.of(cv.BAND),
    "responded": FilterField(frozenset({"true", "false"}), convert=lambda v: v == "true"),
}
FOLLOW_UP_FILTER = {
    "owner": _TEXT,
    "customer": _CUSTOMER,
    "state": FilterField.of(cv.FOLLOW_UP_STATE),
    "kind": FilterField.of(cv.FOLLOW_UP_KIND),
}


def _principal() -> Principal:
    principal = current_principal.get()
    assert principal is not None, "the auth interceptor sets the principal"
    return principal


class CustomerServicer(customer_pb2_grpc.CustomerServiceServicer):
    def __init__(
        self,
        uow_factory: Callable[[], CustomerUnitOfWork],
        deps: Deps,
        page_tokens: PageTokens,
        inline_reads: bool = False,
    ) -> None:
        self._uow = uow_factory
        self._deps = deps
        self._tokens = page_tokens
        self._inline_reads = inline_reads

    async def _run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        # Use cases are synchronous SQLAlchemy code: run them off the event loop.
        return await asyncio.to_thread(partial(fn, self._uow(), *args, **kwargs))

    async def _read(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """A read on a local SQLite file (WAL: readers never wait for writers) takes tens of
        microseconds, less than the hop to a thread: it runs on the loop. Reads over the
        network (PostgreSQL) go to a thread like every write."""
        if self._inline_reads:
            return fn(self._uow(), *args, **kwargs)
        return await self._run(fn, *args, **kwargs)

    def _customer(self, c: model.Customer, with_contacts: bool = True) -> pb.Customer:
        return cv.customer_out(
            c, _principal(), self._deps.today(), self._deps.thresholds, with_contacts
        )

    def _page(self, request: Any, query: str) -> tuple[dict[str, Any] | None, int]:
        return self._tokens.decode(request.page_token, query), page_size(request.page_size)

    def _next(self, items: list[Any], limit: int, key: Callable[[Any], Any], query: str) -> str:
        if len(items) <= limit:
            return ""
        last = items[limit - 1]
        del items[limit:]
        return self._tokens.encode(key(last), query)

    # --- customers --------------------------------------------------------------------------

    async def CreateCustomer(self, request: pb.CreateCustomerRequest, context: Any) -> pb.Customer:
        values = cv.customer_values(request.customer, None, "customer")
        contacts = [cv.contact_values(c, f"contacts[{i}]") for i, c in enumerate(request.contacts)]
        customer = await self._run(
            customers.create_customer,
            self._deps,
            _principal(),
            values,
            contacts,
            request.request_id,
            request.allow_duplicate,
        )
        return self._customer(customer)

    async def GetCustomer(self, request: pb.GetCustomerRequest, context: Any) -> pb.Customer:
        cid = convert.parse_name(request.name, "customers", "name")
        return self._customer(await self._read(customers.get_customer, cid))

    async def UpdateCustomer(self, request: pb.UpdateCustomerRequest, context: Any) -> pb.Customer:
        cid = convert.parse_name(request.customer.name, "customers", "customer.name")
        mask = cv.mask_paths(request.update_mask)
        values = cv.customer_values(request.customer, mask, "customer")
        customer = await self._run(
            customers.update_customer,
            self._deps,
            _principal(),
            cid,
            values,
            mask,
            request.customer.etag,
        )
        return self._customer(customer)

    async def ListCustomers(
        self, request: pb.ListCustomersRequest, context: Any
    ) -> pb.ListCustomersResponse:
        terms = parse_filter(request.filter, CUSTOMER_FILTER)
        order, descending = parse_order_by(
            request.order_by, set(CUSTOMER_ORDER), "create_time desc"
        )
        column = CUSTOMER_ORDER[order]
        query = f"{request.filter}|{column}|{descending}"
        after, limit = self._page(request, query)
        found = await self._read(customers.list_customers, terms, column, descending, after, limit)
        token = self._next(found, limit, lambda c: keyset_position(getattr(c, column), c.id), query)
        return pb.ListCustomersResponse(
            customers=[self._customer(c, with_contacts=False) for c in found], next_page_token=token
        )

    async def DeleteCustomer(
        self, request: pb.DeleteCustomerRequest, context: Any
    ) -> empty_pb2.Empty:
        cid = convert.parse_name(request.name, "customers", "name")
        await self._run(customers.delete_customer, self._deps, _principal(), cid, request.etag)
        return empty_pb2.Empty()

    async def MergeCustomers(self, request: pb.MergeCustomersRequest, context: Any) -> pb.Customer:
        target = convert.parse_name(request.target, "customers", "target")
        source = convert.parse_name(request.source, "customers", "source")
        merged = await self._run(
            customers.merge_customers, self._deps, _principal(), target, source, request.reason
        )
        return self._customer(merged)

    async def LookupByPhone(
        self, request: pb.LookupByPhoneRequest, context: Any
    ) -> pb.LookupByPhoneResponse:
        e164, matches = await self._read(customers.lookup_by_phone, request.phone_number)
        who = _principal()
        return pb.LookupByPhoneResponse(
            phone_number=e164 if who.sees_pii else mask_phone(e164),
            matches=[
                pb.PhoneMatch(
                    customer=self._customer(c, with_contacts=False), contact=cv.contact_out(ct, who)
                )
                for c, ct in matches
            ],
        )

    async def ReportCustomerFigures(
        self, request: pb.ReportCustomerFiguresRequest, context: Any
    ) -> pb.Customer:
        cid = convert.parse_name(request.customer, "customers", "customer")
        amount = convert.from_money(request.annual_contract_amount, "annual_contract_amount")
        start = convert.from_date(request.cooperation_start_date, "cooperation_start_date")
        customer = await self._run(
            customers.report_figures, self._deps, cid, amount, request.longest_overdue_days, start
        )
        return self._customer(customer)

    # --- contacts -----------------------------------------------------------------------------

    async def CreateContact(self, request: pb.CreateContactRequest, context: Any) -> pb.Contact:
        cid = convert.parse_name(request.contact.customer, "customers", "contact.customer")
        values = cv.contact_values(request.contact, "contact")
        contact = await self._run(
            customers.create_contact, self._deps, _principal(), cid, values, request.request_id
        )
        return cv.contact_out(contact, _principal())

    async def UpdateContact(self, request: pb.UpdateContactRequest, context: Any) -> pb.Contact:
        ctid = convert.parse_name(request.contact.name, "contacts", "contact.name")
        mask = cv.mask_paths(request.update_mask)
        values = cv.contact_values(request.contact, "contact", mask)
        contact = await self._run(
            customers.update_contact,
            self._deps,
            _principal(),
            ctid,
            values,
            mask,
            request.contact.etag,
        )
        return cv.contact_out(contact, _principal())

    async def DeleteContact(
        self, request: pb.DeleteContactRequest, context: Any
    ) -> empty_pb2.Empty:
        ctid = convert.parse_name(request.name, "contacts", "name")
        await self._run(customers.delete_contact, _principal(), ctid)
        return empty_pb2.Empty()

    async def ChangeKeyDecisionMaker(
        self, request: pb.ChangeKeyDecisionMakerRequest, context: Any
    ) -> pb.Customer:
        cid = convert.parse_name(request.customer, "customers", "customer")
        ctid = convert.parse_name(request.new_contact, "contacts", "new_contact")
        day = convert.from_date(request.change_date, "change_date")
        customer = await self._run(
            customers.change_key_decision_maker,
            self._deps,
            _principal(),
            cid,
            ctid,
            day,
            request.note,
        )
        return self._customer(customer)

    # --- interactions and to-dos ----------------------------------------------------------------

    async def CreateInteraction(
        self, request: pb.CreateInteractionRequest, context: Any
    ) -> pb.Interaction:
        i = request.interaction
        cid = convert.parse_name(i.customer, "customers", "interaction.customer")
        todos = [
            {
                "description": t.description,
                "owner": t.owner,
                "due_date": convert.from_date(t.due_date, f"interaction.todos[{n}].due_date"),
            }
            for n, t in enumerate(i.todos)
        ]
        interaction = await self._run(
            activities.record_interaction,
            self._deps,
            _principal(),
            cid,
            convert.from_timestamp(
                i.occur_time, i.HasField("occur_time"), "interaction.occur_time"
            ),
            cv.CHANNEL.into(i.channel, "interaction.channel"),
            i.topic,
            i.summary,
            list(i.our_participants),
            list(i.customer_participants),
            list(i.agreements),
            todos,
            request.request_id,
        )
        return cv.interaction_out(interaction, _principal())

    async def ListInteractions(
        self, request: pb.ListInteractionsRequest, context: Any
    ) -> pb.ListInteractionsResponse:
        cid = convert.parse_name(request.customer, "customers", "customer")
        after, limit = self._page(request, cid)
        found = await self._read(activities.list_interactions, cid, after, limit)
        token = self._next(found, limit, lambda i: keyset_position(i.occurred_at, i.id), cid)
        return pb.ListInteractionsResponse(
            interactions=[cv.interaction_out(i, _principal()) for i in found], next_page_token=token
        )

    async def ListTodos(self, request: pb.ListTodosRequest, context: Any) -> pb.ListTodosResponse:
        terms = parse_filter(request.filter, TODO_FILTER)
        after, limit = self._page(request, request.filter)
        found = await self._read(activities.list_todos, terms, after, limit)
        token = self._next(
            found, limit, lambda t: keyset_position(t.due_date, t.id), request.filter
        )
        return pb.ListTodosResponse(todos=[cv.todo_out(t) for t in found], next_page_token=token)

    async def CompleteTodo(self, request: pb.CompleteTodoRequest, context: Any) -> pb.Todo:
        iid, tid = convert.parse_nested_name(request.name, "interactions", "todos", "name")
        return cv.todo_out(await self._run(activities.complete_todo, self._deps, iid, tid))

    # --- tickets --------------------------------------------------------------------------------

    async def CreateTicket(self, request: pb.CreateTicketRequest, context: Any) -> pb.Ticket:
        t = request.ticket
        cid = convert.parse_name(t.customer, "customers", "ticket.customer")
        ticket = await self._run(
            activities.open_ticket,
            self._deps,
            _principal(),
            cid,
            t.type,
            cv.PRIORITY.into(t.priority, "ticket.priority"),
            t.title,
            t.description,
            list(t.attachments),
            request.request_id,
        )
        return cv.ticket_out(ticket)

    async def GetTicket(self, request: pb.GetTicketRequest, context: Any) -> pb.Ticket:
        tid = convert.parse_name(request.name, "tickets", "name")
        return cv.ticket_out(await self._read(activities.get_ticket, tid))

    async def ListTickets(
        self, request: pb.ListTicketsRequest, context: Any
    ) -> pb.ListTicketsResponse:
        terms = parse_filter(request.filter, TICKET_FILTER)
        after, limit = self._page(request, request.filter)
        found = await self._read(activities.list_tickets, terms, after, limit)
        token = self._next(
            found, limit, lambda t: keyset_position(t.created_at, t.id), request.filter
        )
        return pb.ListTicketsResponse(
            tickets=[cv.ticket_out(t) for t in found], next_page_token=token
        )

    async def _move(self, name: str, etag: str, action: str, text: str = "") -> pb.Ticket:
        tid = convert.parse_name(name, "tickets", "name")
        ticket = await self._run(
            activities.move_ticket, self._deps, _principal(), tid, etag, action, text
        )
        return cv.ticket_out(ticket)

    async def AssignTicket(self, request: pb.AssignTicketRequest, context: Any) -> pb.Ticket:
        return await self._move(request.name, request.etag, "assign", request.assignee)

    async def StartTicket(self, request: pb.StartTicketRequest, context: Any) -> pb.Ticket:
        return await self._move(request.name, request.etag, "start")

    async def ResolveTicket(self, request: pb.ResolveTicketRequest, context: Any) -> pb.Ticket:
        return await self._move(request.name, request.etag, "resolve", request.resolution)

    async def CloseTicket(self, request: pb.CloseTicketRequest, context: Any) -> pb.Ticket:
        return await self._move(request.name, request.etag, "close", request.feedback)

    async def AddTicketNote(self, request: pb.AddTicketNoteRequest, context: Any) -> pb.Ticket:
        return await self._move(request.name, "", "note", request.text)

    # --- surveys and follow-ups -----------------------------------------------------------------

    async def SubmitSurvey(self, request: pb.SubmitSurveyRequest, context: Any) -> pb.Survey:
        s = request.survey
        cid = convert.parse_name(s.customer, "customers", "survey.customer")
        tid = convert.parse_optional_name(s.ticket, "tickets", "survey.ticket")
        scores = {d: getattr(s, d) for d in model.SURVEY_DIMENSIONS}
        survey = await self._run(
            activities.submit_survey,
            self._deps,
            _principal(),
            cid,
            scores,
            tid,
            s.comment,
            request.request_id,
        )
        return cv.survey_out(survey)

    async def ListSurveys(
        self, request: pb.ListSurveysRequest, context: Any
    ) -> pb.ListSurveysResponse:
        terms = parse_filter(request.filter, SURVEY_FILTER)
        after, limit = self._page(request, request.filter)
        found = await self._read(activities.list_surveys, terms, after, limit)
        token = self._next(
            found, limit, lambda s: keyset_position(s.created_at, s.id), request.filter
        )
        return pb.ListSurveysResponse(
            surveys=[cv.survey_out(s) for s in found], next_page_token=token
        )

    async def RespondToSurvey(self, request: pb.RespondToSurveyRequest, context: Any) -> pb.Survey:
        sid = convert.parse_name(request.name, "surveys", "name")
        survey = await self._run(
            activities.respond_to_survey, self._deps, _principal(), sid, request.solution
        )
        return cv.survey_out(survey)

    async def ListFollowUps(
        self, request: pb.ListFollowUpsRequest, context: Any
    ) -> pb.ListFollowUpsResponse:
        terms = parse_filter(request.filter, FOLLOW_UP_FILTER)
        after, limit = self._page(request, request.filter)
        found = await self._read(activities.list_follow_ups, terms, after, limit)
        token = self._next(
            found, limit, lambda f: keyset_position(f.due_date, f.id), request.filter
        )
        return pb.ListFollowUpsResponse(
            follow_ups=[cv.follow_up_out(f) for f in found], next_page_token=token
        )

    async def CompleteFollowUp(
        self, request: pb.CompleteFollowUpRequest, context: Any
    ) -> pb.FollowUp:
        fid = convert.parse_name(request.name, "followUps", "name")
        iid = convert.parse_optional_name(request.interaction, "interactions", "interaction")
        return cv.follow_up_out(
            await self._run(activities.complete_follow_up, self._deps, fid, iid)
        )


def add_to_server(servicer: CustomerServicer, server: grpc.aio.Server) -> None:
    customer_pb2_grpc.add_CustomerServiceServicer_to_server(servicer, server)
