"""Personal data and contract amounts are masked in every response for callers without the right."""

from __future__ import annotations

import pytest
from google.protobuf import field_mask_pb2

from callops.customer.v1 import customer_pb2 as pb
from services.common.migrations import upgrade
from services.common.rights import CONTRACT_AMOUNT, DEFAULT_ROLE_RIGHTS, PII, ROLES
from services.customer.bootstrap import MIGRATIONS, bootstrap
from tests.customer_fixtures import customer_settings
from tests.e2e.helpers import cny, contact, create, interaction

# A role that may change customers but not see personal data: the masking of write responses
# cannot be seen with the default roles, which all see personal data when they may write.
CLERK_RIGHTS = frozenset({"customers.read", "customers.write", "interactions.write"})
ALL_ROLES = (*ROLES, "clerk")

NAME, MASKED_NAME = "欧阳娜娜", "欧**娜"
PHONES = ["+8613800138000", "+861012345678"]
MASKED_PHONES = ["138****8000", "010****5678"]
EMAIL, MASKED_EMAIL = "nana@example.com", "n***@example.com"


@pytest.fixture
def customer_app(database_url, clock, publisher):
    """The usual app, with one more role configured: `clerk`."""
    upgrade(MIGRATIONS, database_url)
    rights = {**DEFAULT_ROLE_RIGHTS, "clerk": CLERK_RIGHTS}
    app = bootstrap(
        customer_settings(database_url, role_rights=rights), publisher=publisher, clock=clock
    )
    yield app
    app.engine.dispose()


def rights_of(role: str) -> frozenset[str]:
    return CLERK_RIGHTS if role == "clerk" else DEFAULT_ROLE_RIGHTS[role]


def sees_pii(role: str) -> bool:
    return PII in rights_of(role)


def sees_amount(role: str) -> bool:
    return CONTRACT_AMOUNT in rights_of(role)


def assert_contact(got: pb.Contact, role: str, phones=PHONES, masked=MASKED_PHONES) -> None:
    """The contact as the role may see it (phone numbers in any order)."""
    numbers = sorted(got.phone_numbers)
    if sees_pii(role):
        assert (got.display_name, numbers, got.email) == (NAME, sorted(phones), EMAIL)
        assert list(got.im_ids) == ["wx_nana"]
    else:
        assert (got.display_name, numbers, got.email) == (MASKED_NAME, sorted(masked), MASKED_EMAIL)
        assert list(got.im_ids) == ["w******"]
    assert got.title == "总经理"


def assert_amount(got: pb.Customer, role: str) -> None:
    if sees_amount(role):
        assert (got.annual_contract_amount.units, got.annual_contract_amount.nanos) == (
            600_000,
            500_000_000,
        )
    else:
        assert not got.HasField("annual_contract_amount")
        assert got.annual_contract_amount.units == 0


def nana(*phones: str) -> pb.Contact:
    return contact(
        NAME,
        *(phones or ("13800138000", "010-12345678")),
        email=EMAIL,
        im_ids=["wx_nana"],
        title="总经理",
    )


@pytest.fixture
async def known(grpc_customer):
    """A customer with one contact and a reported contract amount of 600,000.50 CNY."""
    c = grpc_customer
    made = await create(c, "厦门思明茶业有限公司", [nana()], roles=("admin",))
    return await c.stub.ReportCustomerFigures(
        pb.ReportCustomerFiguresRequest(
            customer=made.name,
            annual_contract_amount=cny(600_000, 500_000_000),
            longest_overdue_days=3,
        ),
        metadata=c.as_("service"),
    )


def test_the_roles_cover_both_sides_of_each_right():
    assert {sees_pii(r) for r in ALL_ROLES} == {True, False}
    assert {sees_amount(r) for r in ALL_ROLES} == {True, False}
    assert not sees_pii("agent") and not sees_pii("legal") and not sees_pii("finance")
    assert not sees_amount("agent") and not sees_amount("supervisor")


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_get_customer_masks_by_role(grpc_customer, known, role):
    c = grpc_customer
    got = await c.stub.GetCustomer(pb.GetCustomerRequest(name=known.name), metadata=c.as_(role))
    assert_contact(got.contacts[0], role)
    assert_amount(got, role)
    assert got.grade == pb.Customer.GRADE_STRATEGIC and got.longest_overdue_days == 3
    assert got.full_name == "厦门思明茶业有限公司"  # a company name is not personal data


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_list_customers_has_no_contacts_and_masks_the_amount(grpc_customer, known, role):
    c = grpc_customer
    page = await c.stub.ListCustomers(pb.ListCustomersRequest(), metadata=c.as_(role))
    assert [x.name for x in page.customers] == [known.name]
    assert list(page.customers[0].contacts) == []
    assert_amount(page.customers[0], role)


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_lookup_by_phone_masks_the_number_the_contact_and_the_amount(
    grpc_customer, known, role
):
    c = grpc_customer
    found = await c.stub.LookupByPhone(
        pb.LookupByPhoneRequest(phone_number="010 1234 5678"), metadata=c.as_(role)
    )
    assert found.phone_number == ("+861012345678" if sees_pii(role) else "010****5678")
    [match] = found.matches
    assert match.customer.name == known.name and list(match.customer.contacts) == []
    assert_contact(match.contact, role)
    assert_amount(match.customer, role)


