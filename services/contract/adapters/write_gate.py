"""One writer at a time per process on SQLite, queued in Python rather than in SQLite.

SQLite lets one connection write at a time. A second writer of the same process otherwise
waits in SQLite's busy handler, which sleeps 1, 2, 5 ... up to 100 ms between tries and is not
woken when the lock is freed: under load most of a CreateContract was that sleep (53 calls/s,
p99 1 s, on a loaded 2-core machine). Here a writer waits on a lock that is handed over as
soon as the previous writer's transaction is over. Writers in other processes (the worker)
still meet the busy handler, as before.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine, event

_HOLDS = "callops_write_gate"
# As long as SQLite's own busy timeout (services.common.db): past it the writer goes on to
# SQLite's lock, which then says "database is locked" as it did without the gate.
WAIT_SECONDS = 30.0


class WriteGate:
    """A lock a thread may take again while it holds it (a second connection of the same
    thread), and that any thread may give back: a connection can be returned to the pool by
    the garbage collector in another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._depth = 0

    def take(self, wait: float = WAIT_SECONDS) -> bool:
        me = threading.get_ident()
        if self._owner == me:  # only this thread sets it to its own id
            self._depth += 1
            return True
        if not self._lock.acquire(timeout=wait):
            return False
        self._owner, self._depth = me, 1
        return True

    def give_back(self) -> None:
        self._depth -= 1
        if self._depth <= 0:
            self._owner, self._depth = None, 0
            self._lock.release()

    def held(self) -> bool:
        return self._lock.locked()


def _is_read(statement: str) -> bool:
    # pysqlite begins a transaction (and SQLite takes the write lock) only before a statement
    # that changes data; anything but a SELECT (INSERT, UPDATE, DELETE, WITH, PRAGMA) is taken
    # for a write.
    return statement.lstrip()[:6].upper() == "SELECT"


def install_write_gate(engine: Engine) -> WriteGate | None:
    """Gates the writes of `engine` when it is SQLite; returns the gate (None otherwise).

    Taken before a connection's first writing statement, given back when the connection
    returns to the pool, which is after its commit or rollback.
    """
    if engine.dialect.name != "sqlite":
        return None
    gate = WriteGate()

    @event.listens_for(engine, "before_cursor_execute")
    def _take(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        if not conn.info.get(_HOLDS) and not _is_read(statement) and gate.take():
            conn.info[_HOLDS] = True

    @event.listens_for(engine.pool, "checkin")
    def _give_back(dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(_HOLDS, False):
            gate.give_back()

    return gate
