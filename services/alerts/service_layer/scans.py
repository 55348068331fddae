"""The scans: one set-based `INSERT ... SELECT ... ON CONFLICT DO NOTHING` per rule over the
projection's indexed columns. The unique key (kind, subject, threshold, recipient) makes each
alert exactly-once however often and however concurrently the scans run; the alerts that a
statement did insert get their AlertRaised events and their deliveries from two more
INSERT ... SELECT in the same transaction (on PostgreSQL in the same statement), so nothing
goes through Python per alert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    not_,
    null,
    select,
    union_all,
)
from sqlalchemy import String as SqlString
from sqlalchemy.dialects import postgresql, sqlite

from services.alerts.adapters import orm
from services.alerts.domain import rules as r
from services.alerts.domain.events import AlertRaised
from services.alerts.domain.rules import AlertRules, windows

# The columns every rule's SELECT yields, in this order.
COLUMNS = (
    "kind",
    "subject",
    "threshold",
    "recipient",
    "severity",
    "title",
    "body",
    "amount",
    "phone_number",
    "due_date",
    "state",
    "raised_at",
)

c = orm.contracts.c
m = orm.milestones.c
g = orm.recipient_groups.c


def _text(value: str) -> ColumnElement[str]:
    return literal(value, SqlString)


def _concat(*parts: ColumnElement[Any] | str) -> ColumnElement[str]:
    expr: ColumnElement[str] = _text("")
    for part in parts:
        expr = expr + (_text(part) if isinstance(part, str) else cast(part, SqlString))
    return expr


def _row(
    as_of: datetime,
    *,
    kind: ColumnElement[Any] | str,
    subject: ColumnElement[Any],
    threshold: ColumnElement[Any] | int,
    recipient: ColumnElement[Any],
    severity: ColumnElement[Any] | str,
    title: ColumnElement[Any],
    body: ColumnElement[Any] | str = "",
    amount: ColumnElement[Any] | None = None,
    phone_number: ColumnElement[Any] | None = None,
    due_date: ColumnElement[Any] | None = None,
) -> list[ColumnElement[Any]]:
    def lit(v: Any) -> ColumnElement[Any]:
        if isinstance(v, str):
            return _text(v)
        if isinstance(v, int):
            return literal(v)
        return v  # type: ignore[no-any-return]

    values = [
        lit(kind),
        subject,
        lit(threshold),
        recipient,
        lit(severity),
        title,
        lit(body),
        amount if amount is not None else _null("amount"),
        phone_number if phone_number is not None else _null("phone_number"),
        due_date if due_date is not None else _null("due_date"),
        _text("OPEN"),
        literal(as_of, orm.alerts.c.raised_at.type),
    ]
    return [v.label(n) for v, n in zip(values, COLUMNS, strict=True)]


def _null(column: str) -> ColumnElement[Any]:
    # Typed: PostgreSQL reads a bare NULL in a UNION as text.
    return cast(null(), orm.alerts.c[column].type)


def _window_case(days_left: ColumnElement[int], thresholds: tuple[int, ...]) -> ColumnElement[int]:
    return case(
        *((days_left > w.low, w.threshold) for w in windows(thresholds)[:-1]),
        else_=windows(thresholds)[-1].threshold,
    )


def _severity_by_days(threshold: ColumnElement[int]) -> ColumnElement[str]:
    return case(
        (threshold <= 1, _text("CRITICAL")), (threshold <= 7, _text("WARNING")), else_=_text("INFO")
    )


# --- the rules --------------------------------------------------------------------------------


def contract_expiry(rules: AlertRules, as_of: datetime) -> Select[Any]:
    today = rules.today(as_of).toordinal()
    days_left = c.end_day - today
    threshold = _window_case(days_left, rules.expiry_days)
    return select(
        *_row(
            as_of,
            kind=r.CONTRACT_EXPIRY,
            subject=c.name,
            threshold=threshold,
            recipient=c.owner,
            severity=_severity_by_days(threshold),
            title=_concat("合同即将到期：", c.number, " ", c.title),
            body=_concat("距到期还有 ", days_left, " 天"),
            amount=c.total_amount,
            due_date=c.end_date,
        )
    ).where(
        c.state.in_(("ACTIVE", "EXPIRING")),
        c.end_day >= today,
        c.end_day <= today + max(rules.expiry_days),
        c.owner != "",
    )


def _open_payments(rules: AlertRules, as_of: datetime, *, overdue: bool) -> Any:
    """The unpaid payment milestones of live contracts in the rule's day range, joined to
    their contracts once: each rule fans them out to several recipients, and joining per
    recipient made PostgreSQL scan every contract once per branch (it guesses ~25 times too
    many open past-due milestones, as settled and due_day correlate, and so picks a hash join
    over a full scan). Materialized on PostgreSQL so the branches share that one join."""
    today = rules.today(as_of).toordinal()
    days = (
        m.due_day < today
        if overdue
        else and_(m.due_day >= today, m.due_day <= today + max(rules.payment_due_days))
    )
    open_ = (
        select(
            m.name.label("subject"),
            m.title,
            m.due_day,
            m.due_date,
            m.amount,
            c.number,
            c.owner,
        )
        .select_from(orm.milestones.join(orm.contracts, c.name == m.contract))
        .where(
            m.kind == "PAYMENT",
            m.settled.is_(False),
            days,
            c.state.in_(("ACTIVE", "EXPIRING", "SIGNING")),
        )
        .cte("overdue_payments" if overdue else "due_payments")
    )
    return open_.prefix_with("MATERIALIZED", dialect="postgresql")


def payment_due(rules: AlertRules, as_of: datetime) -> Any:
    today = rules.today(as_of).toordinal()
    p = _open_payments(rules, as_of, overdue=False)
    days_left = p.c.due_day - today
    threshold = _window_case(days_left, rules.payment_due_days)

    def part(recipient: ColumnElement[Any]) -> list[ColumnElement[Any]]:
        return _row(
            as_of,
            kind=r.PAYMENT_DUE,
            subject=p.c.subject,
            threshold=threshold,
            recipient=recipient,
            severity=_severity_by_days(threshold),
            title=_concat("回款节点临近：", p.c.number, " ", p.c.title),
            body=_concat("距应收日还有 ", days_left, " 天"),
            amount=p.c.amount,
            due_date=p.c.due_date,
        )

    owner = select(*part(p.c.owner)).where(p.c.owner != "")
    finance = select(*part(g.user)).select_from(
        p.join(orm.recipient_groups, g.group_name == r.FINANCE)
    )
    return union_all(owner, finance)


def payment_overdue(rules: AlertRules, as_of: datetime) -> Any:
    """Weekly per overdue payment to the owner and finance, keyed by the overdue week; past
    the escalation age, weekly to the owner's supervisor as well."""
    today = rules.today(as_of).toordinal()
    p = _open_payments(rules, as_of, overdue=True)
    days_overdue = today - p.c.due_day
    week = (days_overdue - 1) // 7

    def part(kind: str, recipient: ColumnElement[Any], severity: str) -> list[ColumnElement[Any]]:
        return _row(
            as_of,
            kind=kind,
            subject=p.c.subject,
            threshold=week,
            recipient=recipient,
            severity=severity,
            title=_concat("回款逾期：", p.c.number, " ", p.c.title),
            body=_concat("已逾期 ", days_overdue, " 天"),
            amount=p.c.amount,
            due_date=p.c.due_date,
        )

    owner = select(*part(r.PAYMENT_OVERDUE, p.c.owner, "WARNING")).where(p.c.owner != "")
    finance = select(*part(r.PAYMENT_OVERDUE, g.user, "WARNING")).select_from(
        p.join(orm.recipient_groups, g.group_name == r.FINANCE)
    )
    boss = orm.recipients.alias("owner_entry")
    supervisor = (
        select(*part(r.PAYMENT_OVERDUE_ESCALATED, boss.c.supervisor, "CRITICAL"))
        .select_from(p.join(boss, boss.c.user == p.c.owner))
        .where(
            p.c.due_day < today - rules.overdue_escalation_days,
            boss.c.supervisor != "",
        )
    )
    return union_all(owner, finance, supervisor)


