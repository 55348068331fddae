"""Use cases on contracts: draft, approve, sign, pay, renew, terminate, archive, history."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from services.common.auth import Principal
from services.common.errors import InvalidArgument, PermissionDenied, Violations
from services.contract.adapters.customer_client import CustomerDirectory
from services.contract.adapters.repository import customers_with_contracts
from services.contract.adapters.uow import ContractUnitOfWork
from services.contract.domain import model
from services.contract.domain.approval import ApprovalRule, ContractKind
from services.contract.domain.template import Blank, BlankValue, ContractTemplate, validate_template

REQUEST_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
SIGNED_STATES = [s.name for s in model.SIGNED]


@dataclass(frozen=True)
class Deps:
    """What the use cases need besides the unit of work."""

    rules: tuple[ApprovalRule, ...]
    customers: CustomerDirectory
    timezone: str
    clock: Callable[[], datetime]
    expiry_warning_days: int = 30
    # Our side of every contract (乙方) in rendered documents.
    company_name: str = "本公司"

    def today(self) -> date:
        return self.clock().astimezone(ZoneInfo(self.timezone)).date()


def _may_manage(actor: Principal, contract: model.Contract) -> None:
    """Sales manage their own contracts; supervisors and admins manage everyone's."""
    if contract.owner == actor.user_name or actor.roles & {"supervisor", "admin"}:
        return
    raise PermissionDenied(
        f"{contract.owner}'s contracts are not yours to change",
        reason="NOT_CONTRACT_OWNER",
        metadata={"owner": contract.owner},
    )


def _check_request_id(v: Violations, request_id: str) -> None:
    if request_id and not REQUEST_ID.match(request_id):
        v.add("request_id", "letters, digits and _.:- only, at most 100")


def _emit_figures(uow: ContractUnitOfWork, deps: Deps, contract: model.Contract) -> None:
    """The customer's figures from all its signed contracts, this one as it is now."""
    others = [
        c
        for c in uow.contracts.of_customer(contract.customer_id, SIGNED_STATES)
        if c.id != contract.id
    ]
    uow.report_figures(model.customer_figures(contract.customer, [*others, contract], deps.today()))


def create_contract(
    uow: ContractUnitOfWork,
    deps: Deps,
    actor: Principal,
    values: dict[str, Any],
    request_id: str = "",
) -> model.Contract:
    v = Violations()
    values = dict(values)
    defaults: dict[str, Any] = {"title": "", "kind": ContractKind.UNSPECIFIED, "owner": ""}
    defaults |= {"start_date": None, "end_date": None, "line_items": []}
    template_id: str | None = values.get("template_id")
    blanks: dict[str, BlankValue] = values.get("blanks") or {}
    if template_id and values.get("kind") is ContractKind.UNSPECIFIED:
        values.pop("kind")  # taken from the template below
        defaults.pop("kind")
    checked = model.validate_fields(v, "contract", defaults | values)
    if blanks and not template_id:
        v.add("contract.blanks", "blanks are filled in only with a template")
    customer_id = values.get("customer_id")
    if not customer_id:
        v.add("contract.customer", "required, a name like customers/<id>")
    _check_request_id(v, request_id)
    v.raise_if_any()
    assert customer_id is not None
    now = deps.clock()
    with uow:
        key = f"CreateContract:{actor.user_id}:{request_id}"
        if request_id and (earlier := uow.created_before(key)):
            return uow.contracts.get(earlier.split("/", 1)[1])
    # A remote call: outside any transaction.
    deps.customers.check_exists(f"customers/{customer_id}", "contract.customer")
    with uow:
        if template_id:
            template = uow.templates.get(template_id)
            checked.setdefault("kind", template.kind)
            if checked["kind"] is not template.kind:
                raise InvalidArgument.of(
                    "contract.kind", f"the template drafts {template.kind.name} contracts"
                )
            text, masked = template.fill(blanks, "contract.blanks")
            checked |= {
                "template_id": template.id,
                "template_version": template.version,
                "blanks": blanks,
                "rendered_text": text,
                "rendered_text_masked": masked,
            }
        contract = model.Contract(
            id=model.new_id(),
            number="",  # taken last, below
            customer_id=customer_id,
            created_at=now,
            updated_at=now,
            **checked,
        )
        model.check_consistency(contract, "contract")
        given_total: Decimal | None = values.get("total_amount")
        if given_total is not None and given_total != contract.total_amount:
            raise InvalidArgument.of(
                "contract.total_amount",
                f"the line items add up to {contract.total_amount}, not {given_total}",
                reason="TOTAL_MISMATCH",
            )
        # The number is the first write: from it to the commit this transaction holds the
        # database's write lock (the one writer on SQLite), so everything that can be
        # checked or refused is done before.
        contract.number = uow.next_contract_number(deps.today().year)
        uow.contracts.add(contract)
        uow.record_history(contract.id, "created", actor.user_name, {}, contract.snapshot())
        if request_id:
            uow.remember_created(key, contract.resource_name)
        uow.commit()
        return contract


