"""Benchmark rows with their ratios to the same-run echo baseline, as a table or JSON."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.loadgen import RunResult

BASELINE = "echo"


@dataclass
class Row:
    scenario: str
    concurrency: int
    server_processes: int
    clients: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    server_cpu_pct: float | None
    client_cpu_pct: float
    other_cpu_pct: float | None
    error_kinds: dict[str, int] = field(default_factory=dict)
    rps_vs_echo: float | None = None
    p99_vs_echo: float | None = None

    @classmethod
    def from_run(
        cls, scenario: str, concurrency: int, server_processes: int, run: RunResult
    ) -> Row:
        r = run.load
        return cls(
            scenario, concurrency, server_processes, run.clients, r.rps, r.p50_ms, r.p95_ms,
            r.p99_ms, r.errors, run.server_cpu_pct, run.client_cpu_pct, run.other_cpu_pct,
            r.error_kinds,
        )  # fmt: skip


def _ratio(a: float, b: float) -> float | None:
    return a / b if b > 0 and math.isfinite(a) and math.isfinite(b) else None


def add_ratios(rows: list[Row]) -> None:
    """Divide each row by the echo row of the same concurrency, servers and clients."""
    base = {
        (r.concurrency, r.server_processes, r.clients): r for r in rows if r.scenario == BASELINE
    }
    for row in rows:
        echo = base.get((row.concurrency, row.server_processes, row.clients))
        if echo is not None:
            row.rps_vs_echo = _ratio(row.rps, echo.rps)
            row.p99_vs_echo = _ratio(row.p99_ms, echo.p99_ms)


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None or not math.isfinite(value) else format(value, spec)


COLUMNS = (
    "scenario", "conc", "srv", "cli", "rps", "p50 ms", "p99 ms", "errors",
    "rps/echo", "p99/echo", "srv cpu%", "cli cpu%", "other cpu%",
)  # fmt: skip


def _cells(r: Row) -> list[str]:
    return [
        r.scenario, str(r.concurrency), str(r.server_processes), str(r.clients),
        _fmt(r.rps, ",.0f"), _fmt(r.p50_ms, ".2f"), _fmt(r.p99_ms, ".2f"), str(r.errors),
        _fmt(r.rps_vs_echo, ".2f"), _fmt(r.p99_vs_echo, ".2f"),
        _fmt(r.server_cpu_pct, ".0f"), _fmt(r.client_cpu_pct, ".0f"), _fmt(r.other_cpu_pct, ".0f"),
    ]  # fmt: skip


def table(rows: list[Row]) -> str:
    lines = [list(COLUMNS), *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    lines.insert(1, ["-" * w for w in widths])
    # Scenario names read best left-aligned, numbers right-aligned.
    return "\n".join(
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )


def to_json(rows: list[Row], meta: dict[str, Any]) -> str:
    def clean(v: Any) -> Any:  # JSON has no NaN
        return None if isinstance(v, float) and not math.isfinite(v) else v

    return json.dumps(
        {"meta": meta, "rows": [{k: clean(v) for k, v in asdict(r).items()} for r in rows]},
        indent=2,
    )