def _approvers(rules: AlertRules, as_of: datetime, cutoff: datetime) -> Any:
    """(contract, approver) for steps waiting since `cutoff` or earlier: the named person,
    or every member of the role the step waits for."""
    waiting = and_(c.state == "PENDING_APPROVAL", c.approval_waiting_since <= cutoff)
    person = select(c.name.label("contract"), c.approval_waiting_for.label("approver")).where(
        waiting, c.approval_waiting_for.like("users/%")
    )
    role = (
        select(c.name.label("contract"), g.user.label("approver"))
        .select_from(
            orm.contracts.join(orm.recipient_groups, g.group_name == c.approval_waiting_for)
        )
        .where(waiting)
    )
    return union_all(person, role)


def approval_waiting(rules: AlertRules, as_of: datetime) -> Any:
    cutoff = rules.waited_since_cutoff(as_of, rules.approval_wait_working_days)
    who = _approvers(rules, as_of, cutoff).subquery("who")
    return (
        select(
            *_row(
                as_of,
                kind=r.APPROVAL_WAITING,
                subject=c.name,
                threshold=c.approval_key,
                recipient=who.c.approver,
                severity="WARNING",
                title=_concat("合同待审批：", c.number, " ", c.title),
                body=f"等待审批已超过 {rules.approval_wait_working_days} 个工作日",
            )
        )
        .select_from(who.join(orm.contracts, c.name == who.c.contract))
        .where(c.approval_key.is_not(None))
    )


