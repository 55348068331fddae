"""Drafting from the template library over gRPC: versions, typed blanks, masking."""

from __future__ import annotations

from datetime import date

from google.protobuf import field_mask_pb2

from callops.contract.v1 import contract_pb2 as pb
from tests.contract_fixtures import ContractCaller
from tests.e2e.helpers import DENIED, INVALID, NOT_FOUND, UNKNOWN_ID, cny, day, expect
from tests.e2e.test_contract_flows import draft, new_customer

B = pb.TemplateBlank
LEGAL = ("legal",)


def template(
    clause: str = "乙方应于{{delivery_date}}前交货，货款{{price}}。",
) -> pb.ContractTemplate:
    return pb.ContractTemplate(
        display_name="产品销售合同（示范文本）",
        kind=pb.Contract.KIND_PRODUCT_SALE,
        clauses=[clause, "争议提交{{court}}。"],
        blanks=[
            B(key="delivery_date", display_name="交货日期", type=B.TYPE_DATE, required=True),
            B(key="price", display_name="货款", type=B.TYPE_MONEY, required=True),
            B(key="court", type=B.TYPE_CHOICE, required=True, choices=["上海仲裁委员会"]),
        ],
    )


def blanks() -> dict[str, pb.BlankValue]:
    return {
        "delivery_date": pb.BlankValue(date=day(date(2026, 12, 31))),
        "price": pb.BlankValue(money=cny(10000)),
        "court": pb.BlankValue(choice="上海仲裁委员会"),
    }


async def published(c: ContractCaller) -> pb.ContractTemplate:
    return await c.stub.CreateContractTemplate(
        pb.CreateContractTemplateRequest(contract_template=template()), metadata=c.as_(*LEGAL)
    )


async def test_templates_are_versioned(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    v1 = await published(c)
    assert v1.version == 1 and v1.create_user == "users/zhang.san"
    revised = template("乙方最迟于{{delivery_date}}交货，货款{{price}}。")
    revised.name = v1.name
    v2 = await c.stub.ReviseContractTemplate(
        pb.ReviseContractTemplateRequest(contract_template=revised), metadata=c.as_(*LEGAL)
    )
    assert v2.version == 2
    newest = await c.stub.GetContractTemplate(
        pb.GetContractTemplateRequest(name=v1.name), metadata=c.as_("sales")
    )
    old = await c.stub.GetContractTemplate(
        pb.GetContractTemplateRequest(name=f"{v1.name}@1"), metadata=c.as_("sales")
    )
    assert (newest.version, old.version) == (2, 1)
    assert old.clauses[0].startswith("乙方应于")
    await expect(
        c.stub.GetContractTemplate(
            pb.GetContractTemplateRequest(name=f"{v1.name}@9"), metadata=c.as_("sales")
        ),
        NOT_FOUND,
    )
    await expect(
        c.stub.GetContractTemplate(
            pb.GetContractTemplateRequest(name=f"{v1.name}@x"), metadata=c.as_("sales")
        ),
        INVALID,
        "name",
    )
    # A digit to str.isdigit() that int() refuses: still INVALID_ARGUMENT, not INTERNAL.
    await expect(
        c.stub.GetContractTemplate(
            pb.GetContractTemplateRequest(name=f"{v1.name}@²"), metadata=c.as_("sales")
        ),
        INVALID,
        "name",
    )


async def test_only_template_keepers_publish(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    await expect(
        c.stub.CreateContractTemplate(
            pb.CreateContractTemplateRequest(contract_template=template()), metadata=c.as_("sales")
        ),
        DENIED,
    )
    await expect(
        c.stub.CreateContractTemplate(
            pb.CreateContractTemplateRequest(contract_template=template("{{nope}}")),
            metadata=c.as_(*LEGAL),
        ),
        INVALID,
        "contract_template.clauses[0]",
    )


async def test_a_contract_from_a_template_fills_its_blanks(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    t = await published(c)
    msg = draft(await new_customer(c), template=t.name)
    msg.kind = pb.Contract.KIND_UNSPECIFIED  # taken from the template
    for key, value in blanks().items():
        msg.blanks[key].CopyFrom(value)
    made = await c.stub.CreateContract(
        pb.CreateContractRequest(contract=msg), metadata=c.as_("sales")
    )
    assert made.template == t.name and made.template_version == 1
    assert made.kind == pb.Contract.KIND_PRODUCT_SALE
    assert made.rendered_text == (
        "乙方应于2026年12月31日前交货，货款人民币10,000.00元。\n\n争议提交上海仲裁委员会。"
    )
    assert made.blanks["price"].money.units == 10000
    seen = await c.stub.GetContract(
        pb.GetContractRequest(name=made.name), metadata=c.as_("supervisor")
    )
    assert "10,000" not in seen.rendered_text and "****" in seen.rendered_text
    assert "price" not in seen.blanks and seen.blanks["court"].choice == "上海仲裁委员会"
    # A change of the text while pending restarts the approval.
    await c.stub.SubmitContract(pb.SubmitContractRequest(name=made.name), metadata=c.as_("sales"))
    await c.stub.ApproveContract(
        pb.ApproveContractRequest(name=made.name, opinion="同意"), metadata=c.as_("supervisor")
    )
    change = pb.Contract(name=made.name)
    for key, value in (blanks() | {"court": pb.BlankValue(choice="上海仲裁委员会")}).items():
        change.blanks[key].CopyFrom(value)
    change.blanks["delivery_date"].date.month = 10
    updated = await c.stub.UpdateContract(
        pb.UpdateContractRequest(
            contract=change, update_mask=field_mask_pb2.FieldMask(paths=["blanks"])
        ),
        metadata=c.as_("sales"),
    )
    assert updated.rendered_text.startswith("乙方应于2026年10月31日前交货")
    assert updated.current_approval_step == 0 and len(updated.approval_decisions) == 1


async def test_missing_and_ill_typed_blanks_are_named(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    t = await published(c)
    msg = draft(await new_customer(c), template=t.name)
    values = blanks()
    del values["delivery_date"]
    values["price"] = pb.BlankValue(text="一万元")
    values["extra"] = pb.BlankValue(text="多余")
    for key, value in values.items():
        msg.blanks[key].CopyFrom(value)
    failure = await expect(
        c.stub.CreateContract(pb.CreateContractRequest(contract=msg), metadata=c.as_("sales")),
        INVALID,
    )
    assert set(failure.fields) == {
        'contract.blanks["delivery_date"]',
        'contract.blanks["price"]',
        'contract.blanks["extra"]',
    }
    msg.template = f"contractTemplates/{UNKNOWN_ID}"
    await expect(
        c.stub.CreateContract(pb.CreateContractRequest(contract=msg), metadata=c.as_("sales")),
        NOT_FOUND,
    )
