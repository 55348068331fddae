"""One full reindex at a time, whichever machine starts it: a redis-py Lock in Redis."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import redis
from redis.exceptions import LockError

from services.common.errors import FailedPrecondition

LOCK_NAME = "callops:search:reindex"
# Long enough for a slow bulk chunk; the reindex renews it after every chunk, so a crashed
# reindex frees the lock within this time instead of blocking the next one for good.
LOCK_SECONDS = 300.0


class ReindexRunning(FailedPrecondition):
    default_reason = "REINDEX_RUNNING"


class ReindexLock:
    def __init__(
        self, client: redis.Redis, name: str = LOCK_NAME, timeout: float = LOCK_SECONDS
    ) -> None:
        self._client = client
        self._name = name
        self._timeout = timeout

    @contextmanager
    def held(self) -> Iterator[Callable[[], None]]:
        """Holds the lock (ReindexRunning when another holder has it) and gives a function
        that renews it; renewing a lock that expired and went to another holder raises."""
        lock = self._client.lock(self._name, timeout=self._timeout)
        if not lock.acquire(blocking=False):
            raise ReindexRunning("another full reindex is running; wait for it to finish")
        try:
            yield lock.reacquire
        finally:
            # Expired meanwhile: nothing of ours is left to release.
            with suppress(LockError):
                lock.release()
