"""The scans: one set-based `INSERT ... SELECT ... ON CONFLICT DO NOTHING` per rule over the
projection's indexed columns. The unique key (kind, subject, threshold, recipient) makes each
alert exactly-once however often and however concurrently the scans run; the alerts that a
statement did insert come back through RETURNING and get their AlertRaised event and their
deliveries in the same transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
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


def _open_payments() -> Any:
    return orm.milestones.join(orm.contracts, c.name == m.contract), and_(
        m.kind == "PAYMENT", m.settled.is_(False), c.state.in_(("ACTIVE", "EXPIRING", "SIGNING"))
    )


def payment_due(rules: AlertRules, as_of: datetime) -> Any:
    today = rules.today(as_of).toordinal()
    days_left = m.due_day - today
    threshold = _window_case(days_left, rules.payment_due_days)
    source, open_ = _open_payments()
    window = and_(open_, m.due_day >= today, m.due_day <= today + max(rules.payment_due_days))

    def part(recipient: ColumnElement[Any]) -> list[ColumnElement[Any]]:
        return _row(
            as_of,
            kind=r.PAYMENT_DUE,
            subject=m.name,
            threshold=threshold,
            recipient=recipient,
            severity=_severity_by_days(threshold),
            title=_concat("回款节点临近：", c.number, " ", m.title),
            body=_concat("距应收日还有 ", days_left, " 天"),
            amount=m.amount,
            due_date=m.due_date,
        )

    owner = select(*part(c.owner)).select_from(source).where(window, c.owner != "")
    finance = (
        select(*part(g.user))
        .select_from(source.join(orm.recipient_groups, g.group_name == r.FINANCE))
        .where(window)
    )
    return union_all(owner, finance)


def payment_overdue(rules: AlertRules, as_of: datetime) -> Any:
    """Weekly per overdue payment to the owner and finance, keyed by the overdue week; past
    the escalation age, weekly to the owner's supervisor as well."""
    today = rules.today(as_of).toordinal()
    days_overdue = today - m.due_day
    week = (days_overdue - 1) // 7
    source, open_ = _open_payments()
    overdue = and_(open_, m.due_day < today)

    def part(kind: str, recipient: ColumnElement[Any], severity: str) -> list[ColumnElement[Any]]:
        return _row(
            as_of,
            kind=kind,
            subject=m.name,
            threshold=week,
            recipient=recipient,
            severity=severity,
            title=_concat("回款逾期：", c.number, " ", m.title),
            body=_concat("已逾期 ", days_overdue, " 天"),
            amount=m.amount,
            due_date=m.due_date,
        )

    owner = (
        select(*part(r.PAYMENT_OVERDUE, c.owner, "WARNING"))
        .select_from(source)
        .where(overdue, c.owner != "")
    )
    finance = (
        select(*part(r.PAYMENT_OVERDUE, g.user, "WARNING"))
        .select_from(source.join(orm.recipient_groups, g.group_name == r.FINANCE))
        .where(overdue)
    )
    boss = orm.recipients.alias("owner_entry")
    supervisor = (
        select(*part(r.PAYMENT_OVERDUE_ESCALATED, boss.c.supervisor, "CRITICAL"))
        .select_from(source.join(boss, boss.c.user == c.owner))
        .where(
            open_,
            m.due_day < today - rules.overdue_escalation_days,
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
    raised = (
        select(
            *_row(
                as_of,
                kind=r.SURVEY_UNSATISFIED,
                subject=s.name,
                threshold=0,
                recipient=g.user,
                severity="WARNING",
                title=_text("客户满意度回访不满意，请在时限内答复"),
            )
        )
        .select_from(source)
        .where(s.answered.is_(False))
    )
    late = (
        select(
            *_row(
                as_of,
                kind=r.SURVEY_RESPONSE_LATE,
                subject=s.name,
                threshold=0,
                recipient=g.user,
                severity="CRITICAL",
                title=_text("不满意回访已超过答复时限"),
            )
        )
        .select_from(source)
        .where(s.answered.is_(False), s.response_deadline <= as_of)
    )
    return union_all(raised, late)


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
    # Wrapped, so one WHERE skips the keys raised before without building their texts (the
    # unique key still settles races between concurrent scans); SQLite also needs a WHERE
    # before ON CONFLICT to parse the statement.
    raised = source.subquery("raised")
    known = orm.alerts.alias("known")
    query = select(*(raised.c[name] for name in COLUMNS)).where(
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
        .returning(
            orm.alerts.c.id,
            orm.alerts.c.kind,
            orm.alerts.c.subject,
            orm.alerts.c.recipient,
            orm.alerts.c.severity,
            orm.alerts.c.title,
            orm.alerts.c.body,
        )
    )


def _announce(conn: Connection, raised: Sequence[Any], as_of: datetime, now: datetime) -> None:
    """The AlertRaised events and the deliveries of the alerts just inserted, in the same
    transaction as they are."""
    if not raised:
        return
    conn.execute(
        insert(orm.outbox),
        [
            {
                "event_id": str(uuid.uuid4()),
                "topic": AlertRaised.topic(),
                "payload": json.dumps(
                    AlertRaised(
                        alert=f"alerts/{row.id}",
                        recipient=row.recipient,
                        kind=row.kind,
                        severity=row.severity,
                        title=row.title,
                        body=row.body,
                        subject=row.subject,
                    ).payload(),
                    ensure_ascii=False,
                ),
                "created_at": now,
                "attempts": 0,
                "next_attempt_at": now,
            }
            for row in raised
        ],
    )
    who = {row.recipient for row in raised}
    rc = orm.recipients.c
    addresses = {
        entry.user: entry
        for entry in conn.execute(
            select(rc.user, rc.email, rc.im_webhook_url).where(rc.user.in_(who))
        )
    }
    rows = []
    for row in raised:
        entry = addresses.get(row.recipient)
        if entry is None:
            continue
        for channel, address in (("webhook", entry.im_webhook_url), ("email", entry.email)):
            if address:
                rows.append(
                    {
                        "alert_id": row.id,
                        "channel": channel,
                        "state": "PENDING",
                        "attempts": 0,
                        "next_attempt_at": now,
                    }
                )
    if rows:
        conn.execute(insert(orm.deliveries), rows)


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
            raised = conn.execute(_insert(conn, rule(rules, as_of))).all()
            _announce(conn, raised, as_of, stamp)
        counts[name] = len(raised)
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
