"""Measures the alert workers: one full scan over a big projection (by default 1,000,000
contracts with 3,000,000 payment milestones), a second scan at the same instant that must raise
nothing new, and alerts delivered per second through the webhook channel to a local robot.

python -m bench.alerts_scan                        # SQLite; the projection is cached in var/bench
python -m bench.alerts_scan --postgres             # also on a PostgreSQL server it starts
python -m bench.alerts_scan --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
python -m bench.alerts_scan --contracts 20000      # a quick look
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, create_engine, delete, event, func, insert, select, text
from sqlalchemy import update as sql_update

from services.alerts.adapters import orm
from services.alerts.adapters.channels import WebhookChannel
from services.alerts.domain.rules import AlertRules
from services.alerts.service_layer.delivery import deliver_due
from services.alerts.service_layer.scans import RULES, run_scans
from services.common.db import make_engine
from tests.servers import PostgresServer, free_port

CACHE = Path("var/bench")
# A fixed instant, so a cached projection stays valid and runs compare: 09:00 in Shanghai.
AS_OF = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
DEPARTMENTS = ("华东销售部", "华南销售部", "华北销售部", "西南销售部", "大客户部", "渠道部")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


@dataclass(frozen=True)
class Shape:
    """What the generated projection holds."""

    contracts: int
    milestones_per_contract: int
    owners: int  # sales people owning the contracts
    supervisors: int
    finance: int  # members of the finance group: every payment alert goes to each
    legal: int  # members of the legal role some approvals wait for
    overdue_permille: int  # past-due payment milestones still unpaid, per thousand

    @property
    def key(self) -> str:
        return (
            f"c{self.contracts}-m{self.milestones_per_contract}-o{self.owners}-s{self.supervisors}"
            f"-f{self.finance}-l{self.legal}-p{self.overdue_permille}-{TODAY.isoformat()}-v2"
        )


# --- generating the projection -------------------------------------------------------------


@dataclass(frozen=True)
class SqlFlavour:
    """The few expressions SQLite and PostgreSQL spell differently."""

    prefix: str  # before INSERT: the row-number source, if it is a CTE
    source: str  # FROM ... yielding n = 1..:count
    pad: Callable[[str], str]  # zero-padded 7-digit text of an integer
    day: Callable[[str], str]  # the date `offset` days after TODAY
    days_before_as_of: Callable[[str], str]  # the timestamp `days` days before AS_OF


SQLITE = SqlFlavour(
    prefix="WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :count)",
    source="seq",
    pad=lambda x: f"printf('%07d', {x})",
    day=lambda x: f"date(:today_julian + ({x}))",
    # SQLAlchemy's SQLite DATETIME text form, microseconds included, so comparisons hold.
    days_before_as_of=lambda x: (
        f"strftime('%Y-%m-%d %H:%M:%S', :as_of_text, '-' || CAST({x} AS TEXT) || ' days')"
        " || '.000000'"
    ),
)
POSTGRES = SqlFlavour(
    prefix="",
    source="generate_series(1, :count) AS seq(n)",
    pad=lambda x: f"lpad(CAST({x} AS TEXT), 7, '0')",
    day=lambda x: f"(CAST(:today AS DATE) + CAST({x} AS INTEGER))",
    days_before_as_of=lambda x: f"(CAST(:as_of AS TIMESTAMPTZ) - ({x}) * INTERVAL '1 day')",
)

# Pseudo-random but reproducible: a multiplicative hash of the row number modulo a prime.
_PRIME = 4294967291


def _contracts_sql(f: SqlFlavour) -> str:
    departments = " ".join(f"WHEN {i} THEN '{d}'" for i, d in enumerate(DEPARTMENTS))
    return f"""{f.prefix}
INSERT INTO contracts (name, number, title, customer, owner, department, state, end_date,
  end_day, total_amount, version, approval_waiting_for, approval_waiting_since, approval_key,
  updated_at)
