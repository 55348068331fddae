"""AlertService over gRPC: check who asks, convert, call the use case, mask, convert back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import grpc
from sqlalchemy import Engine

from callops.alerts.v1 import alerts_pb2 as pb
from callops.alerts.v1 import alerts_pb2_grpc
from services.alerts.domain.alerts import USER_NAME
from services.alerts.entrypoints import converters as cv
from services.alerts.service_layer import alerts
from services.common.auth import Principal, current_principal
from services.common.errors import InvalidArgument, NotFound, PermissionDenied
from services.common.pagination import PageTokens, page_size, parse_filter

R = TypeVar("R")
SERVICE = "callops.alerts.v1.AlertService"

# Who may call what. Every role reads its own alerts; the directory is for admins.
RIGHTS = {
    "ListAlerts": "alerts.read",
    "GetAlert": "alerts.read",
    "AcknowledgeAlert": "alerts.read",
    "PutRecipient": "alerts.directory",
    "GetRecipient": "alerts.directory",
}
POLICY = {f"/{SERVICE}/{method}": right for method, right in RIGHTS.items()}
# Reading other recipients' alerts (a supervisor follows the team's).
OVERSEE = "alerts.oversee"


def _principal() -> Principal:
    principal = current_principal.get()
    assert principal is not None, "the auth interceptor sets the principal"
    return principal


class AlertServicer(alerts_pb2_grpc.AlertServiceServicer):
    def __init__(
        self,
        engine: Engine,
        page_tokens: PageTokens,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._engine = engine
        self._tokens = page_tokens
        self._clock = clock

    async def _run(self, fn: Callable[..., R], *args: Any) -> R:
        return await asyncio.to_thread(partial(fn, self._engine, *args))

    async def ListAlerts(
        self, request: pb.ListAlertsRequest, context: Any
    ) -> pb.ListAlertsResponse:
        who = _principal()
        recipient = request.recipient or who.user_name
        if recipient != who.user_name:
            if not USER_NAME.fullmatch(recipient):
                raise InvalidArgument.of("recipient", "must be a user name like users/zhang.san")
            if not who.can(OVERSEE):
                raise PermissionDenied(
                    "only supervisors and admins read others' alerts", reason="NOT_OVERSEER"
                )
        limit = page_size(request.page_size)
        filters = parse_filter(request.filter, cv.ALERT_FILTER)
        query = f"alerts|{recipient}|{request.filter}"
        position = self._tokens.decode(request.page_token, query)
        before = int(position["id"]) if position else None
        found = await self._run(alerts.list_alerts, recipient, filters, before, limit)
        token = ""
        if len(found) > limit:
            del found[limit:]
            token = self._tokens.encode({"id": found[-1].id}, query)
        return pb.ListAlertsResponse(
            alerts=[cv.alert_out(a, who) for a in found], next_page_token=token
        )

    async def GetAlert(self, request: pb.GetAlertRequest, context: Any) -> pb.Alert:
        who = _principal()
        alert_id = cv.alert_id(request.name)
        found = await self._run(alerts.get_alert, alert_id)
        if found.recipient != who.user_name and not who.can(OVERSEE):
            # Someone else's alert does not exist for the caller: no probing of ids.
            raise NotFound(f"{request.name} not found", reason="ALERT_NOT_FOUND")
        return cv.alert_out(found, who)

    async def AcknowledgeAlert(self, request: pb.AcknowledgeAlertRequest, context: Any) -> pb.Alert:
        who = _principal()
        alert_id = cv.alert_id(request.name)
        if not who.can(OVERSEE):
            found = await self._run(alerts.get_alert, alert_id)
            if found.recipient != who.user_name:
                raise NotFound(f"{request.name} not found", reason="ALERT_NOT_FOUND")
        done = await self._run(alerts.acknowledge_alert, alert_id, who.user_name, self._clock())
        return cv.alert_out(done, who)

    async def PutRecipient(self, request: pb.PutRecipientRequest, context: Any) -> pb.Recipient:
        entry = cv.recipient_in(request.recipient)
        stored = await self._run(alerts.put_recipient, entry, self._clock())
        return cv.recipient_out(stored)

    async def GetRecipient(self, request: pb.GetRecipientRequest, context: Any) -> pb.Recipient:
        user = cv.recipient_user(request.name)
        return cv.recipient_out(await self._run(alerts.get_recipient, user))


def add_to_server(servicer: AlertServicer, server: grpc.aio.Server) -> None:
    alerts_pb2_grpc.add_AlertServiceServicer_to_server(servicer, server)
