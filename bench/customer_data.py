"""Generates N customers with one contact and one mobile number each into a customer database,
kept under var/bench so later runs reuse it."""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select

from services.common.db import make_engine
from services.common.migrations import upgrade
from services.customer.adapters import orm
from services.customer.bootstrap import MIGRATIONS
from services.customer.domain.names import name_key

PROVINCES = ["北京", "上海", "广东", "浙江", "江苏", "四川", "湖北", "山东", "福建", "河南"]
WORDS = [
    "华创",
    "鼎盛",
    "恒通",
    "瑞丰",
    "金桥",
    "天成",
    "汇智",
    "博远",
    "宏图",
    "联众",
    "新锐",
    "合力",
]
TRADES = ["科技", "软件", "贸易", "制造", "物流", "医药", "建设", "电子", "咨询", "食品"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
BATCH = 20_000


def phone_of(i: int) -> str:
    """The i-th customer's mobile number, so clients can derive numbers without the data."""
    return f"+86138{i:08d}"


def build(path: Path, count: int) -> Path:
    """Creates the database once; a complete one is reused (its row count says so)."""
    url = f"sqlite:///{path}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        engine = make_engine(url)
        with engine.connect() as conn:
            have = conn.scalar(select(func.count()).select_from(orm.customers))
        engine.dispose()
        if have == count:
            return path
        path.unlink()
    upgrade(MIGRATIONS, url)
    engine = make_engine(url, json_serializer=lambda o: json.dumps(o, ensure_ascii=False))
    rng = random.Random(20261123)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with engine.begin() as conn:
        for start in range(0, count, BATCH):
            customers, contacts, phones = [], [], []
            for i in range(start, min(start + BATCH, count)):
                cid, ctid = f"{i:032x}", f"{i + (1 << 60):032x}"
                name = f"{rng.choice(PROVINCES)}{rng.choice(WORDS)}{rng.choice(TRADES)}{i}有限公司"
                customers.append(
                    {
                        "id": cid,
                        "code": f"KH{i:010d}",
                        "full_name": name,
                        "name_key": name_key(name),
                        "short_name": "",
                        "kind": "ENTERPRISE",
                        "owner": f"users/sales{i % 200}",
                        "department": "",
                        "industry": "I",
                        "province": "",
                        "city": "",
                        "address": "",
                        "source": "",
                        "category": "",
                        "sales_method": "",
                        "ownership_type": "",
                        "description": "",
                        "credit_code": None,
                        "tags": [],
                        "lifecycle_stage": "ACTIVE",
                        "lead_stage": "WON",
                        "grade": "NORMAL",
                        "credit_rating": "A",
                        "annual_contract_amount": None,
                        "longest_overdue_days": 0,
                        "cooperation_start_date": None,
                        "possible_duplicates": [],
                        "decision_maker_changes": [],
                        "merged_into": None,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                        "deleted_at": None,
                    }
                )
                contacts.append(
                    {
                        "id": ctid,
                        "customer_id": cid,
                        "display_name": rng.choice(SURNAMES) + "经理",
                        "gender": "UNSPECIFIED",
                        "title": "采购经理",
                        "email": "",
                        "im_ids": [],
                        "hobbies": "",
                        "key_decision_maker": True,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                phones.append({"contact_id": ctid, "e164": phone_of(i), "customer_id": cid})
            conn.execute(insert(orm.customers), customers)
            conn.execute(insert(orm.contacts), contacts)
            conn.execute(insert(orm.contact_phones), phones)
    engine.dispose()
    print(f"bench: generated {count:,} customers in {time.perf_counter() - started:.0f} s")
    return path
