"""Use cases on customers and contacts: create (with duplicate detection), update, delete,
merge, lookup by phone, reported figures, key decision makers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from services.common.auth import Principal
from services.common.errors import (
    AlreadyExists,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    StaleEtag,
    Violations,
)
from services.customer.adapters.uow import CustomerUnitOfWork
from services.customer.domain import events, model
from services.customer.domain.names import name_key
from services.customer.domain.phones import InvalidPhoneNumber, to_e164
from services.customer.domain.rules import Thresholds

CODE = re.compile(r"^[A-Za-z0-9-]{1,40}$")
# Amounts are stored as a BIGINT of 1/10,000 CNY (services.common.db.Amount).
MAX_AMOUNT = Decimal(10) ** 14


@dataclass(frozen=True)
class Deps:
    """What the use cases need besides the unit of work."""

    thresholds: Thresholds
    timezone: str
    clock: Callable[[], datetime]

    def today(self) -> date:
        return self.clock().astimezone(ZoneInfo(self.timezone)).date()


def _may_manage(actor: Principal, owner: str) -> None:
    """Sales manage their own customers; supervisors and admins manage everyone's."""
    if owner == actor.user_name or actor.roles & {"supervisor", "admin"}:
        return
    raise PermissionDenied(
        f"{owner}'s customers are not yours to change",
        reason="NOT_CUSTOMER_OWNER",
        metadata={"owner": owner},
    )


def _duplicate_error(existing: model.Customer, matched_on: str) -> AlreadyExists:
    return AlreadyExists(
        f"matches {existing.resource_name} ({existing.full_name}, owner {existing.owner}) "
        f"by {matched_on}; set allow_duplicate to create it anyway",
        reason="DUPLICATE_CUSTOMER",
        metadata={
            "existing_customer": existing.resource_name,
            "owner": existing.owner,
            "matched_on": matched_on,
        },
    )


def create_customer(
    uow: CustomerUnitOfWork,
    deps: Deps,
    actor: Principal,
    values: dict[str, Any],
    contacts: list[dict[str, Any]],
    request_id: str = "",
    allow_duplicate: bool = False,
) -> model.Customer:
    v = Violations()
    values = dict(values)
    for required in ("full_name", "kind", "owner"):
        values.setdefault(required, "" if required != "kind" else model.CustomerKind.UNSPECIFIED)
    values = model.validate_customer_fields(v, "customer", values)
    code = values.pop("code", "").strip()
    if code and not CODE.match(code):
        v.add("customer.code", "letters, digits and '-' only, at most 40")
    checked = [
        model.validate_contact_fields(v, f"contacts[{i}]", {"display_name": "", **c})
        for i, c in enumerate(contacts)
    ]
    model.check_request_id(v, request_id)
    v.raise_if_any()
    now = deps.clock()
    with uow:
        key = f"CreateCustomer:{actor.user_id}:{request_id}"
        if request_id and (earlier := uow.created_before(key)):
            return uow.customers.get(earlier.split("/", 1)[1])
        phones = [p for c in checked for p in c.get("phone_numbers", [])]
        identity = (values.get("credit_code"), name_key(values["full_name"]), phones)
        # Two sales people creating the same customer at once: the second waits here for
        # the first to commit, then finds it (撞单).
        uow.customers.lock_identities(identity)
        match = uow.customers.find_duplicate(*identity)
        if match is not None and not allow_duplicate:
            raise _duplicate_error(*match)
        if code and uow.customers.code_taken(code):
            raise AlreadyExists(
                f"customer code {code} is taken",
                reason="CODE_TAKEN",
                metadata={"field": "customer.code"},
            )
        if not code:
            code = uow.next_customer_code(deps.today().year)
        customer = model.Customer(
            id=model.new_id(),
            code=code,
            name_key=name_key(values["full_name"]),
            created_at=now,
            updated_at=now,
            **values,
        )
        for c in checked:
            customer.contacts.append(_new_contact(customer.id, c, now))
        uow.customers.add(customer)
        if match is not None:
            existing, matched_on = match
            customer.flag_duplicate(existing.resource_name, matched_on)
            existing.flag_duplicate(customer.resource_name, matched_on)
        customer.events.append(
            events.CustomerCreated(customer.resource_name, customer.owner, customer.full_name)
        )
        if request_id:
            uow.remember_created(key, customer.resource_name)
        uow.commit()
        return customer


def _new_contact(customer_id: str, values: dict[str, Any], now: datetime) -> model.Contact:
    numbers = values.pop("phone_numbers", [])
    contact = model.Contact(
        id=model.new_id(), customer_id=customer_id, created_at=now, updated_at=now, **values
    )
    contact.set_phone_numbers(numbers)
    return contact


def get_customer(uow: CustomerUnitOfWork, customer_id: str) -> model.Customer:
    with uow:
        return uow.customers.get(customer_id)


