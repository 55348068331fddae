"""Amendments (合同变更) over gRPC: proposed on a contract in force with reason, impact and
evidence, approved through the chain, applied as a new version; versions and their diff."""

from __future__ import annotations

import json
from datetime import date

import grpc
from google.protobuf import field_mask_pb2

from callops.contract.v1 import contract_pb2 as pb
from tests.contract_fixtures import ContractCaller
from tests.e2e.helpers import DENIED, FAILED, INVALID, day, expect, outbox
from tests.e2e.test_contract_documents import upload
from tests.e2e.test_contract_flows import approve_all, create, sign_both

SALES = ("sales",)
APPROVERS = {"supervisor": "zhu.guan", "legal": "fa.wu", "admin": "zong.jing.li"}


async def active(c: ContractCaller) -> pb.Contract:
    return await sign_both(c, await approve_all(c, await create(c)))


def amend_request(
    contract: pb.Contract, evidence: list[str] | None = None, **fields: object
) -> pb.AmendContractRequest:
    change = pb.Contract(
        name=contract.name,
        etag=contract.etag,
        end_date=day(date(2028, 11, 30)),
        payment_terms="预付30%，验收后付60%，质保期满付10%",
    )
    request = pb.AmendContractRequest(
        contract=change,
        update_mask=field_mask_pb2.FieldMask(paths=["end_date", "payment_terms"]),
        reason="客户要求延长服务期一年",
        impact="合同期限延长至2028年11月30日；付款比例调整",
        evidence_documents=evidence or [],
    )
    for key, value in fields.items():
        setattr(request, key, value)
    return request


async def decide_all(c: ContractCaller, amendment: pb.ContractAmendment) -> pb.ContractAmendment:
    while amendment.state == pb.ContractAmendment.STATE_PENDING_APPROVAL:
        role = amendment.approval_steps[amendment.current_approval_step].approver_role
        amendment = await c.stub.ApproveContractAmendment(
            pb.ApproveContractAmendmentRequest(name=amendment.name, opinion=f"{role} 同意"),
            metadata=c.as_(role, user=APPROVERS[role]),
        )
    return amendment


