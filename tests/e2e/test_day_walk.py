"""Issue #7: one working day through the whole stack, as `python -m services.run` starts it.

The run command runs in its own process group on free ports and a temporary data dir. People's
steps go through the `callops` CLI (a subprocess, `--json`, exit codes checked); what the CLI
has no command for goes through the generated gRPC stubs. The steps share one `Day` and run in
file order; a step whose predecessor broke fails saying which step that was."""

from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import grpc
import pypdf
import pytest

from callops.alerts.v1 import alerts_pb2, alerts_pb2_grpc
from callops.callcenter.v1 import callcenter_pb2, callcenter_pb2_grpc
from callops.contract.v1 import contract_pb2, contract_pb2_grpc
from tests.run_command import ProcessOutput, live_processes_in_groups
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("customer", "contract", "callcenter", "search", "alerts")
READY_TIMEOUT = 240.0  # the whole stack (16 processes) on a loaded 2-core machine
WAIT = 120.0  # for anything a worker or beat does in the background
SHANGHAI = ZoneInfo("Asia/Shanghai")

WEST_LAKE = "杭州西湖软件有限公司"
PHONE = "13800138000"
MASKED_PHONE = "138****8000"
# A clause of the template: rendered into the PDF, then searched for by legal.
PENALTY = "逾期交货的，每日按合同总额万分之五支付违约金。"
PHRASE = "万分之五支付违约金"

SALES = ("zhang.san", "sales", "华东销售部")
SUPERVISOR = ("zhu.guan", "supervisor", "华东销售部")
LEGAL = ("fa.wu", "legal", "法务部")
AGENT = ("wang.wu", "agent", "客服中心")
FINANCE = ("qian.cai", "finance", "财务部")
ADMIN = ("root", "admin", "")

T = TypeVar("T")


class Stack:
    """`python -m services.run` in its own process group, its output read line by line."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.ports = {name: free_port() for name in SERVICES}
        base = {k: v for k, v in os.environ.items() if not k.startswith("CALLOPS_")}
        self.env = {
            **base,
            "PYTHONUNBUFFERED": "1",
            "CALLOPS_DATA_DIR": str(data),
            "CALLOPS_REDIS_PORT": str(free_port()),
            "CALLOPS_READY_TIMEOUT": str(READY_TIMEOUT - 30),
            # The alert scan runs every few seconds instead of every five minutes.
            "CALLOPS_SCAN_INTERVAL_SECONDS": "3",
            **{f"CALLOPS_{n.upper()}_PORT": str(p) for n, p in self.ports.items()},
        }
        # What the CLI needs: the addresses and the data dir whose secret `token` signs with.
        self.cli_env = {
            **base,
            "CALLOPS_DATA_DIR": str(data),
            **{f"CALLOPS_{n.upper()}_ADDRESS": self.address(n) for n in SERVICES},
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "services.run"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.output = ProcessOutput(self.process)
        self.lines = self.output.lines
        self.wait_for = self.output.wait_for
        self.channels: dict[str, grpc.Channel] = {}

    def component_groups(self) -> set[int]:
        """The process groups of the components, from the pid lines it printed."""
        groups = set()
        for line in self.lines:
            parts = line.split()
            if len(parts) >= 3 and parts[1] == "pid" and parts[2].isdigit():
                groups.add(int(parts[2]))
        return groups

    def address(self, name: str) -> str:
        return f"127.0.0.1:{self.ports[name]}"

    def channel(self, name: str) -> grpc.Channel:
        if name not in self.channels:
            self.channels[name] = grpc.insecure_channel(self.address(name))
        return self.channels[name]

    def stop(self) -> int:
        """Ctrl-C, as a person at the terminal; the exit code."""
        for channel in self.channels.values():
            channel.close()
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=90)
        self.output.drain()
        return code

    def kill(self) -> None:
        """After a failed stop: nothing may outlive the test."""
        for group in {self.process.pid, *self.component_groups()}:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    # --- the CLI ------------------------------------------------------------------------------

    def run_cli(
        self, *args: str, token: str = "", timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "services.cli", *(["--token", token] if token else []), *args]
        return subprocess.run(
            argv, cwd=ROOT, env=self.cli_env, capture_output=True, text=True, timeout=timeout
        )

    def cli(self, *args: str, token: str, code: int = 0) -> Any:
        """`callops --json ...`: the exit code must be `code`; the JSON answer when 0."""
        done = self.run_cli("--json", *args, token=token)
        assert done.returncode == code, (
            f"callops {' '.join(args)}: exit {done.returncode}, not {code}: {done.stderr}"
        )
        return json.loads(done.stdout) if code == 0 else done.stderr

    def token(self, user: str, role: str, department: str) -> str:
        args = ["token", "--user", user, "--role", role]
        done = self.run_cli(*args, *(["--department", department] if department else []))
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()


@dataclass
class Day:
    """What the steps made, for the steps after them."""

    stack: Stack
    tmp: Path
    tokens: dict[str, str] = field(default_factory=dict)
    made: dict[str, Any] = field(default_factory=dict)
    events: queue.Queue[callcenter_pb2.AgentEvent] = field(default_factory=queue.Queue)
    stream: Any = None

    def token(self, who: tuple[str, str, str]) -> str:
        if who[0] not in self.tokens:
            self.tokens[who[0]] = self.stack.token(*who)
        return self.tokens[who[0]]

    def auth(self, who: tuple[str, str, str]) -> tuple[tuple[str, str]]:
        return (("authorization", f"Bearer {self.token(who)}"),)

    def cli(self, who: tuple[str, str, str], *args: str, code: int = 0) -> Any:
        return self.stack.cli(*args, token=self.token(who), code=code)

    def need(self, key: str, step: str) -> Any:
        """What an earlier step made; a clear failure when that step broke."""
        if key not in self.made:
            pytest.fail(f"needs step {step!r}, which did not complete", pytrace=False)
        return self.made[key]

    def next_event(
        self, wanted: Callable[[callcenter_pb2.AgentEvent], bool], what: str
    ) -> callcenter_pb2.AgentEvent:
        """The first event on the agent's stream that is `wanted`, skipping the others."""
        deadline = time.monotonic() + WAIT
        seen = []
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if wanted(event):
                return event
            seen.append(event.WhichOneof("kind"))
        pytest.fail(f"no {what} on the agent's stream within {WAIT} s; saw {seen}")


