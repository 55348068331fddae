"""The alert channels against real servers started here: an HTTP server acting as the Feishu,
DingTalk and WeCom robots (it checks the signatures its own way and answers like the vendors),
and an aiosmtpd SMTP server (plain, AUTH, STARTTLS and implicit TLS)."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hmac
import ipaddress
import json
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.alerts.adapters.channels import EmailChannel, SmtpSecurity, WebhookChannel
from services.alerts.service_layer.channels import DeliveryFailed, Message, Recipient
from tests.servers import free_port

FEISHU_SECRET = "SEC飞书-robot-secret"  # secrets are arbitrary strings; non-ASCII must work too
DINGTALK_SECRET = "SECb1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3"
WECOM_KEY = "693a91f6-7aaa-4bbb-8ccc-d0e1f2a3b4c5"

MESSAGE = Message(
    alert="alerts/a-000777",
    kind="PAYMENT_OVERDUE",
    severity="WARNING",
    title="回款逾期:苏州工业园区精密制造有限公司 第二期",
    body="第二期款 ¥360,000.00 应于 2026-11-15 到账,已逾期 8 天。",
    subject="contracts/HT-2026-000456",
    raised_at=dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC),
)


# ---------------------------------------------------------------------------- the robots


@dataclass
class RobotServer:
    """One HTTP server standing in for the three vendors' robots, by path:
    /feishu/hook/<id>, /dingtalk/robot/send?access_token=..., /wecom/webhook/send?key=..."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    # Answers to give after a request passed the checks, first in first out: (status, body).
    scripted: list[tuple[int, bytes]] = field(default_factory=list)
    delay_s: float = 0.0
    cut_off: bool = False  # send half the answer, then hang up


def _feishu_check(body: dict[str, Any]) -> bytes | None:
    timestamp = body.get("timestamp", "")
    key = f"{timestamp}\n{FEISHU_SECRET}".encode()
    expected = base64.b64encode(hmac.digest(key, b"", "sha256")).decode()
    fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 3600
    if body.get("sign") != expected or not fresh:
        return json.dumps(
            {
                "code": 19021,
                "data": {},
                "msg": "sign match fail or timestamp is not within one hour from current time",
            }
        ).encode()
    return None


def _dingtalk_check(query: dict[str, list[str]]) -> bytes | None:
    timestamp = query.get("timestamp", [""])[0]
    text = f"{timestamp}\n{DINGTALK_SECRET}".encode()
    expected = base64.b64encode(hmac.digest(DINGTALK_SECRET.encode(), text, "sha256")).decode()
    fresh = timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < 3_600_000
    if query.get("access_token") != ["tok123"]:
        return b'{"errcode":300001,"errmsg":"token is not exist"}'
    if query.get("sign", [""])[0] != expected or not fresh:
        return b'{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com]"}'
    return None


def _wecom_check(query: dict[str, list[str]]) -> bytes | None:
    if query.get("key") != [WECOM_KEY]:
        return b'{"errcode":93000,"errmsg":"invalid webhook url, hint: [1700000000_1]"}'
    return None