async def test_an_approved_amendment_becomes_version_2(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await active(c)
    evidence = await upload(
        c, contract.name, "补充协议".encode(), kind=pb.Document.KIND_CHANGE_EVIDENCE
    )
    amendment = await c.stub.AmendContract(
        amend_request(contract, [evidence.name]), metadata=c.as_(*SALES)
    )
    assert amendment.state == pb.ContractAmendment.STATE_PENDING_APPROVAL
    assert amendment.base_version == 1 and list(amendment.evidence_documents) == [evidence.name]
    assert json.loads(amendment.changes_json)["end_date"] == "2028-11-30"
    # Nothing changes before the approval.
    unchanged = await c.stub.GetContract(
        pb.GetContractRequest(name=contract.name), metadata=c.as_(*SALES)
    )
    assert unchanged.end_date.year == 2027
    # One at a time.
    await expect(
        c.stub.AmendContract(amend_request(unchanged), metadata=c.as_(*SALES)),
        FAILED,
        reason="AMENDMENT_PENDING",
    )
    # Sales cannot approve; the chain's approvers do.
    await expect(
        c.stub.ApproveContractAmendment(
            pb.ApproveContractAmendmentRequest(name=amendment.name), metadata=c.as_(*SALES)
        ),
        DENIED,
    )
    amendment = await decide_all(c, amendment)
    assert amendment.state == pb.ContractAmendment.STATE_APPROVED
    assert amendment.result_version == 2
    assert [p for t, p in outbox(c.app) if t == "contract.ContractAmended"] == [
        {
            "contract": contract.name,
            "amendment": amendment.name,
            "version": 2,
            "fields": ["end_date", "payment_terms"],
        }
    ]
    amended = await c.stub.GetContract(
        pb.GetContractRequest(name=contract.name), metadata=c.as_(*SALES)
    )
    assert amended.state == pb.Contract.STATE_ACTIVE
    assert amended.end_date.year == 2028
    assert amended.payment_terms == "预付30%，验收后付60%，质保期满付10%"

    versions = await c.stub.ListContractVersions(
        pb.ListContractVersionsRequest(name=contract.name), metadata=c.as_(*SALES)
    )
    assert [v.name for v in versions.versions] == [f"{contract.name}@1", f"{contract.name}@2"]
    assert json.loads(versions.versions[0].values_json)["end_date"] == "2027-11-30"
    assert versions.versions[1].amendment == amendment.name
    assert "total_amount" in json.loads(versions.versions[0].values_json)

    diff = await c.stub.DiffContractVersions(
        pb.DiffContractVersionsRequest(name=contract.name, from_version=1, to_version=2),
        metadata=c.as_(*SALES),
    )
    assert {f.field: json.loads(f.after_json) for f in diff.fields} == {
        "end_date": "2028-11-30",
        "payment_terms": "预付30%，验收后付60%，质保期满付10%",
    }
    assert "-预付30%，验收后付70%" in diff.text_diff
    assert "+预付30%，验收后付60%，质保期满付10%" in diff.text_diff

    # A supervisor reads versions without amounts.
    masked = await c.stub.ListContractVersions(
        pb.ListContractVersionsRequest(name=contract.name),
        metadata=c.as_("supervisor", user="zhu.guan"),
    )
    assert "total_amount" not in json.loads(masked.versions[0].values_json)


async def test_a_rejected_amendment_changes_nothing(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    contract = await active(c)
    amendment = await c.stub.AmendContract(amend_request(contract), metadata=c.as_(*SALES))
    await expect(
        c.stub.RejectContractAmendment(
            pb.RejectContractAmendmentRequest(name=amendment.name),
            metadata=c.as_("supervisor", user="zhu.guan"),
        ),
        INVALID,
        "opinion",
    )
    rejected = await c.stub.RejectContractAmendment(
        pb.RejectContractAmendmentRequest(name=amendment.name, opinion="依据不足"),
        metadata=c.as_("supervisor", user="zhu.guan"),
    )
    assert rejected.state == pb.ContractAmendment.STATE_REJECTED
    await expect(
        c.stub.ApproveContractAmendment(
            pb.ApproveContractAmendmentRequest(name=amendment.name),
            metadata=c.as_("legal", user="fa.wu"),
        ),
        FAILED,
    )
    versions = await c.stub.ListContractVersions(
        pb.ListContractVersionsRequest(name=contract.name), metadata=c.as_(*SALES)
    )
    assert [v.version for v in versions.versions] == [1]
    # Once rejected, another amendment may be proposed.
    again = await c.stub.AmendContract(amend_request(contract), metadata=c.as_(*SALES))
    assert again.state == pb.ContractAmendment.STATE_PENDING_APPROVAL


async def test_bad_amendments(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    draft = await create(c)
    await expect(
        c.stub.AmendContract(amend_request(draft), metadata=c.as_(*SALES)),
        FAILED,
        reason="CONTRACT_NOT_IN_FORCE",
    )
    contract = await active(c)
    bad_mask = amend_request(contract)
    bad_mask.update_mask.paths.append("owner")  # not amendable: the contract keeps its owner
    await expect(c.stub.AmendContract(bad_mask, metadata=c.as_(*SALES)), INVALID, "update_mask")
    await expect(
        c.stub.AmendContract(amend_request(contract, reason=""), metadata=c.as_(*SALES)),
        INVALID,
        "reason",
    )
    await expect(
        c.stub.AmendContract(
            amend_request(contract, [f"{contract.name}/documents/{'0' * 32}"]),
            metadata=c.as_(*SALES),
        ),
        INVALID,
        "evidence_documents[0]",
    )
    early = amend_request(contract)
    early.contract.end_date.CopyFrom(day(date(2026, 1, 1)))
    await expect(c.stub.AmendContract(early, metadata=c.as_(*SALES)), INVALID, "contract.end_date")
    await expect(
        c.stub.AmendContract(amend_request(contract), metadata=c.as_("legal", user="fa.wu")),
        DENIED,
    )
    await expect(
        c.stub.DiffContractVersions(
            pb.DiffContractVersionsRequest(name=contract.name, from_version=1, to_version=3),
            metadata=c.as_(*SALES),
        ),
        INVALID,
        "to_version",
    )
    await expect(
        c.stub.ListContractVersions(
            pb.ListContractVersionsRequest(name=contract.name), metadata=c.as_("agent")
        ),
        DENIED,
    )
    await expect(
        c.stub.ApproveContractAmendment(
            pb.ApproveContractAmendmentRequest(name=f"{contract.name}/amendments/{'0' * 32}"),
            metadata=c.as_("supervisor", user="zhu.guan"),
        ),
        grpc.StatusCode.NOT_FOUND,
    )
