"""Bad input for every CustomerService RPC: exact status, BadRequest field and ErrorInfo reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from google.protobuf import field_mask_pb2
from google.type import date_pb2, money_pb2

from callops.customer.v1 import customer_pb2 as pb
from tests.e2e.helpers import (
    ABORTED,
    EXISTS,
    FAILED,
    INVALID,
    NOT_FOUND,
    UNKNOWN_ID,
    cny,
    contact,
    create,
    credit_code,
    customer,
    day,
    expect,
    interaction,
    mobile,
    survey,
    ticket,
)

METHODS = set(pb.DESCRIPTOR.services_by_name["CustomerService"].methods_by_name)
ADMIN = ("admin",)  # every right: only the input can be at fault


@dataclass
class World:
    """Real resources the bad requests point at, so only the bad part is at fault."""

    customer: pb.Customer
    other: pb.Customer
    contact: pb.Contact
    interaction: pb.Interaction
    todo: str
    ticket: pb.Ticket
    survey: pb.Survey
    follow_up: str


@pytest.fixture
async def world(grpc_customer) -> World:
    c = grpc_customer
    first = await create(c, contacts=[contact("王五", mobile())])
    other = await create(c)
    due = pb.Todo(
        description="寄送报价单", owner="users/zhang.san", due_date=day(date(2026, 12, 1))
    )
    done = await interaction(c, first.name, todos=[due])
    await c.stub.ReportCustomerFigures(
        pb.ReportCustomerFiguresRequest(customer=first.name, annual_contract_amount=cny(600_000)),
        metadata=c.as_("service"),
    )
    follow_ups = await c.stub.ListFollowUps(
        pb.ListFollowUpsRequest(filter=f'customer = "{first.name}"'), metadata=c.as_("agent")
    )
    return World(
        customer=first,
        other=other,
        contact=first.contacts[0],
        interaction=done,
        todo=done.todos[0].name,
        ticket=await ticket(c, first.name),
        survey=await survey(c, first.name, 1, 2, 1, 2),
        follow_up=follow_ups.follow_ups[0].name,
    )


def mask(*paths: str) -> field_mask_pb2.FieldMask:
    return field_mask_pb2.FieldMask(paths=list(paths))


def bad_date() -> date_pb2.Date:
    return date_pb2.Date(year=2025, month=2, day=30)


def occurred(i: pb.Interaction) -> pb.Interaction:
    i.occur_time.FromJsonString("2026-11-20T02:00:00Z")
    return i


def new_interaction(w: World, **fields: Any) -> pb.CreateInteractionRequest:
    fields.setdefault("channel", pb.Interaction.CHANNEL_MEETING)
    fields.setdefault("topic", "年度回访")
    return pb.CreateInteractionRequest(
        interaction=occurred(pb.Interaction(customer=w.customer.name, **fields))
    )


def with_todo(w: World, **todo: Any) -> pb.CreateInteractionRequest:
    todo = {
        "description": "回电",
        "owner": "users/zhang.san",
        "due_date": day(date(2026, 12, 1)),
        **todo,
    }
    return new_interaction(w, todos=[pb.Todo(**todo)])


def new_ticket(w: World, **fields: Any) -> pb.CreateTicketRequest:
    values = {
        "customer": w.customer.name,
        "type": "complaint",
        "priority": pb.Ticket.PRIORITY_URGENT,
        "title": "无法登录",
        **fields,
    }
    return pb.CreateTicketRequest(ticket=pb.Ticket(**values))


def new_survey(w: World, **fields: Any) -> pb.SubmitSurveyRequest:
    values = {
        "customer": w.customer.name,
        "product_quality": 5,
        "service_response": 5,
        "cooperation_experience": 5,
        "value_for_money": 5,
        **fields,
    }
    return pb.SubmitSurveyRequest(survey=pb.Survey(**values))


def figures(w: World, **fields: Any) -> pb.ReportCustomerFiguresRequest:
    fields.setdefault("annual_contract_amount", cny(1000))
    return pb.ReportCustomerFiguresRequest(customer=w.customer.name, **fields)


def edit(w: World, paths: tuple[str, ...], **fields: Any) -> pb.UpdateCustomerRequest:
    msg = pb.Customer(name=w.customer.name, **fields)
    return pb.UpdateCustomerRequest(customer=msg, update_mask=mask(*paths))


def edit_contact(w: World, paths: tuple[str, ...], **fields: Any) -> pb.UpdateContactRequest:
    msg = pb.Contact(name=w.contact.name, **fields)
    return pb.UpdateContactRequest(contact=msg, update_mask=mask(*paths))


def new_customer(**fields: Any) -> pb.CreateCustomerRequest:
    contacts = fields.pop("contacts", [])
    request_id = fields.pop("request_id", "")
    return pb.CreateCustomerRequest(
        customer=customer(**fields), contacts=contacts, request_id=request_id
    )


Build = Callable[[World], Any]
LONG = "长" * 201
ID = UNKNOWN_ID

# (method, request builder, the field the BadRequest must name)
BAD: list[tuple[str, Build, str]] = [
    # CreateCustomer
    ("CreateCustomer", lambda w: new_customer(full_name=" "), "customer.full_name"),
    ("CreateCustomer", lambda w: new_customer(full_name=LONG), "customer.full_name"),
    ("CreateCustomer", lambda w: new_customer(short_name="简" * 101), "customer.short_name"),
    ("CreateCustomer", lambda w: new_customer(industry="I" * 21), "customer.industry"),
    ("CreateCustomer", lambda w: new_customer(address="路" * 301), "customer.address"),
    ("CreateCustomer", lambda w: new_customer(description="d" * 2001), "customer.description"),
    ("CreateCustomer", lambda w: new_customer(department="部" * 101), "customer.department"),
    ("CreateCustomer", lambda w: new_customer(kind=99), "customer.kind"),
    ("CreateCustomer", lambda w: new_customer(kind=pb.Customer.KIND_UNSPECIFIED), "customer.kind"),
    ("CreateCustomer", lambda w: new_customer(lifecycle_stage=42), "customer.lifecycle_stage"),
    ("CreateCustomer", lambda w: new_customer(lead_stage=-1), "customer.lead_stage"),
    ("CreateCustomer", lambda w: new_customer(owner="zhang.san"), "customer.owner"),
    ("CreateCustomer", lambda w: new_customer(owner="users/"), "customer.owner"),
    ("CreateCustomer", lambda w: new_customer(owner="users/张三"), "customer.owner"),
    (
        "CreateCustomer",
        lambda w: new_customer(credit_code="91330106000000001X"),
        "customer.credit_code",
    ),
    ("CreateCustomer", lambda w: new_customer(credit_code="913301"), "customer.credit_code"),
    (
        "CreateCustomer",
        lambda w: new_customer(credit_code="I1330106000000001X"),
        "customer.credit_code",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(credit_code=credit_code(1)[:17] + "?"),
        "customer.credit_code",
    ),
    ("CreateCustomer", lambda w: new_customer(code="客户一号"), "customer.code"),
    ("CreateCustomer", lambda w: new_customer(code="C" * 41), "customer.code"),
    ("CreateCustomer", lambda w: new_customer(tags=["年度合作客户", " "]), "customer.tags[1]"),
    ("CreateCustomer", lambda w: new_customer(tags=["签" * 31]), "customer.tags[0]"),
    (
        "CreateCustomer",
        lambda w: new_customer(tags=[f"标签{i}" for i in range(21)]),
        "customer.tags",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(cooperation_start_date=bad_date()),
        "customer.cooperation_start_date",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(cooperation_start_date=date_pb2.Date(year=2024)),
        "customer.cooperation_start_date",
    ),
    ("CreateCustomer", lambda w: new_customer(contacts=[contact("")]), "contacts[0].display_name"),
    (
        "CreateCustomer",
        lambda w: new_customer(contacts=[contact("名" * 101)]),
        "contacts[0].display_name",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(contacts=[contact("李四", "12345")]),
        "contacts[0].phone_numbers[0]",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(contacts=[contact("李四", "call me")]),
        "contacts[0].phone_numbers[0]",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(contacts=[contact("李四", "1380013800012345")]),
        "contacts[0].phone_numbers[0]",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(contacts=[contact("李四", "+999 1234 5678")]),
        "contacts[0].phone_numbers[0]",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(contacts=[contact("李四", "")]),
        "contacts[0].phone_numbers[0]",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(contacts=[contact("甲", mobile()), contact("乙", mobile(), "1-2")]),
        "contacts[1].phone_numbers[1]",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(contacts=[contact("李四", *(mobile() for _ in range(11)))]),
        "contacts[0].phone_numbers",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(contacts=[contact("李四", email="li.si@")]),
        "contacts[0].email",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(contacts=[contact("李四", gender=3)]),
        "contacts[0].gender",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(contacts=[contact("李四", title="t" * 101)]),
        "contacts[0].title",
    ),
    (
        "CreateCustomer",
        lambda w: new_customer(contacts=[contact("李四", hobbies="钓" * 501)]),
        "contacts[0].hobbies",
    ),
    ("CreateCustomer", lambda w: new_customer(request_id="r" * 101), "request_id"),
    ("CreateCustomer", lambda w: new_customer(request_id="r\x00"), "request_id"),
    # NUL cannot be stored in a PostgreSQL text column: refused up front on every backend
    ("CreateCustomer", lambda w: new_customer(full_name="杭州\x00科技"), "customer.full_name"),
    ("CreateCustomer", lambda w: new_customer(tags=["高潜力\x00"]), "customer.tags[0]"),
    # GetCustomer
    ("GetCustomer", lambda w: pb.GetCustomerRequest(), "name"),
    ("GetCustomer", lambda w: pb.GetCustomerRequest(name="customers/42"), "name"),
    ("GetCustomer", lambda w: pb.GetCustomerRequest(name="customers/" + ID.upper()), "name"),
    ("GetCustomer", lambda w: pb.GetCustomerRequest(name=ID), "name"),
    ("GetCustomer", lambda w: pb.GetCustomerRequest(name=f"contacts/{ID}"), "name"),
    ("GetCustomer", lambda w: pb.GetCustomerRequest(name=f"customers/{ID}/contacts"), "name"),
    ("GetCustomer", lambda w: pb.GetCustomerRequest(name=f" customers/{ID}"), "name"),
    # UpdateCustomer
    (
        "UpdateCustomer",
        lambda w: pb.UpdateCustomerRequest(update_mask=mask("city")),
        "customer.name",
    ),
    ("UpdateCustomer", lambda w: edit(w, (), city="杭州"), "update_mask"),
    (
        "UpdateCustomer",
        lambda w: edit(w, ("grade",), grade=pb.Customer.GRADE_STRATEGIC),
        "update_mask",
    ),
    ("UpdateCustomer", lambda w: edit(w, ("contacts",)), "update_mask"),
    ("UpdateCustomer", lambda w: edit(w, ("annual_contract_amount",)), "update_mask"),
    ("UpdateCustomer", lambda w: edit(w, ("colour",)), "update_mask"),
    ("UpdateCustomer", lambda w: edit(w, ("full_name",), full_name=""), "customer.full_name"),
    ("UpdateCustomer", lambda w: edit(w, ("full_name",), full_name=LONG), "customer.full_name"),
    ("UpdateCustomer", lambda w: edit(w, ("kind",), kind=99), "customer.kind"),
    ("UpdateCustomer", lambda w: edit(w, ("kind",)), "customer.kind"),
    ("UpdateCustomer", lambda w: edit(w, ("owner",), owner="nobody"), "customer.owner"),
    (
        "UpdateCustomer",
        lambda w: edit(w, ("credit_code",), credit_code="123"),
        "customer.credit_code",
    ),
    ("UpdateCustomer", lambda w: edit(w, ("tags",), tags=[""]), "customer.tags[0]"),
    ("UpdateCustomer", lambda w: edit(w, ("city",), city="市" * 51), "customer.city"),
    (
        "UpdateCustomer",
        lambda w: edit(w, ("cooperation_start_date",), cooperation_start_date=bad_date()),
        "customer.cooperation_start_date",
    ),
    # ListCustomers
    ("ListCustomers", lambda w: pb.ListCustomersRequest(page_size=-1), "page_size"),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(page_token="garbage"), "page_token"),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(page_token="下一页"), "page_token"),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(filter='colour = "red"'), "filter"),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(filter="grade = GRADE_GOLD"), "filter"),
    (
        "ListCustomers",
        lambda w: pb.ListCustomersRequest(filter="kind = KIND_UNSPECIFIED"),
        "filter",
    ),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(filter="grade = 3"), "filter"),
    (
        "ListCustomers",
        lambda w: pb.ListCustomersRequest(filter='city = "杭州" OR city = "上海"'),
        "filter",
    ),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(filter='city = "杭州" AND'), "filter"),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(filter='city = "杭州'), "filter"),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(filter='city = "\\u12"'), "filter"),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(filter='city = "\\q"'), "filter"),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(filter='city = "a\nb"'), "filter"),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(filter='city = "a\\u0000b"'), "filter"),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(filter="city = a\x00b"), "filter"),
    (
        "ListCustomers",
        lambda w: pb.ListCustomersRequest(filter='city = "a" AND city = "b"'),
        "filter",
    ),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(filter="city"), "filter"),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(filter="(city = x)"), "filter"),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(order_by="colour"), "order_by"),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(order_by="full_name up"), "order_by"),
    (
        "ListCustomers",
        lambda w: pb.ListCustomersRequest(order_by="code desc, full_name"),
        "order_by",
    ),
    ("ListCustomers", lambda w: pb.ListCustomersRequest(order_by="grade"), "order_by"),
    # DeleteCustomer
    ("DeleteCustomer", lambda w: pb.DeleteCustomerRequest(), "name"),
    ("DeleteCustomer", lambda w: pb.DeleteCustomerRequest(name="customers/*"), "name"),
    # MergeCustomers
    (
        "MergeCustomers",
        lambda w: pb.MergeCustomersRequest(source=w.other.name, reason="重复录入"),
        "target",
    ),
    (
        "MergeCustomers",
        lambda w: pb.MergeCustomersRequest(target=w.customer.name, source="c1", reason="重复录入"),
        "source",
    ),
    (
        "MergeCustomers",
        lambda w: pb.MergeCustomersRequest(
            target=w.customer.name, source=w.customer.name, reason="重复录入"
        ),
        "source",
    ),
    (
        "MergeCustomers",
        lambda w: pb.MergeCustomersRequest(target=w.customer.name, source=w.other.name),
        "reason",
    ),
    (
        "MergeCustomers",
        lambda w: pb.MergeCustomersRequest(
            target=w.customer.name, source=w.other.name, reason="  "
        ),
        "reason",
    ),
    # LookupByPhone
    ("LookupByPhone", lambda w: pb.LookupByPhoneRequest(), "phone_number"),
    ("LookupByPhone", lambda w: pb.LookupByPhoneRequest(phone_number="   "), "phone_number"),
    ("LookupByPhone", lambda w: pb.LookupByPhoneRequest(phone_number="12345"), "phone_number"),
    (
        "LookupByPhone",
        lambda w: pb.LookupByPhoneRequest(phone_number="1380013800O"),
        "phone_number",
    ),
    ("LookupByPhone", lambda w: pb.LookupByPhoneRequest(phone_number="电话"), "phone_number"),
    (
        "LookupByPhone",
        lambda w: pb.LookupByPhoneRequest(phone_number="+999 1234 5678"),
        "phone_number",
    ),
    ("LookupByPhone", lambda w: pb.LookupByPhoneRequest(phone_number="1" * 300), "phone_number"),
    # ReportCustomerFigures
    ("ReportCustomerFigures", lambda w: pb.ReportCustomerFiguresRequest(), "customer"),
    (
        "ReportCustomerFigures",
        lambda w: figures(w, annual_contract_amount=cny(-1)),
        "annual_contract_amount",
    ),
    (
        "ReportCustomerFigures",
        lambda w: figures(w, annual_contract_amount=money_pb2.Money(currency_code="USD", units=9)),
        "annual_contract_amount.currency_code",
    ),
    (
        "ReportCustomerFigures",
        lambda w: figures(w, annual_contract_amount=cny(1, 1_000_000_000)),
        "annual_contract_amount.nanos",
    ),
    (
        "ReportCustomerFigures",
        lambda w: figures(w, annual_contract_amount=cny(1, -5)),
        "annual_contract_amount.nanos",
    ),
    (
        "ReportCustomerFigures",
        lambda w: figures(w, annual_contract_amount=cny(100, 1)),
        "annual_contract_amount",
    ),
    (
        "ReportCustomerFigures",
        lambda w: figures(w, annual_contract_amount=cny(2**62)),
        "annual_contract_amount",
    ),
    (
        "ReportCustomerFigures",
        lambda w: figures(w, longest_overdue_days=-1),
        "longest_overdue_days",
    ),
    (
        "ReportCustomerFigures",
        lambda w: figures(w, cooperation_start_date=bad_date()),
        "cooperation_start_date",
    ),
    # CreateContact
    (
        "CreateContact",
        lambda w: pb.CreateContactRequest(contact=contact("赵六")),
        "contact.customer",
    ),
    (
        "CreateContact",
        lambda w: pb.CreateContactRequest(contact=contact("", customer=w.customer.name)),
        "contact.display_name",
    ),
    (
        "CreateContact",
        lambda w: pb.CreateContactRequest(
            contact=contact("赵六", "0571", customer=w.customer.name)
        ),
        "contact.phone_numbers[0]",
    ),
    (
        "CreateContact",
        lambda w: pb.CreateContactRequest(
            contact=contact("赵六", email="zhao@liu", customer=w.customer.name)
        ),
        "contact.email",
    ),
    (
        "CreateContact",
        lambda w: pb.CreateContactRequest(
            contact=contact("赵六", gender=9, customer=w.customer.name)
        ),
        "contact.gender",
    ),
    (
        "CreateContact",
        lambda w: pb.CreateContactRequest(
            contact=contact("赵六", email="e" * 250 + "@a.cn", customer=w.customer.name)
        ),
        "contact.email",
    ),
    (
        "CreateContact",
        lambda w: pb.CreateContactRequest(
            contact=contact("赵六", email="zhao\x00@liu.cn", customer=w.customer.name)
        ),
        "contact.email",
    ),
    (
        "CreateContact",
        lambda w: pb.CreateContactRequest(
            contact=contact("赵六", customer=w.customer.name), request_id="r" * 101
        ),
        "request_id",
    ),
    # UpdateContact
    ("UpdateContact", lambda w: pb.UpdateContactRequest(update_mask=mask("title")), "contact.name"),
    ("UpdateContact", lambda w: edit_contact(w, (), title="总监"), "update_mask"),
    ("UpdateContact", lambda w: edit_contact(w, ("key_decision_maker",)), "update_mask"),
    ("UpdateContact", lambda w: edit_contact(w, ("customer",)), "update_mask"),
    ("UpdateContact", lambda w: edit_contact(w, ("display_name",)), "contact.display_name"),
    (
        "UpdateContact",
        lambda w: edit_contact(w, ("phone_numbers",), phone_numbers=[mobile(), "x"]),
        "contact.phone_numbers[1]",
    ),
    ("UpdateContact", lambda w: edit_contact(w, ("email",), email="no-at-sign"), "contact.email"),
    ("UpdateContact", lambda w: edit_contact(w, ("gender",), gender=4), "contact.gender"),
    # DeleteContact
    ("DeleteContact", lambda w: pb.DeleteContactRequest(), "name"),
    ("DeleteContact", lambda w: pb.DeleteContactRequest(name=w.customer.name), "name"),
    # ChangeKeyDecisionMaker
    (
        "ChangeKeyDecisionMaker",
        lambda w: pb.ChangeKeyDecisionMakerRequest(new_contact=w.contact.name),
        "customer",
    ),
    (
        "ChangeKeyDecisionMaker",
        lambda w: pb.ChangeKeyDecisionMakerRequest(customer=w.customer.name),
        "new_contact",
    ),
    (
        "ChangeKeyDecisionMaker",
        lambda w: pb.ChangeKeyDecisionMakerRequest(
            customer=w.customer.name, new_contact=w.contact.name, change_date=bad_date()
        ),
        "change_date",
    ),
    (
        "ChangeKeyDecisionMaker",
        lambda w: pb.ChangeKeyDecisionMakerRequest(
            customer=w.customer.name, new_contact=w.contact.name, note="备" * 501
        ),
        "note",
    ),
    # CreateInteraction
    (
        "CreateInteraction",
        lambda w: pb.CreateInteractionRequest(
            interaction=occurred(pb.Interaction(channel=pb.Interaction.CHANNEL_PHONE, topic="回访"))
        ),
        "interaction.customer",
    ),
    (
        "CreateInteraction",
        lambda w: pb.CreateInteractionRequest(
            interaction=pb.Interaction(
                customer=w.customer.name, channel=pb.Interaction.CHANNEL_PHONE, topic="回访"
            )
        ),
        "interaction.occur_time",
    ),
    (
        "CreateInteraction",
        lambda w: new_interaction(w, channel=pb.Interaction.CHANNEL_UNSPECIFIED),
        "interaction.channel",
    ),
    ("CreateInteraction", lambda w: new_interaction(w, channel=9), "interaction.channel"),
    ("CreateInteraction", lambda w: new_interaction(w, topic=""), "interaction.topic"),
    ("CreateInteraction", lambda w: new_interaction(w, topic=LONG), "interaction.topic"),
    ("CreateInteraction", lambda w: new_interaction(w, topic="回\x00访"), "interaction.topic"),
    ("CreateInteraction", lambda w: with_request_id(new_interaction(w)), "request_id"),
    ("CreateInteraction", lambda w: new_interaction(w, summary="s" * 5001), "interaction.summary"),
    (
        "CreateInteraction",
        lambda w: new_interaction(w, our_participants=["users/a", "li.si"]),
        "interaction.our_participants[1]",
    ),
    (
        "CreateInteraction",
        lambda w: with_todo(w, description=""),
        "interaction.todos[0].description",
    ),
    (
        "CreateInteraction",
        lambda w: with_todo(w, description="办" * 501),
        "interaction.todos[0].description",
    ),
    ("CreateInteraction", lambda w: with_todo(w, owner=""), "interaction.todos[0].owner"),
    ("CreateInteraction", lambda w: with_todo(w, owner="zhang.san"), "interaction.todos[0].owner"),
    (
        "CreateInteraction",
        lambda w: with_todo(w, due_date=date_pb2.Date()),
        "interaction.todos[0].due_date",
    ),
    (
        "CreateInteraction",
        lambda w: with_todo(w, due_date=date_pb2.Date(year=2026, month=13, day=1)),
        "interaction.todos[0].due_date",
    ),
    ("CreateInteraction", lambda w: far_future(new_interaction(w)), "interaction.occur_time"),
    ("CreateInteraction", lambda w: negative_nanos(new_interaction(w)), "interaction.occur_time"),
    # ListInteractions
    ("ListInteractions", lambda w: pb.ListInteractionsRequest(), "customer"),
    (
        "ListInteractions",
        lambda w: pb.ListInteractionsRequest(customer=w.customer.name, page_size=-5),
        "page_size",
    ),
    (
        "ListInteractions",
        lambda w: pb.ListInteractionsRequest(customer=w.customer.name, page_token="AAAA"),
        "page_token",
    ),
    # ListTodos
    ("ListTodos", lambda w: pb.ListTodosRequest(filter='due_date = "2026-12-01"'), "filter"),
    ("ListTodos", lambda w: pb.ListTodosRequest(filter="state = STATE_LATE"), "filter"),
    ("ListTodos", lambda w: pb.ListTodosRequest(filter='customer = "王五公司"'), "filter"),
    ("ListTodos", lambda w: pb.ListTodosRequest(page_size=-1), "page_size"),
    ("ListTodos", lambda w: pb.ListTodosRequest(page_token="x"), "page_token"),
    # CompleteTodo
    ("CompleteTodo", lambda w: pb.CompleteTodoRequest(), "name"),
    ("CompleteTodo", lambda w: pb.CompleteTodoRequest(name=w.interaction.name), "name"),
    ("CompleteTodo", lambda w: pb.CompleteTodoRequest(name=f"todos/{ID}"), "name"),
    # CreateTicket
    ("CreateTicket", lambda w: new_ticket(w, customer=""), "ticket.customer"),
    ("CreateTicket", lambda w: new_ticket(w, type=""), "ticket.type"),
    ("CreateTicket", lambda w: new_ticket(w, type="On Site"), "ticket.type"),
    ("CreateTicket", lambda w: new_ticket(w, type="投诉"), "ticket.type"),
    ("CreateTicket", lambda w: new_ticket(w, type="t" * 41), "ticket.type"),
    ("CreateTicket", lambda w: new_ticket(w, priority=0), "ticket.priority"),
    ("CreateTicket", lambda w: new_ticket(w, priority=7), "ticket.priority"),
    ("CreateTicket", lambda w: new_ticket(w, title=" "), "ticket.title"),
    ("CreateTicket", lambda w: new_ticket(w, title=LONG), "ticket.title"),
    ("CreateTicket", lambda w: new_ticket(w, description="述" * 2001), "ticket.description"),
    (
        "CreateTicket",
        lambda w: new_ticket(w, attachments=[f"a{i}.png" for i in range(21)]),
        "ticket.attachments",
    ),
    ("CreateTicket", lambda w: with_request_id(new_ticket(w)), "request_id"),
    # GetTicket
    ("GetTicket", lambda w: pb.GetTicketRequest(), "name"),
    ("GetTicket", lambda w: pb.GetTicketRequest(name=f"ticket/{ID}"), "name"),
    # ListTickets
    ("ListTickets", lambda w: pb.ListTicketsRequest(filter="state = STATE_OPEN"), "filter"),
    ("ListTickets", lambda w: pb.ListTicketsRequest(filter="priority = PRIORITY_LOW"), "filter"),
    ("ListTickets", lambda w: pb.ListTicketsRequest(filter='title = "打印机"'), "filter"),
    ("ListTickets", lambda w: pb.ListTicketsRequest(filter='customer = "customers/1"'), "filter"),
    ("ListTickets", lambda w: pb.ListTicketsRequest(page_size=-100), "page_size"),
    ("ListTickets", lambda w: pb.ListTicketsRequest(page_token="!!!"), "page_token"),
    # AssignTicket
    ("AssignTicket", lambda w: pb.AssignTicketRequest(assignee="users/li.si"), "name"),
    ("AssignTicket", lambda w: pb.AssignTicketRequest(name=w.ticket.name), "assignee"),
    (
        "AssignTicket",
        lambda w: pb.AssignTicketRequest(name=w.ticket.name, assignee="li.si"),
        "assignee",
    ),
    # StartTicket
    ("StartTicket", lambda w: pb.StartTicketRequest(name="tickets/"), "name"),
    # ResolveTicket
    ("ResolveTicket", lambda w: pb.ResolveTicketRequest(resolution="已更换"), "name"),
    ("ResolveTicket", lambda w: pb.ResolveTicketRequest(name=w.ticket.name), "resolution"),
    (
        "ResolveTicket",
        lambda w: pb.ResolveTicketRequest(name=w.ticket.name, resolution="解" * 2001),
        "resolution",
    ),
    # CloseTicket
    ("CloseTicket", lambda w: pb.CloseTicketRequest(name=w.customer.name), "name"),
    (
        "CloseTicket",
        lambda w: pb.CloseTicketRequest(name=w.ticket.name, feedback="好" * 2001),
        "feedback",
    ),
    # AddTicketNote
    ("AddTicketNote", lambda w: pb.AddTicketNoteRequest(text="已联系"), "name"),
    ("AddTicketNote", lambda w: pb.AddTicketNoteRequest(name=w.ticket.name, text=" "), "text"),
    (
        "AddTicketNote",
        lambda w: pb.AddTicketNoteRequest(name=w.ticket.name, text="记" * 2001),
        "text",
    ),
    ("AddTicketNote", lambda w: pb.AddTicketNoteRequest(name=w.ticket.name, text="记\x00"), "text"),
    # SubmitSurvey
    ("SubmitSurvey", lambda w: new_survey(w, customer=""), "survey.customer"),
    ("SubmitSurvey", lambda w: new_survey(w, ticket="tickets/1"), "survey.ticket"),
    ("SubmitSurvey", lambda w: new_survey(w, product_quality=0), "survey.product_quality"),
    ("SubmitSurvey", lambda w: new_survey(w, service_response=-1), "survey.service_response"),
    (
        "SubmitSurvey",
        lambda w: new_survey(w, cooperation_experience=6),
        "survey.cooperation_experience",
    ),
    ("SubmitSurvey", lambda w: new_survey(w, value_for_money=100), "survey.value_for_money"),
    ("SubmitSurvey", lambda w: new_survey(w, comment="评" * 2001), "survey.comment"),
    ("SubmitSurvey", lambda w: with_request_id(new_survey(w)), "request_id"),
    (
        "SubmitSurvey",
        lambda w: new_survey(w, customer=w.other.name, ticket=w.ticket.name),
        "survey.ticket",
    ),
    # ListSurveys
    ("ListSurveys", lambda w: pb.ListSurveysRequest(filter="band = BAND_GREAT"), "filter"),
    ("ListSurveys", lambda w: pb.ListSurveysRequest(filter="responded = maybe"), "filter"),
    ("ListSurveys", lambda w: pb.ListSurveysRequest(filter="average_score = 1"), "filter"),
    ("ListSurveys", lambda w: pb.ListSurveysRequest(page_size=-1), "page_size"),
    # RespondToSurvey
    ("RespondToSurvey", lambda w: pb.RespondToSurveyRequest(solution="上门致歉"), "name"),
    ("RespondToSurvey", lambda w: pb.RespondToSurveyRequest(name=w.survey.name), "solution"),
    (
        "RespondToSurvey",
        lambda w: pb.RespondToSurveyRequest(name=w.survey.name, solution="案" * 2001),
        "solution",
    ),
    # ListFollowUps
    ("ListFollowUps", lambda w: pb.ListFollowUpsRequest(filter="kind = KIND_EMAIL"), "filter"),
    ("ListFollowUps", lambda w: pb.ListFollowUpsRequest(filter="state = STATE_OPEN"), "filter"),
    ("ListFollowUps", lambda w: pb.ListFollowUpsRequest(filter='customer = "c1"'), "filter"),
    ("ListFollowUps", lambda w: pb.ListFollowUpsRequest(page_size=-2), "page_size"),
    ("ListFollowUps", lambda w: pb.ListFollowUpsRequest(page_token="abc"), "page_token"),
    # CompleteFollowUp
    ("CompleteFollowUp", lambda w: pb.CompleteFollowUpRequest(name=f"followups/{ID}"), "name"),
    (
        "CompleteFollowUp",
        lambda w: pb.CompleteFollowUpRequest(name=w.follow_up, interaction="interactions/1"),
        "interaction",
    ),
    (
        "CompleteFollowUp",
        lambda w: pb.CompleteFollowUpRequest(name=w.follow_up, interaction=w.other.name),
        "interaction",
    ),
]


def with_request_id(request: Any) -> Any:
    request.request_id = "r" * 101  # stored with method and user in a VARCHAR(200)
    return request


def far_future(request: pb.CreateInteractionRequest) -> pb.CreateInteractionRequest:
    request.interaction.occur_time.seconds = 10**12  # past year 9999
    return request


def negative_nanos(request: pb.CreateInteractionRequest) -> pb.CreateInteractionRequest:
    request.interaction.occur_time.nanos = -1
    return request


def test_every_rpc_has_bad_input_cases():
    assert {method for method, _, _ in BAD} == METHODS


@pytest.mark.parametrize(
    ("method", "build", "field"),
    BAD,
    ids=[f"{m}-{f}-{i}" for i, (m, _, f) in enumerate(BAD)],
)
async def test_bad_input_is_invalid_argument_naming_the_field(
    grpc_customer, world, method, build, field
):
    call = getattr(grpc_customer.stub, method)
    failure = await expect(call(build(world), metadata=grpc_customer.as_(*ADMIN)), INVALID, field)
    assert failure.info.reason == "INVALID_ARGUMENT"
    assert field in failure.message


async def test_create_reports_every_fault_at_once(grpc_customer):
    request = pb.CreateCustomerRequest(
        customer=pb.Customer(credit_code="1"), contacts=[contact("", "abc")]
    )
    failure = await expect(
        grpc_customer.stub.CreateCustomer(request, metadata=grpc_customer.as_("sales")), INVALID
    )
    assert set(failure.fields) == {
        "customer.full_name",
        "customer.kind",
        "customer.owner",
        "customer.credit_code",
        "contacts[0].display_name",
        "contacts[0].phone_numbers[0]",
    }


async def test_survey_with_no_scores_names_all_four(grpc_customer, world):
    request = pb.SubmitSurveyRequest(survey=pb.Survey(customer=world.customer.name))
    failure = await expect(
        grpc_customer.stub.SubmitSurvey(request, metadata=grpc_customer.as_("agent")), INVALID
    )
    assert set(failure.fields) == {
        "survey.product_quality",
        "survey.service_response",
        "survey.cooperation_experience",
        "survey.value_for_money",
    }


async def test_page_token_of_another_list_is_refused(grpc_customer, world):
    c, who = grpc_customer, grpc_customer.as_("admin")
    await create(c)
    page = await c.stub.ListCustomers(pb.ListCustomersRequest(page_size=1), metadata=who)
    assert page.next_page_token
    await expect(
        c.stub.ListCustomers(
            pb.ListCustomersRequest(
                page_size=1, page_token=page.next_page_token, order_by="full_name"
            ),
            metadata=who,
        ),
        INVALID,
        "page_token",
    )
    await expect(
        c.stub.ListTickets(pb.ListTicketsRequest(page_token=page.next_page_token), metadata=who),
        INVALID,
        "page_token",
    )
    tampered = page.next_page_token[:-2] + ("A" if page.next_page_token[-2] != "A" else "B") + "A"
    await expect(
        c.stub.ListCustomers(
            pb.ListCustomersRequest(page_size=1, page_token=tampered), metadata=who
        ),
        INVALID,
        "page_token",
    )


# --- well-formed names of nothing: NOT_FOUND ----------------------------------------------------

GHOST_CUSTOMER = f"customers/{ID}"
GHOST_CONTACT = f"contacts/{ID}"

MISSING: list[tuple[str, Build]] = [
    ("GetCustomer", lambda w: pb.GetCustomerRequest(name=GHOST_CUSTOMER)),
    (
        "UpdateCustomer",
        lambda w: pb.UpdateCustomerRequest(
            customer=pb.Customer(name=GHOST_CUSTOMER, city="杭州"), update_mask=mask("city")
        ),
    ),
    ("DeleteCustomer", lambda w: pb.DeleteCustomerRequest(name=GHOST_CUSTOMER)),
    (
        "MergeCustomers",
        lambda w: pb.MergeCustomersRequest(
            target=GHOST_CUSTOMER, source=w.other.name, reason="重复"
        ),
    ),
    (
        "MergeCustomers",
        lambda w: pb.MergeCustomersRequest(
            target=w.customer.name, source=GHOST_CUSTOMER, reason="重复"
        ),
    ),
    (
        "ReportCustomerFigures",
        lambda w: pb.ReportCustomerFiguresRequest(
            customer=GHOST_CUSTOMER, annual_contract_amount=cny(1)
        ),
    ),
    (
        "CreateContact",
        lambda w: pb.CreateContactRequest(contact=contact("赵六", customer=GHOST_CUSTOMER)),
    ),
    (
        "UpdateContact",
        lambda w: pb.UpdateContactRequest(
            contact=pb.Contact(name=GHOST_CONTACT, title="经理"), update_mask=mask("title")
        ),
    ),
    ("DeleteContact", lambda w: pb.DeleteContactRequest(name=GHOST_CONTACT)),
    (
        "ChangeKeyDecisionMaker",
        lambda w: pb.ChangeKeyDecisionMakerRequest(
            customer=GHOST_CUSTOMER, new_contact=w.contact.name
        ),
    ),
    (
        "ChangeKeyDecisionMaker",
        lambda w: pb.ChangeKeyDecisionMakerRequest(
            customer=w.customer.name, new_contact=GHOST_CONTACT
        ),
    ),
    (
        "ChangeKeyDecisionMaker",
        lambda w: pb.ChangeKeyDecisionMakerRequest(
            customer=w.other.name, new_contact=w.contact.name
        ),
    ),
    (
        "CreateInteraction",
        lambda w: pb.CreateInteractionRequest(
            interaction=occurred(
                pb.Interaction(
                    customer=GHOST_CUSTOMER, channel=pb.Interaction.CHANNEL_PHONE, topic="回访"
                )
            )
        ),
    ),
    ("ListInteractions", lambda w: pb.ListInteractionsRequest(customer=GHOST_CUSTOMER)),
    ("CompleteTodo", lambda w: pb.CompleteTodoRequest(name=f"interactions/{ID}/todos/{ID}")),
    (
        "CompleteTodo",
        lambda w: pb.CompleteTodoRequest(
            name=f"interactions/{ID}/todos/{w.todo.rsplit('/', 1)[1]}"
        ),
    ),
    ("CreateTicket", lambda w: new_ticket(w, customer=GHOST_CUSTOMER)),
    ("GetTicket", lambda w: pb.GetTicketRequest(name=f"tickets/{ID}")),
    (
        "AssignTicket",
        lambda w: pb.AssignTicketRequest(name=f"tickets/{ID}", assignee="users/li.si"),
    ),
    ("StartTicket", lambda w: pb.StartTicketRequest(name=f"tickets/{ID}")),
    ("ResolveTicket", lambda w: pb.ResolveTicketRequest(name=f"tickets/{ID}", resolution="好了")),
    ("CloseTicket", lambda w: pb.CloseTicketRequest(name=f"tickets/{ID}")),
    ("AddTicketNote", lambda w: pb.AddTicketNoteRequest(name=f"tickets/{ID}", text="备注")),
    ("SubmitSurvey", lambda w: new_survey(w, customer=GHOST_CUSTOMER)),
    ("SubmitSurvey", lambda w: new_survey(w, ticket=f"tickets/{ID}")),
    ("RespondToSurvey", lambda w: pb.RespondToSurveyRequest(name=f"surveys/{ID}", solution="回访")),
    ("CompleteFollowUp", lambda w: pb.CompleteFollowUpRequest(name=f"followUps/{ID}")),
    (
        "CompleteFollowUp",
        lambda w: pb.CompleteFollowUpRequest(name=w.follow_up, interaction=f"interactions/{ID}"),
    ),
]


@pytest.mark.parametrize(
    ("method", "build"), MISSING, ids=[f"{m}-{i}" for i, (m, _) in enumerate(MISSING)]
)
async def test_unknown_resource_is_not_found(grpc_customer, world, method, build):
    call = getattr(grpc_customer.stub, method)
    failure = await expect(call(build(world), metadata=grpc_customer.as_(*ADMIN)), NOT_FOUND)
    assert failure.info.reason == "NOT_FOUND"
    assert not failure.fields


async def test_unknown_well_formed_phone_is_an_empty_answer(grpc_customer):
    found = await grpc_customer.stub.LookupByPhone(
        pb.LookupByPhoneRequest(phone_number="13912345678"), metadata=grpc_customer.as_("agent")
    )
    assert found.phone_number == "139****5678"
    assert list(found.matches) == []


async def test_deleted_customer_is_not_found_everywhere(grpc_customer, world):
    c, who = grpc_customer, grpc_customer.as_("admin")
    name = world.customer.name
    await c.stub.DeleteCustomer(pb.DeleteCustomerRequest(name=name), metadata=who)
    for call in (
        c.stub.GetCustomer(pb.GetCustomerRequest(name=name), metadata=who),
        c.stub.DeleteCustomer(pb.DeleteCustomerRequest(name=name), metadata=who),
        c.stub.UpdateCustomer(edit(world, ("city",), city="宁波"), metadata=who),
        c.stub.ReportCustomerFigures(figures(world), metadata=who),
        c.stub.CreateContact(
            pb.CreateContactRequest(contact=contact("赵六", customer=name)), metadata=who
        ),
        c.stub.CreateTicket(new_ticket(world), metadata=who),
        c.stub.MergeCustomers(
            pb.MergeCustomersRequest(target=world.other.name, source=name, reason="重复"),
            metadata=who,
        ),
    ):
        await expect(call, NOT_FOUND)


# --- stale etags: ABORTED ------------------------------------------------------------------------


async def test_stale_customer_etag_is_aborted(grpc_customer, world):
    c, who = grpc_customer, grpc_customer.as_("sales")
    old = (
        await c.stub.GetCustomer(pb.GetCustomerRequest(name=world.customer.name), metadata=who)
    ).etag
    updated = await c.stub.UpdateCustomer(
        pb.UpdateCustomerRequest(
            customer=pb.Customer(name=world.customer.name, city="杭州", etag=old),
            update_mask=mask("city"),
        ),
        metadata=who,
    )
    assert updated.etag != old
    failure = await expect(
        c.stub.UpdateCustomer(
            pb.UpdateCustomerRequest(
                customer=pb.Customer(name=world.customer.name, city="宁波", etag=old),
                update_mask=mask("city"),
            ),
            metadata=who,
        ),
        ABORTED,
        reason="STALE_ETAG",
    )
    assert failure.info.metadata["etag"] == updated.etag
    await expect(
        c.stub.DeleteCustomer(
            pb.DeleteCustomerRequest(name=world.customer.name, etag=old), metadata=c.as_("admin")
        ),
        ABORTED,
        reason="STALE_ETAG",
    )
    got = await c.stub.GetCustomer(pb.GetCustomerRequest(name=world.customer.name), metadata=who)
    assert got.city == "杭州"


async def test_stale_contact_etag_is_aborted(grpc_customer, world):
    c, who = grpc_customer, grpc_customer.as_("sales")
    old = world.contact.etag
    done = await c.stub.UpdateContact(
        pb.UpdateContactRequest(
            contact=pb.Contact(name=world.contact.name, title="总经理", etag=old),
            update_mask=mask("title"),
        ),
        metadata=who,
    )
    assert done.etag != old
    await expect(
        c.stub.UpdateContact(
            pb.UpdateContactRequest(
                contact=pb.Contact(name=world.contact.name, title="董事长", etag=old),
                update_mask=mask("title"),
            ),
            metadata=who,
        ),
        ABORTED,
        reason="STALE_ETAG",
    )


@pytest.mark.parametrize("method", ["AssignTicket", "StartTicket", "ResolveTicket", "CloseTicket"])
async def test_stale_ticket_etag_is_aborted(grpc_customer, world, method):
    c, who = grpc_customer, grpc_customer.as_("agent")
    name, old = world.ticket.name, world.ticket.etag
    await c.stub.AddTicketNote(pb.AddTicketNoteRequest(name=name, text="已电话联系"), metadata=who)
    request = getattr(pb, f"{method}Request")(name=name, etag=old)
    if method == "AssignTicket":
        request.assignee = "users/li.si"
    if method == "ResolveTicket":
        request.resolution = "已更换硒鼓"
    await expect(getattr(c.stub, method)(request, metadata=who), ABORTED, reason="STALE_ETAG")


# --- state changes the current state forbids: FAILED_PRECONDITION -------------------------------


async def test_ticket_steps_out_of_order_fail(grpc_customer, world):
    c, who = grpc_customer, grpc_customer.as_("agent")
    name = world.ticket.name
    start = pb.StartTicketRequest(name=name)
    resolve = pb.ResolveTicketRequest(name=name, resolution="已处理")
    close = pb.CloseTicketRequest(name=name, feedback="满意")
    await expect(c.stub.StartTicket(start, metadata=who), FAILED, reason="TICKET_STATE")
    await expect(c.stub.ResolveTicket(resolve, metadata=who), FAILED, reason="TICKET_STATE")
    await expect(c.stub.CloseTicket(close, metadata=who), FAILED, reason="TICKET_STATE")
    await c.stub.AssignTicket(
        pb.AssignTicketRequest(name=name, assignee="users/li.si"), metadata=who
    )
    await expect(c.stub.ResolveTicket(resolve, metadata=who), FAILED, reason="TICKET_STATE")
    await c.stub.StartTicket(start, metadata=who)
    await expect(c.stub.StartTicket(start, metadata=who), FAILED, reason="TICKET_STATE")
    await expect(
        c.stub.AssignTicket(
            pb.AssignTicketRequest(name=name, assignee="users/wang.wu"), metadata=who
        ),
        FAILED,
        reason="TICKET_STATE",
    )
    await expect(c.stub.CloseTicket(close, metadata=who), FAILED, reason="TICKET_STATE")
    await c.stub.ResolveTicket(resolve, metadata=who)
    await c.stub.CloseTicket(close, metadata=who)
    for call in (
        c.stub.CloseTicket(close, metadata=who),
        c.stub.StartTicket(start, metadata=who),
        c.stub.AssignTicket(
            pb.AssignTicketRequest(name=name, assignee="users/li.si"), metadata=who
        ),
        c.stub.AddTicketNote(pb.AddTicketNoteRequest(name=name, text="补充"), metadata=who),
    ):
        await expect(call, FAILED, reason="TICKET_STATE")
    final = await c.stub.GetTicket(pb.GetTicketRequest(name=name), metadata=who)
    assert final.state == pb.Ticket.STATE_CLOSED
    assert final.assignee == "users/li.si"


async def test_survey_responses_that_are_not_needed_fail(grpc_customer, world):
    c, boss = grpc_customer, grpc_customer.as_("supervisor")
    happy = await survey(c, world.customer.name, 4, 4, 4, 4)
    await expect(
        c.stub.RespondToSurvey(
            pb.RespondToSurveyRequest(name=happy.name, solution="无"), metadata=boss
        ),
        FAILED,
        reason="SURVEY_NOT_UNSATISFIED",
    )
    answer = pb.RespondToSurveyRequest(name=world.survey.name, solution="上门更换设备")
    await c.stub.RespondToSurvey(answer, metadata=boss)
    await expect(c.stub.RespondToSurvey(answer, metadata=boss), FAILED, reason="SURVEY_ANSWERED")


async def test_completing_a_done_todo_fails(grpc_customer, world):
    c, who = grpc_customer, grpc_customer.as_("agent")
    request = pb.CompleteTodoRequest(name=world.todo)
    await c.stub.CompleteTodo(request, metadata=who)
    await expect(c.stub.CompleteTodo(request, metadata=who), FAILED)


async def test_completing_a_done_follow_up_fails(grpc_customer, world):
    c, who = grpc_customer, grpc_customer.as_("sales")
    request = pb.CompleteFollowUpRequest(name=world.follow_up)
    await c.stub.CompleteFollowUp(request, metadata=who)
    await expect(c.stub.CompleteFollowUp(request, metadata=who), FAILED, reason="FOLLOW_UP_STATE")


async def test_same_key_decision_maker_twice_fails(grpc_customer, world):
    c, who = grpc_customer, grpc_customer.as_("sales")
    request = pb.ChangeKeyDecisionMakerRequest(
        customer=world.customer.name, new_contact=world.contact.name
    )
    await c.stub.ChangeKeyDecisionMaker(request, metadata=who)
    await expect(c.stub.ChangeKeyDecisionMaker(request, metadata=who), FAILED)


async def test_taken_customer_code_already_exists(grpc_customer, world):
    failure = await expect(
        grpc_customer.stub.CreateCustomer(
            pb.CreateCustomerRequest(customer=customer(code=world.customer.code)),
            metadata=grpc_customer.as_("sales"),
        ),
        EXISTS,
        reason="CODE_TAKEN",
    )
    assert failure.info.metadata["field"] == "customer.code"
