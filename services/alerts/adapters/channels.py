"""The delivery channels that leave the system: IM group robots (Feishu/Lark, DingTalk, WeCom)
over HTTPS, and e-mail over SMTP. Each sends once and classifies a failure as retryable or not;
retries, backoff and the record of attempts belong to the delivery use case."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import http.client
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo

from services.alerts.service_layer.channels import DeliveryFailed, Message, Recipient

SEVERITY_LABELS = {"INFO": "提示", "WARNING": "警告", "CRITICAL": "严重"}
_MAX_ANSWER_BYTES = 64 * 1024  # a robot's answer is a few dozen bytes; never read a huge body


class RobotFlavour(StrEnum):
    """Which vendor's custom group robot a webhook URL belongs to: their JSON and signing differ."""

    FEISHU = "feishu"  # also Lark (open.larksuite.com): same API
    DINGTALK = "dingtalk"
    WECOM = "wecom"


# Host suffix -> flavour, for robots whose flavour is not configured.
_ROBOT_HOSTS = {
    "feishu.cn": RobotFlavour.FEISHU,
    "larksuite.com": RobotFlavour.FEISHU,
    "dingtalk.com": RobotFlavour.DINGTALK,
    "qyapi.weixin.qq.com": RobotFlavour.WECOM,
}

# Result codes that mean "too fast" or "busy": waiting helps. Every other non-zero code is a
# problem with the request or the robot's settings (bad signature, keyword or IP filter, robot
# removed), which the same request will meet again.
_RETRYABLE_CODES: dict[RobotFlavour, frozenset[int]] = {
    # 11232: tenant-wide send frequency limit; 230020: per-chat frequency limit.
    RobotFlavour.FEISHU: frozenset({11232, 230020}),
    # 130101: more than 20 messages a minute; 410100: send too fast, throttled.
    RobotFlavour.DINGTALK: frozenset({130101, 410100}),
    # -1: system busy; 45009: API frequency over limit.
    RobotFlavour.WECOM: frozenset({-1, 45009}),
}

# Room for the alert body: WeCom rejects markdown over 4096 bytes; DingTalk and Feishu take
# about 20 KB. The rest of the message (heading, subject, time, link) is short.
_BODY_LIMIT_BYTES = {
    RobotFlavour.FEISHU: 16_000,
    RobotFlavour.DINGTALK: 16_000,
    RobotFlavour.WECOM: 3_500,
}


def robot_flavour_for(url: str) -> RobotFlavour | None:
    """The vendor of a robot webhook URL, known from its host; None for any other host."""
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    for suffix, flavour in _ROBOT_HOSTS.items():
        if host == suffix or host.endswith("." + suffix):
            return flavour
    return None


def feishu_sign(secret: str, timestamp: int) -> str:
    """Feishu/Lark custom bot signature: HMAC-SHA256 keyed by "{timestamp}\\n{secret}" over an
    empty message, base64. `timestamp` is in seconds."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk custom robot signature (before URL encoding): HMAC-SHA256 keyed by the secret
    over "{timestamp}\\n{secret}", base64. `timestamp_ms` is in milliseconds."""
    text = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), text, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class RobotRequest:
    """What is posted to a robot: the final URL (with any signature query) and the JSON body."""

    flavour: RobotFlavour
    url: str
    body: dict[str, Any]


@dataclass(frozen=True)
class _Rendered:
    """The parts of an alert every rendering uses, in the company's words and time zone."""

    heading: str  # "【严重】合同即将到期"
    lines: list[str]  # body lines, then the subject, the time and the owner
    link: str  # "" when no link base is configured


def _render(
    message: Message,
    recipient: Recipient,
    tz: ZoneInfo,
    link_base: str,
    body_limit_bytes: int | None = None,
) -> _Rendered:
    label = SEVERITY_LABELS.get(message.severity, message.severity)
    raised = message.raised_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    body = message.body if body_limit_bytes is None else _clip(message.body, body_limit_bytes)
    lines = [line for line in body.splitlines() if line.strip()]
    lines.append(f"对象:{message.subject}")
    lines.append(f"时间:{raised}")
    if recipient.display_name:
        lines.append(f"负责人:{recipient.display_name}")
    link = f"{link_base.rstrip('/')}/{message.alert}" if link_base else ""
    return _Rendered(f"【{label}】{message.title}", lines, link)