def get_contract(uow: ContractUnitOfWork, contract_id: str) -> model.Contract:
    with uow:
        return uow.contracts.get(contract_id)


def list_contracts(
    uow: ContractUnitOfWork,
    terms: dict[str, Any],
    sort: str,
    descending: bool,
    after: dict[str, Any] | None,
    limit: int,
) -> list[model.Contract]:
    with uow:
        return uow.contracts.find(terms, sort, descending, after, limit)


def update_contract(
    uow: ContractUnitOfWork,
    deps: Deps,
    actor: Principal,
    contract_id: str,
    values: dict[str, Any],
    mask: list[str],
    etag: str,
) -> model.Contract:
    v = Violations()
    if not mask:
        v.add("update_mask", "required: name the fields to change")
    for path in mask:
        if path not in model.EDITABLE_FIELDS:
            v.add(
                "update_mask",
                f"{path} cannot be changed; writable: " + ", ".join(sorted(model.EDITABLE_FIELDS)),
            )
    checked = model.validate_fields(v, "contract", values)
    v.raise_if_any()
    with uow:
        contract = uow.contracts.get(contract_id)
        contract.check_etag(etag)
        _may_manage(actor, contract)
        if "blanks" in mask:
            if contract.template_id is None:
                raise InvalidArgument.of(
                    "update_mask", "blanks: the contract was not drafted from a template"
                )
            template = uow.templates.get(contract.template_id, contract.template_version)
            blanks = values.get("blanks") or {}
            text, masked = template.fill(blanks, "contract.blanks")
            checked |= {"blanks": blanks, "rendered_text": text, "rendered_text_masked": masked}
        state = contract.state
        before, after = contract.edit(checked, deps.rules, deps.clock())
        if before or after:
            if state != contract.state or contract.state is model.ContractState.PENDING_APPROVAL:
                before["state"], after["state"] = state.name, contract.state.name
            uow.record_history(contract.id, "updated", actor.user_name, before, after)
            uow.commit()
        return contract


def _transition(
    uow: ContractUnitOfWork,
    deps: Deps,
    actor: Principal,
    contract_id: str,
    etag: str,
    action: str,
    change: Callable[[model.Contract], dict[str, Any] | None],
    manage: bool = True,
) -> model.Contract:
    """Loads, checks, applies one change, records it in the history and commits."""
    with uow:
        contract = uow.contracts.get(contract_id)
        contract.check_etag(etag)
        if manage:
            _may_manage(actor, contract)
        state = contract.state
        detail = change(contract) or {}
        uow.record_history(
            contract.id,
            action,
            actor.user_name,
            {"state": state.name},
            {"state": contract.state.name, **detail},
        )
        activated = contract.state in model.IN_FORCE and state not in model.IN_FORCE
        if activated or action in ("terminated", "payment_recorded"):
            _emit_figures(uow, deps, contract)
        uow.commit()
        return contract


def submit_contract(
    uow: ContractUnitOfWork, deps: Deps, actor: Principal, contract_id: str, etag: str = ""
) -> model.Contract:
    def change(c: model.Contract) -> dict[str, Any]:
        c.submit(deps.rules, deps.clock())
        return {"approval_steps": [s.display_name for s in c.approval.steps]}

    return _transition(uow, deps, actor, contract_id, etag, "submitted", change)


def decide(
    uow: ContractUnitOfWork,
    deps: Deps,
    actor: Principal,
    contract_id: str,
    approved: bool,
    opinion: str,
    etag: str = "",
) -> model.Contract:
    """Approves or rejects the current step. Two approvers deciding the same step at once
    both read one version; the update of the second finds another and is refused."""
    if len(opinion) > 2000:
        raise InvalidArgument.of("opinion", "at most 2000 characters")
    if not approved and not opinion.strip():
        raise InvalidArgument.of("opinion", "required: say why the contract is rejected")

    def change(c: model.Contract) -> dict[str, Any]:
        decide_step = c.approve if approved else c.reject
        step = decide_step(
            actor.user_name, actor.roles, opinion, deps.clock(), department=actor.department
        )
        return {"step": step.display_name, "opinion": opinion}

    action = "approved" if approved else "rejected"
    return _transition(uow, deps, actor, contract_id, etag, action, change, manage=False)