def approval_escalated(rules: AlertRules, as_of: datetime) -> Any:
    cutoff = rules.waited_since_cutoff(as_of, rules.approval_escalation_working_days)
    who = _approvers(rules, as_of, cutoff).subquery("who")
    entry = orm.recipients.alias("approver_entry")
    return (
        select(
            *_row(
                as_of,
                kind=r.APPROVAL_ESCALATED,
                subject=c.name,
                threshold=c.approval_key,
                recipient=entry.c.supervisor,
                severity="CRITICAL",
                title=_concat("合同审批超时：", c.number, " ", c.title),
                body=f"等待审批已超过 {rules.approval_escalation_working_days} 个工作日",
            )
        )
        .select_from(
            who.join(orm.contracts, c.name == who.c.contract).join(
                entry, entry.c.user == who.c.approver
            )
        )
        .where(c.approval_key.is_not(None), entry.c.supervisor != "")
    )


def milestone_due(rules: AlertRules, as_of: datetime) -> Select[Any]:
    today = rules.today(as_of).toordinal()
    days_left = m.due_day - today
    threshold = _window_case(days_left, rules.milestone_due_days)
    kind = case((m.kind == "DELIVERY", _text(r.DELIVERY_DUE)), else_=_text(r.ACCEPTANCE_DUE))
    return (
        select(
            *_row(
                as_of,
                kind=kind,
                subject=m.name,
                threshold=threshold,
                recipient=c.owner,
                severity=_severity_by_days(threshold),
                title=_concat(
                    case(
                        (m.kind == "DELIVERY", _text("交付节点临近：")),
                        else_=_text("验收节点临近："),
                    ),
                    c.number,
                    " ",
                    m.title,
                ),
                body=_concat("距节点日期还有 ", days_left, " 天"),
                due_date=m.due_date,
            )
        )
        .select_from(orm.milestones.join(orm.contracts, c.name == m.contract))
        .where(
            m.kind.in_(("DELIVERY", "ACCEPTANCE")),
            m.settled.is_(False),
            m.due_day >= today,
            m.due_day <= today + max(rules.milestone_due_days),
            c.owner != "",
        )
    )


