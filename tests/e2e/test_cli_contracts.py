"""`callops contracts` against the real contract and customer services: a contract drafted
from a template, approved, signed and its document stored, as docs/cli.md shows it."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest_asyncio
from docx import Document as DocxDocument

from services.contract.entrypoints import servicer as contract_servicer
from tests.contract_fixtures import ContractCaller
from tests.e2e.test_cli_customers import Cli, cli_for, create_west_lake, serve

TEMPLATE = {
    "display_name": "产品销售合同（示范文本）",
    "kind": "KIND_PRODUCT_SALE",
    "clauses": [
        "乙方应于{{delivery_date}}前将货物送至{{delivery_place}}。",
        "违约责任：逾期交货的，每日按合同总额万分之五支付违约金。",
        "争议提交{{court}}仲裁。",
    ],
    "blanks": [
        {"key": "delivery_date", "display_name": "交货日期", "type": "TYPE_DATE",
         "required": True},
        {"key": "delivery_place", "display_name": "交货地点", "type": "TYPE_TEXT",
         "required": True},
        {"key": "court", "display_name": "仲裁机构", "type": "TYPE_CHOICE", "required": True,
         "choices": ["上海仲裁委员会", "北京仲裁委员会"]},
    ],
}  # fmt: skip

SALES = ("sales",)
SUPERVISOR: dict[str, Any] = {"as_": ("supervisor",), "user": "zhu.guan"}
LEGAL: dict[str, Any] = {"as_": ("legal",), "user": "fa.wu", "department": "法务部"}


@pytest_asyncio.fixture
async def cli(grpc_contract: ContractCaller) -> Any:
    """The CLI with both services' addresses: the contract service is served a second
    time, on a port the test knows, from the same app."""
    server, port = await serve(
        grpc_contract.settings, contract_servicer, grpc_contract.app.servicer()
    )
    yield cli_for(grpc_contract, contract=f"127.0.0.1:{port}")
    await server.stop(None)


async def publish_template(cli: Cli, tmp_path: Path) -> str:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(TEMPLATE, ensure_ascii=False), encoding="utf-8")
    made = await cli.json("contracts", "template-create", str(path), **LEGAL)
    assert made["version"] == 1
    return str(made["name"])


async def draft(cli: Cli, customer: str, template: str, *extra: str) -> dict[str, Any]:
    made: dict[str, Any] = await cli.json(
        "contracts", "draft", "--customer", customer, "--title", "服务器采购合同",
        "--owner", "zhang.san", "--department", "华东销售部",
        "--start", "2026-12-01", "--end", "2027-11-30",
        "--item", "机架式服务器:2:台:150000", "--item", "安装服务:1:项:6000:0.06",
        "--milestone", "预付款:2026-12-10:91800", "--milestone", "尾款:2027-03-10:214200",
        "--template", template, *extra,
    )  # fmt: skip
    return made


def docx_file(path: Path) -> Path:
    """A DOCX of a few hundred kilobytes, so the upload takes several chunks."""
    doc = DocxDocument()
    doc.add_heading("服务器采购合同", level=1)
    doc.add_paragraph("违约责任 " * 200)
    doc.add_paragraph(os.urandom(400_000).hex()[:300_000])
    doc.save(str(path))
    return path


async def test_draft_approve_sign_and_store_the_document(
    cli: Cli, tmp_path: Path, monkeypatch: Any
) -> None:
    template = await publish_template(cli, tmp_path)
    shown = await cli.json("contracts", "template-show", template, **LEGAL)
    assert [b["key"] for b in shown["blanks"]] == ["delivery_date", "delivery_place", "court"]

    customer = (await create_west_lake(cli))["name"]
    made = await draft(
        cli, customer, template,
        "--blank", "delivery_date=2026-12-20", "--blank", "delivery_place=杭州市西湖区",
        "--blank", "court=上海仲裁委员会",
    )  # fmt: skip
    name = made["name"]
    assert made["state"] == "STATE_DRAFT" and made["total_amount"]["units"] == "306000"
    assert "2026年12月20日前将货物送至杭州市西湖区" in made["rendered_text"]

    submitted = await cli.json("contracts", "submit", name)
    assert submitted["state"] == "STATE_PENDING_APPROVAL"
    step_one = await cli.json("contracts", "approve", name, "--opinion", "同意", **SUPERVISOR)
    assert step_one["current_approval_step"] == 1
    approved = await cli.json("contracts", "approve", name, "--opinion", "条款合规", **LEGAL)
    assert approved["state"] == "STATE_APPROVED"
    signing = await cli.json("contracts", "sign", name, "--party", "ours", "--signatory", "赵总")
    assert signing["state"] == "STATE_SIGNING"
    active = await cli.json(
        "contracts", "sign", name, "--party", "customer", "--signatory", "王芳",
        "--date", "2026-11-25",
    )  # fmt: skip
    assert active["state"] == "STATE_ACTIVE"

    original = docx_file(tmp_path / "服务器采购合同.docx")
    document = await cli.json("contracts", "upload", name, str(original), "--kind", "original")
    content = original.read_bytes()
    assert document["size_bytes"] == str(len(content))
    assert document["sha256"] == hashlib.sha256(content).hexdigest()
    assert document["filename"] == "服务器采购合同.docx"
    assert document["content_type"].endswith("wordprocessingml.document")

    listed = await cli.json("contracts", "documents", name)
    assert [d["name"] for d in listed["documents"]] == [document["name"]]
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "downloaded.docx"
    got = await cli.json("contracts", "download", document["name"], "-o", str(target))
    assert got["path"] == str(target) and target.read_bytes() == content
    assert not list(tmp_path.glob("*.part"))
    # A stored name is the uploader's word: one that names no file is not written through.
    dots = await cli.json("contracts", "upload", name, str(original), "--filename", "..")
    fetched = await cli.json("contracts", "download", dots["name"])
    document_id = dots["name"].rsplit("/", 1)[-1]
    assert fetched["path"] == document_id and (tmp_path / document_id).read_bytes() == content

    history = await cli.json("contracts", "history", name)
    actions = [e["action"] for e in history["entries"]]
    assert actions == [
        "created",
        "submitted",
        "approved",
        "approved",
        "signed",
        "signed",
        "document_added",
        "document_added",
    ]
    assert [e["actor"] for e in history["entries"]][1:4] == [
        "users/zhang.san",
        "users/zhu.guan",
        "users/fa.wu",
    ]


async def test_people_read_amounts_only_with_the_right(cli: Cli, tmp_path: Path) -> None:
    template = await publish_template(cli, tmp_path)
    customer = (await create_west_lake(cli))["name"]
    made = await draft(
        cli, customer, template, "--blank", "delivery_date=2026-12-20",
        "--blank", "delivery_place=杭州", "--blank", "court=北京仲裁委员会",
    )  # fmt: skip
    sales_view = await cli("contracts", "show", made["name"])
    assert sales_view.exit_code == 0 and "¥306,000.00" in sales_view.stdout
    supervisor = await cli.json("contracts", "show", made["name"], **SUPERVISOR)
    assert "total_amount" not in supervisor
    assert all("unit_price" not in item for item in supervisor["line_items"])
    human = await cli("contracts", "show", made["name"], **SUPERVISOR)
    assert "306,000" not in human.stdout and "—" in human.stdout
    assert "服务器采购合同" in human.stdout


async def test_failed_steps_say_why_and_exit_with_their_code(cli: Cli, tmp_path: Path) -> None:
    template = await publish_template(cli, tmp_path)
    customer = (await create_west_lake(cli))["name"]

    unfilled = await cli(
        "--json", "contracts", "draft", "--customer", customer, "--title", "缺少空白项",
        "--owner", "zhang.san", "--start", "2026-12-01", "--end", "2027-11-30",
        "--item", "服务器:1:台:1000", "--template", template,
        "--blank", "delivery_date=2026-12-20", "--blank", "delivery_place=杭州",
    )  # fmt: skip
    assert unfilled.exit_code == 4
    assert 'contract.blanks["court"]' in unfilled.stderr and unfilled.stdout == ""

    unknown_blank = await cli(
        "contracts", "draft", "--customer", customer, "--title", "x", "--owner", "zhang.san",
        "--start", "2026-12-01", "--end", "2027-11-30", "--item", "服务器:1:台:1000",
        "--template", template, "--blank", "price=100",
    )  # fmt: skip
    assert unknown_blank.exit_code == 2 and "no blank 'price'" in unknown_blank.stderr

    bad_item = await cli(
        "contracts", "draft", "--customer", customer, "--title", "x", "--owner", "zhang.san",
        "--start", "2026-12-01", "--end", "2027-11-30", "--item", "服务器:一台",
    )  # fmt: skip
    assert bad_item.exit_code == 2 and "名称:数量:单位:含税单价" in bad_item.stderr

    made = await draft(
        cli, customer, template, "--blank", "delivery_date=2026-12-20",
        "--blank", "delivery_place=杭州", "--blank", "court=北京仲裁委员会",
    )  # fmt: skip
    not_yet = await cli("contracts", "sign", made["name"], "--party", "ours", "--signatory", "赵总")
    assert not_yet.exit_code == 6 and "FAILED_PRECONDITION" in not_yet.stderr
    await cli.json("contracts", "submit", made["name"])
    sales_approves = await cli("contracts", "approve", made["name"])
    assert sales_approves.exit_code == 5 and "PERMISSION_DENIED" in sales_approves.stderr
    legal_first = await cli("contracts", "approve", made["name"], **LEGAL)
    assert legal_first.exit_code == 5
    missing = await cli("contracts", "download", made["name"] + "/documents/" + "0" * 32)
    assert missing.exit_code == 3 and "NOT_FOUND" in missing.stderr