def wait_until(check: Callable[[], T | None], what: str, timeout: float = WAIT) -> T:
    """Polls `check` until it gives something; fails naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout} s")
        time.sleep(1)


def shanghai_today() -> date:
    return datetime.now(SHANGHAI).date()


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    tmp = tmp_path_factory.mktemp("day-walk")
    stack = Stack(tmp / "var")
    stopped = False
    try:
        stack.wait_for("Try: callops --help", timeout=READY_TIMEOUT)
        ready = {line.split()[1] for line in stack.lines if line.startswith("  ready  ")}
        assert len(ready) == 1 + 3 * len(SERVICES), ready
        walk = Day(stack, tmp)
        yield walk
        if walk.stream is not None:
            walk.stream.cancel()
        groups = stack.component_groups()
        code = stack.stop()
        assert code == 0, "\n".join(stack.lines[-20:])
        assert stack.lines[-1] == "callops: stopped"
        deadline = time.monotonic() + 30
        while live_processes_in_groups(groups | {stack.process.pid}):
            assert time.monotonic() < deadline, live_processes_in_groups(groups)
            time.sleep(0.5)
        stopped = True
    finally:
        if not stopped:
            stack.kill()


def _follow(day: Day, agent: str) -> None:
    """Opens the agent's event stream; a thread puts each event on `day.events`."""
    stub = callcenter_pb2_grpc.CallCenterServiceStub(day.stack.channel("callcenter"))
    day.stream = stub.StreamAgentEvents(
        callcenter_pb2.StreamAgentEventsRequest(agent=agent), metadata=day.auth(AGENT)
    )

    def pump() -> None:
        with contextlib.suppress(grpc.RpcError):  # cancelled at the end of the day
            for event in day.stream:
                day.events.put(event)

    threading.Thread(target=pump, daemon=True).start()


def _is_agent(state: int) -> Callable[[callcenter_pb2.AgentEvent], bool]:
    return lambda e: e.WhichOneof("kind") == "agent" and e.agent.state == state


