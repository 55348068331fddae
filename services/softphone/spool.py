"""The bridge's local memory, a small SQLite file: call events not yet acknowledged by the
call center (sent again, in order, after any restart), what it knows of each call, and the
callbacks it has dialled."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Literal

from callops.callcenter.v1 import callcenter_pb2 as pb

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending_event (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id TEXT NOT NULL,
    type INTEGER NOT NULL,
    event BLOB NOT NULL,
    UNIQUE (call_id, type)
);
CREATE TABLE IF NOT EXISTS known_call (
    call_id TEXT PRIMARY KEY,
    peer_uri TEXT NOT NULL DEFAULT '',
    answered INTEGER NOT NULL DEFAULT 0,
    ended INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS dialled_callback (
    task TEXT PRIMARY KEY,
    uri TEXT NOT NULL
);
"""


class Spool:
    """One bridge's spool. Writes are committed before the bridge acts on them, so a crash
    loses nothing it had read; the service dedups by (call id, type), so a resend after a
    lost acknowledgement changes nothing there."""

    def __init__(self, path: Path | str) -> None:
        # Usable from any thread, one at a time (the lock); each `with self._db` block is
        # one transaction.
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def append(self, event: pb.CallEvent) -> bool:
        """Keeps the event until acknowledged; False when this (call id, type) is already
        spooled (baresip sent it twice)."""
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO pending_event (call_id, type, event) VALUES (?, ?, ?)",
                (event.call_id, int(event.type), event.SerializeToString()),
            )
            self._db.execute(
                "INSERT INTO known_call (call_id, peer_uri) VALUES (?, ?)"
                " ON CONFLICT (call_id) DO UPDATE SET peer_uri ="
                " CASE WHEN known_call.peer_uri = '' THEN excluded.peer_uri"
                " ELSE known_call.peer_uri END",
                (event.call_id, event.peer_uri),
            )
            if event.type == pb.CallEvent.TYPE_ANSWERED:
                self._db.execute(
                    "UPDATE known_call SET answered = 1 WHERE call_id = ?", (event.call_id,)
                )
            elif event.type == pb.CallEvent.TYPE_ENDED:
                self._db.execute(
                    "UPDATE known_call SET ended = 1 WHERE call_id = ?", (event.call_id,)
                )
            return cursor.rowcount == 1

    def pending(self, limit: int = 100) -> list[tuple[int, pb.CallEvent]]:
        """Unacknowledged events, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, event FROM pending_event ORDER BY seq LIMIT ?", (limit,)
            ).fetchall()
        return [(seq, pb.CallEvent.FromString(blob)) for seq, blob in rows]

    def acknowledge(self, seq: int, call_id: str, call_name: str) -> None:
        """The service has the event (or refused it for good): forget it, keep the record."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM pending_event WHERE seq = ?", (seq,))
            if call_name:
                self._db.execute(
                    "UPDATE known_call SET name = ? WHERE call_id = ?", (call_name, call_id)
                )

    def answered(self, call_id: str) -> bool:
        return self._known(call_id, "answered")

    def ended(self, call_id: str) -> bool:
        return self._known(call_id, "ended")

    def _known(self, call_id: str, flag: Literal["answered", "ended"]) -> bool:
        with self._lock:
            row = self._db.execute(
                f"SELECT {flag} FROM known_call WHERE call_id = ?", (call_id,)
            ).fetchone()
        return bool(row and row[0])

    def peer_uri_of(self, call_names: list[str]) -> str:
        """The SIP URI this phone saw for one of these call records, or ''."""
        if not call_names:
            return ""
        marks = ",".join("?" * len(call_names))
        with self._lock:
            row = self._db.execute(
                f"SELECT peer_uri FROM known_call WHERE name IN ({marks}) AND peer_uri != ''"
                " LIMIT 1",
                call_names,
            ).fetchone()
        return str(row[0]) if row else ""

    def dialled(self, task: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM dialled_callback WHERE task = ?", (task,)
            ).fetchone()
        return row is not None

    def mark_dialled(self, task: str, uri: str) -> None:
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO dialled_callback (task, uri) VALUES (?, ?)", (task, uri)
            )