def callbacks(rules: AlertRules, as_of: datetime) -> Any:
    """Late or expired callbacks: to the agent (the person, when the directory knows the
    seat) and to the agent's supervisor, or to every supervisor when none is known."""
    cb = orm.callbacks.c
    entry = orm.recipients.alias("agent_entry")
    kind = case((cb.state == "LATE", _text(r.CALLBACK_LATE)), else_=_text(r.CALLBACK_EXPIRED))
    title = case((cb.state == "LATE", _text("回拨任务已超时")), else_=_text("回拨任务已过期未完成"))
    flagged = cb.state.in_(("LATE", "EXPIRED"))
    known = exists().where(entry.c.agent == cb.agent, entry.c.agent != "")
    with_supervisor = exists().where(
        entry.c.agent == cb.agent, entry.c.agent != "", entry.c.supervisor != ""
    )

    def part(recipient: ColumnElement[Any], severity: str) -> list[ColumnElement[Any]]:
        return _row(
            as_of,
            kind=kind,
            subject=cb.name,
            threshold=0,
            recipient=recipient,
            severity=severity,
            title=title,
            body=cb.reason,
            phone_number=cb.phone_number,
        )

    agent_person = (
        select(*part(entry.c.user, "WARNING"))
        .select_from(orm.callbacks.join(entry, entry.c.agent == cb.agent))
        .where(flagged, cb.agent != "")
    )
    agent_seat = select(*part(cb.agent, "WARNING")).where(flagged, cb.agent != "", not_(known))
    supervisor = (
        select(*part(entry.c.supervisor, "CRITICAL"))
        .select_from(orm.callbacks.join(entry, entry.c.agent == cb.agent))
        .where(flagged, cb.agent != "", entry.c.supervisor != "")
    )
    all_supervisors = (
        select(*part(g.user, "CRITICAL"))
        .select_from(orm.callbacks.join(orm.recipient_groups, g.group_name == r.SUPERVISORS))
        .where(flagged, not_(with_supervisor))
    )
    return union_all(agent_person, agent_seat, supervisor, all_supervisors)


def tickets_late(rules: AlertRules, as_of: datetime) -> Any:
    t = orm.tickets.c
    late = and_(t.awaiting_response.is_(True), t.response_deadline <= as_of)

    def part(recipient: ColumnElement[Any]) -> list[ColumnElement[Any]]:
        return _row(
            as_of,
            kind=r.TICKET_RESPONSE_LATE,
            subject=t.name,
            threshold=0,
            recipient=recipient,
            severity="WARNING",
            title=_text("工单已超过响应时限"),
        )

    assignee = select(*part(t.assignee)).where(late, t.assignee != "")
    supervisors = (
        select(*part(g.user))
        .select_from(orm.tickets.join(orm.recipient_groups, g.group_name == r.SUPERVISORS))
        .where(late)
    )
    return union_all(assignee, supervisors)


def surveys(rules: AlertRules, as_of: datetime) -> Any:
    """An unsatisfied survey goes to the supervisors at once; unanswered past its deadline
    (48 h by the customer service's rule), to them again as CRITICAL."""
    s = orm.surveys.c
    source = orm.surveys.join(orm.recipient_groups, g.group_name == r.SUPERVISORS)

    def part(kind: str, severity: str, title: str, *where: ColumnElement[bool]) -> Any:
        row = _row(
            as_of,
            kind=kind,
            subject=s.name,
            threshold=0,
            recipient=g.user,
            severity=severity,
            title=_text(title),
        )
        return select(*row).select_from(source).where(s.answered.is_(False), *where)

    return union_all(
        part(r.SURVEY_UNSATISFIED, "WARNING", "客户满意度回访不满意，请在时限内答复"),
        part(
            r.SURVEY_RESPONSE_LATE,
            "CRITICAL",
            "不满意回访已超过答复时限",
            s.response_deadline <= as_of,
        ),
    )


def follow_ups(rules: AlertRules, as_of: datetime) -> Select[Any]:
    f = orm.follow_ups.c
    today = rules.today(as_of).toordinal()
    return select(
        *_row(
            as_of,
            kind=r.FOLLOW_UP_DUE,
            subject=f.name,
            threshold=0,
            recipient=f.owner,
            severity="INFO",
            title=_text("客户维护计划：跟进到期"),
            body=f.kind,
            due_date=f.due_date,
        )
    ).where(f.due_day <= today, f.owner != "")