def _call_event(day: Day, call_id: str, kind: str, *more: str) -> Any:
    agent = day.need("agent", "an agent logs in")
    return day.cli(AGENT, "calls", "event", "--agent", agent, "--call-id", call_id,
                   "--type", kind, *more)  # fmt: skip


def _wrap_up(day: Day, call: str, code: str) -> callcenter_pb2.Call:
    stub = callcenter_pb2_grpc.CallCenterServiceStub(day.stack.channel("callcenter"))
    done: callcenter_pb2.Call = stub.WrapUpCall(
        callcenter_pb2.WrapUpCallRequest(name=call, wrap_up_code=code, wrap_up_notes="已处理"),
        metadata=day.auth(AGENT),
        timeout=30,
    )
    return done


# --- the day ----------------------------------------------------------------------------------


def test_1_an_agent_is_created_logs_in_and_follows_the_event_stream(day: Day) -> None:
    agent = day.cli(
        SUPERVISOR, "agents", "create", "--user", "wang.wu", "--display-name", "王五",
        "--extension", "8001", "--team", "售后一组", "--skill", "billing",
    )  # fmt: skip
    assert agent["status"] == "STATUS_LOGGED_OUT"
    name = agent["name"]
    assert day.cli(AGENT, "agents", "login", name)["status"] == "STATUS_AVAILABLE"

    _follow(day, name)
    first = day.next_event(lambda e: e.WhichOneof("kind") == "agent", "agent as it is")
    assert first.agent.name == name
    assert first.agent.status == callcenter_pb2.Agent.STATUS_AVAILABLE
    assert first.agent.state == callcenter_pb2.Agent.STATE_IDLE
    wallboard = day.cli(SUPERVISOR, "agents", "list", "--team", "售后一组")
    assert [a["name"] for a in wallboard["agents"]] == [name]
    day.made["agent"] = name


def test_2_a_call_arrives_and_screen_pops_the_customer(day: Day) -> None:
    customer = day.cli(
        SALES, "customers", "create", "--full-name", WEST_LAKE, "--owner", "zhang.san",
        "--department", "华东销售部", "--credit-code", "91350100M000100Y43",
        "--contact", "王芳", "--contact-title", "采购经理", "--phone", "138 0013 8000",
    )  # fmt: skip
    day.made["customer"] = customer["name"]

    ringing = _call_event(day, "day-0001", "incoming", "--peer", "+86 138-0013-8000")
    [match] = ringing["screen_pop"]["matches"]
    assert match["customer"] == customer["name"]
    assert match["customer_display_name"] == WEST_LAKE
    assert match["contact_display_name"] == "王*"  # an agent has no `pii` right
    assert ringing["call"]["peer_number"] == MASKED_PHONE
    _call_event(day, "day-0001", "answered")
    ended = _call_event(day, "day-0001", "ended", "--end-cause", "caller_hangup")
    call = ended["call"]
    assert call["result"] == "RESULT_ANSWERED" and call["customer"] == customer["name"]
    day.next_event(_is_agent(callcenter_pb2.Agent.STATE_WRAP_UP), "wrap-up after the call")

    # After-call work has no CLI command: the softphone client calls WrapUpCall.
    done = _wrap_up(day, call["name"], "consulted")
    assert done.wrap_up_code == "consulted"
    day.next_event(_is_agent(callcenter_pb2.Agent.STATE_IDLE), "idle after wrap-up")
    day.made["answered_call"] = call["name"]