@pytest.fixture
def robots() -> Iterator[RobotServer]:
    port = free_port()
    state = RobotServer(f"http://127.0.0.1:{port}")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            time.sleep(state.delay_s)
            parts = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(parts.query)
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            body = json.loads(raw.decode("utf-8"))
            vendor = parts.path.split("/")[1]
            state.received.append(
                {
                    "vendor": vendor,
                    "content_type": self.headers["Content-Type"],
                    "query": query,
                    "body": body,
                }
            )
            if vendor == "feishu":
                refusal = _feishu_check(body)
                ok = b'{"StatusCode":0,"StatusMessage":"success","code":0,"msg":"success"}'
            elif vendor == "dingtalk":
                refusal = _dingtalk_check(query)
                ok = b'{"errcode":0,"errmsg":"ok"}'
            else:
                refusal = _wecom_check(query)
                ok = b'{"errcode":0,"errmsg":"ok"}'
            status, answer = (200, refusal) if refusal else (200, ok)
            if refusal is None and state.scripted:
                status, answer = state.scripted.pop(0)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError):  # the client gave up first (timeout test)
                self.wfile.write(answer[: len(answer) // 2] if state.cut_off else answer)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def to(url: str) -> Recipient:
    return Recipient("users/li.lei", "李雷", im_webhook_url=url)


def test_feishu_robot_accepts_the_signed_post(robots: RobotServer) -> None:
    webhook = WebhookChannel(flavour="feishu", secret=FEISHU_SECRET, timeout_s=2)
    webhook.send(MESSAGE, to(f"{robots.url}/feishu/hook/6f1c"))
    [got] = robots.received
    assert got["content_type"] == "application/json; charset=utf-8"
    post = got["body"]["content"]["post"]["zh_cn"]
    assert post["title"] == "【警告】回款逾期:苏州工业园区精密制造有限公司 第二期"
    assert post["content"][0] == [
        {"tag": "text", "text": "第二期款 ¥360,000.00 应于 2026-11-15 到账,已逾期 8 天。"}
    ]


def test_feishu_robot_refuses_a_wrong_signature_for_good(robots: RobotServer) -> None:
    webhook = WebhookChannel(flavour="feishu", secret="SECwrong", timeout_s=2)
    with pytest.raises(DeliveryFailed, match="19021") as failed:
        webhook.send(MESSAGE, to(f"{robots.url}/feishu/hook/6f1c"))
    assert failed.value.retryable is False
    assert len(robots.received) == 1


def test_dingtalk_robot_accepts_the_signed_markdown(robots: RobotServer) -> None:
    webhook = WebhookChannel(flavour="dingtalk", secret=DINGTALK_SECRET, timeout_s=2)
    webhook.send(MESSAGE, to(f"{robots.url}/dingtalk/robot/send?access_token=tok123"))
    [got] = robots.received
    assert got["body"]["msgtype"] == "markdown"
    assert got["body"]["markdown"]["title"].startswith("【警告】回款逾期")
    assert "已逾期 8 天" in got["body"]["markdown"]["text"]


def test_dingtalk_robot_refuses_a_wrong_signature_for_good(robots: RobotServer) -> None:
    webhook = WebhookChannel(flavour="dingtalk", secret="SECwrong", timeout_s=2)
    with pytest.raises(DeliveryFailed, match="310000") as failed:
        webhook.send(MESSAGE, to(f"{robots.url}/dingtalk/robot/send?access_token=tok123"))
    assert failed.value.retryable is False


def test_wecom_robot_accepts_markdown_and_refuses_a_wrong_key(robots: RobotServer) -> None:
    webhook = WebhookChannel(flavour="wecom", timeout_s=2)
    webhook.send(MESSAGE, to(f"{robots.url}/wecom/webhook/send?key={WECOM_KEY}"))
    assert robots.received[0]["body"]["markdown"]["content"].startswith(
        '### <font color="warning">【警告】回款逾期'
    )
    with pytest.raises(DeliveryFailed, match="93000") as failed:
        webhook.send(MESSAGE, to(f"{robots.url}/wecom/webhook/send?key=stale-key"))
    assert failed.value.retryable is False


@pytest.mark.parametrize(
    ("flavour", "path", "status", "answer", "retryable"),
    [
        ("feishu", "/feishu/hook/x", 400, b'{"code":11232,"msg":"frequency limited"}', True),
        ("feishu", "/feishu/hook/x", 400, b'{"code":19024,"msg":"Key Words Not Found"}', False),
        ("feishu", "/feishu/hook/x", 502, b"<html>Bad Gateway</html>", True),
        ("feishu", "/feishu/hook/x", 429, b"", True),
        (
            "dingtalk",
            "/dingtalk/robot/send?access_token=tok123",
            200,
            b'{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}',
            True,
        ),
        (
            "wecom",
            f"/wecom/webhook/send?key={WECOM_KEY}",
            200,
            b'{"errcode":45009,"errmsg":"api freq out of limit"}',
            True,
        ),
        ("wecom", f"/wecom/webhook/send?key={WECOM_KEY}", 404, b"", False),
    ],
)
def test_robot_failures_are_classified(
    robots: RobotServer, flavour: str, path: str, status: int, answer: bytes, retryable: bool
) -> None:
    secret = {"feishu": FEISHU_SECRET, "dingtalk": DINGTALK_SECRET}.get(flavour, "")
    webhook = WebhookChannel(flavour=flavour, secret=secret, timeout_s=2)
    robots.scripted.append((status, answer))
    with pytest.raises(DeliveryFailed) as failed:
        webhook.send(MESSAGE, to(robots.url + path))
    assert failed.value.retryable is retryable
    # The same channel delivers once the robot is well again.
    webhook.send(MESSAGE, to(robots.url + path))
    assert len(robots.received) == 2


def test_a_robot_that_does_not_answer_in_time_is_retryable(robots: RobotServer) -> None:
    robots.delay_s = 1.0
    webhook = WebhookChannel(flavour="wecom", timeout_s=0.2)
    with pytest.raises(DeliveryFailed, match="unreachable: timed out") as failed:
        webhook.send(MESSAGE, to(f"{robots.url}/wecom/webhook/send?key={WECOM_KEY}"))
    assert failed.value.retryable is True


def test_a_robot_answer_cut_off_is_retryable(robots: RobotServer) -> None:
    robots.cut_off = True
    webhook = WebhookChannel(flavour="wecom", timeout_s=2)
    with pytest.raises(DeliveryFailed, match="cut off") as failed:
        webhook.send(MESSAGE, to(f"{robots.url}/wecom/webhook/send?key={WECOM_KEY}"))
    assert failed.value.retryable is True


def test_a_robot_nobody_listens_on_is_retryable() -> None:
    webhook = WebhookChannel(flavour="feishu", timeout_s=2)
    with pytest.raises(DeliveryFailed, match="unreachable") as failed:
        webhook.send(MESSAGE, to(f"http://127.0.0.1:{free_port()}/feishu/hook/x"))
    assert failed.value.retryable is True


# -------------------------------------------------------------------------- the SMTP side


class Mailbox:
    """aiosmtpd handler: keeps what arrives; some addresses answer like busy or absent ones."""

    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.startswith("busy@"):
            return "451 4.2.1 Mailbox busy, try again later"
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.mails.append((str(envelope.mail_from), list(envelope.rcpt_tos), content))
        return "250 Message accepted for delivery"


def _authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    good = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == b"alerts"
        and auth_data.password == b"Mi-ma-2026"
    )
    return AuthResult(success=good, handled=False)


@dataclass
class Certificate:
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert_file))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1, trusted only by the clients told so."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "callops test smtp")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("smtp-tls")
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_file, key_file)