def _masked_changes(
    values: dict[str, Any],
    mask: list[str],
    updatable: frozenset[str],
    validate: Callable[[Violations, str, dict[str, Any]], dict[str, Any]],
    prefix: str,
) -> dict[str, Any]:
    """The validated values of the fields an update mask names; output-only fields refused."""
    if not mask:
        raise InvalidArgument.of("update_mask", "name the fields to change")
    unknown = [p for p in mask if p not in updatable]
    if unknown:
        raise InvalidArgument.of("update_mask", f"not updatable: {', '.join(unknown)}")
    v = Violations()
    changes = validate(v, prefix, {k: values[k] for k in mask})
    v.raise_if_any()
    return changes


def update_customer(
    uow: CustomerUnitOfWork,
    deps: Deps,
    actor: Principal,
    customer_id: str,
    values: dict[str, Any],
    mask: list[str],
    etag: str,
) -> model.Customer:
    changes = _masked_changes(
        values, mask, model.Customer.UPDATABLE, model.validate_customer_fields, "customer"
    )
    with uow:
        customer = uow.customers.get(customer_id)
        _may_manage(actor, customer.owner)
        customer.check_etag(etag)
        if "owner" in changes and changes["owner"] != customer.owner:
            _may_manage(actor, "")  # handing a customer to someone else is a supervisor's call
        if "credit_code" in changes or "full_name" in changes:
            identity: tuple[str | None, str, list[str]] = (
                changes.get("credit_code", customer.credit_code),
                name_key(changes.get("full_name", customer.full_name)),
                [],
            )
            uow.customers.lock_identities(identity)
            match = uow.customers.find_duplicate(
                *identity,
                exclude_id=customer.id,
            )
            if match is not None and match[0].resource_name not in customer.possible_duplicates:
                raise _duplicate_error(*match)
        customer.apply(changes, deps.clock())
        uow.commit()
        return customer


def list_customers(
    uow: CustomerUnitOfWork,
    terms: dict[str, Any],
    order: str,
    descending: bool,
    after: dict[str, Any] | None,
    limit: int,
) -> list[model.Customer]:
    with uow:
        return uow.customers.list(terms, order, descending, after, limit)


def delete_customer(
    uow: CustomerUnitOfWork, deps: Deps, actor: Principal, customer_id: str, etag: str
) -> None:
    with uow:
        customer = uow.customers.get(customer_id)
        customer.check_etag(etag)
        customer.delete(deps.clock())
        uow.customers.audit(customer.id, "deleted", actor.user_name, deps.clock(), {})
        uow.commit()


def merge_customers(
    uow: CustomerUnitOfWork,
    deps: Deps,
    actor: Principal,
    target_id: str,
    source_id: str,
    reason: str,
) -> model.Customer:
    if target_id == source_id:
        raise InvalidArgument.of("source", "a customer cannot be merged into itself")
    v = Violations()
    reason = model.check_text(v, "reason", reason, required=True, limit=500)
    v.raise_if_any()
    now = deps.clock()
    with uow:
        target = uow.customers.get(target_id, for_update=True)
        source = uow.customers.get(source_id, for_update=True)
        # Only one key decision maker survives: the target's, when it has one.
        if any(c.key_decision_maker for c in target.contacts):
            for c in source.contacts:
                c.key_decision_maker = False
        # Follow-ups from both plans: keep the target's, drop the source's open ones (before
        # the move, after which the two can no longer be told apart).
        for follow_up in uow.follow_ups.open_for(source.id):
            follow_up.cancel()
        moved = uow.customers.move_children(source, target)
        source.deleted_at = now
        source.merged_into = target.id
        source.updated_at = now
        target.possible_duplicates = [
            d for d in target.possible_duplicates if d != source.resource_name
        ]
        target.tags = target.tags + [t for t in source.tags if t not in target.tags]
        target.decision_maker_changes = (
            target.decision_maker_changes + source.decision_maker_changes
        )
        target.updated_at = now
        detail = {"source": source.resource_name, "reason": reason, "moved": moved}
        uow.customers.audit(target.id, "merged", actor.user_name, now, detail)
        uow.customers.audit(
            source.id,
            "merged_into",
            actor.user_name,
            now,
            {"target": target.resource_name, "reason": reason},
        )
        target.events.append(
            events.CustomerMerged(target.resource_name, source.resource_name, actor.user_name)
        )
        uow.commit()
        return target


def lookup_by_phone(uow: CustomerUnitOfWork, raw: str) -> tuple[str, list[tuple[Any, Any]]]:
    """The number in E.164 and read views of the (customer, contact) pairs that have it."""
    try:
        e164 = to_e164(raw)
    except InvalidPhoneNumber as exc:
        raise InvalidArgument.of("phone_number", str(exc)) from None
    with uow:
        return e164, uow.customers.lookup_by_phone(e164)


