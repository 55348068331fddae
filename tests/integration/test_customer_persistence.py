"""Customer use cases against real SQLite and PostgreSQL: what is stored is what comes back."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Row, event, func, select, text

from services.common.auth import principal_for
from services.common.errors import AlreadyExists, NotFound, StaleEtag
from services.common.rights import DEFAULT_ROLE_RIGHTS
from services.customer.adapters import orm
from services.customer.bootstrap import CustomerApp
from services.customer.domain import events, model
from services.customer.domain.rules import TicketPriority
from services.customer.service_layer import activities, customers
from tests.customer_fixtures import Clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
SALES = principal_for("zhang.san", ["sales"], "华东销售部", DEFAULT_ROLE_RIGHTS)
OTHER_SALES = principal_for("li.si", ["sales"], "华南销售部", DEFAULT_ROLE_RIGHTS)
ADMIN = principal_for("wang.wu", ["admin"], "运营部", DEFAULT_ROLE_RIGHTS)
POOR_SCORES = dict.fromkeys(model.SURVEY_DIMENSIONS, 2)


def create(
    app: CustomerApp,
    full_name: str,
    *,
    phones: tuple[str, ...] = (),
    owner: str = "users/zhang.san",
    actor: Any = SALES,
    contact: str = "李四",
    **values: Any,
) -> model.Customer:
    contacts = [{"display_name": contact, "phone_numbers": list(phones)}] if phones else []
    return customers.create_customer(
        app.uow(),
        app.deps,
        actor,
        {"full_name": full_name, "kind": model.CustomerKind.ENTERPRISE, "owner": owner, **values},
        contacts,
        allow_duplicate=True,
    )


def outbox_rows(app: CustomerApp, topic: str | None = None) -> list[Row[Any]]:
    stmt = select(orm.outbox).order_by(orm.outbox.c.seq)
    if topic is not None:
        stmt = stmt.where(orm.outbox.c.topic == topic)
    with app.engine.connect() as conn:
        return list(conn.execute(stmt).all())


def count(app: CustomerApp, table: Any, **where: Any) -> int:
    stmt = select(func.count()).select_from(table)
    for column, value in where.items():
        stmt = stmt.where(table.c[column] == value)
    with app.engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


@contextmanager
def statements(app: CustomerApp) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(app.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(app.engine, "before_cursor_execute", record)


def test_chinese_text_exact_amounts_and_utc_times_round_trip(
    customer_app: CustomerApp, clock: Clock
) -> None:
    app = customer_app
    clock.now = datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=SHANGHAI)
    created = create(
        app,
        "杭州西湖龙井茶叶股份有限公司",
        phones=("0571-8888 6666",),
        contact="欧阳娜娜",
        short_name="龙井茶叶",
        province="浙江省",
        city="杭州市",
        address="西湖区龙井路1号",
        description="百年老字号，主营明前龙井；“引号”与emoji🍵也要原样保存。",
        tags=["重点", "茶叶", "100%_纯"],
    )
    amounts = [Decimal("123456.7891"), Decimal("0.0001"), Decimal("98765432109.9999")]
    for amount in amounts:
        customers.report_figures(app.uow(), app.deps, created.id, amount, 0, date(2020, 2, 29))
    occurred = datetime(2026, 11, 20, 14, 5, 9, 654321, tzinfo=SHANGHAI)
    activities.record_interaction(
        app.uow(),
        app.deps,
        SALES,
        created.id,
        occurred,
        model.Channel.VISIT,
        "上门拜访",
        "客户希望下月签约",
        ["users/zhang.san"],
        ["欧阳娜娜"],
        ["12月前报价"],
        [],
    )

    got = customers.get_customer(app.uow(), created.id)
    assert got.full_name == "杭州西湖龙井茶叶股份有限公司"
    assert got.description == "百年老字号，主营明前龙井；“引号”与emoji🍵也要原样保存。"
    assert (got.short_name, got.province, got.city) == ("龙井茶叶", "浙江省", "杭州市")
    assert got.tags == ["重点", "茶叶", "100%_纯"]
    assert got.contacts[0].display_name == "欧阳娜娜"
    assert got.contacts[0].phone_numbers == ["+8657188886666"]
    assert got.annual_contract_amount == amounts[-1]
    assert str(got.annual_contract_amount) == "98765432109.9999"
    assert got.cooperation_start_date == date(2020, 2, 29)
    assert got.created_at == clock.now and got.created_at.tzinfo is UTC
    assert got.created_at.hour == 1  # 09:30 in Shanghai is 01:30 UTC
    [interaction] = activities.list_interactions(app.uow(), created.id, None, 10)
    assert interaction.occurred_at == occurred and interaction.occurred_at.tzinfo is UTC
    assert interaction.customer_participants == ["欧阳娜娜"]
    assert interaction.agreements == ["12月前报价"]
    # Each amount on its own is exact too, stored as an integer of 1/10,000.
    for amount in amounts:
        customers.report_figures(app.uow(), app.deps, created.id, amount, 0, None)
        assert customers.get_customer(app.uow(), created.id).annual_contract_amount == amount
        with app.engine.connect() as conn:
            raw = conn.execute(
                text("SELECT annual_contract_amount FROM customers WHERE id = :id"),
                {"id": created.id},
            ).scalar_one()
        assert raw == int(amount * 10_000)
    # A Chinese tag (with LIKE wildcards in it) is found by the tag filter on both databases.
    for tag in ("重点", "100%_纯"):
        found = customers.list_customers(app.uow(), {"tag": tag}, "created_at", False, None, 10)
        assert [c.id for c in found] == [created.id]
    assert customers.list_customers(app.uow(), {"tag": "100"}, "created_at", False, None, 10) == []
    [row] = outbox_rows(app, "customer.CustomerCreated")
    assert "杭州西湖龙井茶叶股份有限公司" in row.payload  # JSON without \\u escapes
    assert row.created_at.tzinfo is UTC and row.created_at == clock.now


def test_customer_codes_are_sequential_per_shanghai_year(
    customer_app: CustomerApp, clock: Clock
) -> None:
    codes = [create(customer_app, f"顺序编码测试{n}号有限公司").code for n in range(3)]
    assert codes == ["KH2026000001", "KH2026000002", "KH2026000003"]
    # 16:30 UTC on 31 December is already 2027 in Shanghai: a new year starts at 1.
    clock.now = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert create(customer_app, "跨年客户有限公司").code == "KH2027000001"
    assert create(customer_app, "自带编码客户", code="VIP-001").code == "VIP-001"
    assert create(customer_app, "又一个跨年客户").code == "KH2027000002"
    with pytest.raises(AlreadyExists) as taken:
        create(customer_app, "编码冲突客户", code="VIP-001")
    assert taken.value.reason == "CODE_TAKEN"


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_concurrent_creates_get_distinct_gapless_codes(customer_app: CustomerApp) -> None:
    def create_ten(thread: int) -> list[str]:
        return [create(customer_app, f"并发客户{thread}-{n}有限公司").code for n in range(10)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = [code for batch in pool.map(create_ten, range(8)) for code in batch]
    assert len(set(codes)) == 80
    assert sorted(codes) == [f"KH2026{n:06d}" for n in range(1, 81)]
    assert count(customer_app, orm.customers) == 80
    assert len(outbox_rows(customer_app, "customer.CustomerCreated")) == 80


def test_second_of_two_concurrent_updates_fails_with_stale_etag(
    customer_app: CustomerApp, clock: Clock
) -> None:
    app = customer_app
    created = create(app, "乐观锁测试有限公司")
    first, second = app.uow(), app.uow()
    with first, second:
        mine = first.customers.get(created.id)
        theirs = second.customers.get(created.id)
        mine.apply({"city": "上海市"}, clock())
        theirs.apply({"city": "北京市"}, clock())
        first.commit()
        with pytest.raises(StaleEtag):
            second.commit()
    got = customers.get_customer(app.uow(), created.id)
    assert (got.city, got.version) == ("上海市", 2)
    # Only the winner's event was written.
    [updated] = outbox_rows(app, "customer.CustomerUpdated")
    assert '"city"' in updated.payload


def test_update_with_an_old_etag_is_rejected(customer_app: CustomerApp, clock: Clock) -> None:
    app = customer_app
    created = create(app, "旧版本测试有限公司")
    customers.update_customer(
        app.uow(), app.deps, SALES, created.id, {"city": "苏州市"}, ["city"], etag=created.etag
    )
    with pytest.raises(StaleEtag) as stale:
        customers.update_customer(
            app.uow(), app.deps, SALES, created.id, {"city": "无锡市"}, ["city"], etag=created.etag
        )
    assert stale.value.metadata == {"etag": "2"}
    assert customers.get_customer(app.uow(), created.id).city == "苏州市"


def test_lookup_by_phone_is_one_statement(customer_app: CustomerApp, clock: Clock) -> None:
    app = customer_app
    older = create(
        app, "来电弹屏甲有限公司", phones=("13800138000", "021-6222 3333"), contact="张伟"
    )
    clock.advance(minutes=1)
    newer = create(app, "来电弹屏乙有限公司", phones=("+86 138 0013 8000",), contact="王芳")
    clock.advance(minutes=1)
    gone = create(app, "已删除客户有限公司", phones=("13800138000",), contact="赵六")
    customers.delete_customer(app.uow(), app.deps, ADMIN, gone.id, gone.etag)

    with statements(app) as sent:
        e164, matches = customers.lookup_by_phone(app.uow(), "138-0013-8000")
        seen = [(c.id, c.full_name, k.display_name, k.phone_numbers) for c, k in matches]
    assert e164 == "+8613800138000"
    assert seen == [
        (older.id, "来电弹屏甲有限公司", "张伟", ["+8613800138000", "+862162223333"]),
        (newer.id, "来电弹屏乙有限公司", "王芳", ["+8613800138000"]),
    ]
    assert len(sent) == 1, f"lookup_by_phone sent {len(sent)} statements: {sent}"


def test_events_are_written_with_the_change(customer_app: CustomerApp) -> None:
    created = create(customer_app, "发件箱测试有限公司")
    [row] = outbox_rows(customer_app)
    assert row.topic == "customer.CustomerCreated"
    assert f'"customers/{created.id}"' in row.payload
    assert row.published_at is None and row.attempts == 0


def test_an_idempotency_key_conflict_writes_neither_customer_nor_event(
    customer_app: CustomerApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = customer_app
    first = customers.create_customer(
        app.uow(),
        app.deps,
        SALES,
        {
            "full_name": "幂等测试有限公司",
            "kind": model.CustomerKind.ENTERPRISE,
            "owner": "users/zhang.san",
        },
        [],
        request_id="req-1",
    )
    again = customers.create_customer(
        app.uow(),
        app.deps,
        SALES,
        {
            "full_name": "幂等测试有限公司",
            "kind": model.CustomerKind.ENTERPRISE,
            "owner": "users/zhang.san",
        },
        [],
        request_id="req-1",
    )
    assert again.id == first.id
    # A concurrent retry that looked before the first one committed: its key insert conflicts.
    uow = app.uow()
    monkeypatch.setattr(uow, "created_before", lambda key: None)
    with pytest.raises(AlreadyExists):
        customers.create_customer(
            uow,
            app.deps,
            SALES,
            {
                "full_name": "幂等测试二有限公司",
                "kind": model.CustomerKind.ENTERPRISE,
                "owner": "users/zhang.san",
            },
            [],
            request_id="req-1",
        )
    assert count(app, orm.customers) == 1
    assert len(outbox_rows(app)) == 1


def _customer(now: datetime, name: str) -> model.Customer:
    return model.Customer(
        id=model.new_id(),
        code=f"T-{model.new_id()[:8]}",
        full_name=name,
        kind=model.CustomerKind.ENTERPRISE,
        owner="users/zhang.san",
        name_key=name,
        created_at=now,
        updated_at=now,
    )


def test_an_error_inside_the_unit_of_work_writes_nothing(
    customer_app: CustomerApp, clock: Clock
) -> None:
    app = customer_app
    with pytest.raises(RuntimeError), app.uow() as uow:
        customer = _customer(clock(), "中途失败有限公司")
        uow.customers.add(customer)
        customer.events.append(events.CustomerCreated(customer.resource_name, "users/x", "中途"))
        uow.emit(events.CustomerDeleted(customer.resource_name))
        uow.session.flush()  # the row was really sent inside the transaction
        raise RuntimeError("the use case fails after emitting")
    assert count(app, orm.customers) == 0
    assert outbox_rows(app) == []


def test_a_failed_commit_drops_the_outbox_rows_with_the_change(
    customer_app: CustomerApp, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = customer_app
    in_transaction: list[int] = []
    with pytest.raises(RuntimeError), app.uow() as uow:
        customer = _customer(clock(), "提交失败有限公司")
        uow.customers.add(customer)
        customer.events.append(events.CustomerCreated(customer.resource_name, "users/x", "提交"))
        uow.emit(events.CustomerDeleted(customer.resource_name))

        def lost_connection() -> None:
            in_transaction.append(uow.session.scalar(select(func.count()).select_from(orm.outbox)))
            raise RuntimeError("connection lost during COMMIT")

        monkeypatch.setattr(uow.session, "commit", lost_connection)
        uow.commit()
    assert in_transaction == [2]  # both events were in the transaction that failed
    assert count(app, orm.customers) == 0
    assert outbox_rows(app) == []


def test_merge_moves_everything_and_audits_both_customers(
    customer_app: CustomerApp, clock: Clock
) -> None:
    app, deps = customer_app, customer_app.deps
    target = create(app, "合并目标有限公司", phones=("13900001111",), contact="目标联系人")
    source = create(
        app,
        "合并来源有限公司",
        phones=("13900002222",),
        contact="来源联系人",
        owner="users/li.si",
        actor=OTHER_SALES,
        tags=["来源标签"],
    )
    customers.change_key_decision_maker(
        app.uow(), deps, SALES, target.id, target.contacts[0].id, None, "目标方决策人"
    )
    customers.change_key_decision_maker(
        app.uow(), deps, OTHER_SALES, source.id, source.contacts[0].id, None, "来源方决策人"
    )
    customers.create_contact(
        app.uow(),
        deps,
        OTHER_SALES,
        source.id,
        {"display_name": "来源二号", "phone_numbers": ["13900003333"]},
    )
    activities.record_interaction(
        app.uow(),
        deps,
        OTHER_SALES,
        source.id,
        clock(),
        model.Channel.PHONE,
        "电话回访",
        "",
        ["users/li.si"],
        [],
        [],
        [{"description": "寄送样品", "owner": "users/li.si", "due_date": date(2026, 12, 1)}],
    )
    ticket = activities.open_ticket(
        app.uow(),
        deps,
        OTHER_SALES,
        source.id,
        "complaint",
        TicketPriority.URGENT,
        "系统卡顿",
        "",
        [],
    )
    activities.submit_survey(
        app.uow(), deps, OTHER_SALES, source.id, POOR_SCORES, ticket.id, "响应太慢"
    )
    customers.report_figures(app.uow(), deps, target.id, Decimal("150000"), 0, None)  # KEY
    customers.report_figures(app.uow(), deps, source.id, Decimal("600000"), 0, None)  # STRATEGIC
    children = (
        orm.contacts,
        orm.contact_phones,
        orm.interactions,
        orm.todos,
        orm.tickets,
        orm.surveys,
        orm.follow_ups,
    )
    before = {t.name: count(app, t, customer_id=source.id) for t in children}
    assert before == {
        "contacts": 2,
        "contact_phones": 2,
        "interactions": 1,
        "todos": 1,
        "tickets": 1,
        "surveys": 1,
        "follow_ups": 2,
    }
    clock.advance(hours=1)

    merged = customers.merge_customers(app.uow(), deps, ADMIN, target.id, source.id, "重复录入")

    assert {(c.display_name, tuple(c.phone_numbers)) for c in merged.contacts} == {
        ("目标联系人", ("+8613900001111",)),
        ("来源联系人", ("+8613900002222",)),
        ("来源二号", ("+8613900003333",)),
    }
    assert [c.display_name for c in merged.contacts if c.key_decision_maker] == ["目标联系人"]
    assert merged.tags == ["来源标签"]
    for table in children:
        assert count(app, table, customer_id=source.id) == 0, table.name
        assert count(app, table, customer_id=target.id) == before[table.name] + (
            {"contacts": 1, "contact_phones": 1, "follow_ups": 2}.get(table.name, 0)
        ), table.name
    with pytest.raises(NotFound):
        customers.get_customer(app.uow(), source.id)
    with app.engine.connect() as conn:
        gone = conn.execute(select(orm.customers).where(orm.customers.c.id == source.id)).one()
    assert gone.merged_into == target.id and gone.deleted_at == clock()
    # The source's open follow-ups are cancelled, the target's plan stays.
    states = {
        (f.owner, f.state)
        for f in activities.list_follow_ups(app.uow(), {"customer_id": target.id}, None, 10)
    }
    assert states == {
        ("users/zhang.san", model.FollowUpState.PLANNED),
        ("users/li.si", model.FollowUpState.CANCELLED),
    }
    _, found = customers.lookup_by_phone(app.uow(), "13900002222")
    assert [(c.id, k.display_name) for c, k in found] == [(target.id, "来源联系人")]
    with app.uow() as uow:
        target_audit = uow.customers.audit_entries(target.id)
        source_audit = uow.customers.audit_entries(source.id)
    assert [(a.action, a.actor) for a in target_audit] == [("merged", "users/wang.wu")]
    assert target_audit[0].detail["source"] == f"customers/{source.id}"
    assert target_audit[0].detail["reason"] == "重复录入"
    assert target_audit[0].detail["moved"]["contacts"] == 2
    assert [(a.action, a.actor) for a in source_audit] == [("merged_into", "users/wang.wu")]
    assert source_audit[0].detail == {"target": f"customers/{target.id}", "reason": "重复录入"}
    assert target_audit[0].at == clock() and target_audit[0].at.tzinfo is UTC
    [merged_event] = outbox_rows(app, "customer.CustomerMerged")
    assert f"customers/{source.id}" in merged_event.payload


def _plan_follow_ups(app: CustomerApp, customers_count: int) -> int:
    """Strategic customers get a visit and a phone follow-up each."""
    for n in range(customers_count):
        c = create(app, f"跟进计划{n}号有限公司")
        customers.report_figures(app.uow(), app.deps, c.id, Decimal("500000"), 0, None)
    planned = count(app, orm.follow_ups, state="PLANNED")
    assert planned == 2 * customers_count
    return planned


def _due_follow_ups(app: CustomerApp) -> list[str]:
    """The follow-up each FollowUpDue event in the outbox is about."""
    rows = outbox_rows(app, "customer.FollowUpDue")
    return [json.loads(row.payload)["follow_up"] for row in rows]


def test_mark_due_follow_ups_emits_one_event_per_follow_up(customer_app: CustomerApp) -> None:
    app = customer_app
    planned = _plan_follow_ups(app, 3)
    # One month on only the phone calls are due; six months on the visits too.
    month_on = app.deps.today() + timedelta(days=31)
    runs = [activities.mark_due_follow_ups(app.uow(), month_on, batch=2) for _ in range(3)]
    assert runs == [3, 0, 0]
    later = app.deps.today() + timedelta(days=200)
    runs = [activities.mark_due_follow_ups(app.uow(), later, batch=2) for _ in range(3)]
    assert runs == [3, 0, 0]
    assert count(app, orm.follow_ups, state="DUE") == planned
    ids = [f.resource_name for f in activities.list_follow_ups(app.uow(), {}, None, 100)]
    assert sorted(_due_follow_ups(app)) == sorted(ids)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_mark_due_follow_ups_from_two_threads_marks_each_once(customer_app: CustomerApp) -> None:
    app = customer_app
    planned = _plan_follow_ups(app, 20)
    later = app.deps.today() + timedelta(days=200)
    start = threading.Barrier(2)

    def run() -> int:
        start.wait()
        return activities.mark_due_follow_ups(app.uow(), later, batch=3)

    with ThreadPoolExecutor(max_workers=2) as pool:
        totals = [f.result() for f in [pool.submit(run), pool.submit(run)]]
    assert sum(totals) == planned
    assert activities.mark_due_follow_ups(app.uow(), later) == 0
    assert count(app, orm.follow_ups, state="DUE") == planned
    due = _due_follow_ups(app)
    assert len(due) == len(set(due)) == planned


def test_the_same_customer_created_at_once_by_many_is_created_once(
    customer_app: CustomerApp,
) -> None:
    """撞单 under concurrency: eight sales people enter the same company at the same moment."""

    def create(i: int) -> str:
        who = principal_for(f"sales{i}", ["sales"], "", DEFAULT_ROLE_RIGHTS)
        try:
            customers.create_customer(
                customer_app.uow(),
                customer_app.deps,
                who,
                {
                    "full_name": "杭州同时科技有限公司",
                    "kind": model.CustomerKind.ENTERPRISE,
                    "owner": f"users/sales{i}",
                },
                [],
            )
        except AlreadyExists as refused:
            assert refused.reason == "DUPLICATE_CUSTOMER"
            return "refused"
        return "created"

    with ThreadPoolExecutor(8) as pool:
        outcomes = sorted(pool.map(create, range(8)))
    assert outcomes == ["created"] + ["refused"] * 7
    live = customers.list_customers(customer_app.uow(), {}, "created_at", False, None, 50)
    assert [c.full_name for c in live] == ["杭州同时科技有限公司"]
