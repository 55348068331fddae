"""Call-center messages <-> domain values, with masking by the caller's rights."""

from __future__ import annotations

import re

from callops.callcenter.v1 import callcenter_pb2 as pb
from services.callcenter.domain import model, reports
from services.callcenter.domain.phones import peer_number
from services.callcenter.domain.reports import ReportPeriod
from services.callcenter.service_layer.agents import AgentValues
from services.callcenter.service_layer.screen_pop import ScreenPop
from services.common import convert
from services.common.auth import Principal
from services.common.convert import EnumMap
from services.common.errors import InvalidArgument, Violations
from services.common.privacy import mask_phone

STATUS = EnumMap(pb.Agent.Status, "STATUS", model.AgentStatus)
STATE = EnumMap(pb.Agent.State, "STATE", model.AgentState)
DIRECTION = EnumMap(pb.Direction, "DIRECTION", model.Direction)
EVENT_TYPE = EnumMap(pb.CallEvent.Type, "TYPE", model.EventType)
END_CAUSE = EnumMap(pb.CallEvent.EndCause, "END_CAUSE", model.EndCause)
RESULT = EnumMap(pb.Call.Result, "RESULT", model.CallResult)
SALES_RESULT = EnumMap(pb.Call.SalesResult, "SALES_RESULT", model.SalesResult)
CALLBACK_STATE = EnumMap(pb.CallbackTask.State, "STATE", model.CallbackState)

_LIMITS = {"extension": 40, "sip_uri": 200, "team": 100}


# Chinese mobile numbers written in free text (+86 138 0013 8000, 13800138000, ...).
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")


def _text(value: str, who: Principal) -> str:
    """Free text from elsewhere (an alert's title or body) may quote a caller's number."""
    return value if who.sees_pii else _MOBILE_IN_TEXT.sub(r"\1****\3", value)


def _number(value: str, who: Principal) -> str:
    return value if who.sees_pii or not value else mask_phone(value)


def _ref(collection: str, id_: str | None) -> str:
    return f"{collection}/{id_}" if id_ else ""


def agent_values(msg: pb.Agent, prefix: str) -> AgentValues:
    v = Violations()
    for name, limit in _LIMITS.items():
        if len(getattr(msg, name)) > limit:
            v.add(f"{prefix}.{name}", f"at most {limit} characters")
    owned: list[str] = []
    for i, name in enumerate(msg.owned_customers):
        try:
            owned.append(convert.parse_name(name, "customers", f"{prefix}.owned_customers[{i}]"))
        except InvalidArgument as exc:  # collected with the rest
            v.items.extend(exc.violations)
    v.raise_if_any()
    return AgentValues(
        user=msg.user,
        display_name=msg.display_name,
        extension=msg.extension,
        sip_uri=msg.sip_uri,
        team=msg.team,
        skills=list(msg.skills),
        owned_customers=owned,
    )


UPDATABLE = ("display_name", "extension", "sip_uri", "team", "skills", "owned_customers")


def agent_update_values(msg: pb.Agent, paths: list[str]) -> dict[str, object]:
    """The masked fields of an Agent as domain values; other paths are refused."""
    if not paths:
        raise InvalidArgument.of("update_mask", "required: name the fields to change")
    unknown = [p for p in paths if p not in UPDATABLE]
    if unknown:
        raise InvalidArgument.of(
            "update_mask", f"cannot update {', '.join(unknown)}; use {', '.join(UPDATABLE)}"
        )
    full = agent_values(msg, "agent")
    return {p: getattr(full, p) for p in dict.fromkeys(paths)}


def agent_out(a: model.Agent) -> pb.Agent:
    return pb.Agent(
        name=a.resource_name,
        user=a.user,
        display_name=a.display_name,
        extension=a.extension,
        sip_uri=a.sip_uri,
        team=a.team,
        skills=a.skills,
        owned_customers=[f"customers/{c}" for c in a.owned_customers],
        status=STATUS.out(a.status),
        break_reason=a.break_reason,
        state=STATE.out(a.state),
        state_change_time=convert.timestamp(a.state_since),
        create_time=convert.timestamp(a.created_at),
        update_time=convert.timestamp(a.updated_at),
        etag=str(a.version),
    )


