"""Happy paths of the customer service over gRPC: records, lists, duplicates, merges, figures,
interactions, tickets, surveys and follow-ups."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from google.protobuf import field_mask_pb2, timestamp_pb2

from callops.customer.v1 import customer_pb2 as pb
from tests.e2e.helpers import (
    EXISTS,
    INVALID,
    NOT_FOUND,
    cny,
    contact,
    create,
    credit_code,
    customer,
    day,
    expect,
    interaction,
    list_all,
    outbox,
    survey,
    ticket,
)

C = pb.Customer
F = pb.FollowUp


def ts(moment: datetime) -> timestamp_pb2.Timestamp:
    out = timestamp_pb2.Timestamp()
    out.FromDatetime(moment)
    return out


def when(t) -> datetime:
    return t.ToDatetime(tzinfo=UTC)


def mask(*paths: str) -> field_mask_pb2.FieldMask:
    return field_mask_pb2.FieldMask(paths=list(paths))


# --- create, get, update ---------------------------------------------------------------------


async def test_create_stores_phones_in_e164_and_get_returns_the_same(grpc_customer, clock):
    c = grpc_customer
    created = await create(
        c,
        "杭州西湖软件有限公司",
        [
            contact("李四", "13800138000", "010-12345678", title="采购经理"),
            contact("王芳", "+86 139 0013 9000", "138 0013 8000", email="wang@example.com"),
        ],
        short_name="西湖软件",
        industry="I65",
        province="浙江",
        city="杭州",
        tags=["高潜力客户", "高潜力客户", " 年度合作客户 "],
        credit_code=credit_code(7),
        lifecycle_stage=C.LIFECYCLE_STAGE_TRIAL,
        lead_stage=C.LEAD_STAGE_NEW,
    )
    assert re.fullmatch(r"customers/[0-9a-f]{32}", created.name)
    assert re.fullmatch(r"KH2026\d{6}", created.code)
    assert created.full_name == "杭州西湖软件有限公司"
    assert list(created.tags) == ["高潜力客户", "年度合作客户"]
    assert created.credit_code == credit_code(7)
    assert created.grade == C.GRADE_UNSPECIFIED
    assert when(created.create_time) == clock.now == when(created.update_time)
    assert [sorted(x.phone_numbers) for x in created.contacts] == [
        ["+861012345678", "+8613800138000"],
        ["+8613800138000", "+8613900139000"],
    ]
    assert all(x.customer == created.name for x in created.contacts)
    assert created.contacts[0].title == "采购经理"

    got = await c.stub.GetCustomer(
        pb.GetCustomerRequest(name=created.name), metadata=c.as_("sales")
    )
    for x in (*got.contacts, *created.contacts):  # the order of the numbers is not promised
        x.phone_numbers.sort()
    assert got == created


async def test_codes_are_generated_in_order_or_taken_as_given(grpc_customer):
    c = grpc_customer
    first, second = await create(c), await create(c)
    assert int(second.code[-6:]) == int(first.code[-6:]) + 1
    given = await create(c, code="SH-0001")
    assert given.code == "SH-0001"


async def test_update_changes_only_the_masked_fields_and_the_etag(grpc_customer, clock):
    c, who = grpc_customer, grpc_customer.as_("sales")
    created = await create(c, "苏州工业园区电子有限公司", city="苏州")
    clock.advance(minutes=5)
    request = pb.UpdateCustomerRequest(
        customer=pb.Customer(
            name=created.name,
            full_name="会被忽略",
            city="无锡",
            tags=["年度合作客户"],
            lifecycle_stage=C.LIFECYCLE_STAGE_ACTIVE,
            etag=created.etag,
        ),
        update_mask=mask("city", "tags", "lifecycle_stage"),
    )
    updated = await c.stub.UpdateCustomer(request, metadata=who)
    assert updated.full_name == "苏州工业园区电子有限公司"
    assert (updated.city, list(updated.tags)) == ("无锡", ["年度合作客户"])
    assert updated.lifecycle_stage == C.LIFECYCLE_STAGE_ACTIVE
    assert updated.etag != created.etag
    assert when(updated.update_time) == clock.now
    assert updated.create_time == created.create_time

    request.customer.etag = updated.etag
    request.customer.city = "常州"
    again = await c.stub.UpdateCustomer(request, metadata=who)
    assert again.city == "常州" and again.etag not in (created.etag, updated.etag)

    cleared = await c.stub.UpdateCustomer(
        pb.UpdateCustomerRequest(
            customer=pb.Customer(name=created.name), update_mask=mask("city", "tags")
        ),
        metadata=who,
    )
    assert (cleared.city, list(cleared.tags)) == ("", [])


# --- lists: filters, order and pages ---------------------------------------------------------


@pytest.fixture
async def book(grpc_customer, clock):
    """Six customers with different owners, places, tags, stages and figures."""
    c = grpc_customer
    made = {}
    specs = [
        (
            "hz_soft",
            "杭州西湖科技有限公司",
            "zhang.san",
            dict(
                industry="I65",
                province="浙江",
                city="杭州",
                tags=["高潜力客户"],
                lifecycle_stage=C.LIFECYCLE_STAGE_ACTIVE,
                lead_stage=C.LEAD_STAGE_WON,
                department="华东销售部",
            ),
        ),
        (
            "hz_trade",
            "杭州滨江贸易有限公司",
            "li.si",
            dict(
                industry="F51",
                province="浙江",
                city="杭州",
                tags=["年度合作客户"],
                lifecycle_stage=C.LIFECYCLE_STAGE_TRIAL,
                department="华东销售部",
            ),
        ),
        (
            "sh_logistics",
            "上海浦东物流有限公司",
            "zhang.san",
            dict(
                industry="G54",
                province="上海",
                city="上海",
                tags=["年度合作客户", "高潜力客户"],
                lifecycle_stage=C.LIFECYCLE_STAGE_RENEWAL,
                department="华东大客户部",
            ),
        ),
        (
            "person",
            "张三丰",
            "wang.wu",
            dict(
                kind=C.KIND_INDIVIDUAL,
                province="江苏",
                city="南京",
                lifecycle_stage=C.LIFECYCLE_STAGE_DORMANT,
            ),
        ),
        (
            "nb_factory",
            "宁波杭州湾制造有限公司",
            "li.si",
            dict(industry="C34", province="浙江", city="宁波", tags=["高潜力"]),
        ),
        ("hz_percent", "杭州100%_测试有限公司", "li.si", dict(province="浙江", city="杭州")),
    ]
    for key, full_name, owner, fields in specs:
        made[key] = await create(c, full_name, user=owner, **fields)
        clock.advance(minutes=1)
    for key, amount, overdue in (
        ("hz_soft", 600_000, 0),
        ("hz_trade", 150_000, 12),
        ("sh_logistics", 50_000, 45),
    ):
        made[key] = await c.stub.ReportCustomerFigures(
            pb.ReportCustomerFiguresRequest(
                customer=made[key].name,
                annual_contract_amount=cny(amount),
                longest_overdue_days=overdue,
            ),
            metadata=c.as_("service"),
        )
    return made


FILTERS = {
    'owner = "users/zhang.san"': {"hz_soft", "sh_logistics"},
    "grade = GRADE_STRATEGIC": {"hz_soft"},
    "grade = GRADE_KEY": {"hz_trade"},
    "grade = GRADE_NORMAL": {"sh_logistics"},
    "credit_rating = CREDIT_RATING_A": {"hz_soft"},
    "credit_rating = CREDIT_RATING_B": {"hz_trade"},
    "credit_rating = CREDIT_RATING_C": {"sh_logistics"},
    'industry = "G54"': {"sh_logistics"},
    'province = "浙江"': {"hz_soft", "hz_trade", "nb_factory", "hz_percent"},
    'city = "杭州"': {"hz_soft", "hz_trade", "hz_percent"},
    "city = 杭州": {"hz_soft", "hz_trade", "hz_percent"},
    'tag = "高潜力客户"': {"hz_soft", "sh_logistics"},
    'tag = "年度合作客户"': {"hz_trade", "sh_logistics"},
    'tag = "高潜力"': {"nb_factory"},
    "lifecycle_stage = LIFECYCLE_STAGE_TRIAL": {"hz_trade"},
    "lifecycle_stage = LIFECYCLE_STAGE_DORMANT": {"person"},
    "lead_stage = LEAD_STAGE_WON": {"hz_soft"},
    "kind = KIND_INDIVIDUAL": {"person"},
    "kind = KIND_ENTERPRISE": {"hz_soft", "hz_trade", "sh_logistics", "nb_factory", "hz_percent"},
    'department = "华东销售部"': {"hz_soft", "hz_trade"},
    'full_name = "杭州*"': {"hz_soft", "hz_trade", "hz_percent"},
    'full_name = "杭州100%*"': {"hz_percent"},
    'full_name = "杭州1_0*"': set(),
    'full_name = "张三丰"': {"person"},
    'full_name = "杭州"': set(),
    'owner = "users/zhang.san" AND grade = GRADE_STRATEGIC AND tag = "高潜力客户"': {"hz_soft"},
    'province = "浙江" AND city = "宁波"': {"nb_factory"},
    'owner = "users/nobody"': set(),
    "": {"hz_soft", "hz_trade", "sh_logistics", "person", "nb_factory", "hz_percent"},
}


async def test_each_filter_finds_exactly_its_customers(grpc_customer, book):
    c = grpc_customer
    by_name = {v.name: k for k, v in book.items()}
    for text, expected in FILTERS.items():
        page = await c.stub.ListCustomers(
            pb.ListCustomersRequest(filter=text), metadata=c.as_("agent")
        )
        assert {by_name[x.name] for x in page.customers} == expected, text
        assert not page.next_page_token
        assert all(len(x.contacts) == 0 for x in page.customers)


ORDERS = [
    "",
    "create_time",
    "create_time desc",
    "update_time",
    "update_time desc",
    "full_name",
    "full_name desc",
    "code",
    "code desc",
    "full_name asc",
]


@pytest.mark.parametrize("order_by", ORDERS)
async def test_paging_by_two_returns_everything_once_in_order(grpc_customer, book, order_by):
    c, who = grpc_customer, grpc_customer.as_("agent")
    whole = await c.stub.ListCustomers(pb.ListCustomersRequest(order_by=order_by), metadata=who)
    expected = [x.name for x in whole.customers]
    assert len(expected) == len(book)
    paged = await list_all(
        c.stub.ListCustomers,
        pb.ListCustomersRequest(page_size=2, order_by=order_by),
        "customers",
        who,
    )
    assert [x.name for x in paged] == expected

    field = (order_by or "create_time desc").split()[0]
    descending = order_by.endswith("desc") or not order_by
    key = {
        "create_time": lambda x: (x.create_time.ToDatetime(), x.name),
        "update_time": lambda x: (x.update_time.ToDatetime(), x.name),
        "full_name": lambda x: (x.full_name, x.name),
        "code": lambda x: (x.code, x.name),
    }[field]
    assert expected == [x.name for x in sorted(whole.customers, key=key, reverse=descending)]


async def test_paging_a_filtered_list_and_reusing_its_token_elsewhere(grpc_customer, book):
    c, who = grpc_customer, grpc_customer.as_("agent")
    request = pb.ListCustomersRequest(page_size=2, filter='province = "浙江"', order_by="code")
    first = await c.stub.ListCustomers(request, metadata=who)
    assert len(first.customers) == 2 and first.next_page_token
    rest = await list_all(
        c.stub.ListCustomers,
        pb.ListCustomersRequest(
            page_size=2,
            filter='province = "浙江"',
            order_by="code",
            page_token=first.next_page_token,
        ),
        "customers",
        who,
    )
    names = [x.name for x in [*first.customers, *rest]]
    assert len(names) == len(set(names)) == 4

    for changed in (
        pb.ListCustomersRequest(page_size=2, filter='province = "上海"', order_by="code"),
        pb.ListCustomersRequest(page_size=2, filter='province = "浙江"', order_by="code desc"),
        pb.ListCustomersRequest(page_size=2),
    ):
        changed.page_token = first.next_page_token
        await expect(c.stub.ListCustomers(changed, metadata=who), INVALID, "page_token")


async def test_page_size_is_capped_and_zero_means_default(grpc_customer, book):
    c, who = grpc_customer, grpc_customer.as_("agent")
    for size in (0, 500, 10_000):
        page = await c.stub.ListCustomers(pb.ListCustomersRequest(page_size=size), metadata=who)
        assert len(page.customers) == len(book) and not page.next_page_token


# --- delete ----------------------------------------------------------------------------------


async def test_soft_delete_hides_the_customer_everywhere(grpc_customer, customer_app):
    c, admin = grpc_customer, grpc_customer.as_("admin")
    gone = await create(c, "待删除客户有限公司", [contact("钱七", "13700137000")])
    kept = await create(c)
    await c.stub.DeleteCustomer(
        pb.DeleteCustomerRequest(name=gone.name, etag=gone.etag), metadata=admin
    )
    await expect(
        c.stub.GetCustomer(pb.GetCustomerRequest(name=gone.name), metadata=admin),
        NOT_FOUND,
        reason="NOT_FOUND",
    )
    page = await c.stub.ListCustomers(pb.ListCustomersRequest(), metadata=admin)
    assert [x.name for x in page.customers] == [kept.name]
    found = await c.stub.LookupByPhone(
        pb.LookupByPhoneRequest(phone_number="13700137000"), metadata=admin
    )
    assert list(found.matches) == []
    assert ("customer.CustomerDeleted", {"customer": gone.name}) in outbox(customer_app)
    again = await create(c, "待删除客户有限公司", [contact("钱七", "13700137000")])
    assert again.name != gone.name and list(again.possible_duplicates) == []


# --- duplicates (撞单) and idempotency -------------------------------------------------------


async def test_same_credit_code_is_a_duplicate(grpc_customer):
    c = grpc_customer
    first = await create(c, "深圳南山科技有限公司", credit_code=credit_code(42), user="zhang.san")
    spaced = " ".join(credit_code(42).lower()[i : i + 6] for i in range(0, 18, 6))
    failure = await expect(
        c.stub.CreateCustomer(
            pb.CreateCustomerRequest(
                customer=customer("完全不同的名字", credit_code=spaced, owner="users/li.si")
            ),
            metadata=c.as_("sales", user="li.si"),
        ),
        EXISTS,
        reason="DUPLICATE_CUSTOMER",
    )
    assert failure.info.metadata["existing_customer"] == first.name
    assert failure.info.metadata["owner"] == "users/zhang.san"
    assert failure.info.metadata["matched_on"] == "credit_code"


@pytest.mark.parametrize(
    "phone",
    ["13800138000", "+86 138 0013 8000", "138-0013-8000", "0086 13800138000", "+8613800138000"],
)
async def test_same_phone_in_any_format_is_a_duplicate(grpc_customer, phone):
    c = grpc_customer
    first = await create(c, "北京朝阳文化传媒有限公司", [contact("孙八", "13800138000")])
    failure = await expect(
        c.stub.CreateCustomer(
            pb.CreateCustomerRequest(
                customer=customer("另一家公司"), contacts=[contact("周九", phone)]
            ),
            metadata=c.as_("sales", user="li.si"),
        ),
        EXISTS,
        reason="DUPLICATE_CUSTOMER",
    )
    assert failure.info.metadata["existing_customer"] == first.name
    assert failure.info.metadata["matched_on"] == "phone_number"


@pytest.mark.parametrize(
    "variant",
    [
        "上海华为技术有限公司",
        "上海华为技术 有限公司",
        "上海华为技术（有限公司）",
        "上海华为技术(有限公司)",
        "上海华为技术有限责任公司",
        "上海华为技术股份有限公司",
        "上海华为技术公司",
        "上海华为技术",
        " 上海 华为 技术 有限 公司 ",
        "上海华为技术有限公司。",
        "上海华为技术　有限公司",
        "上海华为技术有限公司\u200b",
    ],
)
async def test_near_identical_names_are_duplicates(grpc_customer, variant):
    c = grpc_customer
    first = await create(c, "上海华为技术有限公司")
    failure = await expect(
        c.stub.CreateCustomer(
            pb.CreateCustomerRequest(customer=customer(variant)), metadata=c.as_("sales")
        ),
        EXISTS,
        reason="DUPLICATE_CUSTOMER",
    )
    assert failure.info.metadata["existing_customer"] == first.name
    assert failure.info.metadata["matched_on"] == "name"


@pytest.mark.parametrize(
    "other",
    [
        "上海华为技术集团有限公司",
        "上海华为技术分公司",
        "上海华为科技有限公司",
        "北京华为技术有限公司",
    ],
)
async def test_different_companies_are_not_duplicates(grpc_customer, other):
    c = grpc_customer
    await create(c, "上海华为技术有限公司")
    created = await create(c, other)
    assert list(created.possible_duplicates) == []


async def test_allow_duplicate_creates_and_flags_both(grpc_customer, customer_app):
    c, who = grpc_customer, grpc_customer.as_("sales")
    first = await create(c, "广州天河餐饮管理有限公司")
    second = await c.stub.CreateCustomer(
        pb.CreateCustomerRequest(
            customer=customer("广州天河餐饮管理 有限公司"), allow_duplicate=True
        ),
        metadata=who,
    )
    assert list(second.possible_duplicates) == [first.name]
    again = await c.stub.GetCustomer(pb.GetCustomerRequest(name=first.name), metadata=who)
    assert list(again.possible_duplicates) == [second.name]
    flagged = [p for t, p in outbox(customer_app) if t == "customer.DuplicateFlagged"]
    assert {(p["customer"], p["duplicate_of"]) for p in flagged} == {
        (first.name, second.name),
        (second.name, first.name),
    }
    renamed = await c.stub.UpdateCustomer(
        pb.UpdateCustomerRequest(
            customer=pb.Customer(name=second.name, full_name="广州天河餐饮管理有限公司"),
            update_mask=mask("full_name"),
        ),
        metadata=who,
    )
    assert renamed.full_name == "广州天河餐饮管理有限公司"


async def test_renaming_into_an_existing_customer_is_a_duplicate(grpc_customer):
    c, who = grpc_customer, grpc_customer.as_("sales")
    first = await create(c, "成都高新软件有限公司")
    second = await create(c, "重庆渝中软件有限公司")
    failure = await expect(
        c.stub.UpdateCustomer(
            pb.UpdateCustomerRequest(
                customer=pb.Customer(name=second.name, full_name="成都高新软件 有限公司"),
                update_mask=mask("full_name"),
            ),
            metadata=who,
        ),
        EXISTS,
        reason="DUPLICATE_CUSTOMER",
    )
    assert failure.info.metadata["existing_customer"] == first.name


async def test_create_with_request_id_is_idempotent(grpc_customer, customer_app):
    c, who = grpc_customer, grpc_customer.as_("sales")
    request = pb.CreateCustomerRequest(
        customer=customer("西安雁塔电子有限公司"),
        contacts=[contact("吴十", "13600136000")],
        request_id="crm-import-000017",
    )
    first = await c.stub.CreateCustomer(request, metadata=who)
    retried = await c.stub.CreateCustomer(request, metadata=who)
    assert retried == first
    page = await c.stub.ListCustomers(pb.ListCustomersRequest(), metadata=who)
    assert [x.name for x in page.customers] == [first.name]
    created = [t for t, _ in outbox(customer_app) if t == "customer.CustomerCreated"]
    assert created == ["customer.CustomerCreated"]


@pytest.mark.parametrize(
    "method", ["CreateContact", "CreateInteraction", "CreateTicket", "SubmitSurvey"]
)
async def test_other_creates_with_request_id_are_idempotent(grpc_customer, method):
    c, who = grpc_customer, grpc_customer.as_("sales")
    owner = await create(c)
    if method == "CreateContact":
        request = pb.CreateContactRequest(contact=contact("郑一", customer=owner.name))
    elif method == "CreateInteraction":
        request = pb.CreateInteractionRequest(
            interaction=pb.Interaction(
                customer=owner.name,
                channel=pb.Interaction.CHANNEL_EMAIL,
                topic="报价",
                occur_time=ts(datetime(2026, 11, 20, tzinfo=UTC)),
            )
        )
    elif method == "CreateTicket":
        request = pb.CreateTicketRequest(
            ticket=pb.Ticket(
                customer=owner.name,
                type="training",
                priority=pb.Ticket.PRIORITY_IMPORTANT,
                title="新员工培训",
            )
        )
    else:
        request = pb.SubmitSurveyRequest(
            survey=pb.Survey(
                customer=owner.name,
                product_quality=5,
                service_response=5,
                cooperation_experience=5,
                value_for_money=5,
            )
        )
    request.request_id = "retry-me"
    call = getattr(c.stub, method)
    first = await call(request, metadata=who)
    assert await call(request, metadata=who) == first


# --- merge -----------------------------------------------------------------------------------


async def test_merge_moves_everything_and_the_source_disappears(grpc_customer, customer_app, clock):
    c, admin, agent = grpc_customer, grpc_customer.as_("admin"), grpc_customer.as_("agent")
    target = await create(
        c, "武汉光谷生物有限公司", [contact("冯一", "13500135000")], tags=["高潜力客户"]
    )
    clock.advance(minutes=1)
    source = await c.stub.CreateCustomer(
        pb.CreateCustomerRequest(
            customer=customer("武汉光谷生物 有限公司", tags=["年度合作客户"]),
            contacts=[contact("陈二", "13500135001")],
            allow_duplicate=True,
        ),
        metadata=c.as_("sales", user="li.si"),
    )
    assert list(source.possible_duplicates) == [target.name]
    todo = pb.Todo(description="补充资料", owner="users/li.si", due_date=day(date(2026, 12, 5)))
    moved_interaction = await interaction(c, source.name, todos=[todo])
    moved_ticket = await ticket(c, source.name)
    moved_survey = await survey(c, source.name, 2, 2, 2, 2)
    await c.stub.ReportCustomerFigures(
        pb.ReportCustomerFiguresRequest(customer=source.name, annual_contract_amount=cny(200_000)),
        metadata=c.as_("service"),
    )
    source_follow_ups = await c.stub.ListFollowUps(
        pb.ListFollowUpsRequest(filter=f'customer = "{source.name}"'), metadata=agent
    )
    assert len(source_follow_ups.follow_ups) == 2

    merged = await c.stub.MergeCustomers(
        pb.MergeCustomersRequest(
            target=target.name, source=source.name, reason="同一家公司重复录入"
        ),
        metadata=admin,
    )
    assert merged.name == target.name
    assert [x.display_name for x in merged.contacts] == ["冯一", "陈二"]
    assert all(x.customer == target.name for x in merged.contacts)
    assert list(merged.tags) == ["高潜力客户", "年度合作客户"]
    assert list(merged.possible_duplicates) == []

    await expect(
        c.stub.GetCustomer(pb.GetCustomerRequest(name=source.name), metadata=admin), NOT_FOUND
    )
    found = await c.stub.LookupByPhone(
        pb.LookupByPhoneRequest(phone_number="135 0013 5001"), metadata=admin
    )
    assert [(m.customer.name, m.contact.display_name) for m in found.matches] == [
        (target.name, "陈二")
    ]
    timeline = await c.stub.ListInteractions(
        pb.ListInteractionsRequest(customer=target.name), metadata=agent
    )
    assert [i.name for i in timeline.interactions] == [moved_interaction.name]
    assert timeline.interactions[0].customer == target.name
    todos = await c.stub.ListTodos(
        pb.ListTodosRequest(filter=f'customer = "{target.name}"'), metadata=agent
    )
    assert [t.name for t in todos.todos] == [moved_interaction.todos[0].name]
    tickets = await c.stub.ListTickets(
        pb.ListTicketsRequest(filter=f'customer = "{target.name}"'), metadata=agent
    )
    assert [t.name for t in tickets.tickets] == [moved_ticket.name]
    surveys = await c.stub.ListSurveys(
        pb.ListSurveysRequest(filter=f'customer = "{target.name}"'), metadata=agent
    )
    assert [s.name for s in surveys.surveys] == [moved_survey.name]
    follow_ups = await c.stub.ListFollowUps(
        pb.ListFollowUpsRequest(filter=f'customer = "{target.name}"'), metadata=agent
    )
    assert {f.name for f in follow_ups.follow_ups} == {f.name for f in source_follow_ups.follow_ups}
    for filter_ in (f'customer = "{source.name}"',):
        assert not (
            await c.stub.ListFollowUps(pb.ListFollowUpsRequest(filter=filter_), metadata=agent)
        ).follow_ups
        assert not (
            await c.stub.ListTickets(pb.ListTicketsRequest(filter=filter_), metadata=agent)
        ).tickets
    assert (
        "customer.CustomerMerged",
        {"target": target.name, "source": source.name, "actor": "users/zhang.san"},
    ) in outbox(customer_app)
    page = await c.stub.ListCustomers(pb.ListCustomersRequest(), metadata=admin)
    assert [x.name for x in page.customers] == [target.name]


async def test_merge_keeps_a_single_key_decision_maker(grpc_customer):
    c, admin = grpc_customer, grpc_customer.as_("admin")
    target = await create(c, "长沙岳麓机械有限公司", [contact("甲经理")])
    source = await create(c, "湘潭机械有限公司", [contact("乙经理")])
    for owner in (target, source):
        await c.stub.ChangeKeyDecisionMaker(
            pb.ChangeKeyDecisionMakerRequest(
                customer=owner.name, new_contact=owner.contacts[0].name
            ),
            metadata=admin,
        )
    merged = await c.stub.MergeCustomers(
        pb.MergeCustomersRequest(target=target.name, source=source.name, reason="收购"),
        metadata=admin,
    )
    assert [x.display_name for x in merged.contacts if x.key_decision_maker] == ["甲经理"]


# --- figures: grade, credit rating, maintenance plan -----------------------------------------


@pytest.mark.parametrize(
    ("units", "nanos", "grade"),
    [
        (500_000, 0, C.GRADE_STRATEGIC),
        (2_000_000, 0, C.GRADE_STRATEGIC),
        (499_999, 990_000_000, C.GRADE_KEY),
        (100_000, 0, C.GRADE_KEY),
        (99_999, 990_000_000, C.GRADE_NORMAL),
        (0, 0, C.GRADE_NORMAL),
    ],
)
async def test_reported_amount_sets_the_grade(grpc_customer, units, nanos, grade):
    c = grpc_customer
    owner = await create(c)
    reported = await c.stub.ReportCustomerFigures(
        pb.ReportCustomerFiguresRequest(
            customer=owner.name, annual_contract_amount=cny(units, nanos)
        ),
        metadata=c.as_("service"),
    )
    assert reported.grade == grade
    assert (reported.annual_contract_amount.units, reported.annual_contract_amount.nanos) == (
        units,
        nanos,
    )
    assert reported.annual_contract_amount.currency_code == "CNY"


@pytest.mark.parametrize(
    ("days", "rating"),
    [
        (0, C.CREDIT_RATING_A),
        (1, C.CREDIT_RATING_B),
        (30, C.CREDIT_RATING_B),
        (31, C.CREDIT_RATING_C),
        (365, C.CREDIT_RATING_C),
    ],
)
async def test_overdue_days_set_the_credit_rating(grpc_customer, days, rating):
    c = grpc_customer
    owner = await create(c)
    reported = await c.stub.ReportCustomerFigures(
        pb.ReportCustomerFiguresRequest(customer=owner.name, longest_overdue_days=days),
        metadata=c.as_("service"),
    )
    assert reported.credit_rating == rating
    assert reported.longest_overdue_days == days


@pytest.mark.parametrize(
    ("start", "long_term"),
    [
        (date(2024, 11, 23), True),
        (date(2024, 11, 24), False),
        (date(2020, 1, 1), True),
    ],
)
async def test_cooperation_of_two_years_makes_a_long_term_customer(grpc_customer, start, long_term):
    c = grpc_customer
    owner = await create(c)
    reported = await c.stub.ReportCustomerFigures(
        pb.ReportCustomerFiguresRequest(customer=owner.name, cooperation_start_date=day(start)),
        metadata=c.as_("service"),
    )
    assert reported.long_term is long_term
    assert reported.cooperation_start_date == day(start)


@pytest.mark.parametrize("start", [date(9999, 12, 31), date(9998, 2, 28), date(1, 1, 1)])
async def test_extreme_cooperation_dates_keep_the_customer_readable(grpc_customer, start):
    c = grpc_customer
    owner = await create(c)
    reported = await c.stub.ReportCustomerFigures(
        pb.ReportCustomerFiguresRequest(customer=owner.name, cooperation_start_date=day(start)),
        metadata=c.as_("service"),
    )
    assert reported.long_term is (start.year < 9000)
    got = await c.stub.GetCustomer(pb.GetCustomerRequest(name=owner.name), metadata=c.as_("agent"))
    assert got.cooperation_start_date == day(start)
    page = await c.stub.ListCustomers(pb.ListCustomersRequest(), metadata=c.as_("agent"))
    assert [x.name for x in page.customers] == [owner.name]


async def follow_ups_of(c, name: str) -> list[tuple[int, date, int]]:
    page = await c.stub.ListFollowUps(
        pb.ListFollowUpsRequest(filter=f'customer = "{name}"'), metadata=c.as_("agent")
    )
    return sorted(
        (f.kind, date(f.due_date.year, f.due_date.month, f.due_date.day), f.state)
        for f in page.follow_ups
    )


async def test_grade_changes_replan_the_follow_ups(grpc_customer, customer_app):
    c = grpc_customer
    owner = await create(c, user="li.si")

    async def report(amount: int) -> pb.Customer:
        return await c.stub.ReportCustomerFigures(
            pb.ReportCustomerFiguresRequest(
                customer=owner.name, annual_contract_amount=cny(amount)
            ),
            metadata=c.as_("service"),
        )

    assert (await report(500_000)).grade == C.GRADE_STRATEGIC
    assert await follow_ups_of(c, owner.name) == [
        (F.KIND_VISIT, date(2027, 2, 23), F.STATE_PLANNED),
        (F.KIND_PHONE, date(2026, 12, 23), F.STATE_PLANNED),
    ]
    page = await c.stub.ListFollowUps(
        pb.ListFollowUpsRequest(filter='owner = "users/li.si"'), metadata=c.as_("agent")
    )
    assert len(page.follow_ups) == 2
    assert [f.due_date for f in page.follow_ups] == sorted(
        (f.due_date for f in page.follow_ups), key=lambda d: (d.year, d.month, d.day)
    )

    await report(600_000)  # same grade: the plan stays as it is
    assert len(await follow_ups_of(c, owner.name)) == 2

    assert (await report(10_000)).grade == C.GRADE_NORMAL
    assert await follow_ups_of(c, owner.name) == [
        (F.KIND_VISIT, date(2027, 2, 23), F.STATE_CANCELLED),
        (F.KIND_PHONE, date(2026, 12, 23), F.STATE_PLANNED),
    ]
    grades = [
        (p["previous"], p["grade"])
        for t, p in outbox(customer_app)
        if t == "customer.CustomerGradeChanged"
    ]
    assert grades == [("UNSPECIFIED", "STRATEGIC"), ("STRATEGIC", "NORMAL")]


async def test_key_customer_plan_and_completing_a_follow_up_plans_the_next(grpc_customer, clock):
    c = grpc_customer
    owner = await create(c)
    await c.stub.ReportCustomerFigures(
        pb.ReportCustomerFiguresRequest(customer=owner.name, annual_contract_amount=cny(100_000)),
        metadata=c.as_("service"),
    )
    assert await follow_ups_of(c, owner.name) == [
        (F.KIND_VISIT, date(2027, 5, 23), F.STATE_PLANNED),
        (F.KIND_PHONE, date(2027, 2, 23), F.STATE_PLANNED),
    ]
    phone = (
        await c.stub.ListFollowUps(
            pb.ListFollowUpsRequest(filter=f'customer = "{owner.name}" AND kind = KIND_PHONE'),
            metadata=c.as_("agent"),
        )
    ).follow_ups[0]
    call = await interaction(c, owner.name)
    clock.advance(days=10)
    done = await c.stub.CompleteFollowUp(
        pb.CompleteFollowUpRequest(name=phone.name, interaction=call.name), metadata=c.as_("sales")
    )
    assert done.state == F.STATE_DONE and done.interaction == call.name
    assert when(done.complete_time) == clock.now
    assert await follow_ups_of(c, owner.name) == [
        (F.KIND_VISIT, date(2027, 5, 23), F.STATE_PLANNED),
        (F.KIND_PHONE, date(2027, 2, 23), F.STATE_DONE),
        (F.KIND_PHONE, date(2027, 3, 3), F.STATE_PLANNED),
    ]
    open_ones = await c.stub.ListFollowUps(
        pb.ListFollowUpsRequest(filter=f'customer = "{owner.name}" AND state = STATE_PLANNED'),
        metadata=c.as_("agent"),
    )
    assert len(open_ones.follow_ups) == 2


# --- key decision makers ---------------------------------------------------------------------


async def test_key_decision_maker_changes_are_kept_in_order(grpc_customer, customer_app):
    c, who = grpc_customer, grpc_customer.as_("sales")
    owner = await create(c, "南京鼓楼医药有限公司", [contact("老周"), contact("小林")])
    old, new = owner.contacts
    first = await c.stub.ChangeKeyDecisionMaker(
        pb.ChangeKeyDecisionMakerRequest(
            customer=owner.name,
            new_contact=old.name,
            change_date=day(date(2026, 1, 5)),
            note="首任总经理",
        ),
        metadata=who,
    )
    assert [x.key_decision_maker for x in first.contacts] == [True, False]
    second = await c.stub.ChangeKeyDecisionMaker(
        pb.ChangeKeyDecisionMakerRequest(
            customer=owner.name, new_contact=new.name, note=" 原总经理退休 "
        ),
        metadata=c.as_("supervisor", user="boss"),
    )
    assert [x.key_decision_maker for x in second.contacts] == [False, True]
    assert [
        (x.change_date, x.previous_contact, x.new_contact, x.note, x.recorded_by)
        for x in second.decision_maker_changes
    ] == [
        (day(date(2026, 1, 5)), "", old.name, "首任总经理", "users/zhang.san"),
        (day(date(2026, 11, 23)), old.name, new.name, "原总经理退休", "users/boss"),
    ]
    got = await c.stub.GetCustomer(pb.GetCustomerRequest(name=owner.name), metadata=who)
    assert got.decision_maker_changes == second.decision_maker_changes
    changes = [p for t, p in outbox(customer_app) if t == "customer.KeyDecisionMakerChanged"]
    assert [(p["previous_contact"], p["new_contact"]) for p in changes] == [
        ("", old.name),
        (old.name, new.name),
    ]


# --- contacts --------------------------------------------------------------------------------


async def test_contacts_are_added_updated_and_removed(grpc_customer):
    c, who = grpc_customer, grpc_customer.as_("sales")
    owner = await create(c)
    added = await c.stub.CreateContact(
        pb.CreateContactRequest(
            contact=contact(
                "何晓",
                "0755-8888 6666",
                customer=owner.name,
                gender=pb.Contact.GENDER_FEMALE,
                im_ids=["wx_hexiao", " "],
                hobbies="羽毛球",
            )
        ),
        metadata=who,
    )
    assert list(added.phone_numbers) == ["+8675588886666"]
    assert list(added.im_ids) == ["wx_hexiao"]
    updated = await c.stub.UpdateContact(
        pb.UpdateContactRequest(
            contact=pb.Contact(
                name=added.name,
                phone_numbers=["13300133000"],
                title="财务总监",
                display_name="不改",
                etag=added.etag,
            ),
            update_mask=mask("phone_numbers", "title"),
        ),
        metadata=who,
    )
    assert (updated.display_name, updated.title) == ("何晓", "财务总监")
    assert list(updated.phone_numbers) == ["+8613300133000"]
    assert updated.etag != added.etag
    found = await c.stub.LookupByPhone(
        pb.LookupByPhoneRequest(phone_number="13300133000"), metadata=who
    )
    assert [m.contact.name for m in found.matches] == [added.name]
    old = await c.stub.LookupByPhone(
        pb.LookupByPhoneRequest(phone_number="0755 88886666"), metadata=who
    )
    assert list(old.matches) == []
    await c.stub.DeleteContact(pb.DeleteContactRequest(name=added.name), metadata=who)
    got = await c.stub.GetCustomer(pb.GetCustomerRequest(name=owner.name), metadata=who)
    assert list(got.contacts) == []
    await expect(
        c.stub.DeleteContact(pb.DeleteContactRequest(name=added.name), metadata=who), NOT_FOUND
    )


async def test_lookup_finds_every_owner_of_a_shared_number(grpc_customer, clock):
    c, who = grpc_customer, grpc_customer.as_("admin")
    first = await create(c, "总部有限公司", [contact("前台", "021-62345678")])
    clock.advance(minutes=1)
    second = await c.stub.CreateCustomer(
        pb.CreateCustomerRequest(
            customer=customer("分部有限公司"),
            contacts=[contact("总机", "+86 21 6234 5678")],
            allow_duplicate=True,
        ),
        metadata=who,
    )
    found = await c.stub.LookupByPhone(
        pb.LookupByPhoneRequest(phone_number="(021) 6234-5678"), metadata=who
    )
    assert found.phone_number == "+862162345678"
    assert [m.customer.name for m in found.matches] == [first.name, second.name]
    assert all(len(m.customer.contacts) == 0 for m in found.matches)


# --- interactions and to-dos -----------------------------------------------------------------


async def test_interactions_timeline_and_todos(grpc_customer, clock):
    c, agent = grpc_customer, grpc_customer.as_("agent", user="xiao.mei")
    owner = await create(c)
    todos = [
        pb.Todo(description="发送合同草稿", owner="users/li.si", due_date=day(date(2026, 12, 3))),
        pb.Todo(
            description="安排上门演示", owner="users/zhang.san", due_date=day(date(2026, 11, 30))
        ),
    ]
    earlier = pb.Interaction(
        customer=owner.name,
        occur_time=ts(datetime(2026, 11, 18, 6, tzinfo=UTC)),
        channel=pb.Interaction.CHANNEL_VISIT,
        our_participants=["users/zhang.san"],
        customer_participants=["王总", " "],
        topic="需求调研",
        summary="客户关注报表功能",
        agreements=["下周给出方案", ""],
        todos=todos,
    )
    first = await c.stub.CreateInteraction(
        pb.CreateInteractionRequest(interaction=earlier), metadata=agent
    )
    assert first.recorded_by == "users/xiao.mei"
    assert list(first.customer_participants) == ["王*"]  # agents lack the `pii` right
    assert list(first.agreements) == ["下周给出方案"]
    assert [t.state for t in first.todos] == [pb.Todo.STATE_OPEN] * 2
    assert all(t.customer == owner.name for t in first.todos)
    assert when(first.create_time) == clock.now
    later = await interaction(c, owner.name, topic="电话跟进")
    timeline = await c.stub.ListInteractions(
        pb.ListInteractionsRequest(customer=owner.name), metadata=agent
    )
    assert [i.name for i in timeline.interactions] == [later.name, first.name]

    li_si = await c.stub.ListTodos(
        pb.ListTodosRequest(filter='owner = "users/li.si"'), metadata=agent
    )
    assert [t.description for t in li_si.todos] == ["发送合同草稿"]
    everyone = await c.stub.ListTodos(
        pb.ListTodosRequest(filter="state = STATE_OPEN"), metadata=agent
    )
    assert [t.description for t in everyone.todos] == ["安排上门演示", "发送合同草稿"]

    clock.advance(hours=3)
    done = await c.stub.CompleteTodo(
        pb.CompleteTodoRequest(name=li_si.todos[0].name), metadata=agent
    )
    assert done.state == pb.Todo.STATE_DONE and when(done.complete_time) == clock.now
    still_open = await c.stub.ListTodos(
        pb.ListTodosRequest(filter='owner = "users/li.si" AND state = STATE_OPEN'), metadata=agent
    )
    assert list(still_open.todos) == []
    finished = await c.stub.ListTodos(
        pb.ListTodosRequest(filter="state = STATE_DONE"), metadata=agent
    )
    assert [t.name for t in finished.todos] == [done.name]


async def test_interactions_and_todos_page_through(grpc_customer, clock):
    c, agent = grpc_customer, grpc_customer.as_("agent")
    owner = await create(c)
    made = []
    for n in range(5):
        todo = pb.Todo(
            description=f"事项{n}", owner="users/a", due_date=day(date(2026, 12, 1 + n % 2))
        )
        made.append(await interaction(c, owner.name, todos=[todo], topic=f"第{n}次"))
    interactions = await list_all(
        c.stub.ListInteractions,
        pb.ListInteractionsRequest(customer=owner.name, page_size=2),
        "interactions",
        agent,
    )
    assert sorted(i.name for i in interactions) == sorted(i.name for i in made)
    todos = await list_all(
        c.stub.ListTodos,
        pb.ListTodosRequest(page_size=2, filter='owner = "users/a"'),
        "todos",
        agent,
    )
    assert len({t.name for t in todos}) == 5
    assert [t.due_date.day for t in todos] == [1, 1, 1, 2, 2]


# --- tickets ---------------------------------------------------------------------------------


async def test_ticket_goes_through_the_whole_flow(grpc_customer, clock, customer_app):
    c, agent = grpc_customer, grpc_customer.as_("agent", user="xiao.mei")
    owner = await create(c)
    opened = await c.stub.CreateTicket(
        pb.CreateTicketRequest(
            ticket=pb.Ticket(
                customer=owner.name,
                type="on_site_service",
                priority=pb.Ticket.PRIORITY_URGENT,
                title="服务器宕机",
                description="机房 A 区",
                attachments=["oss://tickets/1.png"],
            )
        ),
        metadata=agent,
    )
    assert opened.state == pb.Ticket.STATE_SUBMITTED
    assert opened.reporter == "users/xiao.mei" and opened.assignee == ""
    assert when(opened.response_deadline) == clock.now + timedelta(hours=24)
    assert not opened.HasField("first_response_time")

    clock.advance(hours=1)
    assigned = await c.stub.AssignTicket(
        pb.AssignTicketRequest(name=opened.name, assignee="users/li.si", etag=opened.etag),
        metadata=agent,
    )
    assert (assigned.state, assigned.assignee) == (pb.Ticket.STATE_ASSIGNED, "users/li.si")
    assert when(assigned.first_response_time) == clock.now
    clock.advance(hours=1)
    reassigned = await c.stub.AssignTicket(
        pb.AssignTicketRequest(name=opened.name, assignee="users/wang.wu", etag=assigned.etag),
        metadata=agent,
    )
    assert reassigned.assignee == "users/wang.wu"
    assert reassigned.first_response_time == assigned.first_response_time
    started = await c.stub.StartTicket(
        pb.StartTicketRequest(name=opened.name, etag=reassigned.etag),
        metadata=c.as_("agent", user="wang.wu"),
    )
    assert started.state == pb.Ticket.STATE_IN_PROGRESS
    noted = await c.stub.AddTicketNote(
        pb.AddTicketNoteRequest(name=opened.name, text=" 已更换电源 "),
        metadata=c.as_("agent", user="wang.wu"),
    )
    assert [(n.author, n.text) for n in noted.notes] == [("users/wang.wu", "已更换电源")]
    resolved = await c.stub.ResolveTicket(
        pb.ResolveTicketRequest(name=opened.name, resolution="更换电源模块", etag=noted.etag),
        metadata=agent,
    )
    assert (resolved.state, resolved.resolution) == (pb.Ticket.STATE_RESOLVED, "更换电源模块")
    closed = await c.stub.CloseTicket(
        pb.CloseTicketRequest(name=opened.name, feedback="响应及时", etag=resolved.etag),
        metadata=agent,
    )
    assert (closed.state, closed.feedback) == (pb.Ticket.STATE_CLOSED, "响应及时")
    etags = [t.etag for t in (opened, assigned, reassigned, started, noted, resolved, closed)]
    assert len(set(etags)) == len(etags)

    got = await c.stub.GetTicket(pb.GetTicketRequest(name=opened.name), metadata=agent)
    assert got == closed
    for text in (
        "state = STATE_CLOSED",
        'assignee = "users/wang.wu"',
        "priority = PRIORITY_URGENT",
        'type = "on_site_service"',
        f'customer = "{owner.name}"',
    ):
        page = await c.stub.ListTickets(pb.ListTicketsRequest(filter=text), metadata=agent)
        assert [t.name for t in page.tickets] == [opened.name], text
    none = await c.stub.ListTickets(
        pb.ListTicketsRequest(filter="state = STATE_SUBMITTED"), metadata=agent
    )
    assert list(none.tickets) == []
    states = [p["state"] for t, p in outbox(customer_app) if t == "customer.TicketStateChanged"]
    assert states == ["ASSIGNED", "ASSIGNED", "IN_PROGRESS", "RESOLVED", "CLOSED"]


@pytest.mark.parametrize(
    ("opened_at", "priority", "deadline"),
    [
        # Monday 09:30 in Shanghai
        (
            datetime(2026, 11, 23, 1, 30, tzinfo=UTC),
            pb.Ticket.PRIORITY_URGENT,
            datetime(2026, 11, 24, 1, 30, tzinfo=UTC),
        ),
        (
            datetime(2026, 11, 23, 1, 30, tzinfo=UTC),
            pb.Ticket.PRIORITY_IMPORTANT,
            datetime(2026, 11, 25, 1, 30, tzinfo=UTC),
        ),
        (
            datetime(2026, 11, 23, 1, 30, tzinfo=UTC),
            pb.Ticket.PRIORITY_ROUTINE,
            datetime(2026, 11, 26, 1, 30, tzinfo=UTC),
        ),
        # Friday 17:00: the weekend does not count
        (
            datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
            pb.Ticket.PRIORITY_ROUTINE,
            datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
        ),
        # Wednesday before National Day: 1-7 October off, Saturday 10 October is a working day
        (
            datetime(2026, 9, 30, 1, 30, tzinfo=UTC),
            pb.Ticket.PRIORITY_ROUTINE,
            datetime(2026, 10, 10, 1, 30, tzinfo=UTC),
        ),
        # Friday before Spring Festival: Saturday 14 February works, 15-23 February off
        (
            datetime(2026, 2, 13, 1, 30, tzinfo=UTC),
            pb.Ticket.PRIORITY_ROUTINE,
            datetime(2026, 2, 25, 1, 30, tzinfo=UTC),
        ),
        # Late evening in Shanghai is already the next local day in the calendar
        (
            datetime(2026, 9, 30, 17, 0, tzinfo=UTC),
            pb.Ticket.PRIORITY_ROUTINE,
            datetime(2026, 10, 9, 17, 0, tzinfo=UTC),
        ),
        # Urgent is 24 hours even over a holiday
        (
            datetime(2026, 9, 30, 1, 30, tzinfo=UTC),
            pb.Ticket.PRIORITY_URGENT,
            datetime(2026, 10, 1, 1, 30, tzinfo=UTC),
        ),
    ],
)
async def test_response_deadline_by_priority(grpc_customer, clock, opened_at, priority, deadline):
    c = grpc_customer
    owner = await create(c)
    clock.now = opened_at
    opened = await ticket(c, owner.name, priority)
    assert when(opened.response_deadline) == deadline


async def test_tickets_page_through_newest_first(grpc_customer, clock):
    c, agent = grpc_customer, grpc_customer.as_("agent")
    owner = await create(c)
    made = []
    for n in range(5):
        made.append(await ticket(c, owner.name, title=f"工单{n}"))
        if n % 2:
            clock.advance(minutes=1)
    paged = await list_all(c.stub.ListTickets, pb.ListTicketsRequest(page_size=2), "tickets", agent)
    assert len({t.name for t in paged}) == 5
    assert [when(t.create_time) for t in paged] == sorted(
        (when(t.create_time) for t in paged), reverse=True
    )


# --- surveys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "average", "band"),
    [
        ((5, 5, 5, 5), 5.0, pb.Survey.BAND_VERY_SATISFIED),
        ((5, 5, 4, 4), 4.5, pb.Survey.BAND_VERY_SATISFIED),
        ((5, 4, 4, 4), 4.25, pb.Survey.BAND_SATISFIED),
        ((4, 4, 3, 3), 3.5, pb.Survey.BAND_SATISFIED),
        ((4, 3, 3, 3), 3.25, pb.Survey.BAND_UNSATISFIED),
        ((1, 1, 1, 1), 1.0, pb.Survey.BAND_UNSATISFIED),
    ],
)
async def test_survey_band_from_the_average(
    grpc_customer, customer_app, publisher, clock, scores, average, band
):
    c = grpc_customer
    owner = await create(c)
    submitted = await survey(c, owner.name, *scores, comment="安装很顺利")
    assert submitted.average_score == average
    assert submitted.band == band
    unsatisfied = [p for t, p in outbox(customer_app) if t == "customer.SurveyUnsatisfied"]
    if band == pb.Survey.BAND_UNSATISFIED:
        deadline = clock.now + timedelta(hours=48)
        assert when(submitted.response_deadline) == deadline
        assert unsatisfied == [
            {
                "survey": submitted.name,
                "customer": owner.name,
                "average_score": average,
                "response_deadline": deadline.isoformat(),
            }
        ]
        customer_app.relay.publish_pending(clock.now)
        assert "customer.SurveyUnsatisfied" in publisher.topics()
    else:
        assert not submitted.HasField("response_deadline")
        assert unsatisfied == []


async def test_supervisor_responds_to_an_unsatisfied_survey(grpc_customer, clock, customer_app):
    c, boss = grpc_customer, grpc_customer.as_("supervisor", user="boss")
    owner = await create(c)
    about = await ticket(c, owner.name)
    unhappy = await survey(c, owner.name, 2, 3, 3, 3, ticket=about.name, comment="响应太慢")
    assert unhappy.ticket == about.name
    fine = await survey(c, owner.name, 5, 5, 5, 5)
    waiting = await c.stub.ListSurveys(
        pb.ListSurveysRequest(filter="band = BAND_UNSATISFIED AND responded = false"), metadata=boss
    )
    assert [s.name for s in waiting.surveys] == [unhappy.name]
    clock.advance(hours=5)
    answered = await c.stub.RespondToSurvey(
        pb.RespondToSurveyRequest(name=unhappy.name, solution=" 主管上门致歉并延长保修 "),
        metadata=boss,
    )
    assert answered.solution == "主管上门致歉并延长保修"
    assert answered.responder == "users/boss"
    assert when(answered.response_time) == clock.now
    waiting = await c.stub.ListSurveys(
        pb.ListSurveysRequest(filter="band = BAND_UNSATISFIED AND responded = false"), metadata=boss
    )
    assert list(waiting.surveys) == []
    responded = await c.stub.ListSurveys(
        pb.ListSurveysRequest(filter="responded = true"), metadata=boss
    )
    assert [s.name for s in responded.surveys] == [unhappy.name]
    mine = await c.stub.ListSurveys(
        pb.ListSurveysRequest(filter=f'customer = "{owner.name}"'), metadata=boss
    )
    assert {s.name for s in mine.surveys} == {unhappy.name, fine.name}
    assert (
        "customer.SurveyAnswered",
        {"survey": unhappy.name, "responder": "users/boss"},
    ) in outbox(customer_app)