@dataclass
class SmtpServer:
    port: int
    mailbox: Mailbox


def _start_smtp(**kwargs: Any) -> tuple[Controller, SmtpServer]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, SmtpServer(port, mailbox)


@pytest.fixture
def smtp_plain() -> Iterator[SmtpServer]:
    controller, server = _start_smtp()
    yield server
    controller.stop()


@pytest.fixture
def smtp_auth() -> Iterator[SmtpServer]:
    controller, server = _start_smtp(authenticator=_authenticate, auth_require_tls=False)
    yield server
    controller.stop()


@pytest.fixture
def smtp_starttls(certificate: Certificate) -> Iterator[SmtpServer]:
    controller, server = _start_smtp(
        tls_context=certificate.server_context(),
        require_starttls=True,
        authenticator=_authenticate,
    )
    yield server
    controller.stop()


@pytest.fixture
def smtp_implicit_tls(certificate: Certificate) -> Iterator[SmtpServer]:
    controller, server = _start_smtp(
        ssl_context=certificate.server_context(), server_hostname="127.0.0.1"
    )
    yield server
    controller.stop()


def mail_to(address: str) -> Recipient:
    return Recipient("users/han.meimei", "韩梅梅", email=address)


def email_channel(port: int, **kwargs: Any) -> EmailChannel:
    return EmailChannel(
        host="127.0.0.1",
        port=port,
        sender="alerts@callops.example.cn",
        timeout_s=5,
        link_base="https://callops.example.cn",
        **kwargs,
    )


