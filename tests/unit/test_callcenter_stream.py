"""What an agent's stream sends and how: offers and alerts by sequence, what a resumed stream
replays, alert payloads, masking of alert text and of the wallboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.callcenter.domain.model import (
    AgentAlert,
    AgentNotice,
    AgentState,
    AgentStatus,
    CallbackTask,
    NoticeKind,
    notices_to_send,
)
from services.callcenter.domain.reports import Wallboard
from services.callcenter.entrypoints import converters as cv
from services.common.auth import Principal

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
AGENT = "a" * 32
NO_PII = Principal("wang.wu", frozenset({"agent"}), rights=frozenset({"calls.read"}))
PII = Principal("boss", frozenset({"supervisor"}), rights=frozenset({"calls.read", "pii"}))


def offer(seq: int, callback: str) -> AgentNotice:
    return AgentNotice(AGENT, seq, NoticeKind.CALLBACK_RESERVED, f"callbacks/{callback}", T0)


def alert(seq: int, **payload: str) -> AgentNotice:
    values = {"alert": f"alerts/{seq}", **payload}
    return AgentNotice(AGENT, seq, NoticeKind.ALERT, values["alert"], T0, values)


def test_only_offers_still_held_are_sent_and_each_only_once() -> None:
    notices = [offer(1, "x"), alert(2), offer(3, "y"), offer(4, "x"), alert(5)]
    kept = notices_to_send(notices, ["callbacks/x"])
    # y lapsed since; x was offered twice (rejected by another agent, offered again): newest.
    assert [n.sequence for n in kept] == [2, 4, 5]
    assert [n.sequence for n in notices_to_send(notices, ["callbacks/x"], alerts=False)] == [4]
    assert notices_to_send(notices, []) == [notices[1], notices[4]]


def test_alert_payload_needs_an_alert_name() -> None:
    parsed = AgentAlert.from_payload(
        {"alert": "alerts/7", "recipient": "users/wang.wu", "kind": "callback_expired", "x": 1}
    )
    assert parsed == AgentAlert("alerts/7", kind="callback_expired")
    assert parsed.payload()["kind"] == "callback_expired"
    assert AgentAlert.from_payload({"recipient": "users/wang.wu"}) is None
    assert AgentAlert.from_payload({"alert": "customers/1"}) is None


def test_alert_text_is_masked_without_pii() -> None:
    notice = alert(
        3,
        kind="callback_expired",
        severity="WARNING",
        title="回拨超时 13800138000",
        body="客户 +86 139-0013-9000 的回拨未完成；工单号 202611230001 不是电话",
        subject="callbacks/x",
    )
    masked = cv.notice_out(notice, None, NO_PII)
    assert masked.sequence == 3 and masked.WhichOneof("kind") == "alert"
    assert masked.alert.title == "回拨超时 138****8000"
    assert masked.alert.body == "客户 139****9000 的回拨未完成；工单号 202611230001 不是电话"
    assert (masked.alert.kind, masked.alert.severity, masked.alert.subject) == (
        "callback_expired",
        "WARNING",
        "callbacks/x",
    )
    shown = cv.notice_out(notice, None, PII)
    assert shown.alert.title == "回拨超时 13800138000"


def _task() -> CallbackTask:
    return CallbackTask(
        id="c" * 32,
        phone_number="+8613800138000",
        first_missed_at=T0,
        last_missed_at=T0,
        due_at=T0,
        expires_at=T0 + timedelta(days=1),
        rank_at=T0,
        created_at=T0,
    )


def test_wallboard_ages_and_masking() -> None:
    board = Wallboard(
        read_at=T0 + timedelta(minutes=5),
        agents=[(AgentStatus.AVAILABLE, AgentState.IDLE, 2)],
        callback_backlog=3,
        oldest_callback=_task(),
        calls_waiting=1,
        longest_wait_since=T0 + timedelta(minutes=4, seconds=30),
    )
    out = cv.wallboard_out(board, NO_PII)
    assert (out.callback_backlog, out.oldest_callback, out.oldest_callback_age_seconds) == (
        3,
        "callbacks/" + "c" * 32,
        300,
    )
    assert out.oldest_callback_phone_number == "138****8000"
    assert (out.calls_waiting, out.longest_wait_seconds) == (1, 30)
    assert cv.wallboard_out(board, PII).oldest_callback_phone_number == "+8613800138000"
    empty = Wallboard(T0, [], 0, None, 0, None)
    out = cv.wallboard_out(empty, NO_PII)
    assert (out.oldest_callback, out.oldest_callback_age_seconds, out.longest_wait_seconds) == (
        "",
        0,
        0,
    )
