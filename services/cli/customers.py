"""`callops customers`: create a customer, find who owns a phone number, show one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated, Any

import typer

from callops.customer.v1 import customer_pb2 as pb
from callops.customer.v1 import customer_pb2_grpc
from services.cli import output, values
from services.cli.session import call, current

app = typer.Typer(no_args_is_help=True, help="Customers (客户档案) and their contacts.")


def _stub() -> customer_pb2_grpc.CustomerServiceStub:
    return customer_pb2_grpc.CustomerServiceStub(current().channel("customer"))


def _customer_view(customer: pb.Customer) -> Iterator[Any]:
    yield output.fields(
        customer.full_name,
        [
            ("name", customer.name),
            ("code", customer.code),
            ("short name", customer.short_name),
            ("kind", output.enum_label(pb.Customer.Kind.Name(customer.kind), "KIND")),
            ("credit code", customer.credit_code),
            ("region", f"{customer.province} {customer.city}".strip()),
            ("address", customer.address),
            ("owner", customer.owner),
            ("department", customer.department),
            ("tags", "、".join(customer.tags)),
            ("grade", output.enum_label(pb.Customer.Grade.Name(customer.grade), "GRADE")),
            (
                "credit rating",
                output.enum_label(
                    pb.Customer.CreditRating.Name(customer.credit_rating), "CREDIT_RATING"
                ),
            ),
            (
                "annual amount",
                output.money(customer.annual_contract_amount)
                if customer.HasField("annual_contract_amount")
                else "",
            ),
            ("possible duplicates", ", ".join(customer.possible_duplicates)),
        ],
    )
    if customer.contacts:
        yield output.rows(
            "联系人",
            ["contact", "name", "title", "phones"],
            (
                (c.name, c.display_name, c.title, ", ".join(c.phone_numbers))
                for c in customer.contacts
            ),
        )


@app.command()
def create(
    full_name: Annotated[str, typer.Option(help="客户名称, e.g. 杭州西湖软件有限公司")],
    owner: Annotated[str, typer.Option(help="the account manager, e.g. zhang.san")],
    kind: Annotated[str, typer.Option(help="enterprise or individual")] = "enterprise",
    short_name: Annotated[str, typer.Option(help="简称")] = "",
    credit_code: Annotated[str, typer.Option(help="统一社会信用代码 (18 characters)")] = "",
    province: str = "",
    city: str = "",
    address: str = "",
    industry: Annotated[str, typer.Option(help="national industry code")] = "",
    department: Annotated[str, typer.Option(help="the owner's department")] = "",
    tag: Annotated[list[str] | None, typer.Option(help="repeatable, e.g. 高潜力客户")] = None,
    contact: Annotated[str, typer.Option(help="a first contact's name, e.g. 王芳")] = "",
    contact_title: Annotated[str, typer.Option(help="the contact's title")] = "",
    phone: Annotated[
        list[str] | None, typer.Option(help="the contact's phone number; repeatable")
    ] = None,
    allow_duplicate: Annotated[
        bool, typer.Option(help="create even if it matches an existing customer")
    ] = False,
    request_id: Annotated[
        str, typer.Option(help="idempotency key: the same key never creates twice")
    ] = "",
) -> None:
    """Create a customer, with one contact when --contact is given."""
    customer = pb.Customer(
        full_name=full_name,
        short_name=short_name,
        kind=values.choice(pb.Customer.Kind, "KIND", kind, "--kind"),
        credit_code=credit_code,
        province=province,
        city=city,
        address=address,
        industry=industry,
        owner=values.user(owner),
        department=department,
        tags=tag or [],
    )
    contacts = []
    if contact or phone:
        contacts.append(
            pb.Contact(display_name=contact, title=contact_title, phone_numbers=phone or [])
        )
    request = pb.CreateCustomerRequest(
        customer=customer,
        contacts=contacts,
        request_id=request_id or str(uuid.uuid4()),
        allow_duplicate=allow_duplicate,
    )
    made = call("customer", _stub().CreateCustomer, request)
    output.emit(made, _customer_view(made))


@app.command("find-phone")
def find_phone(
    phone_number: Annotated[str, typer.Argument(help="any common format: 13800138000, 010-...")],
) -> None:
    """Who owns a phone number (screen-pop lookup)."""
    found = call(
        "customer", _stub().LookupByPhone, pb.LookupByPhoneRequest(phone_number=phone_number)
    )

    def human() -> Iterator[Any]:
        if not found.matches:
            yield f"{found.phone_number}: no customer has this number"
            return
        yield output.rows(
            f"{found.phone_number}",
            ["customer", "客户名称", "contact", "联系人", "title"],
            (
                (
                    m.customer.name,
                    m.customer.full_name,
                    m.contact.name,
                    m.contact.display_name,
                    m.contact.title,
                )
                for m in found.matches
            ),
        )

    output.emit(found, human())


@app.command()
def show(name: Annotated[str, typer.Argument(help="customers/ID or ID")]) -> None:
    """Show a customer with its contacts."""
    customer = call(
        "customer",
        _stub().GetCustomer,
        pb.GetCustomerRequest(name=values.resource("customers", name)),
    )
    output.emit(customer, _customer_view(customer))