def _parsed(raw: bytes) -> EmailMessage:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_mail_arrives_with_chinese_subject_and_bodies(smtp_plain: SmtpServer) -> None:
    email_channel(smtp_plain.port).send(MESSAGE, mail_to("han.meimei@example.cn"))
    [(sender, recipients, raw)] = smtp_plain.mailbox.mails
    assert sender == "alerts@callops.example.cn"
    assert recipients == ["han.meimei@example.cn"]
    mail = _parsed(raw)
    assert mail["Subject"] == "【警告】回款逾期:苏州工业园区精密制造有限公司 第二期"
    assert mail["To"].addresses[0].display_name == "韩梅梅"
    plain, page = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain is not None and page is not None
    assert "第二期款 ¥360,000.00 应于 2026-11-15 到账,已逾期 8 天。" in plain.get_content()
    assert "时间:2026-11-23 09:00" in plain.get_content()  # Asia/Shanghai
    assert "<h3>【警告】回款逾期" in page.get_content()


@pytest.mark.parametrize(
    ("address", "retryable"), [("busy@example.cn", True), ("nobody@example.cn", False)]
)
def test_refused_recipients_are_classified_by_smtp_code(
    smtp_plain: SmtpServer, address: str, retryable: bool
) -> None:
    with pytest.raises(DeliveryFailed, match="refused the recipient") as failed:
        email_channel(smtp_plain.port).send(MESSAGE, mail_to(address))
    assert failed.value.retryable is retryable
    assert smtp_plain.mailbox.mails == []


def test_login_works_and_a_wrong_password_is_final(smtp_auth: SmtpServer) -> None:
    email_channel(smtp_auth.port, username="alerts", password="Mi-ma-2026").send(
        MESSAGE, mail_to("han.meimei@example.cn")
    )
    assert len(smtp_auth.mailbox.mails) == 1
    wrong = email_channel(smtp_auth.port, username="alerts", password="wrong")
    with pytest.raises(DeliveryFailed, match="535") as failed:
        wrong.send(MESSAGE, mail_to("han.meimei@example.cn"))
    assert failed.value.retryable is False
    assert "wrong" not in failed.value.reason  # the password is never in the record


def test_starttls_with_login(smtp_starttls: SmtpServer, certificate: Certificate) -> None:
    channel = email_channel(
        smtp_starttls.port,
        security=SmtpSecurity.STARTTLS,
        ssl_context=certificate.client_context(),
        username="alerts",
        password="Mi-ma-2026",
    )
    channel.send(MESSAGE, mail_to("han.meimei@example.cn"))
    [(_, _, raw)] = smtp_starttls.mailbox.mails
    assert _parsed(raw)["Subject"].startswith("【警告】")


def test_plain_smtp_to_a_server_that_demands_starttls_is_final(
    smtp_starttls: SmtpServer,
) -> None:
    with pytest.raises(DeliveryFailed, match="530") as failed:
        email_channel(smtp_starttls.port).send(MESSAGE, mail_to("han.meimei@example.cn"))
    assert failed.value.retryable is False


def test_an_untrusted_certificate_is_final(smtp_starttls: SmtpServer) -> None:
    channel = email_channel(smtp_starttls.port, security="starttls")  # system CAs only
    with pytest.raises(DeliveryFailed, match="certificate") as failed:
        channel.send(MESSAGE, mail_to("han.meimei@example.cn"))
    assert failed.value.retryable is False


def test_implicit_tls(smtp_implicit_tls: SmtpServer, certificate: Certificate) -> None:
    channel = email_channel(
        smtp_implicit_tls.port, security="ssl", ssl_context=certificate.client_context()
    )
    channel.send(MESSAGE, mail_to("han.meimei@example.cn"))
    assert len(smtp_implicit_tls.mailbox.mails) == 1


def test_an_smtp_server_nobody_listens_on_is_retryable() -> None:
    with pytest.raises(DeliveryFailed, match="unreachable") as failed:
        email_channel(free_port()).send(MESSAGE, mail_to("han.meimei@example.cn"))
    assert failed.value.retryable is True
