"""Use cases on amendments (合同变更): propose, decide, and read the versions they produce."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from services.common.auth import Principal
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, Violations
from services.contract.adapters.uow import ContractUnitOfWork
from services.contract.domain import model
from services.contract.domain.amendment import (
    AMENDABLE_FIELDS,
    Amendment,
    ContractVersion,
    apply_changes,
    diff_versions,
    keep_milestones,
    snapshot_values,
)
from services.contract.domain.approval import ApprovalChain, chain_for
from services.contract.domain.events import ContractAmended
from services.contract.service_layer.contracts import (
    REQUEST_ID,
    Deps,
    _emit_figures,
    _may_manage,
)

MAX_TEXT = 2000


def _key(actor: Principal, request_id: str) -> str:
    return f"AmendContract:{actor.user_id}:{request_id}"


def _versions(uow: ContractUnitOfWork, contract: model.Contract) -> list[ContractVersion]:
    """Every version; before the first amendment the contract as it is is version 1."""
    stored = uow.amendments.versions(contract.id)
    if stored:
        return stored
    return [
        ContractVersion(
            contract.id, 1, contract.snapshot(), None, contract.owner, contract.created_at
        )
    ]


def amend_contract(
    uow: ContractUnitOfWork,
    deps: Deps,
    actor: Principal,
    contract_id: str,
    values: dict[str, Any],
    mask: list[str],
    etag: str,
    reason: str,
    impact: str,
    evidence: list[tuple[str, str]],
    request_id: str = "",
    expected_total: Decimal | None = None,
) -> Amendment:
    v = Violations()
    if not mask:
        v.add("update_mask", "required: name the fields to change")
    for path in mask:
        if path not in AMENDABLE_FIELDS:
            v.add(
                "update_mask",
                f"{path} cannot be amended; amendable: " + ", ".join(sorted(AMENDABLE_FIELDS)),
            )
    if not reason.strip() or len(reason) > MAX_TEXT:
        v.add("reason", f"required, at most {MAX_TEXT} characters")
    if not impact.strip() or len(impact) > MAX_TEXT:
        v.add("impact", f"required, at most {MAX_TEXT} characters")
    for i, (cid, _) in enumerate(evidence):
        if cid != contract_id:
            v.add(f"evidence_documents[{i}]", "must be a document of this contract")
    if request_id and not REQUEST_ID.match(request_id):
        v.add("request_id", "letters, digits and _.:- only, at most 100")
    masked = {k: values[k] for k in mask if k in values}
    checked = model.validate_fields(v, "contract", masked)
    refs = _milestone_refs(v, contract_id, masked)
    v.raise_if_any()
    with uow:
        if request_id and (earlier := uow.created_before(_key(actor, request_id))):
            _, cid, _, aid = earlier.split("/")
            return uow.amendments.get(cid, aid)
        contract = uow.contracts.get(contract_id)
        contract.check_etag(etag)
        _may_manage(actor, contract)
        if contract.state not in model.IN_FORCE:
            raise FailedPrecondition(
                f"only a contract in force can be amended, not one in state {contract.state.name}",
                reason="CONTRACT_NOT_IN_FORCE",
                metadata={"state": contract.state.name},
            )
        if (pending := uow.amendments.pending_of(contract.id)) is not None:
            raise FailedPrecondition(
                "another amendment of this contract is waiting for approval",
                reason="AMENDMENT_PENDING",
                metadata={"amendment": pending.resource_name},
            )
        for i, (cid, did) in enumerate(evidence):
            try:
                uow.documents.get(cid, did)
            except NotFound:
                raise InvalidArgument.of(
                    f"evidence_documents[{i}]", "no such document of this contract"
                ) from None
        v = Violations()
        keep_milestones(v, "contract", contract, checked, refs)
        v.raise_if_any()
        proposed_values = snapshot_values(checked)
        proposed = copy.deepcopy(contract)
        apply_changes(proposed, proposed_values, "contract")
        if expected_total is not None and expected_total != proposed.total_amount:
            raise InvalidArgument.of(
                "contract.total_amount",
                f"the line items add up to {proposed.total_amount}, not {expected_total}",
                reason="TOTAL_MISMATCH",
            )
        before, after = contract.snapshot(), proposed.snapshot()
        changes = {k: val for k, val in proposed_values.items() if after[k] != before[k]}
        if not changes:
            raise InvalidArgument.of("update_mask", "the amendment changes nothing")
        chain = ApprovalChain()
        # The larger of the old and the new total picks the chain: a change cannot lower
        # who must approve it.
        amount = max(contract.total_amount, proposed.total_amount)
        chain.start(
            chain_for(deps.rules, contract.kind, amount, contract.department),
            contract.department,
        )
        amendment = Amendment(
            id=model.new_id(),
            contract_id=contract.id,
            reason=reason.strip(),
            impact=impact.strip(),
            evidence=[f"contracts/{c}/documents/{d}" for c, d in evidence],
            changes=changes,
            base_version=len(_versions(uow, contract)),
            created_by=actor.user_name,
            created_at=deps.clock(),
            approval=chain,
        )
        uow.amendments.add(amendment)
        uow.record_history(
            contract.id,
            "amendment_proposed",
            actor.user_name,
            {k: before[k] for k in changes},
            {**changes, "amendment": amendment.resource_name, "reason": amendment.reason},
        )
        if request_id:
            uow.remember_created(_key(actor, request_id), amendment.resource_name)
        uow.commit()
        return amendment


def _milestone_refs(
    v: Violations, contract_id: str, values: dict[str, Any]
) -> dict[str, list[str]]:
    """The existing milestones the proposed ones name: the id, or "" for a new one."""
    refs: dict[str, list[str]] = {}
    for i, raw in enumerate(values.get("payment_milestones", [])):
        ref = raw.get("ref")
        if ref is not None and ref[0] != contract_id:
            v.add(f"contract.payment_milestones[{i}].name", "a milestone of another contract")
        refs.setdefault("payment_milestones", []).append(ref[1] if ref else "")
    refs["delivery_milestones"] = [
        raw.get("ref") or "" for raw in values.get("delivery_milestones", [])
    ]
    return refs


def _apply(contract: model.Contract, changes: dict[str, Any]) -> None:
    try:
        apply_changes(contract, changes, "contract")
    except InvalidArgument as exc:
        # Fine when proposed; the contract moved on since (a payment, a completion).
        raise FailedPrecondition(
            "the amendment no longer fits the contract: "
            + "; ".join(f"{x.field}: {x.description}" for x in exc.violations),
            reason="AMENDMENT_OUTDATED",
        ) from None


def decide_amendment(
    uow: ContractUnitOfWork,
    deps: Deps,
    actor: Principal,
    contract_id: str,
    amendment_id: str,
    approved: bool,
    opinion: str,
) -> Amendment:
    """Decides the current step; the last approval applies the change as a new version."""
    if len(opinion) > MAX_TEXT:
        raise InvalidArgument.of("opinion", f"at most {MAX_TEXT} characters")
    if not approved and not opinion.strip():
        raise InvalidArgument.of("opinion", "required: say why the amendment is rejected")
    now = deps.clock()
    with uow:
        amendment = uow.amendments.get(contract_id, amendment_id)
        final, decided = amendment.decide(
            approved, actor.user_name, actor.roles, actor.department, opinion, now
        )
        step = decided.display_name
        action = "amendment_approved" if approved else "amendment_rejected"
        detail: dict[str, Any] = {"amendment": amendment.resource_name, "step": step}
        if final:
            contract = uow.contracts.get(contract_id)
            if contract.state not in model.IN_FORCE:
                raise FailedPrecondition(
                    f"the contract is {contract.state.name} now, no longer in force",
                    reason="CONTRACT_NOT_IN_FORCE",
                    metadata={"state": contract.state.name},
                )
            versions = _versions(uow, contract)
            if not uow.amendments.versions(contract.id):
                uow.amendments.add_version(versions[0])  # the original, kept for good
            before = contract.snapshot()
            _apply(contract, amendment.changes)
            contract.updated_at = now
            amendment.result_version = len(versions) + 1
            uow.amendments.add_version(
                ContractVersion(
                    contract.id,
                    amendment.result_version,
                    contract.snapshot(),
                    amendment.id,
                    actor.user_name,
                    now,
                )
            )
            uow.emit(
                ContractAmended(
                    contract=contract.resource_name,
                    amendment=amendment.resource_name,
                    version=amendment.result_version,
                    fields=sorted(amendment.changes),
                )
            )
            if {"line_items", "payment_milestones"} & set(amendment.changes):
                _emit_figures(uow, deps, contract)  # signed amount, overdue days
            uow.record_history(
                contract.id,
                "amended",
                actor.user_name,
                {k: before[k] for k in amendment.changes},
                {**amendment.changes, "version": amendment.result_version},
            )
        uow.amendments.update(amendment)
        uow.record_history(contract_id, action, actor.user_name, {}, detail | {"opinion": opinion})
        uow.commit()
        return amendment


def list_versions(uow: ContractUnitOfWork, contract_id: str) -> list[ContractVersion]:
    with uow:
        return _versions(uow, uow.contracts.get(contract_id))


def diff(
    uow: ContractUnitOfWork, contract_id: str, older: int, newer: int
) -> tuple[list[tuple[str, Any, Any]], str]:
    versions = {v.version: v for v in list_versions(uow, contract_id)}
    v = Violations()
    for field, number in (("from_version", older), ("to_version", newer)):
        if number not in versions:
            v.add(field, f"no such version; the contract has 1 to {len(versions)}")
    v.raise_if_any()
    return diff_versions(versions[older].values, versions[newer].values)
