"""Alerts from the alerts service onto the desktops of the agents they are addressed to, and
the upkeep of the agents' notice sequences."""

from __future__ import annotations

from datetime import timedelta

from services.callcenter.adapters.uow import CallCenterUnitOfWork
from services.callcenter.domain import model
from services.callcenter.service_layer.deps import Deps

# A desktop away longer than this resumes without the alerts it missed (offers still held are
# always sent: they are read from the callbacks, not from old notices).
NOTICE_RETENTION = timedelta(days=7)


def push_alert(
    uow: CallCenterUnitOfWork,
    deps: Deps,
    event_id: str,
    recipient: str,
    alert: model.AgentAlert,
) -> model.AgentNotice | None:
    """Puts the alert in the sequence of the agent whose user is `recipient` (`users/{id}`);
    None when no agent has that user, or when this event was handled before."""
    with uow:
        if not uow.claim_event(event_id, "push_alert"):
            return None
        # Locked: notices for one agent are numbered one after the other.
        agent = uow.agents.by_user(recipient, for_update=True)
        notice = None
        if agent is not None:
            notice = uow.notices.append(
                agent.id, model.NoticeKind.ALERT, alert.alert, deps.clock(), alert.payload()
            )
        uow.commit()  # remembers the event either way
    return notice


def prune_notices(uow: CallCenterUnitOfWork, deps: Deps) -> int:
    with uow:
        pruned = uow.notices.prune(deps.clock() - NOTICE_RETENTION)
        uow.commit()
    return pruned