def call_event(msg: pb.CallEvent, region: str, prefix: str = "event") -> model.CallEventData:
    v = Violations()
    if not msg.call_id or len(msg.call_id) > 128:
        v.add(f"{prefix}.call_id", "required, at most 128 characters")
    if msg.type == pb.CallEvent.TYPE_UNSPECIFIED:
        v.add(f"{prefix}.type", "required")
    try:
        type_ = EVENT_TYPE.into(msg.type, f"{prefix}.type")
    except InvalidArgument as exc:
        v.items.extend(exc.violations)
        type_ = model.EventType.UNSPECIFIED
    if not msg.HasField("event_time"):
        v.add(f"{prefix}.event_time", "required")
    if type_ in model.OFFER_EVENTS and not msg.peer_uri.strip():
        v.add(f"{prefix}.peer_uri", "required on INCOMING, RINGING and OUTBOUND_DIAL")
    if (
        type_ in (model.EventType.INCOMING, model.EventType.RINGING)
        and msg.direction == pb.DIRECTION_UNSPECIFIED
    ):
        v.add(f"{prefix}.direction", "required on INCOMING and RINGING")
    if msg.end_cause != pb.CallEvent.END_CAUSE_UNSPECIFIED and type_ is not model.EventType.ENDED:
        v.add(f"{prefix}.end_cause", "only for ENDED")
    if len(msg.peer_uri) > 200 or len(msg.local_uri) > 200:
        v.add(f"{prefix}.peer_uri", "at most 200 characters")
    if len(msg.peer_display_name) > 100:
        v.add(f"{prefix}.peer_display_name", "at most 100 characters")
    v.raise_if_any()
    at = convert.from_timestamp(msg.event_time, True, f"{prefix}.event_time")
    assert at is not None
    return model.CallEventData(
        call_id=msg.call_id,
        type=type_,
        at=at,
        direction=DIRECTION.into(msg.direction, f"{prefix}.direction"),
        end_cause=END_CAUSE.into(msg.end_cause, f"{prefix}.end_cause"),
        local_uri=msg.local_uri,
        peer_number=peer_number(msg.peer_uri, region) if msg.peer_uri.strip() else "",
        peer_display_name=msg.peer_display_name,
    )


def call_out(c: model.Call, who: Principal) -> pb.Call:
    return pb.Call(
        name=c.resource_name,
        call_id=c.call_id,
        agent=_ref("agents", c.agent_id),
        direction=DIRECTION.out(c.direction),
        peer_number=_number(c.peer_number, who),
        local_uri=c.local_uri,
        customer=_ref("customers", c.customer_id),
        offer_time=convert.timestamp(c.offered_at),
        answer_time=convert.timestamp(c.answered_at),
        end_time=convert.timestamp(c.ended_at),
        ring_seconds=c.ring_seconds,
        talk_seconds=c.talk_seconds,
        result=RESULT.out(c.result),
        end_cause=END_CAUSE.out(c.end_cause),
        wrap_up_code=c.wrap_up_code,
        wrap_up_notes=c.wrap_up_notes,
        no_order=c.no_order,
        parked_for_follow_up=c.parked_for_follow_up,
        sales_result=SALES_RESULT.out(c.sales_result),
        create_time=convert.timestamp(c.created_at),
        etag=str(c.version),
        recording=c.recording_name,
    )


def screen_pop_out(pop: ScreenPop) -> pb.ScreenPop:
    # Names and numbers arrive already masked by the customer service for this agent.
    return pb.ScreenPop(
        phone_number=pop.phone_number,
        matches=[
            pb.CallerMatch(
                customer=m.customer,
                customer_display_name=m.customer_display_name,
                contact=m.contact,
                contact_display_name=m.contact_display_name,
                contact_title=m.contact_title,
            )
            for m in pop.matches
        ],
        partial=pop.partial,
    )


def callback_out(t: model.CallbackTask, who: Principal) -> pb.CallbackTask:
    return pb.CallbackTask(
        name=t.resource_name,
        phone_number=_number(t.phone_number, who),
        customer=_ref("customers", t.customer_id),
        missed_count=t.missed_count,
        calls=[f"calls/{c}" for c in t.call_ids],
        state=CALLBACK_STATE.out(t.state),
        agent=_ref("agents", t.agent_id),
        priority_seconds=t.priority_seconds,
        first_missed_time=convert.timestamp(t.first_missed_at),
        due_time=convert.timestamp(t.due_at),
        expire_time=convert.timestamp(t.expires_at),
        reservation_expire_time=convert.timestamp(t.reservation_expires_at),
        result=t.result,
        close_reason=t.close_reason,
        create_time=convert.timestamp(t.created_at),
        update_time=convert.timestamp(t.updated_at),
        etag=str(t.version),
        callback_call=_ref("calls", t.callback_call_id),
    )


def notice_out(
    notice: model.AgentNotice, task: model.CallbackTask | None, who: Principal
) -> pb.AgentEvent:
    if notice.kind is model.NoticeKind.CALLBACK_RESERVED:
        assert task is not None, "offers are sent only while their callback is held"
        return pb.AgentEvent(callback_reserved=callback_out(task, who), sequence=notice.sequence)
    alert = model.AgentAlert.from_payload(notice.payload) or model.AgentAlert(notice.subject)
    return pb.AgentEvent(
        alert=pb.AgentAlert(
            alert=alert.alert,
            kind=alert.kind,
            severity=alert.severity,
            title=_text(alert.title, who),
            body=_text(alert.body, who),
            subject=alert.subject,
            create_time=convert.timestamp(notice.created_at),
        ),
        sequence=notice.sequence,
    )