def test_3_a_missed_call_becomes_a_callback_offered_accepted_and_done(day: Day) -> None:
    day.need("answered_call", "a call arrives")  # and the agent is free again
    customer = day.need("customer", "a call arrives")
    agent = day.need("agent", "an agent logs in")
    _call_event(day, "day-0002", "incoming", "--peer", PHONE)
    missed = _call_event(day, "day-0002", "ended", "--end-cause", "caller_hangup")
    assert missed["call"]["result"] == "RESULT_MISSED"

    offer = day.next_event(lambda e: e.WhichOneof("kind") == "callback_reserved", "callback offer")
    task = offer.callback_reserved
    assert task.agent == agent and task.customer == customer
    assert task.phone_number == MASKED_PHONE and task.missed_count == 1
    assert task.state == callcenter_pb2.CallbackTask.STATE_RESERVED
    accepted = day.cli(AGENT, "agents", "accept", task.name, "--agent", agent)
    assert accepted["state"] == "STATE_ASSIGNED"

    # The agent calls back; the call connecting completes the task.
    _call_event(day, "day-0003", "outbound_dial", "--direction", "outbound", "--peer", PHONE)
    _call_event(day, "day-0003", "answered", "--direction", "outbound")
    back = _call_event(day, "day-0003", "ended", "--direction", "outbound",
                       "--end-cause", "caller_hangup")  # fmt: skip
    assert back["call"]["result"] == "RESULT_ANSWERED"
    completed = day.cli(AGENT, "agents", "callbacks", agent, "--state", "completed")
    assert [c["name"] for c in completed["callbacks"]] == [task.name]
    assert completed["callbacks"][0]["calls"] == [missed["call"]["name"]]
    _wrap_up(day, back["call"]["name"], "callback_done")
    day.next_event(_is_agent(callcenter_pb2.Agent.STATE_IDLE), "idle after the callback")
    still_open = day.cli(AGENT, "agents", "callbacks", agent, "--state", "assigned")
    assert still_open.get("callbacks", []) == []