SELECT 'contracts/' || {f.pad("n")}, 'HT-2026-' || {f.pad("n")},
  '年度技术服务合同(第' || CAST(n AS TEXT) || '号)',
  'customers/' || CAST(n % 200000 AS TEXT),
  'users/u' || CAST(n % :owners AS TEXT),
  CASE n % {len(DEPARTMENTS)} {departments} END,
  state, {f.day("end_offset")}, :today_day + end_offset, amount, 1,
  CASE WHEN state = 'PENDING_APPROVAL' THEN
    CASE WHEN n % 3 = 0 THEN 'legal' ELSE 'users/s' || CAST(n % :supervisors AS TEXT) END
  END,
  CASE WHEN state = 'PENDING_APPROVAL' THEN {f.days_before_as_of("n % 10")} END,
  CASE WHEN state = 'PENDING_APPROVAL' THEN 101 END,
  :updated_at
FROM (
  SELECT n, state,
    -- live contracts end from two weeks ago to two years ahead; finished ones in the last year
    CASE WHEN state IN ('EXPIRED', 'TERMINATED') THEN -1 - (h / 1000) % 365
         ELSE (h / 1000) % 730 - 15 END AS end_offset,
    (1 + (h / 13) % 5000) * 10000000 AS amount  -- 1,000 to 5,000,000 CNY, in 1/10,000
  FROM (
    SELECT n, h,
      CASE WHEN (h / 7) % 100 < 68 THEN 'ACTIVE'
           WHEN (h / 7) % 100 < 73 THEN 'EXPIRING'
           WHEN (h / 7) % 100 < 78 THEN 'SIGNING'
           WHEN (h / 7) % 100 < 81 THEN 'PENDING_APPROVAL'
           WHEN (h / 7) % 100 < 93 THEN 'EXPIRED'
           WHEN (h / 7) % 100 < 96 THEN 'TERMINATED'
           ELSE 'DRAFT' END AS state
    FROM (SELECT n, (n * 2654435761) % {_PRIME} AS h FROM {f.source}) AS hashed
  ) AS picked
) AS rows_"""


def _milestones_sql(f: SqlFlavour) -> str:
    return f"""{f.prefix}
INSERT INTO milestones (name, contract, kind, title, due_date, due_day, amount,
  received_amount, settled, completed_date)
SELECT 'contracts/' || {f.pad("c")} || '/milestones/' || CAST(k AS TEXT),
  'contracts/' || {f.pad("c")}, 'PAYMENT', '第' || CAST(k AS TEXT) || '期款',
  {f.day("due_offset")}, :today_day + due_offset, amount,
  CASE WHEN settled THEN amount ELSE 0 END, settled, NULL