def recording_out(r: model.CallRecording) -> pb.CallRecording:
    return pb.CallRecording(
        name=r.resource_name,
        content_type=r.content_type,
        size_bytes=r.size,
        sha256=r.sha256,
        uploaded_by=r.uploaded_by,
        create_time=convert.timestamp(r.created_at),
    )


def recording_call(name: str, field: str = "name") -> str:
    """The call id of `calls/{call}/recording`."""
    call, _, rest = name.rpartition("/")
    if rest != "recording":
        raise InvalidArgument.of(field, "must be calls/{call}/recording")
    return convert.parse_name(call, "calls", field)


def wallboard_out(board: reports.Wallboard, who: Principal) -> pb.Wallboard:
    oldest = board.oldest_callback
    return pb.Wallboard(
        agents=[
            pb.Wallboard.AgentCount(status=STATUS.out(status), state=STATE.out(state), agents=n)
            for status, state, n in board.agents
        ],
        callback_backlog=board.callback_backlog,
        oldest_callback=oldest.resource_name if oldest else "",
        oldest_callback_phone_number=_number(oldest.phone_number, who) if oldest else "",
        oldest_callback_age_seconds=board.oldest_callback_age,
        calls_waiting=board.calls_waiting,
        longest_wait_seconds=board.longest_wait,
        read_time=convert.timestamp(board.read_at),
    )


# --- reports ----------------------------------------------------------------------------------


def report_period(msg: pb.ReportPeriod, time_zone: str) -> ReportPeriod:
    start = convert.from_date(msg.start_date, "period.start_date")
    end = convert.from_date(msg.end_date, "period.end_date")
    return ReportPeriod.of(start, end, time_zone)


def report_period_out(period: ReportPeriod) -> pb.ReportPeriod:
    return pb.ReportPeriod(
        start_date=convert.to_date(period.start), end_date=convert.to_date(period.end)
    )


def agent_performance_out(p: reports.AgentPerformance) -> pb.AgentPerformance:
    return pb.AgentPerformance(
        agent=_ref("agents", p.agent_id),
        display_name=p.display_name,
        team=p.team,
        calls_handled=p.calls.handled,
        inbound_handled=p.calls.inbound_handled,
        outbound_handled=p.calls.outbound_handled,
        talk_seconds=p.calls.talk_seconds,
        wrap_up_seconds=p.wrap_up_seconds,
        average_handle_seconds=p.average_handle_seconds,
        missed=p.calls.missed,
        callbacks_done=p.callbacks.done,
        average_callback_seconds=p.average_callback_seconds,
        logged_in_seconds=p.logged_in_seconds,
        on_break_seconds=p.on_break_seconds,
        state_times=[
            pb.AgentStateTime(state=STATE.out(state), seconds=seconds)
            for state, seconds in p.state_seconds.items()
        ],
        occupancy=p.occupancy,
    )


def call_volume_out(v: reports.CallVolume) -> pb.CallVolume:
    return pb.CallVolume(
        inbound=v.inbound,
        outbound=v.outbound,
        answered=v.answered,
        abandoned=v.abandoned,
        answered_within_threshold=v.answered_within_threshold,
        answer_wait_seconds=v.answer_wait_seconds,
    )


def call_statistics_out(s: reports.CallStatistics) -> pb.CallStatisticsReport:
    return pb.CallStatisticsReport(
        period=report_period_out(s.period),
        time_zone=s.period.time_zone,
        total=call_volume_out(s.total),
        answer_rate=s.answer_rate,
        abandonment_rate=s.abandonment_rate,
        service_level_threshold_seconds=s.threshold_seconds,
        service_level=s.service_level,
        service_level_target=reports.SERVICE_LEVEL_TARGET,
        average_speed_of_answer_seconds=s.average_speed_of_answer,
        by_hour=[
            pb.HourlyCallVolume(hour=hour, volume=call_volume_out(v))
            for hour, v in enumerate(s.by_hour)
        ],
        by_day=[
            pb.DailyCallVolume(date=convert.to_date(day), volume=call_volume_out(v))
            for day, v in s.by_day.items()
        ],
    )


def region_calls_out(r: reports.RegionCalls) -> pb.RegionCalls:
    return pb.RegionCalls(
        region=r.region,
        inbound=r.inbound,
        answered=r.answered,
        abandoned=r.abandoned,
        outbound=r.outbound,
    )


def sales_results_out(r: reports.SalesResults) -> pb.AgentSalesResults:
    return pb.AgentSalesResults(
        agent=_ref("agents", r.agent_id),
        display_name=r.display_name,
        outbound_calls=r.outbound_calls,
        connected_calls=r.connected_calls,
        results=[
            pb.SalesResultCount(sales_result=SALES_RESULT.out(result), calls=calls)
            for result, calls in r.results.items()
        ],
    )