RULES: dict[str, Callable[[AlertRules, datetime], Any]] = {
    "contract_expiry": contract_expiry,
    "payment_due": payment_due,
    "payment_overdue": payment_overdue,
    "approval_waiting": approval_waiting,
    "approval_escalated": approval_escalated,
    "milestone_due": milestone_due,
    "callbacks": callbacks,
    "tickets_late": tickets_late,
    "surveys": surveys,
    "follow_ups": follow_ups,
}


# --- running them -----------------------------------------------------------------------------


def _insert(conn: Connection, source: Any) -> Any:
    dialect = conn.dialect.name
    maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
    raised = source.subquery("raised")
    query = select(*(raised.c[name] for name in COLUMNS))
    if dialect != "postgresql":
        # Skips the keys raised before without building their texts (the unique key still
        # settles races between concurrent scans); SQLite also needs a WHERE before ON
        # CONFLICT to parse the statement. Not on PostgreSQL: its ON CONFLICT checks the
        # unique index before it writes anything, and this anti-join, planned while the
        # alerts table is (or looks) empty, became a sequential scan of it per candidate
        # row: quadratic (measured: 500 s for one rule raising 91,513 alerts).
        known = orm.alerts.alias("known")
        query = query.where(
            ~exists().where(
                known.c.kind == raised.c.kind,
                known.c.subject == raised.c.subject,
                known.c.threshold == raised.c.threshold,
                known.c.recipient == raised.c.recipient,
            )
        )
    return (
        maker(orm.alerts)
        .from_select(list(COLUMNS), query)
        .on_conflict_do_nothing(index_elements=["kind", "subject", "threshold", "recipient"])
    )


# --- announcing what a scan raised: set-based, in the scan's transaction -------------------------

_PAYLOAD_FIELDS = ("alert", "recipient", "kind", "severity", "title", "body", "subject")


def _json_text(conn: Connection, value: ColumnElement[Any]) -> ColumnElement[str]:
    """`value` as a JSON string literal, escaped as Python's json.dumps(ensure_ascii=False)
    escapes it (quote, backslash, control characters; other characters as they are)."""
    if conn.dialect.name == "postgresql":
        return cast(func.to_json(value), SqlString)
    return func.json_quote(value)


def _payload(conn: Connection, alert: Any) -> ColumnElement[str]:
    """AlertRaised(...).payload() as json.dumps(..., ensure_ascii=False) writes it, built in
    SQL: the same keys in the same order, so the bytes match what Python would write."""
    values = {
        "alert": _concat("alerts/", alert.c.id),
        **{name: alert.c[name] for name in _PAYLOAD_FIELDS[1:]},
    }
    expr: ColumnElement[str] = _text("{")
    for i, name in enumerate(_PAYLOAD_FIELDS):
        expr = expr + _text(f'{", " if i else ""}"{name}": ') + _json_text(conn, values[name])
    return expr + _text("}")


def _event_id(conn: Connection) -> ColumnElement[str]:
    """A random (version 4) UUID per row, as uuid.uuid4() would give."""
    if conn.dialect.name == "postgresql":
        return cast(func.gen_random_uuid(), SqlString)

    def hex_(n: int) -> ColumnElement[str]:
        return func.lower(func.hex(func.randomblob(n)))

    variant = func.substr(_text("89ab"), 1 + func.random().op("&")(3), 1)
    return (
        hex_(4)
        + _text("-")
        + hex_(2)
        + _text("-4")
        + func.substr(hex_(2), 2)
        + _text("-")
        + variant
        + func.substr(hex_(2), 2)
        + _text("-")
        + hex_(6)
    )


def _events(conn: Connection, alert: Any, now: datetime) -> Any:
    """INSERT INTO outbox SELECT ...: an AlertRaised event per alert in `alert`, in id order."""
    stamp = literal(now, orm.outbox.c.created_at.type)
    return insert(orm.outbox).from_select(
        ["event_id", "topic", "payload", "created_at", "attempts", "next_attempt_at"],
        select(
            _event_id(conn),
            _text(AlertRaised.topic()),
            _payload(conn, alert),
            stamp,
            literal(0),
            stamp,
        ).order_by(alert.c.id),
    )