def _clip(text: str, limit_bytes: int) -> str:
    """Cuts text to at most limit_bytes of UTF-8 without splitting a character."""
    raw = text.encode()
    if len(raw) <= limit_bytes:
        return text
    return raw[: limit_bytes - 3].decode(errors="ignore") + "…"


def _with_query(url: str, extra: Mapping[str, str]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, v) for k, v in query if k not in extra] + list(extra.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


class WebhookChannel:
    """Posts an alert to the IM group robot at the recipient's `im_webhook_url`.

    The flavour comes from configuration or, when not configured, from the URL's host. A robot
    with signature checking on needs its secret: `secrets` maps a webhook URL to its own secret,
    `secret` is the one used for the others."""

    name = "webhook"

    def __init__(
        self,
        *,
        flavour: RobotFlavour | str | None = None,
        secret: str = "",
        secrets: Mapping[str, str] | None = None,
        timeout_s: float = 5.0,
        timezone: str = "Asia/Shanghai",
        link_base: str = "",
        feishu_msg_type: Literal["post", "text"] = "post",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.flavour = RobotFlavour(flavour) if flavour else None
        self._secret = secret
        self._secrets = dict(secrets or {})
        self._timeout_s = timeout_s
        self._tz = ZoneInfo(timezone)
        self._link_base = link_base
        self._feishu_msg_type = feishu_msg_type
        self._clock = clock
        self._opener = urllib.request.build_opener()

    def applies_to(self, recipient: Recipient) -> bool:
        return bool(recipient.im_webhook_url.strip())

    def request_for(self, message: Message, recipient: Recipient) -> RobotRequest:
        """The exact request `send` makes (pure apart from the clock, for the signature)."""
        url = recipient.im_webhook_url.strip()
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in ("http", "https"):
            # Not the URL itself: robot URLs carry their credential (token, key, hook id).
            raise DeliveryFailed(f"not an http(s) robot URL (scheme {scheme!r})", retryable=False)
        flavour = self.flavour or robot_flavour_for(url)
        if flavour is None:
            # A configuration fault: trying again cannot pick a flavour.
            raise DeliveryFailed(
                f"unknown IM robot host in {urllib.parse.urlsplit(url).hostname!r}: "
                "set the robot flavour (feishu, dingtalk or wecom)",
                retryable=False,
            )
        rendered = _render(
            message, recipient, self._tz, self._link_base, _BODY_LIMIT_BYTES[flavour]
        )
        secret = self._secrets.get(url, self._secret)
        if flavour is RobotFlavour.FEISHU:
            body = self._feishu_body(rendered)
            if secret:
                timestamp = int(self._clock())
                body = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp)} | body
            return RobotRequest(flavour, url, body)
        markdown = self._markdown(flavour, rendered)
        if flavour is RobotFlavour.DINGTALK:
            body = {
                "msgtype": "markdown",
                "markdown": {"title": rendered.heading, "text": markdown},
            }
            if secret:
                timestamp_ms = int(self._clock() * 1000)
                url = _with_query(
                    url,
                    {"timestamp": str(timestamp_ms), "sign": dingtalk_sign(secret, timestamp_ms)},
                )
            return RobotRequest(flavour, url, body)
        # WeCom: the key in the URL is the only credential; there is no signature.
        return RobotRequest(
            flavour, url, {"msgtype": "markdown", "markdown": {"content": markdown}}
        )

    def _feishu_body(self, rendered: _Rendered) -> dict[str, Any]:
        if self._feishu_msg_type == "text":
            text = "\n".join([rendered.heading, *rendered.lines])
            if rendered.link:
                text += f"\n{rendered.link}"
            return {"msg_type": "text", "content": {"text": text}}
        rows = [[{"tag": "text", "text": line}] for line in rendered.lines]
        if rendered.link:
            rows.append([{"tag": "a", "text": "查看预警", "href": rendered.link}])
        return {
            "msg_type": "post",
            "content": {"post": {"zh_cn": {"title": rendered.heading, "content": rows}}},
        }

    @staticmethod
    def _markdown(flavour: RobotFlavour, rendered: _Rendered) -> str:
        heading = rendered.heading
        if flavour is RobotFlavour.WECOM:
            # WeCom's markdown colours: "warning" is orange-red, "comment" grey.
            heading = f'<font color="warning">{heading}</font>'
        parts = [f"### {heading}", *rendered.lines]
        if rendered.link:
            parts.append(f"[查看预警]({rendered.link})")
        # Both robots need a blank line to break a markdown paragraph.
        return "\n\n".join(parts)

    def send(self, message: Message, recipient: Recipient) -> None:
        request = self.request_for(message, recipient)
        data = json.dumps(request.body, ensure_ascii=False).encode()
        http_request = urllib.request.Request(
            request.url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        try:
            with self._opener.open(http_request, timeout=self._timeout_s) as response:
                status, answer = response.status, response.read(_MAX_ANSWER_BYTES)
                # Bytes still owed: the connection broke mid-answer. Whether the robot took
                # the message is unknown, and a repeat beats a lost alert.
                if response.length and len(answer) < _MAX_ANSWER_BYTES:
                    raise http.client.IncompleteRead(answer, response.length)
        except urllib.error.HTTPError as error:
            with error:
                status, answer = error.code, error.read(_MAX_ANSWER_BYTES)
        except (urllib.error.URLError, OSError) as error:  # refused, DNS, TLS, timeout
            reason = getattr(error, "reason", error)
            raise DeliveryFailed(f"IM robot unreachable: {reason}", retryable=True) from error
        except http.client.HTTPException as error:  # the connection broke mid-answer
            raise DeliveryFailed(
                f"IM robot answer cut off: {type(error).__name__}", retryable=True
            ) from error
        check_robot_answer(request.flavour, status, answer)


def check_robot_answer(flavour: RobotFlavour, status: int, answer: bytes) -> None:
    """Returns when the robot accepted the message, else raises DeliveryFailed saying whether
    trying again later can help."""
    code, text = _result_code(flavour, answer)
    if code is not None and code != 0:
        retryable = code in _RETRYABLE_CODES[flavour] or status == 429 or status >= 500
        raise DeliveryFailed(
            f"{flavour} robot refused the message: {code} {text}".rstrip(), retryable=retryable
        )
    if status == 429 or status == 408 or status >= 500:
        raise DeliveryFailed(f"{flavour} robot answered HTTP {status}", retryable=True)
    if status >= 300:
        raise DeliveryFailed(f"{flavour} robot answered HTTP {status}", retryable=False)
    if code is None:
        # 2xx without a result: not a robot endpoint (wrong URL, a proxy's page). Resending
        # would only repeat that, and could post twice if it did reach a robot.
        raise DeliveryFailed(
            f"{flavour} robot answered without a result code: {answer[:200]!r}", retryable=False
        )


def _result_code(flavour: RobotFlavour, answer: bytes) -> tuple[int | None, str]:
    try:
        payload = json.loads(answer)
    except (UnicodeDecodeError, ValueError):
        return None, ""
    if not isinstance(payload, dict):
        return None, ""
    if flavour is RobotFlavour.FEISHU:
        # Current answers: {"code": 0, "msg": "success"}; older ones: {"StatusCode": 0, ...}.
        code = payload.get("code", payload.get("StatusCode"))
        text = payload.get("msg", payload.get("StatusMessage", ""))
    else:
        code, text = payload.get("errcode"), payload.get("errmsg", "")
    if isinstance(code, bool) or not isinstance(code, int):
        return None, ""
    return code, str(text)


class SmtpSecurity(StrEnum):
    """How the SMTP connection is protected."""

    NONE = "none"  # plain SMTP, e.g. a relay on the same host or network
    STARTTLS = "starttls"  # usually port 587
    SSL = "ssl"  # implicit TLS, usually port 465


class EmailChannel:
    """Sends an alert as a UTF-8 e-mail (plain text and simple HTML) through an SMTP server."""

    name = "email"

    def __init__(
        self,
        *,
        host: str,
        port: int = 25,
        sender: str,
        sender_name: str = "callops 预警",
        security: SmtpSecurity | str = SmtpSecurity.NONE,
        username: str = "",
        password: str = "",
        timeout_s: float = 10.0,
        timezone: str = "Asia/Shanghai",
        link_base: str = "",
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if not host or not sender:
            raise ValueError("the e-mail channel needs an SMTP host and a sender address")
        if not (username.isascii() and password.isascii()):
            # smtplib encodes AUTH credentials as ASCII; fail at start, not on every alert.
            raise ValueError("the SMTP username and password must be ASCII")
        self._host = host
        self._port = port
        self._sender = sender
        self._sender_name = sender_name
        self._security = SmtpSecurity(security)
        self._username = username
        self._password = password
        self._timeout_s = timeout_s
        self._tz = ZoneInfo(timezone)
        self._link_base = link_base
        self._ssl_context = ssl_context or ssl.create_default_context()
        self._clock = clock

    def applies_to(self, recipient: Recipient) -> bool:
        return bool(recipient.email.strip())

    def message_for(self, message: Message, recipient: Recipient) -> EmailMessage:
        """The e-mail `send` submits."""
        rendered = _render(message, recipient, self._tz, self._link_base)
        mail = EmailMessage()  # policy.default: non-ASCII headers are RFC 2047 encoded
        mail["Subject"] = rendered.heading
        mail["From"] = formataddr((self._sender_name, self._sender))
        mail["To"] = formataddr((recipient.display_name, recipient.email.strip()))
        mail["Date"] = format_datetime(self._clock())
        # The same id on every attempt, so a mail system can drop a duplicate after a retry
        # whose first try did arrive.
        domain = self._sender.rpartition("@")[2] or "callops.local"
        who = hashlib.sha256(recipient.email.strip().lower().encode()).hexdigest()[:12]
        mail["Message-ID"] = f"<{message.alert.replace('/', '.')}.{who}@{domain}>"
        mail["X-Callops-Alert"] = message.alert
        text = "\n".join(rendered.lines)
        if rendered.link:
            text += f"\n\n查看预警:{rendered.link}"
        # base64 keeps the mail 7-bit, so relays without 8BITMIME pass it unchanged.
        mail.set_content(text + "\n", cte="base64")
        paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in rendered.lines)
        link = (
            f'<p><a href="{html.escape(rendered.link)}">查看预警</a></p>' if rendered.link else ""
        )
        mail.add_alternative(
            f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>'
            f"<h3>{html.escape(rendered.heading)}</h3>{paragraphs}{link}</body></html>\n",
            subtype="html",
            cte="base64",
        )
        return mail

    def send(self, message: Message, recipient: Recipient) -> None:
        mail = self.message_for(message, recipient)
        try:
            with self._connect() as smtp:
                if self._security is SmtpSecurity.STARTTLS:
                    smtp.starttls(context=self._ssl_context)
                    smtp.ehlo()
                if self._username:
                    smtp.login(self._username, self._password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise DeliveryFailed(
                f"SMTP server refused the recipient: {_replies(error.recipients.values())}",
                retryable=all(400 <= code < 500 for code in codes),
            ) from error
        except smtplib.SMTPResponseException as error:
            # 4xx is a transient refusal (greylisting, mailbox busy, 454 auth unavailable); 5xx
            # is permanent (535 bad login, 550 no such mailbox). -1: the connection broke.
            code = error.smtp_code
            raise DeliveryFailed(
                f"SMTP server answered {code} {_decode(error.smtp_error)}",
                retryable=not 500 <= code < 600,
            ) from error
        except smtplib.SMTPServerDisconnected as error:
            raise DeliveryFailed(f"SMTP server hung up: {error}", retryable=True) from error
        except smtplib.SMTPException as error:  # e.g. no STARTTLS or AUTH offered: settings
            raise DeliveryFailed(f"SMTP: {error}", retryable=False) from error
        except ssl.SSLCertVerificationError as error:
            raise DeliveryFailed(
                f"SMTP server certificate rejected: {error.verify_message}", retryable=False
            ) from error
        except OSError as error:  # refused, unreachable, DNS, timeout, TLS broken
            raise DeliveryFailed(f"SMTP server unreachable: {error}", retryable=True) from error

    def _connect(self) -> smtplib.SMTP:
        if self._security is SmtpSecurity.SSL:
            return smtplib.SMTP_SSL(
                self._host, self._port, timeout=self._timeout_s, context=self._ssl_context
            )
        return smtplib.SMTP(self._host, self._port, timeout=self._timeout_s)


def _decode(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _replies(replies: Any) -> str:
    return "; ".join(f"{code} {_decode(text)}" for code, text in replies)
