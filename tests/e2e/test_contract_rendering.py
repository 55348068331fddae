"""RenderContract and RenderApprovalSheet over a real gRPC channel (the customer's name from
the real customer service): DOCX and PDF parsed back, amounts and personal names masked per
role, bad input and a never submitted contract refused."""

from __future__ import annotations

from typing import Any

from callops.contract.v1 import contract_pb2 as pb
from callops.customer.v1 import customer_pb2 as cpb
from tests.contract_fixtures import ContractCaller
from tests.e2e.helpers import DENIED, FAILED, INVALID, NOT_FOUND, UNKNOWN_ID, customer, expect
from tests.e2e.test_contract_flows import approve_all, draft
from tests.unit.test_contract_rendering import docx_text, pdf_text

SALES = ("sales",)
F = pb.RenderedFile
READERS = {F.FORMAT_DOCX: docx_text, F.FORMAT_PDF: pdf_text}


async def individual_contract(c: ContractCaller) -> pb.Contract:
    person = await c.customers.CreateCustomer(
        cpb.CreateCustomerRequest(customer=customer("张三丰", kind=cpb.Customer.KIND_INDIVIDUAL)),
        metadata=c.as_(*SALES),
    )
    return await c.stub.CreateContract(
        pb.CreateContractRequest(contract=draft(person.name)), metadata=c.as_(*SALES)
    )


async def fetch(call: Any) -> tuple[str, str, bytes]:
    messages = [m async for m in call]
    return messages[0].filename, messages[0].content_type, b"".join(m.chunk for m in messages)


def render(c: ContractCaller, name: str, fmt: int, *roles: str, sheet: bool = False) -> Any:
    method = c.stub.RenderApprovalSheet if sheet else c.stub.RenderContract
    request = (pb.RenderApprovalSheetRequest if sheet else pb.RenderContractRequest)(
        name=name, format=fmt
    )
    return method(request, metadata=c.as_(*(roles or SALES), user="reader"))


async def test_the_contract_as_docx_and_pdf_masked_per_role(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await individual_contract(c)
    for fmt, read in READERS.items():
        filename, media_type, data = await fetch(render(c, contract.name, fmt))
        ext = "docx" if fmt == F.FORMAT_DOCX else "pdf"
        assert filename == f"{contract.number}.{ext}"
        assert media_type.endswith("pdf" if ext == "pdf" else "wordprocessingml.document")
        text = read(data)
        # Sales see amounts and personal names.
        for expected in (
            "服务器采购合同",
            contract.number,
            "张三丰",
            "¥10,000.00",
            "逾期每日万分之五",
        ):
            assert expected in text, (fmt, expected)
        # Legal sees amounts, not the person's name; a supervisor the name, not amounts.
        legal = read((await fetch(render(c, contract.name, fmt, "legal")))[2])
        assert "张*丰" in legal and "张三丰" not in legal and "¥10,000.00" in legal
        supervisor = read((await fetch(render(c, contract.name, fmt, "supervisor")))[2])
        assert "张三丰" in supervisor and "¥" not in supervisor and "服务器" in supervisor


async def test_the_approval_sheet(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await individual_contract(c)
    await expect(
        fetch(render(c, contract.name, F.FORMAT_PDF, sheet=True)), FAILED, reason="NOT_SUBMITTED"
    )
    contract = await approve_all(c, contract)
    for fmt, read in READERS.items():
        filename, _, data = await fetch(render(c, contract.name, fmt, sheet=True))
        assert filename.startswith(f"{contract.number}-审批单")
        text = read(data)
        assert "合同审批单" in text and "¥10,000.00" in text
        for step in contract.approval_steps:
            assert step.display_name in text and f"{step.opinion}" in text
            assert step.decided_by.removeprefix("users/") in text
        masked = read((await fetch(render(c, contract.name, fmt, "supervisor", sheet=True)))[2])
        assert "¥" not in masked and "合同审批单" in masked


async def test_rights_and_bad_input(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await individual_contract(c)
    await expect(fetch(render(c, contract.name, F.FORMAT_PDF, "agent")), DENIED)
    await expect(fetch(render(c, contract.name, F.FORMAT_PDF, "agent", sheet=True)), DENIED)
    await expect(fetch(render(c, contract.name, F.FORMAT_UNSPECIFIED)), INVALID, "format")
    await expect(fetch(render(c, contract.name, 9)), INVALID, "format")
    await expect(fetch(render(c, "contract/x", F.FORMAT_PDF)), INVALID, "name")
    await expect(fetch(render(c, f"contracts/{UNKNOWN_ID}", F.FORMAT_DOCX)), NOT_FOUND)
