"""Helpers for tests that start `python -m services.run`: its output read line by line, and
the processes left in its process groups."""

from __future__ import annotations

import queue
import subprocess
import threading
import time
from pathlib import Path

import pytest


class ProcessOutput:
    """What a subprocess prints, read on a thread; `lines` holds every line read so far."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float) -> None:
        """Until a line contains `text`; fails the test with the output when it does not come."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            try:
                line = self._queue.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = ""
            if line is None or time.monotonic() > deadline:
                output = "\n".join(self.lines)
                pytest.fail(f"the run command printed no {text!r} within {timeout} s:\n{output}")
            self.lines.append(line)

    def drain(self, timeout: float = 10) -> None:
        """The rest of the output, once the process has exited."""
        while (line := self._queue.get(timeout=timeout)) is not None:
            self.lines.append(line)


def live_processes_in_groups(groups: set[int]) -> list[str]:
    """Processes (not zombies) whose process group is one of `groups`, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone while we looked
        # The command name is in parentheses and may hold spaces: split after it.
        fields = text[text.rindex(")") + 2 :].split()
        state, pgid = fields[0], int(fields[2])
        if pgid in groups and state != "Z":
            found.append(f"{stat.parent.name} {text[: text.rindex(')') + 1]}")
    return found