def _deliveries(alert: Any, now: datetime) -> Any:
    """INSERT INTO deliveries SELECT ...: a pending delivery per alert and channel its
    recipient has an address for (robot webhook first, then e-mail)."""
    rc = orm.recipients.c
    channels = union_all(
        select(_text("webhook").label("channel"), literal(1).label("rank")),
        select(_text("email").label("channel"), literal(2).label("rank")),
    ).subquery("channels")
    address = case(
        (channels.c.channel == "webhook", rc.im_webhook_url),
        else_=rc.email,
    )
    return insert(orm.deliveries).from_select(
        ["alert_id", "channel", "state", "attempts", "next_attempt_at"],
        select(
            alert.c.id,
            channels.c.channel,
            _text("PENDING"),
            literal(0),
            literal(now, orm.deliveries.c.next_attempt_at.type),
        )
        .select_from(
            alert.join(orm.recipients, rc.user == alert.c.recipient).join(channels, address != "")
        )
        .order_by(alert.c.id, channels.c.rank),
    )


def _raise(conn: Connection, source: Any, now: datetime) -> int:
    """Inserts the alerts `source` yields that are not raised yet, with their AlertRaised
    events and their deliveries, and returns how many it inserted. Set-based: the events'
    JSON is built in SQL, nothing goes through Python per alert."""
    fresh = _insert(conn, source)
    if conn.dialect.name == "postgresql":
        # One statement: the rows the INSERT returns feed the two other INSERTs.
        inserted = fresh.returning(*(orm.alerts.c[n] for n in ("id", *_PAYLOAD_FIELDS[1:])))
        alert = inserted.cte("inserted")
        events = _events(conn, alert, now).cte("events")
        deliveries = _deliveries(alert, now).cte("deliveries")
        count = select(func.count()).select_from(alert).add_cte(events, deliveries)
        return int(conn.execute(count).scalar_one())
    # SQLite has no INSERT in a WITH. This transaction holds the only write lock (`_begin`):
    # no one else inserts alerts until it commits, and new ids exceed every id before, so
    # the alerts between the first and the last id returned are exactly the ones just
    # inserted.
    ids = conn.execute(fresh.returning(orm.alerts.c.id)).scalars().all()
    if not ids:
        return 0
    a = orm.alerts
    alert = select(a).where(a.c.id.between(min(ids), max(ids))).subquery("inserted")
    conn.execute(_events(conn, alert, now))
    conn.execute(_deliveries(alert, now))
    return len(ids)


def _begin(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        # JIT-compiling these big statements cost 3-8 s per scan and saved nothing.
        conn.exec_driver_sql("SET LOCAL jit = off")
        return
    # pysqlite opens its transaction only before a statement that starts with INSERT, and a
    # rule with a WITH starts with WITH: its alerts committed on their own, without their
    # events when the worker died in between. IMMEDIATE takes the write lock at once, which
    # `_raise` relies on.
    if not conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def run_scans(
    engine: Engine,
    rules: AlertRules,
    as_of: datetime,
    now: datetime | None = None,
) -> dict[str, int]:
    """Runs every rule at `as_of` (the clock the rules read) and returns how many alerts each
    raised. Each rule commits on its own: a long scan holds no lock across rules. `now` (the
    wall clock, default `as_of`) stamps events and first delivery attempts."""
    stamp = now or as_of
    counts: dict[str, int] = {}
    for name, rule in RULES.items():
        with engine.begin() as conn:
            _begin(conn)
            counts[name] = _raise(conn, rule(rules, as_of), stamp)
    return counts


def record_scan(engine: Engine, as_of: datetime, finished_at: datetime, raised: int) -> None:
    """Notes that the scan at `as_of` completed (a rerun adds what it raised)."""
    sr = orm.scan_runs.c
    with engine.begin() as conn:
        maker = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        stmt = maker(orm.scan_runs).values(as_of=as_of, finished_at=finished_at, raised=raised)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["as_of"],
                set_={"finished_at": stmt.excluded.finished_at, "raised": sr.raised + raised},
            )
        )