def sign_contract(
    uow: ContractUnitOfWork,
    deps: Deps,
    actor: Principal,
    contract_id: str,
    party: model.Party,
    signatory: str,
    day: date | None,
    etag: str = "",
) -> model.Contract:
    v = Violations()
    if party is model.Party.UNSPECIFIED:
        v.add("party", "required: PARTY_OURS or PARTY_CUSTOMER")
    if not signatory.strip() or len(signatory) > 100:
        v.add("signatory", "required, at most 100 characters")
    v.raise_if_any()

    def change(c: model.Contract) -> dict[str, Any]:
        c.sign(party, signatory.strip(), day or deps.today(), actor.user_name, deps.clock())
        return {"party": party.name, "signatory": signatory.strip()}

    return _transition(uow, deps, actor, contract_id, etag, "signed", change)


def terminate_contract(
    uow: ContractUnitOfWork,
    deps: Deps,
    actor: Principal,
    contract_id: str,
    day: date | None,
    reason: str,
    etag: str = "",
) -> model.Contract:
    if not reason.strip() or len(reason) > 2000:
        raise InvalidArgument.of("reason", "required, at most 2000 characters")
    when = day or deps.today()

    def change(c: model.Contract) -> dict[str, Any]:
        c.terminate(when, reason.strip(), deps.clock())
        return {"termination_date": when.isoformat(), "reason": reason.strip()}

    return _transition(uow, deps, actor, contract_id, etag, "terminated", change)


def archive_contract(
    uow: ContractUnitOfWork, deps: Deps, actor: Principal, contract_id: str
) -> model.Contract:
    return _transition(
        uow, deps, actor, contract_id, "", "archived", lambda c: c.archive(deps.clock())
    )


def renew_contract(
    uow: ContractUnitOfWork,
    deps: Deps,
    actor: Principal,
    contract_id: str,
    start: date | None,
    end: date | None,
    request_id: str = "",
) -> model.Contract:
    """The predecessor becomes RENEWED; the successor is a DRAFT copy with the new term and
    the payment and delivery milestones moved with it, to be approved and signed like any
    contract."""
    v = Violations()
    if end is None:
        v.add("end_date", "required")
    _check_request_id(v, request_id)
    v.raise_if_any()
    assert end is not None
    now = deps.clock()
    with uow:
        key = f"RenewContract:{actor.user_id}:{request_id}"
        if request_id and (earlier := uow.created_before(key)):
            return uow.contracts.get(earlier.split("/", 1)[1])
        old = uow.contracts.get(contract_id)
        _may_manage(actor, old)
        try:
            begin = start or old.end_date + timedelta(days=1)
            payments, deliveries = old.schedule_for_renewal(begin)
        except OverflowError:  # the term or a milestone moved out of years 1 to 9999
            raise InvalidArgument.of("start_date", "moves the term out of the calendar") from None
        if end < begin:
            raise InvalidArgument.of("end_date", "must not be before the start date")
        new = model.Contract(
            id=model.new_id(),
            number="",  # taken below, as late as possible (it takes the write lock)
            title=old.title,
            kind=old.kind,
            customer_id=old.customer_id,
            line_items=list(old.line_items),
            start_date=begin,
            end_date=end,
            owner=old.owner,
            department=old.department,
            payment_terms=old.payment_terms,
            breach_liability=old.breach_liability,
            dispute_resolution=old.dispute_resolution,
            payment_milestones=payments,
            delivery_milestones=deliveries,
            predecessor_id=old.id,
            created_at=now,
            updated_at=now,
        )
        new.number = uow.next_contract_number(deps.today().year)
        state = old.state
        old.renew_into(new.id, now)
        uow.contracts.add(new)
        uow.record_history(
            old.id,
            "renewed",
            actor.user_name,
            {"state": state.name},
            {"state": old.state.name, "successor": new.resource_name},
        )
        uow.record_history(
            new.id, "created", actor.user_name, {}, new.snapshot() | {"predecessor": old.id}
        )
        if request_id:
            uow.remember_created(key, new.resource_name)
        uow.commit()
        return new


