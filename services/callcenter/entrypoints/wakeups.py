"""In-process wake-ups: what a commit in this replica tells the coroutines waiting here, so
they act now instead of at their next poll (the poll stays, for other replicas' changes)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from collections.abc import Callable, Iterable

from services.common.logging import get_logger

log = get_logger("callops.callcenter.wakeups")


class Wakeup:
    """A broadcast the event loop's coroutines wait on and any thread may fire.

    A waiter takes a ticket before it reads the database and waits on that ticket after:
    a kick that lands in between still wakes it."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def kick(self) -> None:
        """Thread-safe; does nothing before the first waiter bound the loop."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._fire)

    def _fire(self) -> None:
        fired, self._event = self._event, asyncio.Event()
        if fired is not None:
            fired.set()

    def ticket(self) -> asyncio.Event:
        if self._loop is None or self._event is None:
            self._loop, self._event = asyncio.get_running_loop(), asyncio.Event()
        return self._event

    @staticmethod
    async def wait(ticket: asyncio.Event, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ticket.wait(), timeout)


class AgentWakeups:
    """One wake-up per agent: a commit wakes only the streams of the agents it touched, not
    every stream of the replica."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._events: dict[str, asyncio.Event] = {}

    def kick(self, agent_ids: Iterable[str]) -> None:
        """Thread-safe; does nothing before the first stream bound the loop."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._fire, list(agent_ids))

    def _fire(self, agent_ids: list[str]) -> None:
        for agent_id in agent_ids:
            fired = self._events.pop(agent_id, None)
            if fired is not None:
                fired.set()

    def ticket(self, agent_id: str) -> asyncio.Event:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._events.setdefault(agent_id, asyncio.Event())

    def watched(self) -> list[str]:
        """The agents whose streams wait here now."""
        return list(self._events)


class AgentWatch:
    """Looks, for every agent streamed by this replica at once, whether another replica or a
    worker changed it: one query per interval instead of one read per stream, so the cost of
    noticing stays flat however many desktops are connected. Wakes the changed agents' streams.
    """

    def __init__(
        self,
        wakeups: AgentWakeups,
        read_marks: Callable[[list[str]], dict[str, tuple[int, int]]],
        poll_seconds: float,
    ) -> None:
        self._wakeups = wakeups
        self._read_marks = read_marks
        self._poll = poll_seconds
        self.running = False

    async def run(self) -> None:
        self.running = True
        seen: dict[str, tuple[int, int] | None] = {}
        try:
            while True:
                await asyncio.sleep(self._poll)
                watched = self._wakeups.watched()
                if not watched:
                    seen.clear()
                    continue
                try:
                    marks = await asyncio.to_thread(self._read_marks, watched)
                except Exception as exc:  # the database may be briefly away: let all look
                    log.warning("agent watch failed", error=str(exc))
                    self._wakeups.kick(watched)
                    continue
                # An agent seen for the first time counts as changed: its stream may have
                # read just before a change this look already includes.
                changed = [a for a in watched if a not in seen or marks.get(a) != seen[a]]
                seen = {a: marks.get(a) for a in watched}
                if changed:
                    self._wakeups.kick(changed)
        finally:
            self.running = False


class CallbackAssigner:
    """Reserves pending callbacks in the service process as soon as a missed call or a freed
    agent makes it possible; the worker's beat task remains the fallback for all replicas."""

    def __init__(self, assign: Callable[[], int], poll_seconds: float) -> None:
        self._assign = assign
        self._poll = poll_seconds
        self._wakeup = Wakeup()
        # A thread of its own: in the shared pool an offer waited behind the RPCs and stream
        # reads it was queued after.
        self._thread = concurrent.futures.ThreadPoolExecutor(1, "callback-assigner")

    def kick(self) -> None:
        self._wakeup.kick()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            ticket = self._wakeup.ticket()
            try:
                await loop.run_in_executor(self._thread, self._assign)
            except Exception as exc:  # the database may be briefly away; the poll retries
                log.warning("callback assignment failed", error=str(exc))
            await self._wakeup.wait(ticket, self._poll)