FROM (
  SELECT c, k, due_offset, amount,
    -- paid once past due, except a few per thousand; a few per hundred paid in advance
    CASE WHEN due_offset < 0 THEN (h / 1000) % 1000 >= :overdue_permille
         ELSE (h / 1000) % 100 < 3 END AS settled
  FROM (
    SELECT (n - 1) / :per_contract + 1 AS c, (n - 1) % :per_contract + 1 AS k, h,
      (h / 3) % 730 - 365 AS due_offset, (1 + (h / 7) % 2000) * 10000000 AS amount
    FROM (SELECT n, (n * 2246822519) % {_PRIME} AS h FROM {f.source}) AS hashed
  ) AS spread
) AS rows_"""


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]


def _directory(shape: Shape) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    people: list[dict[str, Any]] = []
    groups: list[dict[str, str]] = []

    def person(user: str, i: int, supervisor: str = "") -> None:
        login = user.removeprefix("users/")
        people.append(
            {
                "user": user,
                "display_name": _name(i),
                "email": f"{login}@example.cn",
                "im_webhook_url": f"https://open.feishu.cn/open-apis/bot/v2/hook/{login}",
                "supervisor": supervisor,
                "agent": "",
                "update_time": AS_OF,
            }
        )

    for i in range(shape.owners):
        person(f"users/u{i}", i, f"users/s{i % shape.supervisors}")
    # One director above the supervisors and legal: escalated approvals go there.
    person("users/d0", 5)
    for i in range(shape.supervisors):
        person(f"users/s{i}", 7 + i, "users/d0")
        groups.append({"group_name": "supervisor", "user": f"users/s{i}"})
    for i in range(shape.finance):
        person(f"users/f{i}", 11 + i)
        groups.append({"group_name": "finance", "user": f"users/f{i}"})
    for i in range(shape.legal):
        person(f"users/l{i}", 13 + i, "users/d0")
        groups.append({"group_name": "legal", "user": f"users/l{i}"})
    return people, groups


def _load(engine: Engine, f: SqlFlavour, shape: Shape) -> None:
    """Creates the tables and fills the projection and the directory, indexes built last."""
    orm.metadata.drop_all(engine)
    orm.metadata.create_all(engine)
    loaded = (orm.contracts, orm.milestones)
    with engine.begin() as conn:
        for table in loaded:
            for index in table.indexes:
                index.drop(conn)
    people, groups = _directory(shape)
    params = {
        "today": TODAY,
        "today_day": TODAY.toordinal(),
        "today_julian": TODAY.toordinal() + 1721424.5,  # SQLite's Julian day of that date
        "as_of": AS_OF,
        "as_of_text": AS_OF.strftime("%Y-%m-%d %H:%M:%S"),
        "owners": shape.owners,
        "supervisors": shape.supervisors,
        "per_contract": shape.milestones_per_contract,
        "overdue_permille": shape.overdue_permille,
    }
    stamp = bindparam("updated_at", AS_OF, type_=orm.contracts.c.updated_at.type)
    with engine.begin() as conn:
        conn.execute(insert(orm.recipients), people)
        conn.execute(insert(orm.recipient_groups), groups)
        began = time.perf_counter()
        conn.execute(
            text(_contracts_sql(f)).bindparams(stamp),
            {**params, "count": shape.contracts},
        )
        print(f"  contracts inserted in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        began = time.perf_counter()
        conn.execute(
            text(_milestones_sql(f)),
            {**params, "count": shape.contracts * shape.milestones_per_contract},
        )
        print(f"  milestones inserted in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        began = time.perf_counter()
        for table in loaded:
            for index in table.indexes:
                index.create(conn)
        print(f"  indexes built in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        conn.execute(text("ANALYZE"))


def _bulk_sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _fast(dbapi_conn: Any, _: Any) -> None:
        # A cache file rebuilt from scratch on failure: no journal, no syncs.
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=OFF")
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("PRAGMA cache_size=-1000000")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    return engine


def sqlite_projection(shape: Shape, directory: Path) -> Path:
    """A fresh copy of the cached projection (built first when missing) to scan."""
    directory.mkdir(parents=True, exist_ok=True)
    cached = directory / f"alerts-{shape.key}.db"
    if not cached.exists():
        print(f"generating the projection into {cached} ...", file=sys.stderr)
        began = time.perf_counter()
        partial = cached.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        engine = _bulk_sqlite_engine(partial)
        try:
            _load(engine, SQLITE, shape)
        finally:
            engine.dispose()
        partial.rename(cached)
        print(f"  generated in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    work = directory / "alerts-scan-work.db"
    for suffix in ("", "-wal", "-shm"):
        work.with_name(work.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(cached, work)
    return work


def postgres_projection(shape: Shape, url: str) -> None:
    """Fills the database at `url` unless it already holds this shape; then empties what the
    scans write, so every run starts from the same state."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS bench_shape (key TEXT NOT NULL)"))
            held = conn.execute(text("SELECT key FROM bench_shape")).scalar()
        if held != shape.key:
            print("generating the projection in PostgreSQL ...", file=sys.stderr)
            began = time.perf_counter()
            _load(engine, POSTGRES, shape)
            with engine.begin() as conn:
                conn.execute(text("DELETE FROM bench_shape"))
                conn.execute(text("INSERT INTO bench_shape VALUES (:key)"), {"key": shape.key})
            print(f"  generated in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        written = ("alerts", "deliveries", "delivery_attempts", "outbox", "processed_events")
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(written)} RESTART IDENTITY"))
        # Fresh statistics and visibility map, as autovacuum would leave them.
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


