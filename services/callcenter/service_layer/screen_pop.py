"""The screen-pop (来电弹屏): who is calling, answered within a deadline whatever happens."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from services.callcenter.adapters.customer_client import (
    CallerMatch,
    CustomerDirectory,
    CustomerLookupFailed,
)
from services.callcenter.domain.phones import is_e164
from services.common.privacy import mask_phone


@dataclass(frozen=True)
class ScreenPop:
    phone_number: str
    matches: list[CallerMatch] = field(default_factory=list)
    partial: bool = False

    @property
    def customer_id(self) -> str | None:
        """The caller's customer when exactly one customer owns the number."""
        owners = {m.customer for m in self.matches}
        if len(owners) != 1:
            return None
        return owners.pop().removeprefix("customers/")


async def screen_pop(
    directory: CustomerDirectory,
    phone_number: str,
    authorization: str,
    deadline_seconds: float,
    sees_pii: bool,
) -> ScreenPop:
    """A slow or absent customer service gives `partial=True` within the deadline rather than
    a late or failed answer: the phone is ringing now."""
    # Masked as the call's own peer_number is, a URI too: its user part may still be digits.
    shown = phone_number if sees_pii or not phone_number else mask_phone(phone_number)
    if not is_e164(phone_number):
        return ScreenPop(shown)  # a SIP URI with no number: nobody to look up
    try:
        owners = await asyncio.wait_for(
            directory.lookup_by_phone(phone_number, authorization, deadline_seconds),
            deadline_seconds,
        )
    except (CustomerLookupFailed, TimeoutError):
        return ScreenPop(shown, partial=True)
    return ScreenPop(owners.phone_number or shown, owners.matches)
