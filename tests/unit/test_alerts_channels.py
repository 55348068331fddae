"""Alert channels without a network: robot payloads and signatures per vendor, the reading of
robot answers, and the e-mail the SMTP channel would submit."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import urllib.parse
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from services.alerts.adapters.channels import (
    EmailChannel,
    RobotFlavour,
    WebhookChannel,
    check_robot_answer,
    dingtalk_sign,
    feishu_sign,
    robot_flavour_for,
)
from services.alerts.service_layer.channels import DeliveryFailed, Message, Recipient

FEISHU_URL = "https://open.feishu.cn/open-apis/bot/v2/hook/6f1c-robot"
DINGTALK_URL = "https://oapi.dingtalk.com/robot/send?access_token=ab12cd"
WECOM_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"
NOW = 1_780_000_000.25  # seconds since the epoch, as time.time() gives it

MESSAGE = Message(
    alert="alerts/a-000123",
    kind="CONTRACT_EXPIRY",
    severity="CRITICAL",
    title="合同即将到期:杭州西湖软件有限公司年度服务合同",
    body="合同 HT-2026-000123 将于 2026-12-01 到期,请尽快联系客户续签。\n金额:¥1,280,000.00",
    subject="contracts/HT-2026-000123",
    # 02:30 UTC is 10:30 in Shanghai
    raised_at=datetime(2026, 11, 23, 2, 30, tzinfo=UTC),
)


def recipient(url: str = "", email: str = "") -> Recipient:
    return Recipient("users/zhang.san", "张三", email=email, im_webhook_url=url)


def channel(**kwargs: object) -> WebhookChannel:
    kwargs.setdefault("clock", lambda: NOW)
    return WebhookChannel(link_base="https://callops.example.cn/", **kwargs)  # type: ignore[arg-type]


# Reference values computed outside Python with openssl, e.g. for Feishu:
#   printf '' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<hex of "1599360473\nSECdemo-secret">
#   -binary | base64
def test_signatures_match_values_computed_with_openssl() -> None:
    assert feishu_sign("SECdemo-secret", 1599360473) == (
        "Ld5ul8kGHwTtepyl6C3MfZhZ/N7+wOZLuO5jgK7yvzc="
    )
    assert dingtalk_sign("SECdemo-secret", 1599360473000) == (
        "w/wgdHDpwiLO5I/XMzzFJTfSmWkrZOMm4h0XT46ZVQY="
    )


def test_flavour_is_known_from_the_robot_host() -> None:
    assert robot_flavour_for(FEISHU_URL) is RobotFlavour.FEISHU
    assert robot_flavour_for("https://open.larksuite.com/open-apis/bot/v2/hook/x") == "feishu"
    assert robot_flavour_for(DINGTALK_URL) is RobotFlavour.DINGTALK
    assert robot_flavour_for(WECOM_URL) is RobotFlavour.WECOM
    assert robot_flavour_for("https://feishu.cn.evil.example/hook") is None
    assert robot_flavour_for("http://127.0.0.1:8080/hook") is None


def test_feishu_post_is_signed_in_the_body_with_seconds() -> None:
    request = channel(secret="SECfeishu").request_for(MESSAGE, recipient(FEISHU_URL))
    body = request.body
    assert request.url == FEISHU_URL
    assert body["timestamp"] == "1780000000"
    key = b"1780000000\nSECfeishu"
    expected = base64.b64encode(hmac.digest(key, b"", "sha256")).decode()
    assert body["sign"] == expected
    assert body["msg_type"] == "post"
    post = body["content"]["post"]["zh_cn"]
    assert post["title"] == "【严重】合同即将到期:杭州西湖软件有限公司年度服务合同"
    texts = [row[0]["text"] for row in post["content"] if row[0]["tag"] == "text"]
    assert texts == [
        "合同 HT-2026-000123 将于 2026-12-01 到期,请尽快联系客户续签。",
        "金额:¥1,280,000.00",
        "对象:contracts/HT-2026-000123",
        "时间:2026-11-23 10:30",
        "负责人:张三",
    ]
    assert post["content"][-1] == [
        {
            "tag": "a",
            "text": "查看预警",
            "href": "https://callops.example.cn/alerts/a-000123",
        }
    ]


def test_feishu_text_without_a_secret_carries_no_signature() -> None:
    body = channel(feishu_msg_type="text").request_for(MESSAGE, recipient(FEISHU_URL)).body
    assert set(body) == {"msg_type", "content"}
    assert body["msg_type"] == "text"
    text = body["content"]["text"]
    assert text.startswith("【严重】合同即将到期")
    assert "时间:2026-11-23 10:30" in text
    assert text.endswith("https://callops.example.cn/alerts/a-000123")


def test_dingtalk_markdown_is_signed_in_the_query_with_milliseconds() -> None:
    request = channel(secret="SECding").request_for(MESSAGE, recipient(DINGTALK_URL))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query)
    assert query["access_token"] == ["ab12cd"]
    assert query["timestamp"] == ["1780000000250"]
    digest = hmac.new(b"SECding", b"1780000000250\nSECding", hashlib.sha256).digest()
    assert query["sign"] == [base64.b64encode(digest).decode()]
    # The raw query carries the URL-encoded form, as the robot expects.
    raw_sign = request.url.rpartition("sign=")[2]
    assert raw_sign == urllib.parse.quote_plus(base64.b64encode(digest).decode())
    assert request.body["msgtype"] == "markdown"
    markdown = request.body["markdown"]
    assert markdown["title"] == "【严重】合同即将到期:杭州西湖软件有限公司年度服务合同"
    assert markdown["text"].startswith("### 【严重】合同即将到期")
    assert "\n\n金额:¥1,280,000.00\n\n" in markdown["text"]
    assert markdown["text"].endswith("[查看预警](https://callops.example.cn/alerts/a-000123)")


def test_a_per_robot_secret_wins_over_the_default() -> None:
    webhook = channel(secret="SECdefault", secrets={FEISHU_URL: "SECown"})
    body = webhook.request_for(MESSAGE, recipient(FEISHU_URL)).body
    assert body["sign"] == feishu_sign("SECown", 1780000000)
    other = "https://open.feishu.cn/open-apis/bot/v2/hook/other"
    assert webhook.request_for(MESSAGE, recipient(other)).body["sign"] == feishu_sign(
        "SECdefault", 1780000000
    )


def test_wecom_markdown_has_no_signature_and_keeps_under_its_size_limit() -> None:
    long = dataclasses.replace(MESSAGE, body="回款逾期明细。" * 2000)
    request = channel(secret="ignored").request_for(long, recipient(WECOM_URL))
    assert request.url == WECOM_URL
    assert set(request.body) == {"msgtype", "markdown"}
    content = request.body["markdown"]["content"]
    assert content.startswith('### <font color="warning">【严重】合同即将到期')
    assert len(content.encode()) <= 4096
    assert "对象:contracts/HT-2026-000123" in content  # the tail survives the cut


def test_configured_flavour_applies_to_any_host_and_unknown_host_is_final() -> None:
    local = "http://127.0.0.1:8080/robot/send?access_token=t"
    request = channel(flavour="dingtalk").request_for(MESSAGE, recipient(local))
    assert request.flavour is RobotFlavour.DINGTALK
    with pytest.raises(DeliveryFailed, match="unknown IM robot host") as failed:
        channel().request_for(MESSAGE, recipient(local))
    assert failed.value.retryable is False


def test_a_robot_url_that_is_not_http_is_final() -> None:
    with pytest.raises(DeliveryFailed, match="not an http") as failed:
        channel().request_for(MESSAGE, recipient("ftp://open.feishu.cn/open-apis/bot/v2/hook/x"))
    assert failed.value.retryable is False
    assert "hook" not in failed.value.reason  # robot URLs are credentials: never recorded


def test_channels_apply_only_to_recipients_with_an_address() -> None:
    email = EmailChannel(host="127.0.0.1", sender="alerts@callops.example.cn")
    assert channel().applies_to(recipient(FEISHU_URL))
    assert not channel().applies_to(recipient("  ", "a@b.cn"))
    assert email.applies_to(recipient(email="zhang.san@example.cn"))
    assert not email.applies_to(recipient(FEISHU_URL))


@pytest.mark.parametrize(
    ("flavour", "status", "answer", "retryable"),
    [
        ("feishu", 200, b'{"code":19021,"msg":"sign match fail"}', False),
        ("feishu", 400, b'{"code":19024,"msg":"Key Words Not Found"}', False),
        ("feishu", 400, b'{"code":11232,"msg":"frequency limited"}', True),
        ("dingtalk", 200, b'{"errcode":310000,"errmsg":"sign not match"}', False),
        ("dingtalk", 200, b'{"errcode":130101,"errmsg":"send too fast"}', True),
        ("wecom", 200, b'{"errcode":93000,"errmsg":"invalid webhook url"}', False),
        ("wecom", 200, b'{"errcode":45009,"errmsg":"api freq out of limit"}', True),
        ("wecom", 200, b'{"errcode":-1,"errmsg":"system busy"}', True),
        ("feishu", 429, b"", True),
        ("dingtalk", 503, "<html>服务不可用</html>".encode(), True),
        ("wecom", 404, b"not found", False),
        ("feishu", 403, b"", False),
        ("feishu", 200, b"<html>ok</html>", False),  # not a robot answering
    ],
)
def test_robot_answers_are_classified(
    flavour: str, status: int, answer: bytes, retryable: bool
) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        check_robot_answer(RobotFlavour(flavour), status, answer)
    assert failed.value.retryable is retryable


@pytest.mark.parametrize(
    ("flavour", "answer"),
    [
        ("feishu", b'{"code":0,"msg":"success","data":{}}'),
        ("feishu", b'{"Extra":null,"StatusCode":0,"StatusMessage":"success"}'),
        ("dingtalk", b'{"errcode":0,"errmsg":"ok"}'),
        ("wecom", b'{"errcode":0,"errmsg":"ok"}'),
    ],
)
def test_robot_success_answers_pass(flavour: str, answer: bytes) -> None:
    check_robot_answer(RobotFlavour(flavour), 200, answer)


def test_email_has_encoded_chinese_headers_and_both_bodies() -> None:
    email = EmailChannel(
        host="smtp.example.cn",
        sender="alerts@callops.example.cn",
        link_base="https://callops.example.cn",
        clock=lambda: datetime(2026, 11, 23, 2, 31, tzinfo=UTC),
    )
    mail = email.message_for(MESSAGE, recipient(email="zhang.san@example.cn"))
    raw = mail.as_bytes()
    assert raw.isascii()  # 7-bit safe on the wire: RFC 2047 headers, base64 bodies
    assert b"=?utf-8?" in raw
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Subject"] == "【严重】合同即将到期:杭州西湖软件有限公司年度服务合同"
    assert parsed["To"].addresses[0].display_name == "张三"
    assert parsed["To"].addresses[0].addr_spec == "zhang.san@example.cn"
    assert parsed["From"].addresses[0].display_name == "callops 预警"
    assert parsed["Message-ID"].startswith("<alerts.a-000123.")
    assert parsed["Message-ID"].endswith("@callops.example.cn>")
    plain = parsed.get_body(("plain",))
    html_part = parsed.get_body(("html",))
    assert plain is not None and html_part is not None
    text = plain.get_content()
    assert "金额:¥1,280,000.00" in text and "时间:2026-11-23 10:30" in text
    assert "查看预警:https://callops.example.cn/alerts/a-000123" in text
    page = html_part.get_content()
    assert "<h3>【严重】合同即将到期" in page
    assert 'href="https://callops.example.cn/alerts/a-000123"' in page


def test_email_escapes_html_and_keeps_the_same_id_per_recipient() -> None:
    email = EmailChannel(host="smtp.example.cn", sender="alerts@callops.example.cn")
    tricky = dataclasses.replace(MESSAGE, body="<script>alert(1)</script> & 续签")
    first = email.message_for(tricky, recipient(email="li.si@example.cn"))
    again = email.message_for(tricky, recipient(email="li.si@example.cn"))
    other = email.message_for(tricky, recipient(email="wang.wu@example.cn"))
    html_part = first.get_body(("html",))
    assert html_part is not None
    page = html_part.get_content()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]


def test_email_channel_needs_a_host_and_a_sender() -> None:
    with pytest.raises(ValueError, match="SMTP host"):
        EmailChannel(host="", sender="alerts@callops.example.cn")


def test_email_channel_refuses_credentials_smtplib_cannot_send() -> None:
    with pytest.raises(ValueError, match="ASCII"):
        EmailChannel(
            host="smtp.example.cn", sender="a@b.cn", username="alerts", password="密码2026"
        )