def report_figures(
    uow: CustomerUnitOfWork,
    deps: Deps,
    customer_id: str,
    amount: Decimal,
    overdue_days: int,
    cooperation_start: date | None,
    event_id: str = "",
) -> model.Customer:
    """Sets grade and credit rating from the contract service's figures; `event_id` makes a
    redelivered event a no-op."""
    v = Violations()
    if amount < 0:
        v.add("annual_contract_amount", "must not be negative")
    elif amount >= MAX_AMOUNT:
        v.add("annual_contract_amount", f"must be below {MAX_AMOUNT} CNY")
    elif amount != amount.quantize(Decimal("0.0001")):
        v.add("annual_contract_amount", "at most 4 decimal places (stored in 1/10,000 CNY)")
    if overdue_days < 0:
        v.add("longest_overdue_days", "must not be negative")
    v.raise_if_any()
    with uow:
        customer = uow.customers.get(customer_id)
        if event_id and not uow.claim_event(event_id, "report_figures"):
            return customer
        before = customer.grade
        customer.apply_figures(
            amount, overdue_days, cooperation_start, deps.thresholds, deps.clock()
        )
        if customer.grade is not before:
            for follow_up in model.replan_follow_ups(
                customer, uow.follow_ups.open_for(customer.id), deps.today()
            ):
                uow.follow_ups.add(follow_up)
        uow.commit()
        return customer


def create_contact(
    uow: CustomerUnitOfWork,
    deps: Deps,
    actor: Principal,
    customer_id: str,
    values: dict[str, Any],
    request_id: str = "",
) -> model.Contact:
    v = Violations()
    values = model.validate_contact_fields(v, "contact", {"display_name": "", **values})
    model.check_request_id(v, request_id)
    v.raise_if_any()
    now = deps.clock()
    with uow:
        key = f"CreateContact:{actor.user_id}:{request_id}"
        if request_id and (earlier := uow.created_before(key)):
            return uow.contacts.get(earlier.split("/", 1)[1])
        customer = uow.customers.get(customer_id)
        _may_manage(actor, customer.owner)  # 谁跟进、谁更新: the owner keeps the contacts
        contact = _new_contact(customer.id, values, now)
        customer.contacts.append(contact)
        customer.updated_at = now
        customer.events.append(
            events.ContactChanged(customer.resource_name, f"contacts/{contact.id}", "created")
        )
        if request_id:
            uow.remember_created(key, f"contacts/{contact.id}")
        uow.commit()
        return contact


def update_contact(
    uow: CustomerUnitOfWork,
    deps: Deps,
    actor: Principal,
    contact_id: str,
    values: dict[str, Any],
    mask: list[str],
    etag: str,
) -> model.Contact:
    changes = _masked_changes(
        values, mask, model.Contact.UPDATABLE, model.validate_contact_fields, "contact"
    )
    with uow:
        contact = uow.contacts.get(contact_id)
        customer = uow.customers.get(contact.customer_id)
        _may_manage(actor, customer.owner)
        if etag and etag != str(contact.version):
            raise StaleEtag(
                f"contacts/{contact_id} changed since it was read",
                metadata={"etag": str(contact.version)},
            )
        if "phone_numbers" in changes:
            contact.set_phone_numbers(changes.pop("phone_numbers"))
        for key, value in changes.items():
            setattr(contact, key, value)
        contact.updated_at = deps.clock()
        customer.events.append(
            events.ContactChanged(customer.resource_name, f"contacts/{contact.id}", "updated")
        )
        uow.commit()
        return contact


def delete_contact(uow: CustomerUnitOfWork, actor: Principal, contact_id: str) -> None:
    with uow:
        contact = uow.contacts.get(contact_id)
        customer = uow.customers.get(contact.customer_id)
        _may_manage(actor, customer.owner)
        customer.contacts.remove(contact)
        customer.events.append(
            events.ContactChanged(customer.resource_name, f"contacts/{contact.id}", "deleted")
        )
        uow.commit()


def change_key_decision_maker(
    uow: CustomerUnitOfWork,
    deps: Deps,
    actor: Principal,
    customer_id: str,
    contact_id: str,
    change_date: date | None,
    note: str,
) -> model.Customer:
    if len(note) > model.LIMITS["note"]:
        raise InvalidArgument.of("note", f"at most {model.LIMITS['note']} characters")
    with uow:
        customer = uow.customers.get(customer_id)
        _may_manage(actor, customer.owner)
        contact = next((c for c in customer.contacts if c.id == contact_id), None)
        if contact is None:
            raise NotFound(
                f"contacts/{contact_id} is not a contact of {customer.resource_name}",
                metadata={"resource": f"contacts/{contact_id}"},
            )
        customer.change_key_decision_maker(
            contact, change_date or deps.today(), note.strip(), actor.user_name
        )
        customer.updated_at = deps.clock()
        uow.commit()
        return customer