@contextlib.contextmanager
def own_postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster, as the tests start one (tests/servers.py)."""
    server = PostgresServer()
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Row:
    backend: str
    what: str
    seconds: float
    count: int
    unit: str
    rate: bool = True  # whether count per second means something


def measure_scans(engine: Engine, backend: str, rules: AlertRules) -> list[Row]:
    began = time.perf_counter()
    first = run_scans(engine, rules, AS_OF)
    first_s = time.perf_counter() - began
    began = time.perf_counter()
    second = run_scans(engine, rules, AS_OF)
    second_s = time.perf_counter() - began
    raised = sum(first.values())
    if sum(second.values()):
        raise SystemExit(f"{backend}: the second scan raised alerts again: {second}")
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(orm.alerts)).scalar_one()
        pending = conn.execute(select(func.count()).select_from(orm.deliveries)).scalar_one()
    if stored != raised:
        raise SystemExit(f"{backend}: {raised} alerts reported raised, {stored} stored")
    detail = ", ".join(f"{k} {v}" for k, v in first.items() if v)
    print(
        f"{backend}: first scan raised {raised} ({detail}); {pending} deliveries", file=sys.stderr
    )
    rows = [
        Row(backend, "first full scan", first_s, raised, "alerts raised"),
        Row(backend, "second scan (nothing new)", second_s, 0, "alerts raised"),
    ]
    # Where a scan's time goes: each rule's SELECT alone, read only (what the second scan
    # pays before its inserts all conflict).
    for name, rule in RULES.items():
        query = select(func.count()).select_from(rule(rules, AS_OF).subquery())
        began = time.perf_counter()
        with engine.connect() as conn:
            matched = conn.execute(query).scalar_one()
        rows.append(
            Row(backend, f"  {name}", time.perf_counter() - began, matched, "rows", rate=False)
        )
    return rows


# A Feishu-style robot that accepts everything, run by a bare interpreter: its own process, so
# it does not share the deliverer's interpreter lock, and without this module's imports, so it
# starts at once.
_ROBOT = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = b'{"code":0,"msg":"success","data":{}}'


class Robot(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(ANSWER)))
        self.end_headers()
        self.wfile.write(ANSWER)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Robot).serve_forever()
"""


@contextlib.contextmanager
def robot_process() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", _ROBOT, str(port)])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/open-apis/bot/v2/hook/bench"
    finally:
        process.terminate()
        process.wait()


def measure_delivery(engine: Engine, backend: str, count: int, robot_url: str) -> Row:
    """Leaves `count` webhook deliveries due (every other delivery pushed a year out), points
    every recipient's robot at the local one, and times `deliver_due` until none is due."""
    d = orm.deliveries.c
    later = AS_OF + timedelta(days=365)
    with engine.begin() as conn:
        due_ids = (
            select(d.id)
            .where(d.channel == "webhook", d.state == "PENDING")
            .order_by(d.id)
            .limit(count)
            .scalar_subquery()
        )
        conn.execute(
            sql_update(orm.deliveries).where(d.id.not_in(due_ids)).values(next_attempt_at=later)
        )
        conn.execute(
            sql_update(orm.deliveries).where(d.id.in_(due_ids)).values(next_attempt_at=AS_OF)
        )
        conn.execute(sql_update(orm.recipients).values(im_webhook_url=robot_url))
        conn.execute(delete(orm.delivery_attempts))
        due = conn.execute(
            select(func.count()).select_from(orm.deliveries).where(d.next_attempt_at <= AS_OF)
        ).scalar_one()
    if engine.dialect.name == "postgresql":
        # Clear the dead row versions that moving every delivery left in the indexes, as
        # autovacuum would by the time a real worker runs.
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE deliveries, delivery_attempts, recipients")
            )
    channel = WebhookChannel(flavour="feishu", secret="SECbench", timeout_s=5)
    began = time.perf_counter()
    # One call claims and sends one batch; the worker calls it until nothing is due.
    while deliver_due(engine, [channel], AS_OF):
        pass
    elapsed = time.perf_counter() - began
    with engine.connect() as conn:
        sent = conn.execute(
            select(func.count()).select_from(orm.deliveries).where(d.state == "SENT")
        ).scalar_one()
    if sent != due:
        raise SystemExit(f"{backend}: {due} deliveries were due, {sent} sent")
    return Row(backend, "webhook deliveries", elapsed, sent, "alerts delivered")


