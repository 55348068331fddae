"""`callops contracts`: draft from a template, submit, approve, sign, documents, history."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import sys
import uuid
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from google.protobuf import json_format
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from callops.contract.v1 import contract_pb2 as pb
from callops.contract.v1 import contract_pb2_grpc
from services.cli import output, values
from services.cli.session import (
    INVALID_ARGUMENT,
    NOT_FOUND,
    current,
    every_page,
    fail,
    rpc_failures,
)
from services.cli.session import call as call_service

app = typer.Typer(no_args_is_help=True, help="Contracts (合同): lifecycle, documents, history.")

CHUNK = 256 * 1024
ITEM_EXAMPLE = "名称:数量:单位:含税单价[:税率], e.g. 云服务器:2:台:150000:0.13"
MILESTONE_EXAMPLE = "名称:到期日:金额, e.g. 预付款:2026-12-31:90000"


def _stub() -> contract_pb2_grpc.ContractServiceStub:
    return contract_pb2_grpc.ContractServiceStub(current().channel("contract"))


def _name(value: str) -> str:
    return values.resource("contracts", value)


_call = partial(call_service, "contract")


def _state(contract: pb.Contract) -> str:
    return output.enum_label(pb.Contract.State.Name(contract.state), "STATE")


def _contract_view(c: pb.Contract) -> Iterator[Any]:
    waiting = ""
    if 0 <= c.current_approval_step < len(c.approval_steps):
        step = c.approval_steps[c.current_approval_step]
        waiting = f"{step.display_name} ({step.approver or step.approver_role})"
    yield output.fields(
        f"{c.number} {c.title}",
        [
            ("name", c.name),
            ("state", _state(c)),
            ("kind", output.enum_label(pb.Contract.Kind.Name(c.kind), "KIND")),
            ("customer", c.customer),
            ("owner", c.owner),
            ("department", c.department),
            ("total", output.money(c.total_amount, c.HasField("total_amount"))),
            ("term", f"{output.day(c.start_date)} ~ {output.day(c.end_date)}"),
            ("template", f"{c.template} v{c.template_version}" if c.template else ""),
            ("waiting for", waiting),
            ("payment progress", f"{c.payment_progress_percent:.0f}%"),
            ("etag", c.etag),
        ],
    )
    if c.line_items:
        yield output.rows(
            "标的",
            ["item", "qty", "unit", "unit price", "amount"],
            (
                (
                    i.display_name,
                    i.quantity,
                    i.unit,
                    output.money(i.unit_price, i.HasField("unit_price")),
                    output.money(i.amount, i.HasField("amount")),
                )
                for i in c.line_items
            ),
        )
    if c.payment_milestones:
        yield output.rows(
            "付款节点",
            ["milestone", "due", "amount", "received"],
            (
                (
                    m.display_name,
                    output.day(m.due_date),
                    output.money(m.amount, m.HasField("amount")),
                    output.money(m.received_amount, m.HasField("received_amount")),
                )
                for m in c.payment_milestones
            ),
        )
    if c.approval_steps:
        yield output.rows(
            "审批",
            ["step", "approver", "state", "decided by", "opinion"],
            (
                (
                    s.display_name,
                    s.approver or s.approver_role,
                    output.enum_label(pb.ApprovalStep.State.Name(s.state), "STATE"),
                    s.decided_by,
                    s.opinion,
                )
                for s in c.approval_steps
            ),
        )
    if c.rendered_text:
        yield c.rendered_text


def _line_item(text: str) -> pb.LineItem:
    parts = values.fields(text, 4, "--item", ITEM_EXAMPLE)
    return pb.LineItem(
        display_name=parts[0],
        quantity=parts[1],
        unit=parts[2],
        unit_price=values.money(parts[3], "--item"),
        tax_rate=parts[4] if len(parts) > 4 and parts[4] else "0.13",
    )


def _milestone(text: str) -> pb.PaymentMilestone:
    parts = values.fields(text, 3, "--milestone", MILESTONE_EXAMPLE)
    return pb.PaymentMilestone(
        display_name=parts[0],
        due_date=values.day(parts[1], "--milestone"),
        amount=values.money(parts[2], "--milestone"),
    )


def _blank(blank: pb.TemplateBlank, text: str) -> pb.BlankValue:
    param = f"--blank {blank.key}"
    t = pb.TemplateBlank
    if blank.type == t.TYPE_NUMBER:
        return pb.BlankValue(number=text)
    if blank.type == t.TYPE_MONEY:
        return pb.BlankValue(money=values.money(text, param))
    if blank.type == t.TYPE_DATE:
        return pb.BlankValue(date=values.day(text, param))
    if blank.type == t.TYPE_PARTY:
        return pb.BlankValue(party=values.resource("customers", text))
    if blank.type == t.TYPE_CHOICE:
        return pb.BlankValue(choice=text)
    return pb.BlankValue(text=text)


@app.command()
def draft(
    customer: Annotated[str, typer.Option(help="customers/ID")],
    title: Annotated[str, typer.Option(help="合同标题")],
    owner: Annotated[str, typer.Option(help="the responsible sales person, e.g. zhang.san")],
    start: Annotated[str, typer.Option(help="first day in force, YYYY-MM-DD")],
    end: Annotated[str, typer.Option(help="last day in force, YYYY-MM-DD")],
    item: Annotated[list[str], typer.Option(help=f"line item, repeatable: {ITEM_EXAMPLE}")],
    template: Annotated[str, typer.Option(help="contractTemplates/ID to draft from")] = "",
    blank: Annotated[
        list[str] | None, typer.Option(help="a template blank, KEY=VALUE; repeatable")
    ] = None,
    milestone: Annotated[
        list[str] | None, typer.Option(help=f"payment milestone, repeatable: {MILESTONE_EXAMPLE}")
    ] = None,
    kind: Annotated[
        str, typer.Option(help="product_sale, service_outsourcing, framework_agreement")
    ] = "",
    department: Annotated[str, typer.Option(help="selects the approval chain")] = "",
    payment_terms: str = "",
    breach_liability: str = "",
    dispute: Annotated[
        str, typer.Option(help="negotiation, mediation, arbitration or litigation")
    ] = "arbitration",
    request_id: Annotated[str, typer.Option(help="idempotency key")] = "",
) -> None:
    """Draft a contract (state DRAFT), from a template when --template is given."""
    contract = pb.Contract(
        title=title,
        customer=values.resource("customers", customer),
        owner=values.user(owner),
        department=department,
        start_date=values.day(start, "--start"),
        end_date=values.day(end, "--end"),
        line_items=[_line_item(i) for i in item],
        payment_milestones=[_milestone(m) for m in milestone or []],
        payment_terms=payment_terms,
        breach_liability=breach_liability,
        dispute_resolution=values.choice(
            pb.Contract.DisputeResolution, "DISPUTE_RESOLUTION", dispute, "--dispute"
        ),
    )
    if kind:
        contract.kind = values.choice(pb.Contract.Kind, "KIND", kind, "--kind")
    elif not template:
        contract.kind = pb.Contract.KIND_PRODUCT_SALE
    given = values.pairs(blank or [], "--blank")
    if template:
        contract.template = values.resource("contractTemplates", template)
        found = _call(
            _stub().GetContractTemplate, pb.GetContractTemplateRequest(name=contract.template)
        )
        declared = {b.key: b for b in found.blanks}
        for key, text in given.items():
            if key not in declared:
                known = ", ".join(declared) or "none"
                raise typer.BadParameter(f"no blank {key!r} (known: {known})", param_hint="--blank")
            contract.blanks[key].CopyFrom(_blank(declared[key], text))
    elif given:
        raise typer.BadParameter("blanks need --template", param_hint="--blank")
    made = _call(
        _stub().CreateContract,
        pb.CreateContractRequest(contract=contract, request_id=request_id or str(uuid.uuid4())),
    )
    output.emit(made, _contract_view(made))


def _template_view(t: pb.ContractTemplate) -> Iterator[Any]:
    yield output.fields(
        f"{t.display_name} v{t.version}",
        [
            ("name", t.name),
            ("kind", output.enum_label(pb.Contract.Kind.Name(t.kind), "KIND")),
            ("published by", t.create_user),
        ],
    )
    yield output.rows(
        "空白项 (--blank KEY=VALUE)",
        ["key", "asks for", "type", "required", "choices"],
        (
            (
                b.key,
                b.display_name,
                output.enum_label(pb.TemplateBlank.Type.Name(b.type), "TYPE"),
                "yes" if b.required else "",
                "、".join(b.choices),
            )
            for b in t.blanks
        ),
    )
    yield "\n\n".join(t.clauses)


@app.command("template-create")
def template_create(
    path: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="the template as JSON (ContractTemplate fields)"
        ),
    ],
) -> None:
    """Publish a template to the template library (合同示范文本库) (legal)."""
    try:
        template = json_format.Parse(path.read_text(encoding="utf-8"), pb.ContractTemplate())
    except (json_format.ParseError, UnicodeDecodeError) as error:
        raise typer.BadParameter(f"{path}: {error}", param_hint="PATH") from None
    made = _call(
        _stub().CreateContractTemplate,
        pb.CreateContractTemplateRequest(contract_template=template),
    )
    output.emit(made, _template_view(made))


@app.command("template-show")
def template_show(
    name: Annotated[str, typer.Argument(help="contractTemplates/ID, or ...@VERSION")],
) -> None:
    """Show a template: its blanks (what --blank fills in) and clauses."""
    found = _call(
        _stub().GetContractTemplate,
        pb.GetContractTemplateRequest(name=values.resource("contractTemplates", name)),
    )
    output.emit(found, _template_view(found))


@app.command()
def show(name: Annotated[str, typer.Argument(help="contracts/ID or ID")]) -> None:
    """Show a contract: items, milestones, approval steps and text."""
    made = _call(_stub().GetContract, pb.GetContractRequest(name=_name(name)))
    output.emit(made, _contract_view(made))


@app.command()
def submit(name: Annotated[str, typer.Argument(help="contracts/ID")]) -> None:
    """Send a draft for approval (DRAFT -> PENDING_APPROVAL)."""
    made = _call(_stub().SubmitContract, pb.SubmitContractRequest(name=_name(name)))
    output.emit(made, _contract_view(made))


@app.command()
def approve(
    name: Annotated[str, typer.Argument(help="contracts/ID")],
    opinion: Annotated[str, typer.Option(help="审批意见")] = "同意",
) -> None:
    """Approve the step waiting for you; after the last one the contract is APPROVED."""
    made = _call(
        _stub().ApproveContract, pb.ApproveContractRequest(name=_name(name), opinion=opinion)
    )
    output.emit(made, _contract_view(made))


@app.command()
def reject(
    name: Annotated[str, typer.Argument(help="contracts/ID")],
    opinion: Annotated[str, typer.Option(help="why (required)")],
) -> None:
    """Reject the contract at the step waiting for you."""
    made = _call(
        _stub().RejectContract, pb.RejectContractRequest(name=_name(name), opinion=opinion)
    )
    output.emit(made, _contract_view(made))


@app.command()
def sign(
    name: Annotated[str, typer.Argument(help="contracts/ID")],
    party: Annotated[str, typer.Option(help="ours or customer")],
    signatory: Annotated[str, typer.Option(help="who signed for the party")],
    date: Annotated[str, typer.Option(help="YYYY-MM-DD; today when left out")] = "",
) -> None:
    """Record one party's signature; both signed makes the contract ACTIVE."""
    request = pb.SignContractRequest(
        name=_name(name),
        party=values.choice(pb.Signature.Party, "PARTY", party, "--party"),
        signatory=signatory,
    )
    if date:
        request.sign_date.CopyFrom(values.day(date, "--date"))
    made = _call(_stub().SignContract, request)
    output.emit(made, _contract_view(made))