async def test_lookup_of_an_unknown_number_still_masks_it(grpc_customer):
    c = grpc_customer
    found = await c.stub.LookupByPhone(
        pb.LookupByPhoneRequest(phone_number="+1 650 253 0000"), metadata=c.as_("agent")
    )
    assert found.phone_number == "+1******0000"
    assert list(found.matches) == []


WRITERS = [r for r in ALL_ROLES if "customers.write" in rights_of(r)]


@pytest.mark.parametrize("role", WRITERS)
async def test_create_customer_response_is_masked(grpc_customer, role):
    c = grpc_customer
    made = await c.stub.CreateCustomer(
        pb.CreateCustomerRequest(
            customer=pb.Customer(
                full_name="福州鼓楼茶具有限公司",
                kind=pb.Customer.KIND_ENTERPRISE,
                owner="users/zhang.san",
            ),
            contacts=[nana()],
        ),
        metadata=c.as_(role),
    )
    assert_contact(made.contacts[0], role)


@pytest.mark.parametrize("role", WRITERS)
async def test_contact_write_responses_are_masked(grpc_customer, known, role):
    c, who = grpc_customer, grpc_customer.as_(role)
    new = nana("13900139000", "021-62345678")
    new.customer = known.name
    added = await c.stub.CreateContact(pb.CreateContactRequest(contact=new), metadata=who)
    phones, masked = ["+8613900139000", "+862162345678"], ["139****9000", "021****5678"]
    assert_contact(added, role, phones, masked)
    updated = await c.stub.UpdateContact(
        pb.UpdateContactRequest(
            contact=pb.Contact(name=added.name, title="总经理", etag=added.etag),
            update_mask=field_mask_pb2.FieldMask(paths=["title"]),
        ),
        metadata=who,
    )
    assert_contact(updated, role, phones, masked)


@pytest.mark.parametrize("role", WRITERS)
async def test_customer_write_responses_are_masked(grpc_customer, known, role):
    c, who = grpc_customer, grpc_customer.as_(role, user="zhang.san")
    updated = await c.stub.UpdateCustomer(
        pb.UpdateCustomerRequest(
            customer=pb.Customer(name=known.name, city="厦门"),
            update_mask=field_mask_pb2.FieldMask(paths=["city"]),
        ),
        metadata=who,
    )
    assert_contact(updated.contacts[0], role)
    assert_amount(updated, role)
    changed = await c.stub.ChangeKeyDecisionMaker(
        pb.ChangeKeyDecisionMakerRequest(customer=known.name, new_contact=known.contacts[0].name),
        metadata=who,
    )
    assert_contact(changed.contacts[0], role)
    assert_amount(changed, role)


async def test_merge_and_figures_responses_follow_the_caller_rights(grpc_customer, known):
    c = grpc_customer
    other = await create(c, "厦门湖里茶业有限公司", roles=("admin",))
    merged = await c.stub.MergeCustomers(
        pb.MergeCustomersRequest(target=other.name, source=known.name, reason="同一客户"),
        metadata=c.as_("admin"),
    )
    assert_contact(merged.contacts[0], "admin")
    reported = await c.stub.ReportCustomerFigures(
        pb.ReportCustomerFiguresRequest(
            customer=other.name, annual_contract_amount=cny(600_000, 500_000_000)
        ),
        metadata=c.as_("service"),
    )
    assert_contact(reported.contacts[0], "service")
    assert_amount(reported, "service")
    as_agent = await c.stub.GetCustomer(
        pb.GetCustomerRequest(name=other.name), metadata=c.as_("agent")
    )
    assert_contact(as_agent.contacts[0], "agent")
    assert_amount(as_agent, "agent")


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_a_persons_name_and_interaction_participants_are_masked(grpc_customer, role):
    c = grpc_customer
    person = await create(c, "欧阳娜娜", kind=pb.Customer.KIND_INDIVIDUAL, short_name="娜娜")
    met = await interaction(c, person.name, customer_participants=["王总"], roles=("sales",))
    got = await c.stub.GetCustomer(pb.GetCustomerRequest(name=person.name), metadata=c.as_(role))
    timeline = await c.stub.ListInteractions(
        pb.ListInteractionsRequest(customer=person.name), metadata=c.as_(role)
    )
    assert [i.name for i in timeline.interactions] == [met.name]
    if sees_pii(role):
        assert (got.full_name, got.short_name) == ("欧阳娜娜", "娜娜")
        assert list(timeline.interactions[0].customer_participants) == ["王总"]
    else:
        assert (got.full_name, got.short_name) == (MASKED_NAME, "娜*")
        assert list(timeline.interactions[0].customer_participants) == ["王*"]