def test_4_a_contract_is_drafted_approved_and_signed(day: Day) -> None:
    customer = day.need("customer", "a call arrives")
    # Finance is in the alert directory, so payment alerts reach it as well as the owner.
    alerts = alerts_pb2_grpc.AlertServiceStub(day.stack.channel("alerts"))
    alerts.PutRecipient(
        alerts_pb2.PutRecipientRequest(
            recipient=alerts_pb2.Recipient(
                name="recipients/qian.cai", display_name="钱财", groups=["finance"]
            )
        ),
        metadata=day.auth(ADMIN),
        timeout=30,
    )

    template_file = day.tmp / "template.json"
    template_file.write_text(
        json.dumps(
            {
                "display_name": "产品销售合同（示范文本）",
                "kind": "KIND_PRODUCT_SALE",
                "clauses": [
                    "乙方应于{{delivery_date}}前将货物送至{{delivery_place}}。",
                    f"违约责任：{PENALTY}",
                    "争议提交上海仲裁委员会仲裁。",
                ],
                "blanks": [
                    {
                        "key": "delivery_date",
                        "display_name": "交货日期",
                        "type": "TYPE_DATE",
                        "required": True,
                    },
                    {
                        "key": "delivery_place",
                        "display_name": "交货地点",
                        "type": "TYPE_TEXT",
                        "required": True,
                    },
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    template = day.cli(LEGAL, "contracts", "template-create", str(template_file))["name"]

    today = shanghai_today()
    due = today + timedelta(days=3)
    day.made["due"] = due
    contract = day.cli(
        SALES, "contracts", "draft", "--customer", customer, "--title", "服务器采购合同",
        "--owner", "zhang.san", "--department", "华东销售部",
        "--start", today.isoformat(), "--end", (today + timedelta(days=364)).isoformat(),
        "--item", "机架式服务器:2:台:150000",
        "--milestone", f"预付款:{due.isoformat()}:300000",
        "--template", template, "--blank", f"delivery_date={due.isoformat()}",
        "--blank", "delivery_place=杭州市西湖区",
    )  # fmt: skip
    name = contract["name"]
    assert contract["state"] == "STATE_DRAFT"

    assert day.cli(SALES, "contracts", "submit", name)["state"] == "STATE_PENDING_APPROVAL"
    # Legal may not decide before the department has.
    early = day.cli(LEGAL, "contracts", "approve", name, "--opinion", "同意", code=5)
    assert "NOT_CURRENT_APPROVER" in early
    day.cli(SUPERVISOR, "contracts", "approve", name, "--opinion", "同意")
    approved = day.cli(LEGAL, "contracts", "approve", name, "--opinion", "条款合规")
    assert approved["state"] == "STATE_APPROVED"

    day.cli(SALES, "contracts", "sign", name, "--party", "ours", "--signatory", "赵总")
    signed = day.cli(SALES, "contracts", "sign", name, "--party", "customer", "--signatory", "王芳")
    assert signed["state"] == "STATE_ACTIVE"

    history = day.cli(SALES, "contracts", "history", name)
    recorded = json.dumps(history, ensure_ascii=False)
    for who in ("users/zhu.guan", "users/fa.wu", "同意", "条款合规"):
        assert who in recorded, f"{who} not in the history: {recorded}"
    day.made["contract"] = name


def test_5_its_rendered_pdf_is_uploaded_and_legal_finds_it_by_a_chinese_phrase(
    day: Day,
) -> None:
    contract = day.need("contract", "a contract is drafted, approved and signed")
    stub = contract_pb2_grpc.ContractServiceStub(day.stack.channel("contract"))
    pieces = list(
        stub.RenderContract(
            contract_pb2.RenderContractRequest(
                name=contract, format=contract_pb2.RenderedFile.FORMAT_PDF
            ),
            metadata=day.auth(SALES),
            timeout=60,
        )
    )
    assert pieces[0].content_type == "application/pdf"
    pdf = b"".join(p.chunk for p in pieces)
    text = "".join(
        "".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    assert PHRASE in text and WEST_LAKE in text, text

    path = day.tmp / pieces[0].filename
    path.write_bytes(pdf)
    document = day.cli(SALES, "contracts", "upload", contract, str(path), "--kind", "original")
    assert document["content_type"] == "application/pdf"
    listed = day.cli(SALES, "contracts", "documents", contract)["documents"]
    assert [d["name"] for d in listed] == [document["name"]]

    # Indexed from contract.DocumentStored by the search worker: only the document field.
    def found() -> dict[str, Any] | None:
        hits = day.cli(LEGAL, "search", f'document:"{PHRASE}"')
        results = hits.get("results", [])
        return results[0] if [r["contract"]["name"] for r in results] == [contract] else None

    hit = wait_until(found, f"legal's search for document:{PHRASE}")
    assert hit["contract"]["customer_display_name"] == WEST_LAKE
    snippets = [s for s in hit["snippets"] if s["field"] == "document"]
    assert snippets and "<em>" in snippets[0]["fragment"], hit


def test_6_the_payment_falls_due_and_its_alert_reaches_the_owner_and_finance(
    day: Day,
) -> None:
    contract = day.need("contract", "a contract is drafted, approved and signed")
    due: date = day.need("due", "a contract is drafted, approved and signed")
    alerts = alerts_pb2_grpc.AlertServiceStub(day.stack.channel("alerts"))

    def payment_alert(who: tuple[str, str, str]) -> alerts_pb2.Alert | None:
        answer = alerts.ListAlerts(
            alerts_pb2.ListAlertsRequest(filter="kind = KIND_PAYMENT_DUE"),
            metadata=day.auth(who),
            timeout=30,
        )
        mine = [a for a in answer.alerts if a.subject.startswith(contract + "/")]
        return mine[0] if mine else None

    alert = wait_until(lambda: payment_alert(SALES), "the owner's payment alert", timeout=180)
    assert alert.recipient == "users/zhang.san"
    assert alert.state == alerts_pb2.Alert.STATE_OPEN
    assert alert.threshold == 3 and alert.severity == alerts_pb2.Alert.SEVERITY_WARNING
    assert (alert.due_date.year, alert.due_date.month, alert.due_date.day) == (
        due.year, due.month, due.day,
    )  # fmt: skip
    assert (alert.amount.currency_code, alert.amount.units) == ("CNY", 300000)
    assert "预付款" in alert.title

    # The owner sees it in the CLI too, and acknowledges it.
    listed = day.cli(SALES, "alerts", "list", "--kind", "payment_due", "--state", "open")
    assert alert.name in [a["name"] for a in listed["alerts"]]
    acked = day.cli(SALES, "alerts", "ack", alert.name)
    assert acked["state"] == "STATE_ACKNOWLEDGED"

    theirs = wait_until(lambda: payment_alert(FINANCE), "finance's payment alert", timeout=60)
    assert theirs.recipient == "users/qian.cai" and theirs.subject == alert.subject
