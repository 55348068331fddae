"""What users type into `callops`, and how results are shown, without any server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import SecretStr
from typer.testing import CliRunner

from callops.contract.v1 import contract_pb2 as pb
from services.cli import app, output, values
from services.common.auth import TokenVerifier
from services.common.config import ServiceSettings


def test_choices_take_the_short_or_the_full_enum_name() -> None:
    kind = pb.Contract.Kind
    assert values.choice(kind, "KIND", "product_sale", "--kind") == kind.Value("KIND_PRODUCT_SALE")
    assert values.choice(kind, "KIND", "KIND_FRAMEWORK_AGREEMENT", "--kind") == 3
    assert values.choice(kind, "KIND", "service-outsourcing", "--kind") == 2
    with pytest.raises(typer.BadParameter, match="product_sale, service_outsourcing"):
        values.choice(kind, "KIND", "unspecified", "--kind")


def test_amounts_dates_names_and_pairs() -> None:
    money = values.money("¥1,234,567.89", "--item")
    assert (money.currency_code, money.units, money.nanos) == ("CNY", 1234567, 890_000_000)
    for not_an_amount in ("一百元", "NaN", "Infinity", "-inf"):
        with pytest.raises(typer.BadParameter, match="not an amount"):
            values.money(not_an_amount, "--item")
    day = values.day("2026-12-31", "--end")
    assert (day.year, day.month, day.day) == (2026, 12, 31)
    with pytest.raises(typer.BadParameter, match="not a date"):
        values.day("2026/12/31", "--end")
    assert values.resource("customers", "abc") == "customers/abc"
    assert values.resource("customers", "customers/abc") == "customers/abc"
    assert values.user("zhang.san") == "users/zhang.san"
    assert values.pairs(["court=上海仲裁委员会", "n=a=b"], "--blank") == {
        "court": "上海仲裁委员会",
        "n": "a=b",
    }
    with pytest.raises(typer.BadParameter, match="KEY=VALUE"):
        values.pairs(["court"], "--blank")
    assert values.fields("服务器:2:台:1000", 4, "--item", "x") == ["服务器", "2", "台", "1000"]
    with pytest.raises(typer.BadParameter, match="does not read like"):
        values.fields("服务器::台:1000", 4, "--item", "x")


def test_snippets_show_their_matches_highlighted_and_amounts_in_yuan() -> None:
    text = output.highlighted("乙方<em>违约</em>的，按<em>违约金</em>条款")
    assert text.plain == "乙方违约的，按违约金条款"
    marked = [text.plain[s.start : s.end] for s in text.spans]
    assert marked == ["违约", "违约金"]
    assert output.money(values.money("306000", "x")) == "¥306,000.00"
    assert output.money(values.money("0", "x"), present=False) == "—"


def test_times_are_shown_in_the_company_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    at = Timestamp()
    at.FromDatetime(datetime(2026, 11, 23, 18, 30, tzinfo=UTC))
    monkeypatch.delenv("CALLOPS_TIMEZONE", raising=False)
    assert output.moment(at) == "2026-11-24 02:30"
    monkeypatch.setenv("CALLOPS_TIMEZONE", "Asia/Urumqi")
    assert output.moment(at, "%H:%M:%S") == "00:30:00"
    monkeypatch.setenv("CALLOPS_TIMEZONE", "Mars/Olympus")
    with pytest.raises(SystemExit) as stopped:
        output.moment(at)
    assert stopped.value.code == 2


def test_token_falls_back_to_the_secret_the_run_command_keeps(tmp_path: Path) -> None:
    secret = "a-local-secret-that-is-long-enough-for-hs256"
    (tmp_path / "jwt-secret").write_text(secret + "\n")
    runner = CliRunner(env={"CALLOPS_JWT_SECRET": None, "CALLOPS_DATA_DIR": str(tmp_path)})
    made = runner.invoke(app, ["token", "--user", "zhang.san", "--role", "sales"])
    assert made.exit_code == 0, made.stderr
    principal = TokenVerifier(ServiceSettings(jwt_secret=SecretStr(secret))).verify(
        made.stdout.strip()
    )
    assert principal.user_name == "users/zhang.san" and principal.can("contracts.write")

    missing = CliRunner(env={"CALLOPS_JWT_SECRET": None, "CALLOPS_DATA_DIR": str(tmp_path / "x")})
    refused = missing.invoke(app, ["token", "--user", "zhang.san", "--role", "sales"])
    assert refused.exit_code == 2 and "CALLOPS_JWT_SECRET" in refused.stderr
    unknown = runner.invoke(app, ["token", "--user", "zhang.san", "--role", "boss"])
    assert unknown.exit_code == 2 and "unknown role(s) boss" in unknown.stderr