def record_payment(
    uow: ContractUnitOfWork,
    deps: Deps,
    actor: Principal,
    contract_id: str,
    milestone_id: str,
    amount: Decimal,
    day: date | None,
    note: str,
) -> model.Contract:
    if amount != amount.quantize(model.FEN):
        raise InvalidArgument.of("amount", "in yuan and fen: at most 2 decimal places")
    if len(note) > 500:
        raise InvalidArgument.of("note", "at most 500 characters")
    when = day or deps.today()

    def change(c: model.Contract) -> dict[str, Any]:
        m = c.record_payment(milestone_id, amount, when, actor.user_name, note, deps.clock())
        return {"milestone": m.id, "amount": str(amount), "received_date": when.isoformat()}

    return _transition(uow, deps, actor, contract_id, "", "payment_recorded", change, manage=False)


def complete_delivery(
    uow: ContractUnitOfWork,
    deps: Deps,
    actor: Principal,
    contract_id: str,
    milestone_id: str,
    day: date | None,
    etag: str = "",
) -> model.Contract:
    """Records a delivery or acceptance as done: the owner (or a supervisor) records it."""
    if not milestone_id.strip():
        raise InvalidArgument.of("milestone_id", "required, a DeliveryMilestone.id")
    today = deps.today()
    when = day or today

    def change(c: model.Contract) -> dict[str, Any]:
        m = c.complete_delivery(milestone_id, when, today, actor.user_name, deps.clock())
        return {
            "delivery_milestone": m.id,
            "kind": m.kind.name,
            "title": m.title,
            "completed_date": when.isoformat(),
        }

    return _transition(uow, deps, actor, contract_id, etag, "delivery_completed", change)


def list_history(uow: ContractUnitOfWork, contract_id: str, after_id: int, limit: int) -> list[Any]:
    with uow:
        uow.contracts.get(contract_id)  # NotFound for an unknown contract
        return uow.history(contract_id, after_id, limit)


def refresh_customer_figures(uow: ContractUnitOfWork, deps: Deps) -> int:
    """The daily refresh: figures move with time too (a payment falls overdue, a contract
    leaves the twelve-month window). Reports only the customers whose figures changed."""
    with uow:
        customer_ids = customers_with_contracts(uow.session, SIGNED_STATES)
    reported = 0
    for customer_id in customer_ids:
        with uow:
            signed = uow.contracts.of_customer(customer_id, SIGNED_STATES)
            figures = model.customer_figures(f"customers/{customer_id}", signed, deps.today())
            if uow.report_figures(figures):
                uow.commit()
                reported += 1
    return reported


def mark_by_date(uow: ContractUnitOfWork, deps: Deps) -> int:
    """The daily scan: contracts near their end become EXPIRING, past it EXPIRED."""
    today = deps.today()
    horizon = date.fromordinal(today.toordinal() + deps.expiry_warning_days)
    with uow:
        ids = uow.contracts.ids_ending_by(horizon, [s.name for s in model.IN_FORCE])
    changed = 0
    for contract_id in ids:
        with uow:
            contract = uow.contracts.get(contract_id)
            state = contract.state
            if contract.mark_by_date(today, deps.expiry_warning_days, deps.clock()):
                uow.record_history(
                    contract.id,
                    "dated",
                    "system",
                    {"state": state.name},
                    {"state": contract.state.name},
                )
                uow.commit()
                changed += 1
    return changed


# --- templates ----------------------------------------------------------------------------


def create_template(
    uow: ContractUnitOfWork,
    deps: Deps,
    actor: Principal,
    display_name: str,
    kind: ContractKind,
    clauses: list[str],
    blanks: list[Blank],
    template_id: str | None = None,
) -> ContractTemplate:
    """Publishes version 1 of a new template, or the next version of `template_id`."""
    v = Violations()
    validate_template(v, "contract_template", display_name, kind, clauses, blanks)
    v.raise_if_any()
    with uow:
        version = 1
        if template_id is not None:
            version = uow.templates.get(template_id).version + 1
        template = ContractTemplate(
            id=template_id or model.new_id(),
            version=version,
            display_name=display_name.strip(),
            kind=kind,
            clauses=clauses,
            blanks=blanks,
            created_by=actor.user_name,
            created_at=deps.clock(),
        )
        uow.templates.add(template)
        uow.commit()
        return template


def get_template(
    uow: ContractUnitOfWork, template_id: str, version: int | None
) -> ContractTemplate:
    with uow:
        return uow.templates.get(template_id, version)
