"""Domain objects to protobuf messages and back, with masking for callers without the right."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from types import SimpleNamespace
from typing import Any

from google.protobuf import field_mask_pb2

from callops.customer.v1 import customer_pb2 as pb
from services.common import convert
from services.common.auth import Principal
from services.common.convert import EnumMap
from services.common.privacy import mask_email, mask_name, mask_phone
from services.customer.domain import model
from services.customer.domain.rules import (
    CreditRating,
    FollowUpKind,
    Grade,
    SurveyBand,
    Thresholds,
    TicketPriority,
    is_long_term,
)

KIND = EnumMap(pb.Customer.Kind, "KIND", model.CustomerKind)
GRADE = EnumMap(pb.Customer.Grade, "GRADE", Grade)
CREDIT_RATING = EnumMap(pb.Customer.CreditRating, "CREDIT_RATING", CreditRating)
LIFECYCLE_STAGE = EnumMap(pb.Customer.LifecycleStage, "LIFECYCLE_STAGE", model.LifecycleStage)
LEAD_STAGE = EnumMap(pb.Customer.LeadStage, "LEAD_STAGE", model.LeadStage)
GENDER = EnumMap(pb.Contact.Gender, "GENDER", model.Gender)
CHANNEL = EnumMap(pb.Interaction.Channel, "CHANNEL", model.Channel)
TODO_STATE = EnumMap(pb.Todo.State, "STATE", model.TodoState)
TICKET_STATE = EnumMap(pb.Ticket.State, "STATE", model.TicketState)
PRIORITY = EnumMap(pb.Ticket.Priority, "PRIORITY", TicketPriority)
BAND = EnumMap(pb.Survey.Band, "BAND", SurveyBand)
FOLLOW_UP_KIND = EnumMap(pb.FollowUp.Kind, "KIND", FollowUpKind)
FOLLOW_UP_STATE = EnumMap(pb.FollowUp.State, "STATE", model.FollowUpState)


def mask_paths(mask: field_mask_pb2.FieldMask) -> list[str]:
    return list(dict.fromkeys(mask.paths))


# --- customers and contacts ---------------------------------------------------------------


def customer_values(msg: pb.Customer, field_paths: list[str] | None, prefix: str) -> dict[str, Any]:
    """The writable fields of a Customer message as domain values: all of them at creation,
    only the masked ones on update (a field outside the mask is not even looked at)."""
    readers: dict[str, Callable[[], Any]] = {
        name: partial(getattr, msg, name)
        for name in (*model.CUSTOMER_TEXT_FIELDS, "credit_code", "owner")
    }
    readers |= {
        "tags": lambda: list(msg.tags),
        "kind": lambda: KIND.into(msg.kind, f"{prefix}.kind"),
        "lifecycle_stage": lambda: LIFECYCLE_STAGE.into(
            msg.lifecycle_stage, f"{prefix}.lifecycle_stage"
        ),
        "lead_stage": lambda: LEAD_STAGE.into(msg.lead_stage, f"{prefix}.lead_stage"),
        "cooperation_start_date": lambda: convert.from_date(
            msg.cooperation_start_date, f"{prefix}.cooperation_start_date"
        ),
    }
    if field_paths is None:
        return {"code": msg.code} | {name: read() for name, read in readers.items()}
    return {name: read() for name, read in readers.items() if name in field_paths}


def contact_values(
    msg: pb.Contact, prefix: str, field_paths: list[str] | None = None
) -> dict[str, Any]:
    readers: dict[str, Callable[[], Any]] = {
        "display_name": lambda: msg.display_name,
        "gender": lambda: GENDER.into(msg.gender, f"{prefix}.gender"),
        "title": lambda: msg.title,
        "phone_numbers": lambda: list(msg.phone_numbers),
        "email": lambda: msg.email,
        "im_ids": lambda: list(msg.im_ids),
        "hobbies": lambda: msg.hobbies,
    }
    return {
        name: read() for name, read in readers.items() if field_paths is None or name in field_paths
    }


def customer_out(
    c: model.Customer | SimpleNamespace,
    who: Principal,
    today: date,
    t: Thresholds,
    with_contacts: bool = True,
) -> pb.Customer:
    msg = pb.Customer(
        name=f"customers/{c.id}",
        code=c.code,
        full_name=c.full_name,
        short_name=c.short_name,
        kind=KIND.out(c.kind),
        industry=c.industry,
        province=c.province,
        city=c.city,
        address=c.address,
        source=c.source,
        category=c.category,
        sales_method=c.sales_method,
        ownership_type=c.ownership_type,
        description=c.description,
        credit_code=c.credit_code or "",
        owner=c.owner,
        department=c.department,
        tags=c.tags,
        lifecycle_stage=LIFECYCLE_STAGE.out(c.lifecycle_stage),
        lead_stage=LEAD_STAGE.out(c.lead_stage),
        grade=GRADE.out(c.grade),
        credit_rating=CREDIT_RATING.out(c.credit_rating),
        longest_overdue_days=c.longest_overdue_days,
        cooperation_start_date=convert.to_date(c.cooperation_start_date),
        long_term=is_long_term(c.cooperation_start_date, today, t),
        possible_duplicates=c.possible_duplicates,
        create_time=convert.timestamp(c.created_at),
        update_time=convert.timestamp(c.updated_at),
        etag=str(c.version),
    )
    if c.kind is model.CustomerKind.INDIVIDUAL and not who.sees_pii:
        # A person's name is personal data like a contact's (隐私信息保护).
        msg.full_name, msg.short_name = mask_name(c.full_name), mask_name(c.short_name)
    if who.sees_amounts and c.annual_contract_amount is not None:
        msg.annual_contract_amount.CopyFrom(convert.to_money(c.annual_contract_amount))
    if with_contacts:
        msg.contacts.extend(contact_out(x, who) for x in c.contacts)
        msg.decision_maker_changes.extend(
            pb.DecisionMakerChange(
                change_date=convert.to_date(date.fromisoformat(d["change_date"])),
                previous_contact=d["previous_contact"],
                new_contact=d["new_contact"],
                note=d["note"],
                recorded_by=d["recorded_by"],
            )
            for d in c.decision_maker_changes
        )
    return msg


def contact_out(c: model.Contact | SimpleNamespace, who: Principal) -> pb.Contact:
    pii = who.sees_pii
    return pb.Contact(
        name=f"contacts/{c.id}",
        customer=f"customers/{c.customer_id}",
        display_name=c.display_name if pii else mask_name(c.display_name),
        gender=GENDER.out(c.gender),
        title=c.title,
        phone_numbers=[p if pii else mask_phone(p) for p in c.phone_numbers],
        email=c.email if pii or not c.email else mask_email(c.email),
        im_ids=c.im_ids if pii else [mask_name(i) for i in c.im_ids],
        hobbies=c.hobbies,
        key_decision_maker=c.key_decision_maker,
        create_time=convert.timestamp(c.created_at),
        update_time=convert.timestamp(c.updated_at),
        etag=str(c.version),
    )


# --- interactions, tickets, surveys, follow-ups ---------------------------------------------


def todo_out(t: model.Todo) -> pb.Todo:
    return pb.Todo(
        name=t.resource_name,
        description=t.description,
        owner=t.owner,
        due_date=convert.to_date(t.due_date),
        state=TODO_STATE.out(t.state),
        complete_time=convert.timestamp(t.completed_at),
        customer=f"customers/{t.customer_id}",
    )


def interaction_out(i: model.Interaction, who: Principal) -> pb.Interaction:
    return pb.Interaction(
        name=i.resource_name,
        customer=f"customers/{i.customer_id}",
        occur_time=convert.timestamp(i.occurred_at),
        channel=CHANNEL.out(i.channel),
        our_participants=i.our_participants,
        customer_participants=[
            p if who.sees_pii else mask_name(p) for p in i.customer_participants
        ],
        topic=i.topic,
        summary=i.summary,
        agreements=i.agreements,
        todos=[todo_out(t) for t in i.todos],
        recorded_by=i.recorded_by,
        create_time=convert.timestamp(i.created_at),
    )


def ticket_out(t: model.Ticket) -> pb.Ticket:
    return pb.Ticket(
        name=t.resource_name,
        customer=f"customers/{t.customer_id}",
        type=t.type,
        priority=PRIORITY.out(t.priority),
        title=t.title,
        description=t.description,
        state=TICKET_STATE.out(t.state),
        assignee=t.assignee,
        attachments=t.attachments,
        notes=[
            pb.TicketNote(
                author=n["author"],
                text=n["text"],
                create_time=convert.timestamp(datetime.fromisoformat(n["create_time"])),
            )
            for n in t.notes
        ],
        resolution=t.resolution,
        feedback=t.feedback,
        response_deadline=convert.timestamp(t.response_deadline),
        first_response_time=convert.timestamp(t.first_response_at),
        reporter=t.reporter,
        create_time=convert.timestamp(t.created_at),
        update_time=convert.timestamp(t.updated_at),
        etag=str(t.version),
    )


def survey_out(s: model.Survey) -> pb.Survey:
    return pb.Survey(
        name=s.resource_name,
        customer=f"customers/{s.customer_id}",
        ticket=f"tickets/{s.ticket_id}" if s.ticket_id else "",
        product_quality=s.scores["product_quality"],
        service_response=s.scores["service_response"],
        cooperation_experience=s.scores["cooperation_experience"],
        value_for_money=s.scores["value_for_money"],
        comment=s.comment,
        average_score=float(s.average_score),
        band=BAND.out(s.band),
        response_deadline=convert.timestamp(s.response_deadline),
        solution=s.solution,
        responder=s.responder,
        response_time=convert.timestamp(s.responded_at),
        create_time=convert.timestamp(s.created_at),
    )


def follow_up_out(f: model.FollowUp) -> pb.FollowUp:
    return pb.FollowUp(
        name=f.resource_name,
        customer=f"customers/{f.customer_id}",
        kind=FOLLOW_UP_KIND.out(f.kind),
        due_date=convert.to_date(f.due_date),
        state=FOLLOW_UP_STATE.out(f.state),
        owner=f.owner,
        interaction=f"interactions/{f.interaction_id}" if f.interaction_id else "",
        complete_time=convert.timestamp(f.completed_at),
    )