def _table(rows: list[Row]) -> str:
    lines = [f"{'backend':<10} {'what':<28} {'seconds':>8} {'count':>9}  {'rate':>12}"]
    for row in rows:
        rate = f"{row.count / row.seconds:,.0f}/s" if row.rate and row.count else ""
        lines.append(
            f"{row.backend:<10} {row.what:<28} {row.seconds:8.2f} {row.count:9,d}  {rate:>12}"
            f"  {row.unit}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--milestones-per-contract", type=int, default=3)
    parser.add_argument("--owners", type=int, default=2000)
    parser.add_argument("--supervisors", type=int, default=50)
    parser.add_argument("--finance", type=int, default=2)
    parser.add_argument("--legal", type=int, default=3)
    parser.add_argument("--overdue-permille", type=int, default=20)
    parser.add_argument("--deliveries", type=int, default=2000, help="0: skip the delivery run")
    parser.add_argument("--directory", type=Path, default=CACHE, help="SQLite cache directory")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--postgres", action="store_true", help="start a PostgreSQL and use it")
    parser.add_argument("--postgres-url", default="", help="use this PostgreSQL database")
    parser.add_argument(
        "--pg-options",
        default="",
        help='session settings for the measured PostgreSQL connections, e.g. "-c jit=off"',
    )
    args = parser.parse_args()
    if args.contracts < 1 or args.milestones_per_contract < 1 or args.owners < 1:
        parser.error("need at least one contract, milestone and owner")

    shape = Shape(
        args.contracts,
        args.milestones_per_contract,
        args.owners,
        args.supervisors,
        args.finance,
        args.legal,
        args.overdue_permille,
    )
    rules = AlertRules()
    rows: list[Row] = []

    def run(backend: str, engine: Engine) -> None:
        try:
            rows.extend(measure_scans(engine, backend, rules))
            if args.deliveries:
                with robot_process() as robot_url:
                    rows.append(measure_delivery(engine, backend, args.deliveries, robot_url))
        finally:
            engine.dispose()

    if not args.no_sqlite:
        work = sqlite_projection(shape, args.directory)
        run("sqlite", make_engine(f"sqlite:///{work}"))
        for suffix in ("", "-wal", "-shm"):
            work.with_name(work.name + suffix).unlink(missing_ok=True)
    pg_args: dict[str, Any] = {}
    if args.pg_options:
        pg_args["connect_args"] = {"options": args.pg_options}
    if args.postgres_url:
        postgres_projection(shape, args.postgres_url)
        run("postgres", make_engine(args.postgres_url, **pg_args))
    elif args.postgres:
        with own_postgres() as url:
            postgres_projection(shape, url)
            run("postgres", make_engine(url, **pg_args))

    milestones = shape.contracts * shape.milestones_per_contract
    print(f"\n{shape.contracts:,} contracts, {milestones:,} payment milestones, as of {AS_OF}")
    print(_table(rows))
    # The same data and rules on both backends must raise the same alerts.
    raised = {row.backend: row.count for row in rows if row.what == "first full scan"}
    if len(set(raised.values())) > 1:
        raise SystemExit(f"the backends raised different numbers of alerts: {raised}")


if __name__ == "__main__":
    main()