@app.command()
def history(name: Annotated[str, typer.Argument(help="contracts/ID")]) -> None:
    """Every change of the contract: who, when, before and after."""
    entries: list[pb.HistoryEntry] = every_page(
        lambda token: _call(
            _stub().ListContractHistory,
            pb.ListContractHistoryRequest(name=_name(name), page_size=500, page_token=token),
        ),
        "entries",
    )
    answer = pb.ListContractHistoryResponse(entries=entries)
    output.emit(
        answer,
        [
            output.rows(
                f"{_name(name)} history",
                ["when", "action", "actor", "after"],
                (
                    (
                        output.moment(e.create_time, "%Y-%m-%d %H:%M:%S"),
                        e.action,
                        e.actor,
                        e.after_json,
                    )
                    for e in entries
                ),
            )
        ],
    )


def _progress() -> Progress:
    # On stderr so that --json output stays clean; only drawn on a terminal.
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not sys.stderr.isatty(),
    )


@app.command()
def upload(
    name: Annotated[str, typer.Argument(help="contracts/ID")],
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    kind: Annotated[
        str, typer.Option(help="original, scan, change_evidence, drawing or other")
    ] = "original",
    content_type: Annotated[str, typer.Option(help="guessed from the file name")] = "",
    filename: Annotated[str, typer.Option(help="the name to store; the file's by default")] = "",
    request_id: Annotated[str, typer.Option(help="idempotency key")] = "",
) -> None:
    """Upload a file of the contract (streamed, SHA-256 checked by the server)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    size = path.stat().st_size
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    meta = pb.DocumentUpload(
        parent=_name(name),
        kind=values.choice(pb.Document.Kind, "KIND", kind, "--kind"),
        filename=filename or path.name,
        content_type=content_type or guessed,
        sha256=digest.hexdigest(),
        request_id=request_id or str(uuid.uuid4()),
    )
    session = current()
    with _progress() as progress, path.open("rb") as f:
        task = progress.add_task(f"uploading {path.name}", total=size)

        def messages() -> Iterator[pb.UploadDocumentRequest]:
            yield pb.UploadDocumentRequest(upload=meta)
            for block in iter(lambda: f.read(CHUNK), b""):
                yield pb.UploadDocumentRequest(chunk=block)
                progress.advance(task, len(block))

        with rpc_failures("contract"):
            document = _stub().UploadDocument(messages(), metadata=session.metadata())
    output.emit(document, [_document_table([document])])


def _document_table(documents: list[pb.Document]) -> Any:
    return output.rows(
        "合同文件",
        ["document", "kind", "filename", "bytes", "sha256"],
        (
            (
                d.name,
                output.enum_label(pb.Document.Kind.Name(d.kind), "KIND"),
                d.filename,
                f"{d.size_bytes:,}",
                d.sha256[:12],
            )
            for d in documents
        ),
    )


def _documents(parent: str) -> list[pb.Document]:
    return every_page(
        lambda token: _call(
            _stub().ListDocuments,
            pb.ListDocumentsRequest(parent=parent, page_size=500, page_token=token),
        ),
        "documents",
    )


@app.command()
def documents(name: Annotated[str, typer.Argument(help="contracts/ID")]) -> None:
    """List the files of a contract."""
    found = _documents(_name(name))
    output.emit(pb.ListDocumentsResponse(documents=found), [_document_table(found)])


@app.command()
def download(
    document: Annotated[str, typer.Argument(help="contracts/ID/documents/ID")],
    output_path: Annotated[
        Path | None, typer.Option("--output", "-o", help="file to write; the stored name")
    ] = None,
) -> None:
    """Download a file of a contract, checking its SHA-256."""
    parent, _, _ = document.partition("/documents/")
    if not parent.startswith("contracts/"):
        fail("the document must be named contracts/ID/documents/ID", INVALID_ARGUMENT)
    meta = next((d for d in _documents(parent) if d.name == document), None)
    if meta is None:
        fail(f"NOT_FOUND: no document {document}", NOT_FOUND)
    # The stored name is whatever the uploader gave: only its last part, never a path.
    stored = Path(meta.filename).name
    target = output_path or Path(
        stored if stored not in ("", ".", "..") else meta.name.split("/")[-1]
    )
    part_file = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    session = current()
    try:
        out = part_file.open("wb")
    except OSError as error:
        fail(f"cannot write {part_file}: {error.strerror}")
    with _progress() as progress, out as f:
        task = progress.add_task(f"downloading {meta.filename}", total=meta.size_bytes)
        try:
            with rpc_failures("contract"):
                for reply in _stub().DownloadDocument(
                    pb.DownloadDocumentRequest(name=document), metadata=session.metadata()
                ):
                    f.write(reply.chunk)
                    digest.update(reply.chunk)
                    progress.advance(task, len(reply.chunk))
        except SystemExit:
            part_file.unlink(missing_ok=True)
            raise
    if digest.hexdigest() != meta.sha256:
        part_file.unlink(missing_ok=True)
        fail(f"the download of {document} does not match its SHA-256; nothing written")
    os.replace(part_file, target)
    result = {"document": document, "path": str(target), "size_bytes": meta.size_bytes,
              "sha256": meta.sha256}  # fmt: skip
    output.emit(result, [f"{document} -> {target} ({meta.size_bytes:,} bytes, SHA-256 ok)"])
